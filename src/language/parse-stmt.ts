/**
 * Statements and blocks, including the kernel's iterator macros and the
 * cleanup.h guards as statements of their own. Each block item is parsed
 * under a recovery net: an error is recorded and parsing resumes after the
 * next ';' or at the enclosing '}'.
 */
import type { Block, DeclStmt, Expr, ForEachMacro, Stmt, VarDecl } from './ast.ts';
import {
  accept,
  at,
  describe,
  expect,
  expectIdent,
  fail,
  isP,
  next,
  peek,
  reportError,
  RESERVED,
  skipBalanced,
  type Parser,
} from './parse-core.ts';
import { isDeclStart, parseDeclaration } from './parse-decl.ts';
import { parseAssign, parseConditional, parseExpr } from './parse-expr.ts';

export const FOR_EACH_MACROS: ReadonlySet<string> = new Set<ForEachMacro>([
  'list_for_each_entry',
  'list_for_each_entry_safe',
  'list_for_each_entry_continue',
  'list_for_each_entry_reverse',
  'list_for_each_entry_rcu',
  'list_for_each_entry_from',
  'list_for_each_entry_safe_reverse',
  'list_for_each',
  'list_for_each_safe',
  'hlist_for_each_entry',
  'hlist_for_each_entry_safe',
  'hlist_for_each_entry_rcu',
  'for_each_set_bit',
  'for_each_clear_bit',
  'for_each_possible_cpu',
  'for_each_online_cpu',
  'for_each_present_cpu',
  'for_each_cpu',
]);

/** Argument counts of the iterator macros: [min, max]. */
const FOR_EACH_ARITY: Record<string, [number, number]> = {
  list_for_each_entry: [3, 3],
  list_for_each_entry_safe: [4, 4],
  list_for_each_entry_continue: [3, 3],
  list_for_each_entry_reverse: [3, 3],
  list_for_each_entry_rcu: [3, 4],
  list_for_each_entry_from: [3, 3],
  list_for_each_entry_safe_reverse: [4, 4],
  list_for_each: [2, 2],
  list_for_each_safe: [3, 3],
  hlist_for_each_entry: [3, 3],
  hlist_for_each_entry_safe: [4, 4],
  hlist_for_each_entry_rcu: [3, 4],
  for_each_set_bit: [3, 3],
  for_each_clear_bit: [3, 3],
  for_each_possible_cpu: [1, 1],
  for_each_online_cpu: [1, 1],
  for_each_present_cpu: [1, 1],
  for_each_cpu: [2, 2],
};

export function parseBlock(p: Parser): Block {
  const open = expect(p, '{', 'to begin a block');
  const items: Stmt[] = [];
  for (;;) {
    const t = peek(p);
    if (isP(t, '}')) {
      p.i++;
      return { kind: 'Block', pos: open.pos, items, end: t.pos };
    }
    if (t.kind === 'eof') {
      fail(t.pos, "expected '}' at end of input", `the block opened at line ${open.pos.line}:${open.pos.col} is never closed`);
    }
    const before = p.i;
    try {
      items.push(...parseBlockItem(p));
    } catch (e) {
      reportError(p, e);
      syncStatement(p);
      if (p.i === before) next(p);
    }
  }
}

/** A statement or a local declaration (which may yield several items: local struct + variable). */
function parseBlockItem(p: Parser): Stmt[] {
  const t = peek(p);
  if (t.kind === 'ident' && isLabel(p)) return [parseStatement(p)];
  if (t.kind === 'ident' && !RESERVED_STMT.has(t.text) && !FOR_EACH_MACROS.has(t.text) && t.text !== 'scoped_guard' && t.text !== 'guard' && isDeclStart(p)) {
    return localDeclaration(p);
  }
  return [parseStatement(p)];
}

const GUARD_WORDS = new Set(['scoped_guard', 'guard']);

const RESERVED_STMT = new Set(['if', 'else', 'while', 'do', 'for', 'switch', 'case', 'default', 'break', 'continue', 'return', 'goto', 'sizeof', 'asm', '__asm__', '__asm']);

function localDeclaration(p: Parser): Stmt[] {
  const pos = peek(p).pos;
  const decls = parseDeclaration(p, true);
  const out: Stmt[] = [];
  let vars: VarDecl[] = [];
  const flush = () => {
    if (vars.length) out.push({ kind: 'DeclStmt', pos, decls: vars });
    vars = [];
  };
  for (const d of decls) {
    if (d.kind === 'VarDecl') vars.push(d);
    else if (d.kind === 'StructDecl' || d.kind === 'EnumDecl' || d.kind === 'TypedefDecl') {
      flush();
      out.push({ kind: 'TypeDeclStmt', pos: d.pos, decl: d });
    } else if (d.kind === 'FunctionDecl') {
      // A block-scope prototype: legal C, nothing to run.
    }
  }
  flush();
  if (out.length === 0) out.push({ kind: 'Empty', pos });
  return out;
}

