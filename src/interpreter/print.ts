/**
 * Expressions back to C text, as the kernel's init macros stringify their
 * argument (`spin_lock_init(&k->k_lock)` names the class `&k->k_lock`), and
 * for labels in memory events.
 */
import type { Expr, Initializer, TypeNode } from '../language/ast.ts';

const PREC: Record<string, number> = {
  '*': 13, '/': 13, '%': 13,
  '+': 12, '-': 12,
  '<<': 11, '>>': 11,
  '<': 10, '>': 10, '<=': 10, '>=': 10,
  '==': 9, '!=': 9,
  '&': 8, '^': 7, '|': 6, '&&': 5, '||': 4,
};

export function exprText(e: Expr | Initializer, outer = 0): string {
  switch (e.kind) {
    case 'IntLit':
      return e.text;
    case 'CharLit':
      return e.text;
    case 'StringLit':
      return JSON.stringify(e.value);
    case 'Ident':
      return e.name;
    case 'Unary':
      return wrap(`${e.op}${exprText(e.operand, 14)}`, 14, outer);
    case 'Update':
      return wrap(e.prefix ? `${e.op}${exprText(e.operand, 14)}` : `${exprText(e.operand, 15)}${e.op}`, 14, outer);
    case 'Binary': {
      const p = PREC[e.op] ?? 4;
      return wrap(`${exprText(e.left, p)} ${e.op} ${exprText(e.right, p + 1)}`, p, outer);
    }
    case 'Assign':
      return wrap(`${exprText(e.target, 2)} ${e.op} ${exprText(e.value, 2)}`, 2, outer);
    case 'Conditional':
      return wrap(`${exprText(e.cond, 4)} ? ${e.then ? exprText(e.then, 3) : ''} : ${exprText(e.else, 3)}`, 3, outer);
    case 'Comma':
      return wrap(e.exprs.map((x) => exprText(x, 2)).join(', '), 1, outer);
    case 'Cast':
      return wrap(`(${typeText(e.type)})${exprText(e.expr, 14)}`, 14, outer);
    case 'Sizeof':
      return `sizeof(${exprText(e.arg)})`;
    case 'TypeArg':
      return typeText(e.type);
    case 'Call':
      return `${exprText(e.callee, 15)}(${e.args.map((a) => exprText(a, 2)).join(', ')})`;
    case 'Index':
      return `${exprText(e.base, 15)}[${exprText(e.index)}]`;
    case 'Member':
      return `${exprText(e.object, 15)}${e.arrow ? '->' : '.'}${e.field}`;
    case 'CompoundLiteral':
      return `(${typeText(e.type)}){...}`;
    case 'StmtExpr':
      return '({...})';
    case 'InitList':
      return '{...}';
  }
}

function wrap(s: string, p: number, outer: number): string {
  return p < outer ? `(${s})` : s;
}

export function typeText(t: TypeNode): string {
  switch (t.kind) {
    case 'IntType':
      return t.name;
    case 'VoidType':
      return 'void';
    case 'NamedType':
      return t.name;
    case 'StructType':
      return `${t.union ? 'union' : 'struct'} ${t.name ?? '<anonymous>'}`;
    case 'EnumType':
      return `enum ${t.name ?? '<anonymous>'}`;
    case 'PointerType':
      return `${typeText(t.to)} *`;
    case 'ArrayType':
      return `${typeText(t.of)}[]`;
    case 'FunctionType':
      return `${typeText(t.ret)} (*)(...)`;
    case 'BitmapType':
      return 'unsigned long[]';
    case 'TypeofType':
      return `typeof(${exprText(t.expr)})`;
  }
}
