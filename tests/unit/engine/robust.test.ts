import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';
import { makeBuiltins } from '../../../src/interpreter/builtins/index.ts';

/** Every builtin, called wrongly, must answer with a diagnostic or a kernel report — never a JS exception. */
describe('builtins never crash the engine', () => {
  const names = [...makeBuiltins().keys()];
  const shapes = ['()', '(0)', '(NULL, NULL)', '(1, 2, 3)', '(&x, 1, &x, 2, &x, 3)', '(-1, -1, -1)', '(&x, 100000000000, 3)', '(&x, &x, &x)'];
  it(`${names.length} builtins x ${shapes.length} argument shapes`, { timeout: 120_000 }, () => {
    const crashes: string[] = [];
    for (const n of names) {
      for (const a of shapes) {
        const r = runProgram([{ path: 'b.c', text: `static long x; void main(void) { ${n}${a}; }` }], { maxSteps: 20_000, maxTimeMs: 1000, races: false });
        for (const d of r.diagnostics) if (/internal error/.test(d.message)) crashes.push(`${n}${a}: ${d.message}`);
      }
    }
    expect(crashes).toEqual([]);
  });
});
