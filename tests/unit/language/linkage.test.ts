/**
 * Each translation unit has its own namespace for `static` functions and
 * variables: the front end gives every file-scope symbol a linkage and a
 * program-wide unique linkName, and points each reference at its unit's static.
 */
import { describe, expect, it } from 'vitest';
import type { Expr, FunctionDef, Program, Stmt, VarDecl } from '../../../src/language/ast.ts';
import { checkProgram, parseProgram } from '../../../src/language/index.ts';

type Files = Array<[string, string]>;

function prog(files: Files): Program {
  const r = parseProgram(files.map(([path, text]) => ({ path, text })));
  if (!r.program) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n'));
  return r.program;
}

const BUILTINS = new Set(['pr_info', 'spin_lock', 'spin_unlock', 'DECLARE_WORK']);
const check = (p: Program, linkNames = true) => checkProgram(p, { builtins: BUILTINS, linkNames }).map((d) => `${d.file}:${d.line}: ${d.message}`);

function symbols(p: Program, name: string): Array<FunctionDef | VarDecl> {
  return p.decls.filter((d): d is FunctionDef | VarDecl => (d.kind === 'FunctionDef' || d.kind === 'VarDecl') && d.name === name);
}

/** Every identifier named `name` inside function `fn`, with its linkName (or '-'). */
function refs(p: Program, fn: string, name: string): string[] {
  const f = p.decls.find((d): d is FunctionDef => d.kind === 'FunctionDef' && d.name === fn);
  if (!f) throw new Error('no ' + fn);
  const out: string[] = [];
  const ex = (e: Expr): void => {
    if (e.kind === 'Ident' && e.name === name) out.push(e.linkName ?? '-');
    for (const v of Object.values(e)) {
      if (v && typeof v === 'object' && 'kind' in v) ex(v as Expr);
      if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object' && 'kind' in x) ex(x as Expr);
    }
  };
  const st = (s: Stmt): void => ex(s as unknown as Expr);
  st(f.body);
  return out;
}

// The QA reproduction: two files, each with a `static int count`.
const C_C = 'static int count = 5;\nint c_count(void) { return count; }\n';
const D_C = 'static int count = 7;\nint c_count(void);\nvoid main(void) { pr_info("d=%d c=%d\\n", count, c_count()); }\n';

