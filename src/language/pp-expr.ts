/** `#if` expressions: integers, defined() already replaced, C operators with C precedence, over bigints. */
import type { SourcePos } from '../events/types.ts';
import type { Token } from './lexer.ts';

export type PpResult = { value: bigint } | { error: string; pos: SourcePos };

export function evalPpExpr(toks: Token[], start: SourcePos): PpResult {
  let i = 0;
  const peek = () => toks[i];
  class PpError extends Error {
    pos: SourcePos;
    constructor(msg: string, pos: SourcePos) {
      super(msg);
      this.pos = pos;
    }
  }
  const fail = (msg: string): never => {
    throw new PpError(msg, peek()?.pos ?? toks[toks.length - 1]?.pos ?? start);
  };
  const BIN: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };
  const unary = (): bigint => {
    const t = peek();
    if (!t) return fail('expected value in expression');
    i++;
    if (t.kind === 'int' || t.kind === 'char') return t.value ?? 0n;
    if (t.kind === 'ident') return 0n; // not a macro: 0, as C says
    if (t.text === '(') {
      const v = cond();
      if (peek()?.text !== ')') fail("missing ')' in expression");
      i++;
      return v;
    }
    if (t.text === '!') return unary() === 0n ? 1n : 0n;
    if (t.text === '-') return -unary();
    if (t.text === '+') return unary();
    if (t.text === '~') return ~unary();
    i--;
    return fail(`token "${t.text}" is not valid in preprocessor expressions`);
  };
  const binary = (minPrec: number): bigint => {
    let left = unary();
    for (;;) {
      const op = peek();
      const prec = op && op.kind === 'punct' ? BIN[op.text] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      i++;
      const right = binary(prec + 1);
      switch (op!.text) {
        case '||': left = left !== 0n || right !== 0n ? 1n : 0n; break;
        case '&&': left = left !== 0n && right !== 0n ? 1n : 0n; break;
        case '|': left |= right; break;
        case '^': left ^= right; break;
        case '&': left &= right; break;
        case '==': left = left === right ? 1n : 0n; break;
        case '!=': left = left !== right ? 1n : 0n; break;
        case '<': left = left < right ? 1n : 0n; break;
        case '>': left = left > right ? 1n : 0n; break;
        case '<=': left = left <= right ? 1n : 0n; break;
        case '>=': left = left >= right ? 1n : 0n; break;
        case '<<': left <<= right; break;
        case '>>': left >>= right; break;
        case '+': left += right; break;
        case '-': left -= right; break;
        case '*': left *= right; break;
        case '/':
        case '%':
          if (right === 0n) fail('division by zero in #if');
          left = op!.text === '/' ? left / right : left % right;
          break;
      }
    }
  };
  const cond = (): bigint => {
    const c = binary(1);
    if (peek()?.text !== '?') return c;
    i++;
    const a = cond();
    if (peek()?.text !== ':') fail("expected ':' in conditional expression");
    i++;
    const b = cond();
    return c !== 0n ? a : b;
  };
  try {
    const v = cond();
    if (i < toks.length) fail(`missing binary operator before token "${toks[i].text}"`);
    return { value: v };
  } catch (e) {
    if (e instanceof PpError) return { error: e.message, pos: e.pos };
    throw e;
  }
}
