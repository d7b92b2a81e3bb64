/** An array declared `[]` takes its size from the initializer, as C completes the type (QA garr.c). */
import { describe, expect, it } from 'vitest';
import type { VarDecl } from '../../../src/language/ast.ts';
import { fn, ok, ty } from './helpers.ts';

const types = (src: string) => ok(src).decls.filter((d): d is VarDecl => d.kind === 'VarDecl').map((d) => `${d.name}: ${ty(d.type)}`);

describe('array size from the initializer', () => {
  it('counts positional items, index designators and string literals', () => {
    expect(types('static int table[] = { 10, 20, 30 };\nstatic const char *names[] = { "a", "b" };\nstatic int t[] = { [4] = 1, 2 };\nstatic char s[] = "abcd";\nint u[] = { };')).toEqual([
      'table: array(int, 3)',
      'names: array(ptr(const char), 2)',
      't: array(int, 6)',
      's: array(char, 5)',
      'u: array(int, 0)',
    ]);
  });

  it('in a block too; an explicit size or a non-literal designator is left alone', () => {
    const f = fn(ok('#define N 3\nvoid f(void) { int l[] = { 1, 2, 3 }; int e[8] = { 1 }; int d[] = { [N] = 1 }; }'), 'f');
    const decl = f.body.items.map((s) => (s.kind === 'DeclStmt' ? `${s.decls[0].name}: ${ty(s.decls[0].type)}` : s.kind));
    // N expands to a literal, so d is complete too.
    expect(decl).toEqual(['l: array(int, 3)', 'e: array(int, 8)', 'd: array(int, 4)']);
    const g = fn(ok('enum { K = 2 };\nvoid g(void) { int d[] = { [K] = 1 }; }'), 'g');
    const s0 = g.body.items[0];
    expect(s0.kind === 'DeclStmt' ? ty(s0.decls[0].type) : '').toBe('array(int, )');
  });
});
