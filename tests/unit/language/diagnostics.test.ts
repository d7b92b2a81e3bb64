/** One row per front-end diagnostic not covered elsewhere: exact position and wording. */
import { describe, expect, it } from 'vitest';
import { checkProgram, parseProgram } from '../../../src/language/index.ts';
import { errs, ok, parse } from './helpers.ts';

const table: Array<[string, string[]]> = [
  ['#include\nint x;', ['1:2: #include expects "FILENAME" or <FILENAME>']],
  ['#include FOO\nint x;', ['1:10: #include expects "FILENAME" or <FILENAME>']],
  ['#define\nint x;', ['1:2: macro names must be identifiers']],
  ['#define F(a\nint x;', ['1:9: malformed parameter list in #define F']],
  ['#if 1\n#else\n#elif 1\n#endif\nint x;', ['3:1: #elif after #else']],
  ['#if defined(\n#endif\nint x;', ['1:5: missing \')\' after "defined"']],
  ['#ifdef\n#endif\nint x;', ['1:2: #ifdef with no macro name']],
  ['#undef\nint x;', ['1:2: no macro name given in #undef directive']],
  ['#if 1 / 0\n#endif\nint x;', ['1:9: division by zero in #if']],
  ['void f(void) { goto *p; }', ['1:21: computed goto is outside the simulated subset']],
  ['void f(void) { x = &&l; }', ['1:20: label addresses (&&label) are outside the simulated subset']],
  ['int a[] = { [1 ... 3] = 0 };', ['1:16: range designators are outside the simulated subset']],
  ['void f(int) { }', ["1:8: parameter name omitted in the definition of 'f'"]],
  ['void f(void) { x = a.; }', ["1:22: expected identifier after '.'"]],
  ['void f(void) { do x(); until (1); }', ["1:24: expected 'while' in do/while loop"]],
  ['void f(void) { x = { 1 }; }', ["1:20: expected expression before '{'"]],
  ['void f(void) { scoped_guard(&l) {} }', ['1:29: expected a lock guard type in scoped_guard']],
  ['enum { A, B', ["1:12: expected '}' to end the enum"]],
  ['int x = 1 2;', ["1:11: expected ';' at end of declaration"]],
  ['void f(void) { switch (x) { case 1 x(); } }', ["1:36: expected ':' after 'case' label"]],
  ['int f(void) { return a ? b; }', ["1:27: expected ':' in conditional expression"]],
  ['void f(void) { for (int i = 0; i < 3) ; }', ["1:37: expected ';' in 'for' statement"]],
  ['void f(void) { while x; }', ["1:22: expected '(' after 'while'"]],
  ['void f(void) { x = L"wide"; }', ['1:20: L"..." wide or unicode literals are outside the simulated subset']],
  ['void f(void) { __asm__("nop"); }', ['1:16: inline assembly is outside the simulated subset']],
  ['void f(void) { x = _Alignof(int); }', ["1:20: '_Alignof' is outside the simulated subset"]],
  ['void f(void)\n{\n\tx();\n}\n}\n', ["5:1: unmatched '}' at file scope"]],
  ['struct s { int a; }\nvoid f(void) { }', ["1:20: expected ';' after struct definition"]],
  ['enum e { A, B }\nstruct t { int a; };', ["1:16: expected ';' after enum definition"]],
  ['struct s { int a; }\nstatic int x;', ["1:20: expected ';' after struct definition"]],
  ['struct s { int a; } static const x;', []],
  ['#if\n#endif\nint x;', ['1:2: #if with no expression']],
  ['#if 1 2\n#endif\nint x;', ['1:7: missing binary operator before token "2"']],
  ['int f() int a; { return a; }', ['1:9: K&R-style function definitions are outside the simulated subset']],
  ["int c = '';", ['1:9: empty character constant']],
  ['+ x;', ["1:1: expected a declaration, found '+'"]],
  ['static x;', ["1:8: expected a type before 'x'"]],
  ['int x = ', ['1:8: expected expression at end of input']],
  ['int *;', ["1:6: expected identifier or '(' before ';'"]],
  ['unsigned void x;', ["1:1: invalid combination of type specifiers 'unsigned void'"]],
  ['int x = 09;', ["1:9: invalid integer constant '09'"]],
  ['void f(void) { x = sizeof(int y); }', ["1:31: unexpected name 'y' in a type name"]],
  ['char *s = "\\q";', ["1:12: unknown escape sequence '\\q'"]],
  ['#define F(a) a\nint x = F(1;\nint y = ;', ["2:12: expected ')' to close the argument list of 'F'", "3:9: expected expression before ';'"]],
];

describe('diagnostics table', () => {
  for (const [src, want] of table) it(JSON.stringify(src), () => expect(errs(src)).toEqual(want));

  it('unknown _t names still parse as types in casts and prototypes (the checker names them)', () => {
    expect(errs('void f(void) { x = (my_t)y; }\nvoid g(foo_t);')).toEqual([]);
  });

  it('a macro set that explodes is stopped quickly with a message', () => {
    let defs = '';
    for (let i = 0; i < 24; i++) defs += `#define M${i} M${i + 1} M${i + 1}\n`;
    const t0 = Date.now();
    const d = parse(defs + 'int x = M0;').diagnostics;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(d[0].message).toMatch(/^macro expansion of 'M\d+' does not terminate$/);
  });

  it('include chains deeper than 32 files are refused', () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ path: `h${i}.h`, text: `#include "h${i + 1}.h"\nint v${i};` }));
    files.push({ path: 'm.c', text: '#include "h0.h"\n' });
    expect(parseProgram(files).diagnostics.map((x) => `${x.file}:${x.line}:${x.col}: ${x.message}`)).toEqual(['h31.h:1:10: #include nested too deeply (32 levels)']);
  });

  it('checkProgram turns its own bugs into a diagnostic', () => {
    const program = ok('void f(void) { }');
    const f = program.decls[0];
    if (f.kind !== 'FunctionDef') throw new Error('shape');
    (f as { body: unknown }).body = null; // corrupt the AST on purpose
    const d = checkProgram(program, { builtins: new Set() });
    expect(d).toHaveLength(1);
    expect(d[0].message).toMatch(/^internal error in the C checker: /);
  });

  it('checks typedef redefinitions and for-initializer declarations', () => {
    expect(checkProgram(ok('typedef int a;\ntypedef long a;'), { builtins: new Set() }).map((x) => `${x.line}:${x.col}: ${x.message}`)).toEqual(["2:14: redefinition of typedef 'a'"]);
    expect(errs('void f(void) { for (struct q { int a; } v = {0}; ;) ; }')[0]).toBe("1:21: only variables may be declared in a 'for' initializer");
  });
});
