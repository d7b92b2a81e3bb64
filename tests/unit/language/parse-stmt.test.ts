import { describe, expect, it } from 'vitest';
import type { Stmt } from '../../../src/language/ast.ts';
import { body, errs, sx, ty } from './helpers.ts';

/** One line per statement, nested bodies indented: enough to pin the shape. */
function shape(items: Stmt[], depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const out: string[] = [];
  const sub = (s: Stmt) => (s.kind === 'Block' ? shape(s.items, depth + 1) : shape([s], depth + 1));
  for (const s of items) {
    switch (s.kind) {
      case 'Block':
        out.push(pad + '{');
        out.push(...shape(s.items, depth + 1));
        break;
      case 'DeclStmt':
        out.push(pad + 'decl ' + s.decls.map((d) => `${d.name}: ${ty(d.type)}${d.init && d.init.kind !== 'InitList' ? ' = ' + sx(d.init) : ''}`).join(', '));
        break;
      case 'TypeDeclStmt':
        out.push(pad + 'type ' + s.decl.kind + ' ' + s.decl.name);
        break;
      case 'ExprStmt':
        out.push(pad + sx(s.expr));
        break;
      case 'If':
        out.push(pad + `if ${sx(s.cond)}`);
        out.push(...sub(s.then));
        if (s.else) {
          out.push(pad + 'else');
          out.push(...sub(s.else));
        }
        break;
      case 'While':
        out.push(pad + `while ${sx(s.cond)}`);
        out.push(...sub(s.body));
        break;
      case 'DoWhile':
        out.push(pad + 'do');
        out.push(...sub(s.body));
        out.push(pad + `while ${sx(s.cond)}`);
        break;
      case 'For': {
        const init = s.init === null ? '' : s.init.kind === 'DeclStmt' ? 'decl ' + s.init.decls.map((d) => d.name).join(',') : sx(s.init);
        out.push(pad + `for ${init}; ${s.cond ? sx(s.cond) : ''}; ${s.step ? sx(s.step) : ''}`);
        out.push(...sub(s.body));
        break;
      }
      case 'Switch':
        out.push(pad + `switch ${sx(s.expr)}`);
        out.push(...sub(s.body));
        break;
      case 'Case':
        out.push(pad + `case ${sx(s.value)}${s.high ? ' ... ' + sx(s.high) : ''}`);
        break;
      case 'Default':
        out.push(pad + 'default');
        break;
      case 'Break':
      case 'Continue':
      case 'Empty':
        out.push(pad + s.kind.toLowerCase());
        break;
      case 'Return':
        out.push(pad + 'return' + (s.value ? ' ' + sx(s.value) : ''));
        break;
      case 'Goto':
        out.push(pad + 'goto ' + s.label);
        break;
      case 'Labeled':
        out.push(pad + s.label + ':');
        out.push(...shape([s.stmt], depth));
        break;
      case 'ForEach':
        out.push(pad + `${s.macro}(${s.args.map(sx).join(', ')})`);
        out.push(...sub(s.body));
        break;
      case 'ScopedGuard':
        out.push(pad + `scoped_guard(${s.guardType}${s.args.map((a) => ', ' + sx(a)).join('')})`);
        out.push(...sub(s.body));
        break;
      case 'Guard':
        out.push(pad + `guard(${s.guardType})(${s.args.map(sx).join(', ')})`);
        break;
    }
  }
  return out;
}

const S = (src: string, prelude = '') => shape(body(src, prelude));

