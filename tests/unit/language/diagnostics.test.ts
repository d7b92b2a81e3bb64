/** One row per front-end diagnostic not covered elsewhere: exact position and wording. */
import { describe, expect, it } from 'vitest';
import { errs } from './helpers.ts';

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
];

describe('diagnostics table', () => {
  for (const [src, want] of table) it(JSON.stringify(src), () => expect(errs(src)).toEqual(want));

  it('unknown _t names still parse as types in casts and prototypes (the checker names them)', () => {
    expect(errs('void f(void) { x = (my_t)y; }\nvoid g(foo_t);')).toEqual([]);
  });
});