/** `identifier ':'` (a keyword is never a label; `default:` is its own statement). */
function isLabel(p: Parser): boolean {
  const t = peek(p);
  return t.kind === 'ident' && !RESERVED.has(t.text) && t.text !== 'default' && at(p, ':', 1) && !at(p, ':', 2);
}

export function parseStatement(p: Parser): Stmt {
  const t = peek(p);
  const pos = t.pos;
  if (t.kind === 'punct') {
    if (t.text === '{') return parseBlock(p);
    if (t.text === ';') {
      p.i++;
      return { kind: 'Empty', pos };
    }
  }
  if (t.kind === 'ident') {
    if (isLabel(p)) {
      p.i += 2;
      if (at(p, '}')) return { kind: 'Labeled', pos, label: t.text, stmt: { kind: 'Empty', pos: peek(p).pos } };
      if (!isLabel(p) && isDeclStart(p) && !FOR_EACH_MACROS.has(peek(p).text) && !(GUARD_WORDS.has(peek(p).text) && at(p, '(', 1))) {
        // C23 allows a declaration after a label; give it its own statement.
        const items = localDeclaration(p);
        const stmt: Stmt = items.length === 1 ? items[0] : { kind: 'Block', pos: items[0].pos, items, end: items[items.length - 1].pos };
        return { kind: 'Labeled', pos, label: t.text, stmt };
      }
      return { kind: 'Labeled', pos, label: t.text, stmt: parseStatement(p) };
    }
    switch (t.text) {
      case 'if': {
        p.i++;
        const cond = parenCond(p, 'if');
        const then = parseStatement(p);
        let els: Stmt | null = null;
        if (accept(p, 'else')) els = parseStatement(p);
        return { kind: 'If', pos, cond, then, else: els };
      }
      case 'else':
        fail(pos, "'else' without a previous 'if'", 'check the braces of the if statement above');
      case 'while': {
        p.i++;
        const cond = parenCond(p, 'while');
        return { kind: 'While', pos, cond, body: parseStatement(p) };
      }
      case 'do': {
        p.i++;
        const body = parseStatement(p);
        if (!accept(p, 'while')) fail(peek(p).pos, "expected 'while' in do/while loop", `found ${describe(peek(p))}`);
        const cond = parenCond(p, 'while');
        expect(p, ';', 'after do/while statement');
        return { kind: 'DoWhile', pos, body, cond };
      }
      case 'for':
        return parseFor(p);
      case 'switch': {
        p.i++;
        const expr = parenCond(p, 'switch');
        return { kind: 'Switch', pos, expr, body: parseStatement(p) };
      }
      case 'case': {
        p.i++;
        const value = parseConditional(p);
        let high: Expr | undefined;
        if (accept(p, '...')) high = parseConditional(p);
        expect(p, ':', "after 'case' label");
        const c: Stmt = { kind: 'Case', pos, value };
        if (high) c.high = high;
        return c;
      }
      case 'default':
        p.i++;
        expect(p, ':', "after 'default'");
        return { kind: 'Default', pos };
      case 'break':
        p.i++;
        expect(p, ';', "after 'break'");
        return { kind: 'Break', pos };
      case 'continue':
        p.i++;
        expect(p, ';', "after 'continue'");
        return { kind: 'Continue', pos };
      case 'return': {
        p.i++;
        const value = at(p, ';') ? null : parseExpr(p);
        expect(p, ';', 'after return statement');
        return { kind: 'Return', pos, value };
      }
      case 'goto': {
        p.i++;
        if (at(p, '*')) fail(peek(p).pos, 'computed goto is outside the simulated subset');
        const label = expectIdent(p, "after 'goto'");
        expect(p, ';', 'after goto statement');
        return { kind: 'Goto', pos, label: label.text };
      }
      case 'asm':
      case '__asm__':
      case '__asm':
        fail(pos, 'inline assembly is outside the simulated subset', 'call a C function (or a kernel API) instead');
      case 'scoped_guard':
        if (at(p, '(', 1)) return parseScopedGuard(p);
        break;
      case 'guard':
        if (at(p, '(', 1)) return parseGuard(p);
        break;
    }
    if (FOR_EACH_MACROS.has(t.text) && at(p, '(', 1)) return parseForEach(p);
    if (isDeclStart(p)) {
      fail(pos, 'a declaration is not a statement', 'wrap it in braces, or declare it at the start of the block');
    }
  }
  const expr = parseExpr(p);
  if (at(p, '{') && expr.kind === 'Call' && expr.callee.kind === 'Ident') {
    // `hash_for_each(...) {`: an iterator macro we do not model.
    const name = expr.callee.name;
    fail(expr.pos, `'${name}' is not an iterator macro the simulator knows`, `use one of: ${[...FOR_EACH_MACROS].join(', ')}`);
  }
  expect(p, ';', 'after expression');
  return { kind: 'ExprStmt', pos, expr };
}