describe('translation units and static symbols', () => {
  it('two files may each define a static of the same name; references go to their own unit', () => {
    const p = prog([['c.c', C_C], ['d.c', D_C]]);
    expect(check(p)).toEqual([]);
    const [c, d] = symbols(p, 'count');
    expect([c.linkage, c.unit, c.linkName]).toEqual(['internal', 'c.c', 'c.c::count']);
    expect([d.linkage, d.unit, d.linkName]).toEqual(['internal', 'd.c', 'd.c::count']);
    expect(refs(p, 'c_count', 'count')).toEqual(['c.c::count']);
    expect(refs(p, 'main', 'count')).toEqual(['d.c::count']);
    // The external function keeps its plain name everywhere.
    expect(symbols(p, 'c_count').map((s) => [s.linkage, s.linkName])).toEqual([['external', 'c_count']]);
    expect(refs(p, 'main', 'c_count')).toEqual(['-']);
  });

  it('static functions too, with argument counts checked against the unit’s own one', () => {
    const a = 'static int helper(int x) { return x; }\nint a(void) { return helper(1); }\n';
    const b = 'static int helper(void) { return 2; }\nint a(void);\nvoid main(void) { pr_info("%d %d\\n", helper(), a()); }\n';
    const p = prog([['a.c', a], ['b.c', b]]);
    expect(check(p)).toEqual([]);
    expect(refs(p, 'a', 'helper')).toEqual(['a.c::helper']);
    expect(refs(p, 'main', 'helper')).toEqual(['b.c::helper']);
    const bad = prog([['a.c', a], ['b.c', b.replace('helper(), a()', 'helper(3), a()')]]);
    expect(check(bad)).toEqual(["b.c:3: too many arguments to function 'helper'"]);
  });

  it('a static and an external symbol of one name in different files are distinct', () => {
    const a = 'int count = 1;\nint a(void) { return count; }\n';
    const b = 'static int count = 2;\nint a(void);\nvoid main(void) { pr_info("%d\\n", count + a()); }\n';
    const p = prog([['a.c', a], ['b.c', b]]);
    expect(check(p)).toEqual([]);
    expect(symbols(p, 'count').map((s) => s.linkName)).toEqual(['count', 'b.c::count']);
    expect(refs(p, 'a', 'count')).toEqual(['-']);
    expect(refs(p, 'main', 'count')).toEqual(['b.c::count']);
  });

  it('a name no other file uses keeps its plain linkName (single-file programs are unchanged)', () => {
    const p = prog([['t.c', 'static int n;\nstatic void g(void) { n++; }\nvoid main(void) { g(); }\n']]);
    expect(symbols(p, 'n').map((s) => [s.linkage, s.linkName])).toEqual([['internal', 'n']]);
    expect(symbols(p, 'g').map((s) => [s.linkage, s.linkName])).toEqual([['internal', 'g']]);
    expect(refs(p, 'g', 'n')).toEqual(['-']);
  });

  it('a local, a parameter or a for variable shadows the unit’s static', () => {
    const b = 'static int count;\nvoid f(int count) { count++; }\nvoid g(void) { int count = 0; count++; { count--; } }\nvoid h(void) { for (int count = 0; count < 2; count++) ; count = 3; }\n';
    const p = prog([['a.c', 'static int count;\n'], ['b.c', b]]);
    expect(refs(p, 'f', 'count')).toEqual(['-']);
    expect(refs(p, 'g', 'count')).toEqual(['-', '-']);
    expect(refs(p, 'h', 'count')).toEqual(['-', '-', 'b.c::count']);
  });

  it('references in global initializers and DECLARE_WORK callbacks resolve to the unit’s static', () => {
    const a = 'static void cb(struct work_struct *w) { }\nstatic int x;\nstatic int *px = &x;\nDECLARE_WORK(wa, cb);\n';
    const b = 'static void cb(struct work_struct *w) { }\nstatic int x;\nint *py = &x;\nDECLARE_WORK(wb, cb);\n';
    const p = prog([['a.c', a], ['b.c', b]]);
    expect(check(p)).toEqual([]);
    const init = (n: string) => {
      const v = symbols(p, n)[0] as VarDecl;
      const e = v.init as Expr;
      return e.kind === 'Unary' && e.operand.kind === 'Ident' ? e.operand.linkName : '?';
    };
    expect([init('px'), init('py')]).toEqual(['a.c::x', 'b.c::x']);
    const cbs = ['wa', 'wb'].map((n) => {
      const a0 = (symbols(p, n)[0] as VarDecl).defineArgs?.[0];
      return a0?.kind === 'Ident' ? a0.linkName : '?';
    });
    expect(cbs).toEqual(['a.c::cb', 'b.c::cb']);
  });

  it('a later non-static prototype in the same file keeps the static linkage', () => {
    const a = 'static int helper(void);\nint helper(void);\nstatic int helper(void) { return 1; }\nint a(void) { return helper(); }\n';
    const p = prog([['a.c', a], ['b.c', 'static int helper(void) { return 2; }\n']]);
    expect(check(p)).toEqual([]);
    const protos = p.decls.filter((d) => d.kind === 'FunctionDecl' && d.name === 'helper');
    expect(protos.map((d) => (d.kind === 'FunctionDecl' ? d.linkName : ''))).toEqual(['a.c::helper', 'a.c::helper']);
  });

  it('still a redefinition within one file', () => {
    const p = prog([['a.c', 'static int n;\nstatic int n = 2;\n'], ['b.c', 'static int n;\n']]);
    expect(check(p)).toEqual(["a.c:2: redefinition of 'n'"]);
  });

  it('another file’s static is not visible', () => {
    const p = prog([['e.c', 'static int hidden = 3;\nstatic int priv(void) { return 1; }\n'], ['f.c', 'void main(void) { pr_info("%d %d\\n", hidden, priv()); }\n']]);
    expect(check(p)).toEqual([
      "f.c:1: 'hidden' is static in another file (e.c:1:12), so this file cannot use it",
      "f.c:1: 'priv' is static in another file (e.c:2:12), so this file cannot use it",
    ]);
  });

  it('did-you-mean offers the unit’s own statics, never another file’s', () => {
    const p = prog([['e.c', 'static int counter;\nvoid g(void) { countr = 1; }\n'], ['f.c', 'void h(void) { countr = 2; }\n']]);
    expect(checkProgram(p, { builtins: BUILTINS, linkNames: true }).map((d) => `${d.file}: ${d.hint}`)).toEqual([
      "e.c: did you mean 'counter'?",
      "f.c: declare 'countr' before using it",
    ]);
  });

  it('a static in a header shared by two files is one program-wide symbol', () => {
    const h = '#ifndef H\n#define H\nstatic inline int twice(int x) { return 2 * x; }\n#endif\n';
    const p = prog([['h.h', h], ['a.c', '#include "h.h"\nint a(void) { return twice(1); }\n'], ['b.c', '#include "h.h"\nvoid main(void) { pr_info("%d\\n", twice(2)); }\n']]);
    expect(check(p)).toEqual([]);
    expect(symbols(p, 'twice').map((s) => [s.linkage, s.linkName])).toEqual([['external', 'twice']]);
  });

  it('a runtime keying symbols by name gets a clear refusal instead of a silent mix-up', () => {
    const p = prog([['c.c', C_C], ['d.c', D_C]]);
    expect(check(p, false)).toEqual(["d.c:1: 'count' is also defined at c.c:1:12: a static of the same name in two files is not supported by this simulator yet"]);
  });
});
