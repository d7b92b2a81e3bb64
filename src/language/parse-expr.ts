/**
 * Expressions by precedence climbing, with C's precedence and associativity.
 * Builtins that take a type argument (container_of, list_entry, ...) get a
 * TypeArg in that position.
 */
import type { AssignOp, BinaryOp, Expr, UnaryOp } from './ast.ts';
import { accept, at, describe, expect, expectIdent, fail, inMacro, isP, next, peek, prev, RESERVED, type Parser } from './parse-core.ts';
import { parseBlock } from './parse-stmt.ts';
import { parseInitList, parseTypeName, startsTypeName } from './parse-types.ts';

/** Builtin -> index of its type argument. */
/**
 * Initializer macros whose argument the kernel stringifies (`#lockname`):
 * the argument becomes a StringLit holding the name as written.
 *   INIT_LOCAL_LOCK(lockname) -> INIT_LOCAL_LOCK("lockname")
 */
export const STRINGIFIED_ARG: ReadonlyMap<string, number> = new Map([['INIT_LOCAL_LOCK', 0]]);

export const TYPE_ARG_POSITIONS: ReadonlyMap<string, number> = new Map([
  ['container_of', 1],
  ['min_t', 0],
  ['max_t', 0],
  ['container_of_const', 1],
  ['list_entry', 1],
  ['list_first_entry', 1],
  ['list_last_entry', 1],
  ['list_first_entry_or_null', 1],
  ['list_last_entry_or_null', 1],
  ['list_entry_rcu', 1],
  ['list_first_or_null_rcu', 1],
  ['list_next_or_null_rcu', 2],
  ['hlist_entry', 1],
  ['hlist_entry_safe', 1],
  ['offsetof', 0],
  ['sizeof_field', 0],
  ['typeof', 0],
  ['__typeof__', 0],
  ['kmalloc_obj', 0],
]);

const BINARY_PREC: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);

/** Full expression, comma operator included. */
export function parseExpr(p: Parser): Expr {
  const first = parseAssign(p);
  if (!at(p, ',')) return first;
  const exprs = [first];
  while (accept(p, ',')) exprs.push(parseAssign(p));
  return { kind: 'Comma', pos: first.pos, exprs };
}

export function parseAssign(p: Parser): Expr {
  const left = parseConditional(p);
  const t = peek(p);
  if (t.kind === 'punct' && ASSIGN_OPS.has(t.text)) {
    p.i++;
    const value = parseAssign(p);
    return { kind: 'Assign', pos: t.pos, op: t.text as AssignOp, target: left, value };
  }
  return left;
}

export function parseConditional(p: Parser): Expr {
  const cond = parseBinary(p, 1);
  if (!at(p, '?')) return cond;
  const q = next(p);
  let then: Expr | null = null;
  if (!at(p, ':')) then = parseExpr(p);
  expect(p, ':', 'in conditional expression', "a ? b : c needs both branches");
  const els = parseConditional(p);
  return { kind: 'Conditional', pos: q.pos, cond, then, else: els };
}

function parseBinary(p: Parser, minPrec: number): Expr {
  let left = parseCast(p);
  for (;;) {
    const t = peek(p);
    const prec = t.kind === 'punct' ? BINARY_PREC[t.text] : undefined;
    if (prec === undefined || prec < minPrec) return left;
    p.i++;
    const right = parseBinary(p, prec + 1);
    left = { kind: 'Binary', pos: t.pos, op: t.text as BinaryOp, left, right };
  }
}

/** `(foo_t)x` with a foo_t the parser has not seen: kernel naming makes it a cast (the checker then names the type). */
function unknownTypeCast(p: Parser): boolean {
  const id = peek(p, 1);
  if (id.kind !== 'ident' || !/_t$/.test(id.text) || !at(p, ')', 2)) return false;
  const after = peek(p, 3);
  return after.kind === 'ident' || after.kind === 'int' || after.kind === 'char' || (after.kind === 'punct' && (after.text === '(' || after.text === '&' || after.text === '*' || after.text === '~' || after.text === '!'));
}

function parseCast(p: Parser): Expr {
  if (at(p, '(') && unknownTypeCast(p)) {
    const open = next(p);
    const id = next(p);
    p.i++;
    return { kind: 'Cast', pos: open.pos, type: { kind: 'NamedType', pos: id.pos, name: id.text }, expr: parseCast(p) };
  }
  if (at(p, '(') && startsTypeName(p, 1)) {
    const open = next(p);
    const type = parseTypeName(p);
    expect(p, ')', 'to close the cast');
    if (at(p, '{')) return { kind: 'CompoundLiteral', pos: open.pos, type, init: parseInitList(p) };
    return { kind: 'Cast', pos: open.pos, type, expr: parseCast(p) };
  }
  return parseUnary(p);
}

