import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProgram, formatDiagnostic, parseProgram } from '../../../src/language/index.ts';
import { errs, parse } from './helpers.ts';

describe('error recovery: every error, in order, never an exception', () => {
  it('reports errors in several statements of one function', () => {
    const src = [
      'void f(void)',
      '{',
      '\tx = 1',
      '\ty = ;',
      '\tz = 3;',
      '\tif (a {',
      '\t\tw();',
      '\t}',
      '\tq = (1 + ;',
      '}',
    ].join('\n');
    expect(errs(src)).toEqual([
      "3:7: expected ';' after expression",
      "4:6: expected expression before ';'",
      "6:8: expected ')' to close the if condition",
      "9:11: expected expression before ';'",
    ]);
  });

  it('reports errors in several functions and declarations', () => {
    const src = ['int a = ;', 'void f(void) { return 1 }', 'struct s { int x; int y };', 'void g(void) { h(; }', 'int ok;'].join('\n');
    const r = parse(src);
    expect(r.program).toBeNull();
    expect(r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual([
      "1:9: expected expression before ';'",
      "2:25: expected ';' after return statement",
      "3:25: expected ';' at end of field declaration",
      "4:18: expected expression before ';'",
    ]);
  });

  it('keeps going after an unknown statement macro with a block', () => {
    expect(errs('void f(void)\n{\n\tmy_iter(x) {\n\t\ty();\n\t}\n\tz = ;\n}')).toEqual([
      "3:2: 'my_iter' is not an iterator macro the simulator knows",
      "6:6: expected expression before ';'",
    ]);
  });

  it('an empty program and a program of only comments parse to nothing', () => {
    expect(parse('').program!.decls).toEqual([]);
    expect(parse('/* nothing */\n// here\n').program!.decls).toEqual([]);
    expect(parseProgram([]).diagnostics[0].message).toBe('no source files given');
  });

  it('offers the partial program so name errors can be reported with syntax errors', () => {
    const r = parse('void main(void)\n{\n\tint x = 1\n\tspin_lokc(&x);\n}\nint broken = ;\nint fine;');
    expect(r.program).toBeNull();
    expect(r.partial!.decls.map((d) => d.name)).toEqual(['main', 'fine']);
    const more = checkProgram(r.partial!, { builtins: new Set(['spin_lock']) });
    expect(more.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual(["4:2: implicit declaration of function 'spin_lokc'"]);
  });

  it('returns a program and warnings when there are only warnings', () => {
    const r = parse('#warning careful\nint x;');
    expect(r.program).not.toBeNull();
    expect(r.diagnostics).toEqual([{ file: 't.c', line: 1, col: 1, severity: 'warning', message: '#warning careful' }]);
  });

  it('absurd nesting is a diagnostic, not a crash', () => {
    const deep = 'int x = ' + '('.repeat(50000) + '1' + ')'.repeat(50000) + ';';
    const r = parse(deep);
    expect(r.program).toBeNull();
    expect(r.diagnostics.map((d) => d.message)).toEqual(['the program nests expressions or blocks too deeply to simulate']);
    expect(parse('int x = ' + '('.repeat(200) + '1' + ')'.repeat(200) + ';').program).not.toBeNull();
  });

  it('caps the number of diagnostics on garbage, and says so', () => {
    const r = parse('@ '.repeat(5000));
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics[100]).toMatchObject({ severity: 'note', message: '4900 more diagnostics not shown' });
    expect(r.program).toBeNull();
    const many = checkProgram(parse('void f(void) {\n' + 'u = 1;\n'.repeat(150) + '}').program!, { builtins: new Set() });
    expect(many).toHaveLength(101);
    expect(many[100].message).toBe('50 more diagnostics not shown');
  });

  it('never throws and always explains a failure (random token soup)', () => {
    const atoms = ['int', 'x', 'y', '(', ')', '{', '}', ';', ',', '=', '+', '*', '&', '->', '.', '[', ']', '1', '"s"', "'c'", 'if', 'else', 'for',
      'while', 'do', 'return', 'struct', 's', 'goto', 'l', ':', '?', 'sizeof', 'static', 'typedef', 'u32', 'list_for_each_entry', 'scoped_guard',
      'guard', 'DEFINE_SPINLOCK', 'DEFINE_PER_CPU', '#define M(a) a', '#if 1', '#endif', '#ifdef X', '\n', 'M(', 'case', 'switch', '...', '/*', '*/'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...atoms), { maxLength: 60 }), (parts) => {
        const text = parts.join(' ');
        const r = parseProgram([{ path: 'fuzz.c', text }]);
        if (r.program === null) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        for (const d of r.diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(/internal error/);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('error recovery on damaged real code', () => {
  const klist = readFileSync(new URL('./fixtures/klist.c', import.meta.url), 'utf8');

  it('a deleted, duplicated or inserted character never crashes the front end', () => {
    const junk = [';', '{', '}', '(', ')', ',', '*', '"', "'", '#', '\\', '/*', 'int', ' if ', '\n#endif\n', '\n#if 0\n'];
    fc.assert(
      fc.property(fc.nat(klist.length - 1), fc.nat(klist.length - 1), fc.constantFrom(...junk), fc.nat(2), (at, at2, ins, op) => {
        const text = op === 0 ? klist.slice(0, at) + klist.slice(at + 1) : op === 1 ? klist.slice(0, at) + ins + klist.slice(at) : klist.slice(0, at) + klist.slice(at, at2) + klist.slice(at);
        const r = parseProgram([{ path: 'klist.c', text }]);
        expect(r.diagnostics.some((d) => /internal error/.test(d.message))).toBe(false);
        if (r.program === null) expect(r.diagnostics.length).toBeGreaterThan(0);
        const lines = text.split('\n').length;
        for (const d of r.diagnostics) expect(d.line).toBeLessThanOrEqual(lines + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('two independent typos in different functions are both reported', () => {
    const broken = klist.replace('list_add_tail(&n->n_node, &k->k_list);', 'list_add_tail(&n->n_node, &k->k_list)').replace('i->i_cur = NULL;\n}', 'i->i_cur = NULL\n}');
    const r = parseProgram([{ path: 'klist.c', text: broken }]);
    expect(r.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(["70: expected ';' after expression", "92: expected ';' after expression"]);
  });
});

describe('formatDiagnostic', () => {
  it('prints gcc style with the source line, a caret and the hint', () => {
    const text = 'void f(void)\n{\n\tx = 1\n\ty = 2;\n}';
    const r = parseProgram([{ path: 'klist.c', text }]);
    expect(formatDiagnostic(r.diagnostics[0], [{ path: 'klist.c', text }])).toBe(
      ["klist.c:3:7: error: expected ';' after expression", '    3 | \tx = 1', '      | \t     ^', "klist.c:3:7: hint: add ';' at the end of the statement"].join('\n'),
    );
  });

  it('prints just the location line without sources', () => {
    expect(formatDiagnostic({ file: 'a.c', line: 2, col: 3, severity: 'warning', message: 'm' })).toBe('a.c:2:3: warning: m');
  });
});