function parenCond(p: Parser, kw: string): Expr {
  expect(p, '(', `after '${kw}'`, `write ${kw} (condition)`);
  const e = parseExpr(p);
  expect(p, ')', `to close the ${kw} condition`);
  return e;
}

function parseFor(p: Parser): Stmt {
  const pos = next(p).pos;
  expect(p, '(', "after 'for'");
  let init: DeclStmt | Expr | null = null;
  if (!accept(p, ';')) {
    if (isDeclStart(p)) {
      const dpos = peek(p).pos;
      const decls = parseDeclaration(p, true);
      const vars = decls.filter((d): d is VarDecl => d.kind === 'VarDecl');
      if (vars.length !== decls.length) fail(dpos, "only variables may be declared in a 'for' initializer");
      init = { kind: 'DeclStmt', pos: dpos, decls: vars };
    } else {
      init = parseExpr(p);
      expect(p, ';', "in 'for' statement");
    }
  }
  const cond = at(p, ';') ? null : parseExpr(p);
  expect(p, ';', "in 'for' statement");
  const step = at(p, ')') ? null : parseExpr(p);
  expect(p, ')', "to close the 'for' header");
  return { kind: 'For', pos, init, cond, step, body: parseStatement(p) };
}

function parseArgs(p: Parser, what: string): Expr[] {
  expect(p, '(', `after '${what}'`);
  const args: Expr[] = [];
  if (!at(p, ')')) {
    for (;;) {
      args.push(parseAssign(p));
      if (!accept(p, ',')) break;
    }
  }
  expect(p, ')', `to close the arguments of '${what}'`);
  return args;
}

function parseForEach(p: Parser): Stmt {
  const t = next(p);
  const macro = t.text as ForEachMacro;
  const args = parseArgs(p, macro);
  const [min, max] = FOR_EACH_ARITY[macro];
  if (args.length < min || args.length > max) {
    fail(t.pos, `${macro}() takes ${min === max ? min : `${min} or ${max}`} arguments, ${args.length} given`, forEachUsage(macro));
  }
  return { kind: 'ForEach', pos: t.pos, macro, args, body: parseStatement(p) };
}

function forEachUsage(m: string): string {
  const a = FOR_EACH_ARITY[m][0];
  if (m.startsWith('for_each_set') || m.startsWith('for_each_clear')) return `usage: ${m}(bit, bitmap, nbits)`;
  if (m.startsWith('for_each_cpu')) return `usage: ${m}(cpu, mask)`;
  if (m.startsWith('for_each')) return `usage: ${m}(cpu)`;
  if (a === 4) return `usage: ${m}(pos, n, head, member)`;
  if (a === 2) return `usage: ${m}(pos, head)`;
  if (m === 'list_for_each_safe') return `usage: ${m}(pos, n, head)`;
  return `usage: ${m}(pos, head, member)`;
}

/** Guard class name: an identifier (`raw_spinlock_irqsave`). */
function guardType(p: Parser, what: string): string {
  const id = peek(p);
  if (id.kind !== 'ident') fail(id.pos, `expected a lock guard type in ${what}`, `e.g. ${what}(spinlock_irqsave, &lock)`);
  p.i++;
  return id.text;
}

function parseScopedGuard(p: Parser): Stmt {
  const t = next(p);
  expect(p, '(', "after 'scoped_guard'");
  const type = guardType(p, 'scoped_guard');
  const args: Expr[] = [];
  while (accept(p, ',')) args.push(parseAssign(p));
  expect(p, ')', 'to close scoped_guard(...)', 'usage: scoped_guard(type, &lock) { ... }');
  return { kind: 'ScopedGuard', pos: t.pos, guardType: type, args, body: parseStatement(p) };
}

function parseGuard(p: Parser): Stmt {
  const t = next(p);
  expect(p, '(', "after 'guard'");
  const type = guardType(p, 'guard');
  expect(p, ')', "to close 'guard(type'", 'usage: guard(mutex)(&lock);');
  if (!at(p, '(')) fail(peek(p).pos, "expected '(' after 'guard(type)'", 'usage: guard(mutex)(&lock);');
  const args = parseArgs(p, `guard(${type})`);
  expect(p, ';', 'after guard(...)(...)');
  return { kind: 'Guard', pos: t.pos, guardType: type, args };
}

/**
 * After an error inside a block: skip to just past the next ';' at this
 * nesting level, or stop before the '}' that closes the block. A balanced
 * '{...}' on the way is skipped whole (it was the body of the broken statement).
 */
export function syncStatement(p: Parser): void {
  let parens = 0;
  for (;;) {
    const t = peek(p);
    if (t.kind === 'eof') return;
    if (t.kind === 'punct') {
      if (t.text === '(') parens++;
      else if (t.text === ')' && parens > 0) parens--;
      else if (t.text === ';' && parens === 0) {
        p.i++;
        return;
      } else if (t.text === '}') return;
      else if (t.text === '{') {
        try {
          skipBalanced(p);
        } catch {
          p.i = p.toks.length - 1;
        }
        return;
      }
    }
    p.i++;
  }
}
