import { describe, expect, it } from 'vitest';
import type { RunOptions, RunResult, SourceFile } from '../../../src/engine/api.ts';
import type { EventContext, KernelEvent, Report } from '../../../src/events/types.ts';
import { toExercism, toJunit, toKtap, formatText } from '../../../src/grader/format.ts';
import { gradeWith, runOptionsFor, type RunFn } from '../../../src/grader/grade.ts';
import { applySubmission, loadExercise } from '../../../src/grader/load.ts';
import { selfTest } from '../../../src/grader/selftest.ts';
import type { Exercise } from '../../../src/grader/types.ts';

/** A tiny exercise folder, as texts. */
function folder(over: Record<string, string | undefined> = {}, meta: Record<string, unknown> = {}): Map<string, string> {
  const m: Record<string, string | undefined> = {
    'exercise.json': JSON.stringify({
      title: 'T',
      lesson: 'abba',
      thread: { seed: '001_63d1b2f7394d89e4.txt', author: 'A', date: 'D' },
      difficulty: 'easy',
      minutes: 5,
      files: [
        { path: 'code.c', editable: true, role: 'starter' },
        { path: 'harness.c', editable: false, role: 'harness' },
      ],
      entry: 'main',
      hints: ['a', 'b', 'c'],
      hintsByReportKind: { circular: 'take them in one order' },
      checks: [
        { kind: 'lockdep', name: 'lockdep' },
        { kind: 'functional', name: 'functional' },
        { kind: 'not-blinded', name: 'not-blinded' },
        { kind: 'must-report', name: 'still-sees', variant: 'bad', expect: ['circular'], message: 'lockdep must still see the bad order' },
      ],
      starter: { check: 'lockdep', report: 'circular' },
      ...meta,
    }),
    'code.c': '/* starter: BAD */',
    'harness.c': 'void main(void) { lab_check(x == 1, "x is one"); lab_check(y, "y set"); }',
    'solution/code.c': '/* GOOD */',
    'wrong/off/code.c': '/* GOOD */ lockdep_off();',
    'wrong/off/why.json': JSON.stringify({ fails: 'not-blinded', why: 'lockdep_off hides it' }),
    'wrong/lazy/code.c': '/* LAZY */',
    'wrong/lazy/why.json': JSON.stringify({ fails: 'functional', why: 'drops the work' }),
    'variants/bad/harness.c': 'void main(void) { /* VARIANT */ }',
    ...over,
  };
  return new Map(Object.entries(m).filter((e): e is [string, string] => e[1] !== undefined));
}

function ex(over?: Record<string, string | undefined>, meta?: Record<string, unknown>): Exercise {
  const r = loadExercise('t', folder(over, meta));
  expect(r.errors).toEqual([]);
  return r.exercise!;
}

const ctx = (file: string, line: number): EventContext => ({
  cpu: 0,
  task: { pid: 1, comm: 'main' },
  stack: [{ fn: 'f', pos: { file, line, col: 2 }, offset: 0, size: 16 }],
  hardirqCount: 0,
  softirqCount: 0,
  preemptCount: 0,
  nmi: false,
  hardirqsEnabled: true,
  softirqsEnabled: true,
});

function report(kind: Report['kind'], header: string, locks: string[] = []): Report {
  const held = locks.map((name, i) => ({ name, classKey: `static:${name}`, role: i ? ('holding' as const) : ('acquiring' as const) }));
  return { kind, source: 'lockdep', header, lines: ['', '=====', header, 'details'], locks: held, ...(locks.length ? { chain: locks } : {}), sites: [{ pos: { file: 'code.c', line: 3, col: 2 }, message: 'here' }], task: { pid: 1, comm: 'main' }, cpu: 0 };
}

/**
 * A stand-in for the engine that reads markers out of the program text: BAD
 * gives a circular report, GOOD passes both lab_checks, LAZY runs one only,
 * lockdep_off() emits the event, LOOP runs out of steps, VARIANT (in the harness)
 * reports circular only when the code is GOOD.
 */