function parseUnary(p: Parser): Expr {
  const t = peek(p);
  if (t.kind === 'punct') {
    if (t.text === '++' || t.text === '--') {
      p.i++;
      return { kind: 'Update', pos: t.pos, op: t.text, prefix: true, operand: parseUnary(p) };
    }
    if (t.text === '-' || t.text === '+' || t.text === '!' || t.text === '~' || t.text === '&' || t.text === '*') {
      p.i++;
      return { kind: 'Unary', pos: t.pos, op: t.text as UnaryOp, operand: parseCast(p) };
    }
    if (t.text === '&&') fail(t.pos, 'label addresses (&&label) are outside the simulated subset');
  }
  if (t.kind === 'ident' && (t.text === 'sizeof' || t.text === '_Alignof' || t.text === '__alignof__')) {
    p.i++;
    if (t.text !== 'sizeof') fail(t.pos, `'${t.text}' is outside the simulated subset`);
    if (at(p, '(') && startsTypeName(p, 1)) {
      const open = next(p);
      const type = parseTypeName(p);
      expect(p, ')', "to close 'sizeof('");
      return { kind: 'Sizeof', pos: t.pos, arg: { kind: 'TypeArg', pos: open.pos, type } };
    }
    return { kind: 'Sizeof', pos: t.pos, arg: parseUnary(p) };
  }
  return parsePostfix(p);
}

function parsePostfix(p: Parser): Expr {
  let e = parsePrimary(p);
  for (;;) {
    const t = peek(p);
    if (t.kind !== 'punct') return e;
    if (t.text === '(') {
      p.i++;
      const name = e.kind === 'Ident' ? e.name : null;
      const typePos = name !== null ? TYPE_ARG_POSITIONS.get(name) : undefined;
      const args: Expr[] = [];
      if (!at(p, ')')) {
        for (;;) {
          const argStart = peek(p);
          if ((args.length === typePos && startsTypeName(p)) || (startsTypeName(p) && isStructKeyword(p))) {
            args.push({ kind: 'TypeArg', pos: argStart.pos, type: parseTypeName(p) });
          } else if (name !== null && STRINGIFIED_ARG.get(name) === args.length && argStart.kind === 'ident' && (at(p, ')', 1) || at(p, ',', 1))) {
            // The macro stringifies this argument (#name): it is a name for lockdep, not a variable.
            p.i++;
            args.push({ kind: 'StringLit', pos: argStart.pos, value: argStart.text });
          } else {
            args.push(parseAssign(p));
          }
          if (!accept(p, ',')) break;
        }
      }
      expect(p, ')', `to close the argument list of ${name ? `'${name}'` : 'the call'}`, `the call opened at line ${t.pos.line}:${t.pos.col}`);
      e = { kind: 'Call', pos: e.pos, callee: e, args };
      continue;
    }
    if (t.text === '[') {
      p.i++;
      const index = parseExpr(p);
      expect(p, ']', 'to close the subscript');
      e = { kind: 'Index', pos: t.pos, base: e, index };
      continue;
    }
    if (t.text === '.' || t.text === '->') {
      p.i++;
      const f = expectIdent(p, `after '${t.text}'`);
      e = { kind: 'Member', pos: t.pos, object: e, field: f.text, arrow: t.text === '->' };
      continue;
    }
    if (t.text === '++' || t.text === '--') {
      p.i++;
      e = { kind: 'Update', pos: t.pos, op: t.text, prefix: false, operand: e };
      continue;
    }
    return e;
  }
}

function isStructKeyword(p: Parser): boolean {
  const w = peek(p).text;
  return w === 'struct' || w === 'union' || w === 'enum';
}

function parsePrimary(p: Parser): Expr {
  const t = peek(p);
  switch (t.kind) {
    case 'int':
      p.i++;
      return { kind: 'IntLit', pos: t.pos, value: t.value ?? 0n, suffix: t.suffix ?? '', text: t.text };
    case 'char':
      p.i++;
      return { kind: 'CharLit', pos: t.pos, value: Number(t.value ?? 0n), text: t.text };
    case 'string': {
      p.i++;
      let value = t.str ?? '';
      while (peek(p).kind === 'string') value += next(p).str ?? '';
      return { kind: 'StringLit', pos: t.pos, value };
    }
    case 'ident': {
      if (t.text === 'asm' || t.text === '__asm__' || t.text === '__asm') {
        fail(t.pos, 'inline assembly is outside the simulated subset', 'call a C function (or a kernel API) instead');
      }
      if (t.text === 'float' || t.text === 'double') fail(t.pos, 'floating-point types are outside the simulated subset');
      if (RESERVED.has(t.text)) fail(t.pos, `expected expression before '${t.text}'`, missingSemicolonHint(p));
      p.i++;
      return { kind: 'Ident', pos: t.pos, name: t.text };
    }
    case 'punct':
      if (t.text === '(') {
        p.i++;
        if (at(p, '{')) {
          const body = parseBlock(p);
          expect(p, ')', 'to close the statement expression');
          return { kind: 'StmtExpr', pos: t.pos, body };
        }
        const e = parseExpr(p);
        expect(p, ')', 'to close the parenthesis', `the '(' is at line ${t.pos.line}:${t.pos.col}`);
        return e;
      }
      if (t.text === '{') fail(t.pos, "expected expression before '{'", 'brace lists are only allowed in initializers: `struct foo x = { ... };`');
      break;
    case 'eof':
      fail(t.pos, 'expected expression at end of input', 'the file ends in the middle of an expression');
  }
  fail(t.pos, `expected expression before ${describe(t)}${inMacro(t)}`, missingSemicolonHint(p));
}

function missingSemicolonHint(p: Parser): string | undefined {
  const before = p.i > 0 ? prev(p) : null;
  if (before && isP(before, ')')) return 'is an operand missing?';
  return undefined;
}
