/** Argument helpers shared by the builtin families. */
import type { Expr, SourcePos } from '../../language/ast.ts';
import { StopRun } from '../../kernel/kernel.ts';
import type { Gen } from '../../kernel/state.ts';
import { evalExpr, evalLval, load, store, type Builtin, type CallCtx, type Interp, type Ref } from '../interp.ts';
import type { PtrV, Value } from '../memory.ts';
import { toBig } from '../values.ts';

export function arity(c: CallCtx, min: number, max = min): void {
  if (c.args.length < min || c.args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new StopRun('internal', `${c.name}() takes ${want} argument${max === 1 ? '' : 's'}, got ${c.args.length}`, c.scope.fn, c.pos);
  }
}

/** The i-th argument expression; too few arguments is the program's error, said plainly. */
export function arg(c: CallCtx, i: number): Expr {
  const a = c.args[i];
  if (!a) throw new StopRun('internal', `too few arguments to function '${c.name}' (argument ${i + 1} is missing)`, c.scope.fn, c.pos);
  return a;
}

export function* ev(c: CallCtx, i: number): Gen<Value> {
  return yield* evalExpr(c.I, arg(c, i), c.scope);
}

export function* evInt(c: CallCtx, i: number): Gen<bigint> {
  return toBig(yield* evalExpr(c.I, arg(c, i), c.scope));
}

export function* evNum(c: CallCtx, i: number): Gen<number> {
  return Number(toBig(yield* evalExpr(c.I, arg(c, i), c.scope)));
}

export function* evPtr(c: CallCtx, i: number): Gen<PtrV> {
  const v = yield* evalExpr(c.I, arg(c, i), c.scope);
  if (v.k === 'p') return v;
  if (v.k === 'a') return { k: 'p', t: { k: 'ptr', to: v.t }, obj: v.obj, off: v.off };
  if (v.k === 'i') return { k: 'p', t: { k: 'ptr', to: { k: 'void' } }, obj: null, off: 0, addr: v.v };
  throw new StopRun('internal', `${c.name}(): argument ${i + 1} must be a pointer`, c.scope.fn, c.args[i]!.pos);
}

export function* evLval(c: CallCtx, i: number): Gen<Ref> {
  return yield* evalLval(c.I, arg(c, i), c.scope);
}

export function pos(c: CallCtx): SourcePos {
  return c.pos;
}

export type Family = Record<string, Builtin>;

export { load, store };
export type { CallCtx, Expr, Interp };