const fakeRun: RunFn = (files: SourceFile[], opts: RunOptions): RunResult => {
  const all = files.map((f) => f.text).join('\n');
  const code = files.find((f) => f.path === 'code.c')!.text;
  const res: RunResult = { status: 'clean', diagnostics: [], log: [], text: 'log text\n', reports: [], checks: [], stats: { steps: 10, events: 0, timeMs: 0, heapBytes: 0 } };
  if (code.includes('SYNTAX')) return { ...res, status: 'invalid', diagnostics: [{ file: 'code.c', line: 1, col: 4, severity: 'error', message: "expected ';'" }] };
  if (code.includes('LOOP')) return { ...res, status: 'budget', budget: { kind: 'steps', message: 'step budget exhausted in f() at code.c:2', pos: { file: 'code.c', line: 2, col: 1 } } };
  if (code.includes('THROW')) throw new Error('boom');
  if (code.includes('RECURSE'))
    return { ...res, status: 'invalid', diagnostics: [{ file: 'code.c', line: 1, col: 1, severity: 'error', message: 'internal error in the simulated kernel: Maximum call stack size exceeded' }] };
  const emit = (e: KernelEvent) => opts.observers?.forEach((o) => o.event(e));
  if (code.includes('lockdep_off()')) emit({ kind: 'lockdep_off', ctx: ctx('code.c', 7) });
  if (code.includes('SUBCLASS')) {
    const lock = { id: 1, addr: 1n, key: 'static:a', name: 'a', lockType: 'spin' as never, waitInner: 2 as never, waitOuter: 0 as never };
    emit({ kind: 'acquire', ctx: ctx('code.c', 9), lock, subclass: 3, read: 0, trylock: false, check: true, api: 'spin_lock_nested' });
  }
  if (all.includes('VARIANT')) {
    if (code.includes('GOOD')) res.reports.push(report('circular', 'WARNING: possible circular locking dependency detected'));
    return res;
  }
  if (code.includes('BAD')) res.reports.push(report('circular', 'WARNING: possible circular locking dependency detected', code.includes('FAKE') ? ['fake_a', 'fake_b/1'] : ['cache_lock', '&o->lock/1']));
  res.checks.push({ message: 'x is one', passed: true, pos: { file: 'harness.c', line: 1, col: 19 } });
  if (!code.includes('LAZY')) res.checks.push({ message: 'y set', passed: true, pos: { file: 'harness.c', line: 1, col: 50 } });
  if (res.reports.length) res.status = 'reported';
  return res;
};

const sub = (text: string): SourceFile[] => [{ path: 'code.c', text }];

