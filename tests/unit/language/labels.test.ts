/**
 * Labels and case labels followed by every kind of statement: `out: return r;`
 * is the kernel's error-path idiom, and a keyword after a label must never be
 * read as a type name.
 */
import { describe, expect, it } from 'vitest';
import type { Stmt } from '../../../src/language/ast.ts';
import { checkProgram } from '../../../src/language/index.ts';
import { body, parse } from './helpers.ts';

/** What follows the label, and the statement kind it must parse to. */
const FOLLOWERS: Array<[string, Stmt['kind']]> = [
  ['return r;', 'Return'],
  ['return mutex_is_locked(&m);', 'Return'],
  ['return;', 'Return'],
  ['if (r) r = 2;', 'If'],
  ['while (r) r--;', 'While'],
  ['for (;;) break;', 'For'],
  ['do r--; while (r);', 'DoWhile'],
  ['switch (r) { default: break; }', 'Switch'],
  ['goto again;', 'Goto'],
  ['{ r = 3; }', 'Block'],
  [';', 'Empty'],
  ['r = 4;', 'ExprStmt'],
  ['kfree(p);', 'ExprStmt'],
  ['*p = 1;', 'ExprStmt'],
  ['sizeof(r);', 'ExprStmt'],
  ['int z = 1;', 'DeclStmt'],
  ['unsigned long flags;', 'DeclStmt'],
  ['spinlock_t *lk = NULL;', 'DeclStmt'],
  ['guard(mutex)(&m);', 'Guard'],
  ['scoped_guard(mutex, &m) r = 1;', 'ScopedGuard'],
  ['list_for_each_entry(p, &h, node) r++;', 'ForEach'],
];

const inLoop = (stmt: string, label: string) => `int r = 0; int *p = 0;\nagain:\nfor (;;) {\n${label}\n\t${stmt}\n}`;

describe('labels', () => {
  for (const [stmt, kind] of FOLLOWERS) {
    it(`label then ${stmt}`, () => {
      const items = body(inLoop(stmt, 'out:'));
      const loop = items.find((s) => s.kind === 'Labeled' && s.stmt.kind === 'For');
      if (!loop || loop.kind !== 'Labeled' || loop.stmt.kind !== 'For' || loop.stmt.body.kind !== 'Block') throw new Error('no loop');
      const l = loop.stmt.body.items[0];
      expect(l.kind).toBe('Labeled');
      if (l.kind !== 'Labeled') return;
      expect(l.label).toBe('out');
      expect(l.stmt.kind).toBe(kind);
    });
    it(`case label then ${stmt}`, () => {
      const items = body(`int r = 0; int *p = 0;\nagain:\nswitch (r) {\ncase 1:\n\t${stmt}\ndefault:\n\t${stmt}\n}`);
      const sw = items.find((s): s is Extract<Stmt, { kind: 'Labeled' }> => s.kind === 'Labeled');
      if (!sw || sw.stmt.kind !== 'Switch' || sw.stmt.body.kind !== 'Block') throw new Error('no switch');
      const kinds = sw.stmt.body.items.map((s) => s.kind);
      expect(kinds).toEqual(['Case', kind, 'Default', kind]);
    });
  }

  it('a label right before the closing brace (C23) and an empty labelled statement', () => {
    for (const tail of ['out:', 'out: ;', 'out:\n\t;']) {
      const items = body(`goto out;\n${tail}`);
      const l = items[1];
      expect(l.kind).toBe('Labeled');
      if (l.kind === 'Labeled') expect(l.stmt.kind).toBe('Empty');
    }
  });

  it('consecutive labels, and a label that looks like a type name', () => {
    const items = body('goto a;\na:\nb:\n\treturn;');
    const a = items[1];
    if (a.kind !== 'Labeled' || a.stmt.kind !== 'Labeled') throw new Error('expected a: b:');
    expect(a.stmt.label).toBe('b');
    expect(a.stmt.stmt.kind).toBe('Return');
    const t = body('goto u32_done;\nu32_done:\n\treturn;')[1];
    expect(t.kind === 'Labeled' && t.stmt.kind === 'Return').toBe(true);
  });

  it("the QA programs: 'out: return r;' parses and checks clean", () => {
    const src = [
      'static DEFINE_MUTEX(m);',
      'static int f(int x)\n{\n\tint r = 0;\n\tif (x)\n\t\tgoto out;\n\tr = 1;\nout:\n\treturn r;\n}',
      'static int g(int x)\n{\n\tif (x)\n\t\tgoto out;\nout:\n\treturn mutex_is_locked(&m);\n}',
      'static int h(int x)\n{\n\tswitch (x) {\n\tcase 0:\n\t\treturn 1;\n\tdefault:\n\t\treturn h(x - 1);\n\t}\n}',
    ].join('\n');
    const r = parse(src);
    expect(r.diagnostics).toEqual([]);
    expect(checkProgram(r.program!, { builtins: new Set(['mutex_is_locked']) })).toEqual([]);
  });

  it('a keyword is never a type name in a declaration either', () => {
    // Before the fix `return r;` after a label was "r of type return"; the same rule applies anywhere.
    const r = parse('int f(int r) {\nout:\n\treturn r;\n}');
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  });
});
