/**
 * Conformance: lib/locking-selftest.c's matrix (every non-ww_mutex case) run
 * against the model, each cell asserting the kernel's verdict and the report
 * kind; then the kernel's summary table with its totals.
 */
import { describe, expect, it } from 'vitest';
import { buildRows, runCell, runSelftest, SUCCESS } from './selftest-cases.ts';

describe('locking-selftest matrix (PROVE_RAW_LOCK_NESTING=y)', () => {
  for (const row of buildRows({ proveRawLockNesting: true })) {
    for (const c of row.cells) {
      it(`${row.name.trim()} [${c.id}] ${c.expected === SUCCESS ? 'passes' : 'fails'}`, () => {
        const r = runCell(c, true);
        expect(r.debugLocks ? 1 : 0).toBe(c.expected);
        if (c.expected === SUCCESS) expect(r.kinds).toEqual([]);
        else if (c.kinds) expect(c.kinds).toContain(r.kinds[0]);
      });
    }
  }
});

describe('locking-selftest summary', () => {
  it('prints the kernel table and all 359 non-ww cases pass with every option on', () => {
    const t = runSelftest({ proveRawLockNesting: true });
    console.log(t.lines.join('\n'));
    expect(t.failedCells.map((f) => f.cell.id)).toEqual([]);
    expect(t.total).toBe(359);
    expect(t.successes).toBe(359);
    expect(t.lines.at(-2)).toBe('Good, all 359 testcases passed! |');
    expect(t.lines[3]).toBe('                                 | spin |wlock |rlock |mutex | wsem | rsem |rtmutex');
    expect(t.lines.find((l) => l.includes('A-A deadlock'))).toBe('                     A-A deadlock:FAILED|'.replace('FAILED|', '  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |  ok  |'));
  });

  it('without PROVE_RAW_LOCK_NESTING the wait-context section is not run (323 cases)', () => {
    const t = runSelftest({ proveRawLockNesting: false });
    expect(t.failedCells.map((f) => f.cell.id)).toEqual([]);
    expect(t.total).toBe(359 - 36);
  });
});