describe('gradeWith', () => {
  it('passes a good submission on every check, including the must-report variant run', () => {
    const r = gradeWith(fakeRun, ex(), sub('GOOD'));
    expect(r.status).toBe('pass');
    expect(r.checks.map((c) => [c.name, c.status])).toEqual([
      ['runs', 'pass'],
      ['lockdep', 'pass'],
      ['functional', 'pass'],
      ['not-blinded', 'pass'],
      ['still-sees', 'pass'],
    ]);
    expect(r.timing.runs.map((x) => x.name)).toEqual(['main', 'still-sees']);
  });

  it('fails the lockdep check with the report text, markers and the hint for its kind', () => {
    const r = gradeWith(fakeRun, ex(), sub('BAD'));
    const c = r.checks.find((x) => x.name === 'lockdep')!;
    expect(r.status).toBe('fail');
    expect(c.status).toBe('fail');
    expect(c.reportKind).toBe('circular');
    expect(c.report).toContain('details');
    expect(c.hint).toBe('take them in one order');
    expect(c.markers[0].pos).toEqual({ file: 'code.c', line: 3, col: 2 });
  });

  it('counts a lab_check that never ran as failed, with a marker on the harness line', () => {
    const r = gradeWith(fakeRun, ex(), sub('GOOD LAZY'));
    const c = r.checks.find((x) => x.name === 'functional')!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('"y set" never ran');
    expect(c.markers[0].pos.file).toBe('harness.c');
  });

  it('fails not-blinded on lockdep_off() both from the events and from the source', () => {
    const r = gradeWith(fakeRun, ex(), sub('GOOD\n lockdep_off();'));
    const c = r.checks.find((x) => x.name === 'not-blinded')!;
    expect(c.status).toBe('fail');
    expect(c.markers.some((m) => m.pos.line === 2)).toBe(true); // from the source scan
    expect(c.markers.some((m) => m.pos.line === 7)).toBe(true); // from the event
    // In a comment it is not a call.
    expect(gradeWith(fakeRun, ex(), sub('GOOD /* no lockdep_off( here */')).status).toBe('pass');
  });

  it('fails not-blinded on a subclass the exercise does not allow, and passes it when allowed', () => {
    expect(gradeWith(fakeRun, ex(), sub('GOOD SUBCLASS')).checks.find((x) => x.name === 'not-blinded')!.status).toBe('fail');
    const allowed = ex(undefined, {
      checks: [
        { kind: 'lockdep', name: 'lockdep' },
        { kind: 'functional', name: 'functional' },
        { kind: 'not-blinded', name: 'not-blinded', subclasses: { a: [3] } },
      ],
    });
    expect(gradeWith(fakeRun, allowed, sub('GOOD SUBCLASS')).status).toBe('pass');
  });

  it('fails must-report when the learner code hides the variant', () => {
    const r = gradeWith(fakeRun, ex(), sub('OTHER'));
    const c = r.checks.find((x) => x.name === 'still-sees')!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('lockdep must still see the bad order');
  });

  it('turns a runaway run into a failed "runs" check with the budget message', () => {
    const r = gradeWith(fakeRun, ex(), sub('LOOP'));
    expect(r.status).toBe('fail');
    expect(r.checks[0]).toMatchObject({ name: 'runs', status: 'fail', message: 'ran out of steps: step budget exhausted in f() at code.c:2' });
  });

  it('the step budget decides; the wall clock is a generous safety net whose stop is "could not grade", not a verdict', () => {
    expect(runOptionsFor(ex()).maxTimeMs).toBeGreaterThanOrEqual(20_000);
    expect(runOptionsFor(ex()).maxSteps).toBe(2_000_000);
    const slow: RunFn = (files, opts) => ({ ...fakeRun(files, opts), status: 'budget', budget: { kind: 'time', message: 'time budget exhausted in f()' } });
    const r = gradeWith(slow, ex(), sub('GOOD'), { maxTimeMs: 20_000 });
    expect(r.status).toBe('error');
    expect(r.message).toContain('wall-clock safety limit (20 s)');
    expect(r.message).toContain('not a verdict on your code');
    expect(r.checks.every((c) => c.status === 'skip')).toBe(true);
    // Only the variant run is slow: still no verdict.
    const slowVariant: RunFn = (files, opts) => (files.some((f) => f.text.includes('VARIANT')) ? slow(files, opts) : fakeRun(files, opts));
    expect(gradeWith(slowVariant, ex(), sub('GOOD')).status).toBe('error');
  });

  it('caps the kernel log carried in the result, saying how much was left out', () => {
    const line = 'spam spam spam spam spam spam spam spam spam spam 123456\n';
    const flood: RunFn = (files, opts) => ({ ...fakeRun(files, opts), text: line.repeat(100_000) });
    const r = gradeWith(flood, ex(), sub('GOOD'));
    expect(r.log.length).toBeLessThan(70_000);
    expect(r.log.startsWith(line)).toBe(true);
    const omitted = Number(/\[\.\.\. (\d+) bytes of log omitted\]/.exec(r.log)![1]);
    expect(omitted + r.log.indexOf('\n[...')).toBe(line.length * 100_000);
    expect(toJunit([{ name: 's', result: r }] as never).length).toBeLessThan(80_000);
    expect(gradeWith(fakeRun, ex(), sub('GOOD')).log).toBe('log text\n');
  });

  it('reports a program that does not build as error with diagnostics, checks skipped', () => {
    const r = gradeWith(fakeRun, ex(), sub('SYNTAX'));
    expect(r.status).toBe('error');
    expect(r.message).toContain("code.c:1:4: error: expected ';'");
    expect(r.checks.every((c) => c.status === 'skip')).toBe(true);
  });

  it('fails (not errors) a submission that recurses until the host stack runs out', () => {
    const r = gradeWith(fakeRun, ex(), sub('RECURSE'));
    expect(r.status).toBe('fail');
    expect(r.diagnostics).toEqual([]);
    expect(r.checks[0]).toMatchObject({ name: 'runs', status: 'fail', message: expect.stringContaining('kernel stack overflow') });
  });

  it('points a build error about a starter helper the submission lacks at the starter', () => {
    const missing: RunFn = (files, opts) => {
      const code = files.find((f) => f.path === 'code.c')!.text;
      if (!code.includes('int count_of(')) return { ...fakeRun(files, opts), status: 'invalid', diagnostics: [{ file: 'harness.c', line: 3, col: 9, severity: 'error', message: "undefined reference to `count_of'" }] };
      return fakeRun(files, opts);
    };
    const e = ex({ 'code.c': '/* starter: BAD */\nint count_of(struct s *s)\n{\n\treturn s->n;\n}\n' });
    const r = gradeWith(missing, e, sub('/* GOOD, from an old starter */'));
    expect(r.status).toBe('error');
    expect(r.message).toContain("harness.c:3:9: error: undefined reference to `count_of' — the starter's code.c defines count_of(); keep it in your code.c");
    // An unknown name gets no such note.
    const other: RunFn = (files, opts) => ({ ...fakeRun(files, opts), status: 'invalid', diagnostics: [{ file: 'harness.c', line: 3, col: 9, severity: 'error', message: "undefined reference to `nowhere'" }] });
    expect(gradeWith(other, e, sub('/* GOOD */')).message).not.toContain('starter');
  });

  it('runs every exercise with the race check when it grades races, as Run must show the same log', () => {
    const withRaces = ex({}, { checks: [{ kind: 'lockdep', name: 'lockdep' }, { kind: 'races', name: 'races' }, { kind: 'functional', name: 'functional' }, { kind: 'not-blinded', name: 'not-blinded' }] });
    expect(runOptionsFor(withRaces).races).toBe(true);
    expect(runOptionsFor(ex()).races).toBe(false);
  });

  it('survives an engine that throws', () => {
    const r = gradeWith(fakeRun, ex(), sub('THROW'));
    expect(r.status).toBe('error');
    expect(r.message).toContain('internal error in the simulator: boom');
  });

  it('with an expected report kind, passes only when lockdep prints it', () => {
    const why = JSON.stringify({ fails: 'sees-it', why: 'w' });
    const e = ex({ 'wrong/off/why.json': why, 'wrong/lazy/why.json': why }, { checks: [{ kind: 'lockdep', name: 'sees-it', expect: 'circular' }], starter: { check: 'sees-it' } });
    expect(gradeWith(fakeRun, e, sub('BAD')).status).toBe('pass');
    const r = gradeWith(fakeRun, e, sub('GOOD'));
    expect(r.status).toBe('fail');
    expect(r.checks[1].message).toContain('printed nothing');
  });

  it('with expected locks, a report of that kind about other locks fails, saying which locks it is about', () => {
    const why = JSON.stringify({ fails: 'sees-it', why: 'w' });
    const e = ex({ 'wrong/off/why.json': why, 'wrong/lazy/why.json': why }, { checks: [{ kind: 'lockdep', name: 'sees-it', expect: 'circular', locks: ['cache_lock', '&o->lock'] }], starter: { check: 'sees-it' } });
    expect(gradeWith(fakeRun, e, sub('BAD')).status).toBe('pass'); // `/1` subclass suffixes do not matter
    const r = gradeWith(fakeRun, e, sub('BAD FAKE'));
    expect(r.status).toBe('fail');
    expect(r.checks[1].message).toContain('it is about fake_a, fake_b, not cache_lock and &o->lock');
    expect(r.checks[1].report).toContain('possible circular');
  });

  it('a must-report check can require the locks of the report or the function that raised it', () => {
    const variantRun: RunFn = (files, opts) => {
      const r = fakeRun(files, opts);
      if (files.some((f) => f.text.includes('VARIANT'))) r.reports = [report('warning', 'WARNING: CPU: 0 PID: 1 at code.c:4 other_fn+0x10/0x40')];
      return r;
    };
    const checks = [
      { kind: 'lockdep', name: 'lockdep' },
      { kind: 'functional', name: 'functional' },
      { kind: 'not-blinded', name: 'not-blinded' },
      { kind: 'must-report', name: 'still-sees', variant: 'bad', expect: ['warning'], in: '__lookup_locked', message: 'the helper must assert' },
    ];
    const r = gradeWith(variantRun, ex({}, { checks }), sub('GOOD'));
    const c = r.checks.find((x) => x.name === 'still-sees')!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('it is not raised in __lookup_locked()');
    const ok: RunFn = (files, opts) => {
      const r2 = fakeRun(files, opts);
      if (files.some((f) => f.text.includes('VARIANT'))) r2.reports = [report('warning', 'WARNING: CPU: 0 PID: 1 at code.c:4 __lookup_locked+0x10/0x40')];
      return r2;
    };
    expect(gradeWith(ok, ex({}, { checks }), sub('GOOD')).checks.find((x) => x.name === 'still-sees')!.status).toBe('pass');
  });
});

