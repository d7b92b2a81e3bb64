/**
 * Property tests: decodeLog never throws, never loses or alters a line, and
 * keeps its output consistent, on random text and on real reports that were
 * cut, shuffled, thinned out or sprinkled with garbage. Inputs are bounded in
 * size; the vitest timeout is the "never hangs" bound.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLog, explainText } from '../../../src/explain/index.ts';
import type { DecodedLog } from '../../../src/explain/index.ts';

const DIR = join(import.meta.dirname, '../../fixtures/splats');
const CORPUS = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => {
    const t = readFileSync(join(DIR, f), 'utf8');
    return t.slice(t.indexOf('\n') + 1).split('\n');
  });

/** Lines that look like report syntax, to make garbage that tempts the parser. */
const TEMPTING = [
  '======================================================',
  'WARNING: possible circular locking dependency detected',
  '[ BUG: Invalid wait context ]',
  'WARNING: inconsistent lock state',
  'BUG: KCSAN: data-race in a / b',
  '-> #1 (&x->lock){+.+.}-{3:3}:',
  '-> #0 (',
  ' #0: ffff8881 (&a->b){....}-{2:2}, at: f+0x1/0x2',
  '(((((((((((((((((((((((({+.+.}',
  'lock(A);',
  '                               lock(B);',
  '<Interrupt>',
  'stack backtrace:',
  'Call Trace:',
  ' </TASK>',
  'x/1 [HC1[1]:SC0[0]:HE0:SE1] takes:',
  'context-{5:5}',
  '---[ end trace 0000000000000000 ]---',
  '> > [   12.34][  T1] ',
  'Nov  6 16:23:32 host kernel: ',
  '4,1,2,-;',
  'Chain exists of:',
  'A --> B --> C',
  'which would create a new lock dependency:',
  '} -> (',
];

function checkInvariants(input: string, d: DecodedLog): void {
  const expected = input.split(/\r\n|\r|\n/);
  if (expected.length > 0 && expected[expected.length - 1] === '' && (input.endsWith('\n') || input.endsWith('\r'))) expected.pop();
  expect(d.lines.map((l) => l.text)).toEqual(input === '' ? [] : expected);
  d.lines.forEach((l, i) => {
    expect(l.n).toBe(i + 1);
    if (l.placed) {
      expect(l.report).toBeGreaterThanOrEqual(0);
      expect(l.report).toBeLessThan(d.reports.length);
      const r = d.reports[l.report!];
      expect(l.n).toBeGreaterThanOrEqual(r.start);
      expect(l.n).toBeLessThanOrEqual(r.end);
    } else {
      expect(l.report).toBeUndefined();
    }
  });
  d.reports.forEach((r, ri) => {
    expect(r.start).toBeLessThanOrEqual(r.end);
    if (ri > 0) expect(r.start).toBeGreaterThan(d.reports[ri - 1].end);
    for (const k of r.locks) for (const n of k.lines) expect(d.lines[n - 1].report).toBe(ri);
    for (const s of r.stacks) for (const n of s.lines) expect(d.lines[n - 1].report).toBe(ri);
    for (const e of r.chain?.edges ?? []) if (e.stack !== undefined) expect(r.stacks[e.stack]).toBeDefined();
    for (const h of r.heldLocks?.locks ?? []) expect(r.locks[h]).toBeDefined();
  });
  // The renderers must cope with whatever came out.
  expect(typeof explainText(d)).toBe('string');
  expect(() => JSON.stringify(d)).not.toThrow();
}

describe('decodeLog never throws and keeps every line', () => {
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (s) => {
        checkInvariants(s, decodeLog(s));
      }),
      { numRuns: 300 },
    );
  });

  it('random lines built from report syntax', () => {
    const line = fc.oneof(fc.constantFrom(...TEMPTING), fc.string({ maxLength: 80 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), fc.constantFrom('\n', '\r\n'), (ls, nl) => {
        const s = ls.join(nl);
        checkInvariants(s, decodeLog(s));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated real reports: drops, shuffles, truncation, garbage', () => {
    const mutation = fc.record({
      file: fc.integer({ min: 0, max: CORPUS.length - 1 }),
      drop: fc.array(fc.nat(), { maxLength: 15 }),
      swap: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }),
      cut: fc.option(fc.nat()),
      garbage: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...TEMPTING), fc.string({ maxLength: 120 }))), { maxLength: 10 }),
      quote: fc.boolean(),
    });
    fc.assert(
      fc.property(mutation, (m) => {
        let ls = [...CORPUS[m.file]];
        for (const d of m.drop) if (ls.length) ls.splice(d % ls.length, 1);
        for (const [a, b] of m.swap) {
          if (ls.length < 2) break;
          const i = a % ls.length;
          const j = b % ls.length;
          [ls[i], ls[j]] = [ls[j], ls[i]];
        }
        for (const [at, g] of m.garbage) ls.splice(at % (ls.length + 1), 0, g);
        if (m.cut !== null) {
          const keep = m.cut % (ls.length + 1);
          ls = ls.slice(0, keep);
          // Cut inside a line too, as copy-paste does.
          if (ls.length) ls[ls.length - 1] = ls[ls.length - 1].slice(0, Math.floor(ls[ls.length - 1].length / 2));
        }
        if (m.quote) ls = ls.map((l) => `> ${l}`);
        const s = ls.join('\n');
        checkInvariants(s, decodeLog(s));
      }),
      { numRuns: 400 },
    );
  });

  it('whole corpus pasted at once: every report found again, in order', () => {
    const all = CORPUS.map((ls) => ls.join('\n')).join('\n');
    const d = decodeLog(all);
    checkInvariants(all, d);
    const separately = CORPUS.flatMap((ls) => decodeLog(ls.join('\n')).reports.map((r) => r.kind));
    expect(d.reports.map((r) => r.kind)).toEqual(separately);
  });

  it('pathological single lines stay linear (bounded by the test timeout)', () => {
    const big = [
      '('.repeat(200_000) + '{+.+.}',
      ' #0: ' + 'f'.repeat(100_000) + ' (x){....}',
      '-> #1 ' + '('.repeat(50_000) + '):',
      '> '.repeat(50_000) + 'WARNING: inconsistent lock state',
      '[' + ' '.repeat(100_000) + '1.0]',
      'lock(' + 'x'.repeat(100_000),
      'a/'.repeat(100_000) + '1 is trying to acquire lock:',
      ('[<ffffffff8112d7d6>] ').repeat(10_000) + 'x',
    ];
    for (const l of big) {
      const d = decodeLog(l);
      expect(d.lines).toHaveLength(1);
    }
    // Many lines: 200k lines of a report body.
    const many = ('WARNING: possible recursive locking detected\n' + ' lock_acquire+0x1/0x2\n'.repeat(50)).repeat(400);
    const d = decodeLog(many);
    expect(d.reports).toHaveLength(400);
  });

  it('non-string input does not throw', () => {
    for (const v of [undefined, null, 42, {}, ['a']] as unknown[]) {
      expect(() => decodeLog(v as string)).not.toThrow();
    }
  });
});