describe('statements', () => {
  it('if / else if / else, dangling else binds to the nearest if', () => {
    expect(S('if (a) if (b) x(); else y();')).toEqual(['if a', '  if b', '    (call x)', '  else', '    (call y)']);
    expect(S('if (a) { x(); } else if (b) y(); else { }')).toEqual(['if a', '  (call x)', 'else', '  if b', '    (call y)', '  else']);
  });

  it('while, do/while, for with and without a declaration', () => {
    expect(S('while (n--) ;')).toEqual(['while (post-- n)', '  empty']);
    expect(S('do { x(); } while (pi_try(a));')).toEqual(['do', '  (call x)', 'while (call pi_try a)']);
    expect(S('for (int lr = 0; lr < n; lr++) f(lr);')).toEqual(['for decl lr; (< lr n); (post++ lr)', '  (call f lr)']);
    expect(S('for (i = 0, j = 1; ; ) break;')).toEqual(['for (, (= i 0) (= j 1)); ; ', '  break']);
  });

  it('switch with case, GNU case ranges and default', () => {
    expect(S('switch (v) { case 0: case 1 ... 3: x(); break; default: y(); }')).toEqual([
      'switch v', '  case 0', '  case 1 ... 3', '  (call x)', '  break', '  default', '  (call y)',
    ]);
  });

  it('goto, labels (also right before a closing brace) and return', () => {
    expect(S('goto out;\nout:\n\treturn;')).toEqual(['goto out', 'out:', 'return']);
    expect(S('if (a) goto done; x();\ndone:')).toEqual(['if a', '  goto done', '(call x)', 'done:', 'empty']);
    expect(S('after_clear_sn:\n\tint z = 1;')).toEqual(['after_clear_sn:', 'decl z: int = 1']);
  });

  it('local declarations, several per statement, with initializers', () => {
    expect(S('struct pi_desc old, new; unsigned long flags; u32 *p = &x, v = 2;')).toEqual([
      'decl old: struct pi_desc, new: struct pi_desc',
      'decl flags: unsigned long',
      'decl p: ptr(u32) = (& x), v: u32 = 2',
    ]);
    expect(S('struct tmp { int a; } t;')).toEqual(['type StructDecl tmp', 'decl t: struct tmp']);
  });

  it('the list and cpu iterators as ForEach nodes', () => {
    expect(S('list_for_each_entry_continue(irq, &vgic_cpu->ap_list_head, ap_list) { if (!n) break; }')).toEqual([
      'list_for_each_entry_continue(irq, (& (-> vgic_cpu ap_list_head)), ap_list)', '  if (! n)', '    break',
    ]);
    expect(S('list_for_each_entry_safe(p, t, &h, node) list_del(&p->node);')).toEqual(['list_for_each_entry_safe(p, t, (& h), node)', '  (call list_del (& (-> p node)))']);
    expect(S('list_for_each_entry_rcu(p, &h, node, lockdep_is_held(&l)) ;')[0]).toBe('list_for_each_entry_rcu(p, (& h), node, (call lockdep_is_held (& l)))');
    expect(S('for_each_set_bit(spi, eoi_spis, N + 1) f(spi);')).toEqual(['for_each_set_bit(spi, eoi_spis, (+ N 1))', '  (call f spi)']);
    expect(S('for_each_possible_cpu(cpu) init(cpu);')).toEqual(['for_each_possible_cpu(cpu)', '  (call init cpu)']);
    for (const m of ['list_for_each_entry', 'list_for_each_entry_reverse', 'list_for_each_entry_from']) {
      expect(S(`${m}(a, &h, n) ;`)[0]).toBe(`${m}(a, (& h), n)`);
    }
    expect(S('list_for_each(pos, &h) ;')[0]).toBe('list_for_each(pos, (& h))');
    expect(S('for_each_online_cpu(c) ;')[0]).toBe('for_each_online_cpu(c)');
  });

  it('checks iterator argument counts', () => {
    expect(errs('void f(void) { list_for_each_entry(p, &h) ; }')).toEqual(['1:16: list_for_each_entry() takes 3 arguments, 2 given']);
  });

  it('scoped_guard and guard as statements of their own', () => {
    expect(S('scoped_guard(raw_spinlock, &irq->irq_lock) { irq->on_lr = false; }')).toEqual([
      'scoped_guard(raw_spinlock, (& (-> irq irq_lock)))', '  (= (-> irq on_lr) false)',
    ]);
    expect(S('scoped_guard(spinlock_irqsave, &l) x();')).toEqual(['scoped_guard(spinlock_irqsave, (& l))', '  (call x)']);
    expect(S('scoped_guard(rcu) x();')).toEqual(['scoped_guard(rcu)', '  (call x)']);
    expect(S('guard(mutex)(&dev->lock); x();')).toEqual(['guard(mutex)((& (-> dev lock)))', '(call x)']);
    expect(errs('void f(void) { guard(mutex); }')).toEqual(["1:28: expected '(' after 'guard(type)'"]);
  });

  it('records statement positions', () => {
    const items = body('\tx = 1;\n\tif (y)\n\t\treturn;');
    expect(items.map((s) => `${s.pos.line}:${s.pos.col}`)).toEqual(['3:2', '4:2']);
  });
});

describe('statements: errors', () => {
  it('missing semicolon is reported after the previous token', () => {
    expect(errs('void f(void)\n{\n\tx = 1\n\ty = 2;\n}')).toEqual(["3:7: expected ';' after expression"]);
    expect(errs('void f(void)\n{\n\treturn 1\n}')).toEqual(["3:10: expected ';' after return statement"]);
  });

  it("'else' without if and a declaration used as a statement", () => {
    expect(errs('void f(void) { else x(); }')).toEqual(["1:16: 'else' without a previous 'if'"]);
    expect(errs('void f(void) { if (a) int x = 1; }')).toEqual(['1:23: a declaration is not a statement']);
  });

  it('unclosed block at end of input names where it opened', () => {
    const d = errs('void f(void)\n{\n\tif (a) {\n\t\tx();\n}');
    expect(d).toEqual(["5:2: expected '}' at end of input"]);
  });
});