describe('applySubmission', () => {
  it('maps a lone file onto the only editable file and rejects unknown files', () => {
    const e = ex();
    expect(applySubmission(e, [{ path: 'mine.c', text: 'X' }]).files.find((f) => f.path === 'code.c')!.text).toBe('X');
    expect(applySubmission(e, [{ path: 'a.c', text: '' }, { path: 'b.c', text: '' }]).errors).toHaveLength(2);
    expect(applySubmission(e, [{ path: 'harness.c', text: '' }, { path: 'code.c', text: '' }]).errors[0]).toContain('not an editable file');
  });
});

describe('selfTest', () => {
  it('accepts an exercise whose starter, solution and wrong fixes behave as declared', () => {
    const r = selfTest(ex(), (e, f) => gradeWith(fakeRun, e, f));
    expect(r.cases.map((c) => [c.name, c.ok])).toEqual([
      ['starter', true],
      ['solution', true],
      ['wrong/lazy', true],
      ['wrong/off', true],
    ]);
  });

  it('flags a wrong fix that fails for another reason than the one stated', () => {
    const e = ex({ 'wrong/lazy/why.json': JSON.stringify({ fails: 'lockdep', why: 'x' }) });
    const r = selfTest(e, (x, f) => gradeWith(fakeRun, x, f));
    const c = r.cases.find((x) => x.name === 'wrong/lazy')!;
    expect(r.ok).toBe(false);
    expect(c.ok).toBe(false);
    expect(c.message).toContain('functional failed');
  });

  it('flags a starter that passes', () => {
    const r = selfTest(ex({ 'code.c': 'GOOD' }), (x, f) => gradeWith(fakeRun, x, f));
    expect(r.cases[0]).toMatchObject({ name: 'starter', ok: false });
  });
});

