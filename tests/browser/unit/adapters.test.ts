import { describe, expect, it } from 'vitest';
import { decodeSplat } from '../../../src/site/lib/explain-adapter.ts';
import { toGradeView } from '../../../src/site/worker/adapt.ts';
import type { GradeResult } from '../../../src/grader/types.ts';

describe('decodeSplat (the annotated splat at build time)', () => {
  const splat = [
    '[   32.288590] ================================',
    '[   32.288591] WARNING: inconsistent lock state',
    '[   32.288595] inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.',
    'some unrelated line',
  ].join('\n');

  it('keeps every line, in order, and explains the ones the decoder places', async () => {
    const d = await decodeSplat(splat + '\n\n');
    expect(d.lines.map((l) => l.text)).toEqual(splat.split('\n'));
    expect(d.lines.map((l) => l.n)).toEqual([1, 2, 3, 4]);
    expect(d.kinds).toEqual(['inconsistent']);
    const header = d.lines[1];
    expect(header.role).toBe('header');
    expect(header.explanation.length).toBeGreaterThan(10);
  });
});

describe('toGradeView (grader result -> page)', () => {
  const result: GradeResult = {
    exercise: 'abba',
    status: 'fail',
    message: '1 of 2 checks failed',
    checks: [
      { name: 'runs', kind: 'runs', status: 'pass', message: 'ran', description: 'runs', markers: [] },
      {
        name: 'lockdep',
        kind: 'lockdep',
        status: 'fail',
        message: 'WARNING: possible circular locking dependency detected',
        description: 'lockdep reports nothing',
        reportKind: 'circular',
        report: 'WARNING: ...',
        hint: 'order',
        markers: [{ pos: { file: 'stats.c', line: 30, col: 2 }, message: 'closes the cycle', severity: 'error' }],
      },
    ],
    diagnostics: [],
    log: 'boot\n',
    timing: { totalMs: 3.5, runs: [] },
  };

  it('keeps status, checks, report kind, hint and markers by file and line', () => {
    const v = toGradeView(result, 99);
    expect(v.status).toBe('fail');
    expect(v.timeMs).toBe(3.5);
    expect(v.checks.map((c) => [c.name, c.status])).toEqual([
      ['runs', 'pass'],
      ['lockdep', 'fail'],
    ]);
    expect(v.checks[1]).toMatchObject({ reportKind: 'circular', hint: 'order', output: 'WARNING: ...' });
    expect(v.checks[1].markers).toEqual([{ file: 'stats.c', line: 30, col: 2, message: 'closes the cycle', severity: 'error' }]);
    expect(v.log).toBe('boot\n');
  });

  it('degrades instead of throwing on a result it does not know', () => {
    const v = toGradeView({ status: 'weird', checks: [{ name: 'x' }] }, 7);
    expect(v.status).toBe('fail');
    expect(v.timeMs).toBe(7);
    expect(v.checks).toEqual([{ name: 'x', status: 'fail', message: '', description: undefined, output: undefined, reportKind: undefined, hint: undefined, markers: [] }]);
    expect(toGradeView(undefined, 1).checks).toEqual([]);
  });
});
