/**
 * Property: printing a random expression tree with the fewest parentheses C
 * allows, then parsing it, gives back the same tree. This pins precedence and
 * associativity of every binary operator, unary operators, ?: and assignment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expr } from './helpers.ts';

type T =
  | { k: 'leaf'; v: string }
  | { k: 'bin'; op: string; l: T; r: T }
  | { k: 'un'; op: string; e: T }
  | { k: 'cond'; c: T; a: T; b: T }
  | { k: 'asg'; op: string; t: string; v: T };

const BIN: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
// Levels: 0 assignment, 0.5 conditional, 1..10 binary, 11 unary, 12 primary.
const level = (t: T): number => (t.k === 'leaf' ? 12 : t.k === 'un' ? 11 : t.k === 'bin' ? BIN[t.op] : t.k === 'cond' ? 0.5 : 0);

function print(t: T): string {
  const wrap = (s: T, min: number) => (level(s) < min ? `(${print(s)})` : print(s));
  switch (t.k) {
    case 'leaf':
      return t.v;
    case 'un':
      // A space keeps `- -a` from lexing as `--a`.
      return `${t.op} ${wrap(t.e, 11)}`;
    case 'bin': {
      const p = BIN[t.op];
      return `${wrap(t.l, p)} ${t.op} ${wrap(t.r, p + 1)}`;
    }
    case 'cond':
      return `${wrap(t.c, 1)} ? ${print(t.a)} : ${wrap(t.b, 0.5)}`;
    case 'asg':
      return `${t.t} ${t.op} ${wrap(t.v, 0)}`;
  }
}

function sx(t: T): string {
  switch (t.k) {
    case 'leaf':
      return t.v;
    case 'un':
      return `(${t.op} ${sx(t.e)})`;
    case 'bin':
      return `(${t.op} ${sx(t.l)} ${sx(t.r)})`;
    case 'cond':
      return `(? ${sx(t.c)} ${sx(t.a)} ${sx(t.b)})`;
    case 'asg':
      return `(${t.op} ${t.t} ${sx(t.v)})`;
  }
}

const tree: fc.Arbitrary<T> = fc.letrec<{ t: T }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<T>({ k: 'leaf', v: 'a' }, { k: 'leaf', v: 'b' }, { k: 'leaf', v: 'c' }, { k: 'leaf', v: '7' }),
    fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom(...Object.keys(BIN)), l: tie('t'), r: tie('t') }),
    fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom(...Object.keys(BIN)), l: tie('t'), r: tie('t') }),
    fc.record({ k: fc.constant('un' as const), op: fc.constantFrom('-', '!', '~', '*', '&'), e: tie('t') }),
    fc.record({ k: fc.constant('cond' as const), c: tie('t'), a: tie('t'), b: tie('t') }),
    fc.record({ k: fc.constant('asg' as const), op: fc.constantFrom('=', '+=', '<<=', '|='), t: fc.constantFrom('x', 'y'), v: tie('t') }),
  ),
})).t;

describe('expression precedence (every pair of binary operators)', () => {
  it('a op1 b op2 c groups by C precedence, left-associative on ties', () => {
    for (const o1 of Object.keys(BIN)) {
      for (const o2 of Object.keys(BIN)) {
        const want = BIN[o2] > BIN[o1] ? `(${o1} a (${o2} b c))` : `(${o2} (${o1} a b) c)`;
        expect(expr(`z = a ${o1} b ${o2} c`), `a ${o1} b ${o2} c`).toBe(`(= z ${want})`);
      }
    }
  });

  it('unary binds tighter than every binary operator, assignment and ?: are right-associative', () => {
    for (const o of Object.keys(BIN)) expect(expr(`z = - a ${o} ! b`)).toBe(`(= z (${o} (- a) (! b)))`);
    expect(expr('z = a ? b : c ? d : e')).toBe('(= z (? a b (? c d e)))');
    expect(expr('x = y += z')).toBe('(= x (+= y z))');
  });
});

describe('expression precedence (property)', () => {
  it('parse(print(tree)) == tree', () => {
    fc.assert(
      fc.property(tree, (t) => {
        expect(expr(`z = ${print(t)}`)).toBe(`(= z ${sx(t)})`);
      }),
      { numRuns: 1000 },
    );
  });
});
