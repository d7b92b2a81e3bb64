import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';

const diags = (files: { path: string; text: string }[]) =>
  runProgram(files, { lockdep: false, races: false }).diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.severity}: ${d.message}`);

describe('syntax errors and name errors in one pass', () => {
  it('reports the checker\'s name errors of what did parse beside the syntax errors, in source order', () => {
    const d = diags([
      {
        path: 'p.c',
        text: `static int count = ;
static void f(void)
{
	count++;
	undefined_thing(3);
	int y = 1 +;
	y = undeclared_var;
}
void main(void) { f(); }
`,
      },
    ]);
    expect(d).toEqual([
      "p.c:1:20 error: expected expression before ';'",
      "p.c:5:2 error: implicit declaration of function 'undefined_thing'",
      "p.c:6:13 error: expected expression before ';'",
      "p.c:7:6 error: 'undeclared_var' undeclared (first use in this function)",
    ]);
  });

  it('a declaration dropped by a syntax error does not make each of its uses "undeclared"', () => {
    const d = diags([
      { path: 'a.c', text: 'static int table[3] = { 1, 2, ;\nint get(int i) { return table[i]; }\n' },
      { path: 'b.c', text: 'int get(int i);\nvoid main(void) { pr_info("%d\\n", get(1) + missing); }\n' },
    ]);
    expect(d.filter((x) => x.includes('table'))).toEqual([]);
    expect(d.some((x) => x.startsWith('a.c:1:') && x.includes(' error: '))).toBe(true);
    expect(d).toContain("b.c:2:44 error: 'missing' undeclared (first use in this function)");
  });
});