describe('formats', () => {
  const bad = () => gradeWith(fakeRun, ex(), sub('BAD LAZY'));

  it('Exercism v3: version, status, and one test per check with test_code', () => {
    const j = toExercism(bad());
    expect(j.version).toBe(3);
    expect(j.status).toBe('fail');
    expect(j.message).toBeUndefined();
    const l = j.tests.find((t) => t.name.startsWith('lockdep:'))!;
    expect(l.status).toBe('fail');
    expect(l.output).toContain('WARNING: possible circular');
    expect(l.test_code).toBe('lockdep reports nothing');
    expect(toExercism(gradeWith(fakeRun, ex(), sub('SYNTAX')))).toMatchObject({ status: 'error', message: expect.stringContaining("expected ';'") });
  });

  it('JUnit XML counts failures and escapes report text', () => {
    const x = toJunit([{ name: 'alice <1>', result: bad() }]);
    expect(x).toMatch(/<testsuites name="lockdep-lab" tests="5" failures="3" errors="0" skipped="0"/);
    expect(x).toContain('name="alice &lt;1&gt;"');
    expect(x).toContain('<failure message="WARNING: possible circular locking dependency detected" type="circular">');
  });

  it('KTAP has a subtest per submission with KUnit-style totals', () => {
    const t = toKtap([{ name: 'alice', result: bad() }, { name: 'bob', result: gradeWith(fakeRun, ex(), sub('GOOD')) }]);
    const lines = t.split('\n');
    expect(lines[0]).toBe('KTAP version 1');
    expect(lines[1]).toBe('1..2');
    expect(lines).toContain('    # Subtest: alice');
    expect(lines).toContain('    not ok 2 lockdep');
    expect(lines).toContain('not ok 1 alice');
    expect(lines).toContain('ok 2 bob');
    expect(lines[lines.length - 1]).toBe('# Totals: pass:7 fail:3 skip:0 total:10');
  });

  it('text names every failed check and the hint', () => {
    const s = formatText(bad());
    expect(s).toMatch(/^t: FAIL — 3 of 5 checks failed: lockdep, functional, still-sees/);
    expect(s).toContain('hint: take them in one order');
  });
});
