import { describe, expect, it } from 'vitest';
import { MAX_PRINTK, runProgram } from '../../../src/engine/run.ts';

describe('budgets are deterministic (QA F26)', () => {
  it('a printk flood ends on the step budget with a capped log, the same every run', () => {
    const src = `void main(void)\n{\n\tint i;\n\tfor (i = 0; i < 10000000; i++)\n\t\tpr_info("spam %d\\n", i);\n}\n`;
    const a = runProgram([{ path: 'flood.c', text: src }], { lockdep: false, races: false, maxSteps: 200_000 });
    const b = runProgram([{ path: 'flood.c', text: src }], { lockdep: false, races: false, maxSteps: 200_000 });
    expect(a.status).toBe('budget');
    expect(a.budget?.kind).toBe('steps');
    const lines = a.text.trimEnd().split('\n');
    expect(lines).toHaveLength(MAX_PRINTK + 1);
    expect(lines[MAX_PRINTK - 1]).toBe(`spam ${MAX_PRINTK - 1}`);
    expect(lines[MAX_PRINTK]).toMatch(/^\*\* \d+ printk messages dropped \*\*$/);
    expect(b.text).toBe(a.text);
  });

  it('without an explicit maxTimeMs, a run of 1.2M steps is never cut by wall-clock time', () => {
    const r = runProgram([{ path: 'busy.c', text: 'void main(void) { long x = 0; for (int i = 0; i < 600000; i++) x += i; pr_info("x=%ld\\n", x); }' }], { lockdep: false, races: false });
    expect(r.status).toBe('clean');
    expect(r.text).toBe('x=179999700000\n');
  });
});
