/**
 * The kernel's helper macros that are expressions: bit and field helpers,
 * min/max, container_of and list_entry, per-CPU accessors, READ_ONCE and
 * friends, ERR_PTR, and the small string/memory functions.
 */
import { bug, StopRun } from '../../kernel/kernel.ts';
import type { Gen } from '../../kernel/state.ts';
import {
  accessEvent,
  containerOf,
  copyCells,
  evalLval,
  fieldOffset,
  load,
  readString,
  resolveType,
  typeOfExpr,
  type CallCtx,
  type Ref,
} from '../interp.ts';
import { VOIDV, type PtrV, type Value } from '../memory.ts';
import { CHAR, INT, LONG, ptrTo, sizeOf, ULL, ULONG, type IntRT, type RType } from '../rtypes.ts';
import { boolOf, commonType, intOf, mkInt, toBig, truthy } from '../values.ts';
import { arg, ev, evInt, evLval, evNum, evPtr, store, type Family } from './util.ts';
import type { Expr } from '../../language/ast.ts';
import { formatPrintf } from './printf.ts';
import { exprText } from '../print.ts';
import { rcuHeld } from './locks.ts';
import { rcuSuspicious } from '../../kernel/rcu.ts';

function memberPath(e: Expr): string {
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'Member') return `${memberPath(e.object)}.${e.field}`;
  throw new StopRun('internal', 'expected a member name', undefined, e.pos);
}

function typeArg(c: CallCtx, i: number): RType {
  const a = arg(c, i);
  if (a.kind === 'TypeArg') return resolveType(c.I, a.type, c.scope);
  return typeOfExpr(c.I, a, c.scope);
}

/** 1 << n for a shift count C would accept (out-of-range counts are UB; we give 0 rather than a huge number). */
function bit(n: bigint): bigint {
  return n >= 0n && n < 128n ? 1n << n : 0n;
}

function* nonZero(c: CallCtx, i: number): Gen<bigint> {
  const v = yield* evInt(c, i);
  if (v === 0n) bug(c.I.k, '', 'bug', 'divide error: 0000');
  return v;
}

function ctz(v: bigint): bigint {
  if (v === 0n) return 0n;
  let n = 0n;
  while (((v >> n) & 1n) === 0n) n++;
  return n;
}

function* container(c: CallCtx): Gen<Value> {
  const p = yield* ev(c, 0);
  const t = typeArg(c, 1);
  const { off } = fieldOffset(c.I, t, memberPath(arg(c, 2)), c.pos);
  return containerOf(p, t, off);
}

function* firstEntry(c: CallCtx, prev: boolean, orNull: boolean): Gen<Value> {
  const head = yield* evPtr(c, 0);
  const t = typeArg(c, 1);
  const { off } = fieldOffset(c.I, t, memberPath(arg(c, 2)), c.pos);
  const lh = c.I.builtinTypes.get('struct list_head')!;
  const node = load(c.I, { obj: head.obj, off: head.off + (prev ? 8 : 0), t: ptrTo(lh), addr: head.obj ? undefined : head.addr });
  if (orNull && node.k === 'p' && node.obj === head.obj && node.off === head.off) return { k: 'p', t: ptrTo(t), obj: null, off: 0, addr: 0n };
  return containerOf(node, t, off);
}

function* nextEntry(c: CallCtx, prev: boolean): Gen<Value> {
  const pos = yield* evPtr(c, 0);
  const t = pos.t.to;
  const { off } = fieldOffset(c.I, t, memberPath(arg(c, 1)), c.pos);
  const lh = c.I.builtinTypes.get('struct list_head')!;
  const node = load(c.I, { obj: pos.obj, off: pos.off + off + (prev ? 8 : 0), t: ptrTo(lh), addr: pos.obj ? undefined : (pos.addr ?? 0n) + BigInt(off) });
  return containerOf(node, t, off);
}

/** The per-CPU copy for `cpu` of whatever per-CPU object `p` points into. */
export function perCpuRemap(c: CallCtx, p: PtrV, cpu: number): PtrV {
  const o = p.obj;
  if (!o || o.region !== 'percpu' || !o.sym) return p;
  const g = c.I.globals.get(o.sym);
  const copy = g?.perCpu?.[cpu];
  if (!copy) {
    throw new StopRun('internal', `per_cpu(): CPU ${cpu} does not exist (the machine has ${c.I.k.cpus.length} CPUs)`, c.scope.fn, c.pos);
  }
  return { ...p, obj: copy };
}

function* onceRead(c: CallCtx): Gen<Value> {
  const r = yield* evLval(c, 0);
  const v = loadMarked(c, r);
  return v;
}

function loadMarked(c: CallCtx, r: Ref): Value {
  const I = c.I;
  const was = I.memEvents;
  I.memEvents = false;
  try {
    const v = load(I, r);
    if (was && r.obj && r.obj.region !== 'stack') accessEvent(I, r, false, true);
    return v;
  } finally {
    I.memEvents = was;
  }
}

export function storeMarked(c: CallCtx, r: Ref, v: Value): void {
  const I = c.I;
  const was = I.memEvents;
  I.memEvents = false;
  try {
    store(I, r, v);
    if (was && r.obj && r.obj.region !== 'stack') accessEvent(I, r, true, true);
  } finally {
    I.memEvents = was;
  }
}

/**
 * rcu_dereference*(): a marked read plus RCU-lockdep's check that the reader
 * holds the right RCU read lock (or the condition a _check/_protected variant gives).
 */
function rcuDeref(kind: 'rcu' | 'bh' | 'sched' | null, withCond: boolean) {
  return function* (c: CallCtx): Gen<Value> {
    const r = yield* evLval(c, 0);
    const cond = withCond && c.args.length > 1 ? truthy(yield* ev(c, 1)) : false;
    const ok = cond || (kind !== null && rcuHeld(c.I.k, kind));
    if (!ok) rcuSuspicious(c.I.k, c.pos, kind === null ? 'suspicious rcu_dereference_protected() usage' : 'suspicious rcu_dereference_check() usage');
    return loadMarked(c, r);
  };
}

function* onceWrite(c: CallCtx): Gen<Value> {
  const r = yield* evLval(c, 0);
  const v = yield* ev(c, 1);
  storeMarked(c, r, v);
  return VOIDV;
}

function* minmax(c: CallCtx, max: boolean, typed: boolean): Gen<Value> {
  const off = typed ? 1 : 0;
  const a = yield* ev(c, off);
  const b = yield* ev(c, off + 1);
  let t: IntRT = commonType(a.k === 'i' ? a.t : INT, b.k === 'i' ? b.t : INT);
  if (typed) {
    const tt = typeArg(c, 0);
    if (tt.k === 'int') t = tt;
  }
  const x = mkInt(t, toBig(a));
  const y = mkInt(t, toBig(b));
  return (max ? x.v >= y.v : x.v <= y.v) ? x : y;
}

const MAX_ERRNO = 4095n;

export const coreBuiltins: Family = {
  BIT: function* (c) {
    return mkInt(ULONG, bit(yield* evInt(c, 0)));
  },
  BIT_ULL: function* (c) {
    return mkInt(ULL, bit(yield* evInt(c, 0)));
  },
  GENMASK: function* (c) {
    const h = yield* evInt(c, 0);
    const l = yield* evInt(c, 1);
    return mkInt(ULONG, (bit(h - l + 1n) - 1n) * bit(l));
  },
  GENMASK_ULL: function* (c) {
    const h = yield* evInt(c, 0);
    const l = yield* evInt(c, 1);
    return mkInt(ULL, (bit(h - l + 1n) - 1n) * bit(l));
  },
  FIELD_GET: function* (c) {
    const m = yield* ev(c, 0);
    const v = yield* evInt(c, 1);
    const mask = toBig(m);
    const t = m.k === 'i' ? m.t : ULL;
    return mkInt(t, (v & mask) >> ctz(mask));
  },
  FIELD_PREP: function* (c) {
    const m = yield* ev(c, 0);
    const v = yield* evInt(c, 1);
    const mask = toBig(m);
    const t = m.k === 'i' ? m.t : ULL;
    return mkInt(t, (v * bit(ctz(mask))) & mask);
  },
  FIELD_FIT: function* (c) {
    const mask = yield* evInt(c, 0);
    const v = yield* evInt(c, 1);
    return boolOf(((v * bit(ctz(mask))) & ~mask) === 0n);
  },
  BITS_TO_LONGS: function* (c) {
    return mkInt(ULONG, ((yield* evInt(c, 0)) + 63n) / 64n);
  },
  DIV_ROUND_UP: function* (c) {
    const a = yield* evInt(c, 0);
    const b = yield* nonZero(c, 1);
    return mkInt(ULONG, (a + b - 1n) / b);
  },
  ALIGN: function* (c) {
    const a = yield* evInt(c, 0);
    const b = yield* evInt(c, 1);
    return mkInt(ULONG, (a + b - 1n) & ~(b - 1n));
  },
  IS_ALIGNED: function* (c) {
    const a = yield* evInt(c, 0);
    const b = yield* evInt(c, 1);
    return boolOf((a & (b - 1n)) === 0n);
  },
  lower_32_bits: function* (c) {
    return mkInt({ k: 'int', name: 'u32', bits: 32, signed: false }, yield* evInt(c, 0));
  },
  upper_32_bits: function* (c) {
    return mkInt({ k: 'int', name: 'u32', bits: 32, signed: false }, (yield* evInt(c, 0)) >> 32n);
  },
  hweight32: function* (c) {
    let v = BigInt.asUintN(32, yield* evInt(c, 0));
    let n = 0;
    while (v) {
      n += Number(v & 1n);
      v >>= 1n;
    }
    return intOf(n);
  },
  hweight64: function* (c) {
    let v = BigInt.asUintN(64, yield* evInt(c, 0));
    let n = 0;
    while (v) {
      n += Number(v & 1n);
      v >>= 1n;
    }
    return intOf(n);
  },
  __ffs: function* (c) {
    return mkInt(ULONG, ctz(yield* evInt(c, 0)));
  },
  ffs: function* (c) {
    const v = yield* evInt(c, 0);
    return intOf(v === 0n ? 0 : Number(ctz(v)) + 1);
  },
  fls: function* (c) {
    const v = BigInt.asUintN(32, yield* evInt(c, 0));
    return intOf(v === 0n ? 0 : v.toString(2).length);
  },
  ilog2: function* (c) {
    const v = yield* evInt(c, 0);
    return intOf(v <= 0n ? -1 : v.toString(2).length - 1);
  },
  min: function* (c) {
    return yield* minmax(c, false, false);
  },
  max: function* (c) {
    return yield* minmax(c, true, false);
  },
  min_t: function* (c) {
    return yield* minmax(c, false, true);
  },
  max_t: function* (c) {
    return yield* minmax(c, true, true);
  },
  clamp: function* (c) {
    const v = yield* ev(c, 0);
    const lo = yield* evInt(c, 1);
    const hi = yield* evInt(c, 2);
    const x = toBig(v);
    const t = v.k === 'i' ? v.t : INT;
    return mkInt(t, x < lo ? lo : x > hi ? hi : x);
  },
  // Compile-time assertions: a true condition means gcc refuses the program, so the run stops with gcc's error.
  BUILD_BUG_ON: function* (c) {
    return yield* buildBug(c, `BUILD_BUG_ON failed: ${exprText(arg(c, 0))}`);
  },
  BUILD_BUG_ON_MSG: function* (c) {
    return yield* buildBug(c, readString(c.I, yield* ev(c, 1)) ?? exprText(arg(c, 1)));
  },
  abs: function* (c) {
    const v = yield* ev(c, 0);
    const x = toBig(v);
    return mkInt(v.k === 'i' ? v.t : INT, x < 0n ? -x : x);
  },
  swap: function* (c) {
    const a = yield* evLval(c, 0);
    const b = yield* evLval(c, 1);
    const va = load(c.I, a);
    const vb = load(c.I, b);
    store(c.I, a, vb);
    store(c.I, b, va);
    return VOIDV;
  },
  likely: function* (c) {
    return boolOf(truthy(yield* ev(c, 0)));
  },
  unlikely: function* (c) {
    return boolOf(truthy(yield* ev(c, 0)));
  },
  ARRAY_SIZE: function* (c) {
    const t = typeOfExpr(c.I, arg(c, 0), c.scope);
    if (t.k !== 'array') throw new StopRun('internal', `ARRAY_SIZE() of something that is not an array`, c.scope.fn, c.pos);
    return mkInt(ULONG, BigInt(t.n));
  },
  offsetof: function* (c) {
    const t = typeArg(c, 0);
    return mkInt(ULONG, BigInt(fieldOffset(c.I, t, memberPath(arg(c, 1)), c.pos).off));
  },
  container_of: container,
  container_of_const: container,
  list_entry: container,
  list_entry_rcu: container,
  hlist_entry: container,
  hlist_entry_safe: function* (c) {
    const p = yield* ev(c, 0);
    if (p.k === 'p' && !p.obj && (p.addr ?? 0n) === 0n) return { k: 'p', t: ptrTo(typeArg(c, 1)), obj: null, off: 0, addr: 0n };
    const t = typeArg(c, 1);
    return containerOf(p, t, fieldOffset(c.I, t, memberPath(arg(c, 2)), c.pos).off);
  },
  to_delayed_work: function* (c) {
    const p = yield* ev(c, 0);
    return containerOf(p, c.I.builtinTypes.get('struct delayed_work')!, 0);
  },
  list_first_entry: function* (c) {
    return yield* firstEntry(c, false, false);
  },
  list_last_entry: function* (c) {
    return yield* firstEntry(c, true, false);
  },
  list_first_entry_or_null: function* (c) {
    return yield* firstEntry(c, false, true);
  },
  list_next_entry: function* (c) {
    return yield* nextEntry(c, false);
  },
  list_prev_entry: function* (c) {
    return yield* nextEntry(c, true);
  },

  // per-CPU
  __per_cpu_ptr_of: function* (c) {
    const r = yield* evalLval(c.I, arg(c, 0), c.scope);
    const cpu = yield* evNum(c, 1);
    return perCpuRemap(c, { k: 'p', t: ptrTo(r.t), obj: r.obj, off: r.off }, cpu);
  },
  per_cpu: function* (c) {
    const r = yield* evalLval(c.I, arg(c, 0), c.scope);
    const cpu = yield* evNum(c, 1);
    const p = perCpuRemap(c, { k: 'p', t: ptrTo(r.t), obj: r.obj, off: r.off }, cpu);
    return load(c.I, { obj: p.obj, off: p.off, t: r.t });
  },
  per_cpu_ptr: function* (c) {
    const p = yield* evPtr(c, 0);
    return perCpuRemap(c, p, yield* evNum(c, 1));
  },
  this_cpu_ptr: function* (c) {
    const p = yield* evPtr(c, 0);
    return perCpuRemap(c, p, c.I.k.cur.cpu.id);
  },
  raw_cpu_ptr: function* (c) {
    const p = yield* evPtr(c, 0);
    return perCpuRemap(c, p, c.I.k.cur.cpu.id);
  },
  get_cpu_ptr: function* (c) {
    c.I.k.cur.task.preempt++;
    const p = yield* evPtr(c, 0);
    return perCpuRemap(c, p, c.I.k.cur.cpu.id);
  },
  put_cpu_ptr: function* (c) {
    yield* ev(c, 0);
    if (c.I.k.cur.task.preempt > 0) c.I.k.cur.task.preempt--;
    return VOIDV;
  },
  this_cpu_read: function* (c) {
    const r = yield* evLval(c, 0);
    return load(c.I, r);
  },
  this_cpu_write: function* (c) {
    const r = yield* evLval(c, 0);
    store(c.I, r, yield* ev(c, 1));
    return VOIDV;
  },
  this_cpu_inc: function* (c) {
    const r = yield* evLval(c, 0);
    const v = load(c.I, r);
    store(c.I, r, mkInt(v.k === 'i' ? v.t : INT, toBig(v) + 1n));
    return VOIDV;
  },
  this_cpu_dec: function* (c) {
    const r = yield* evLval(c, 0);
    const v = load(c.I, r);
    store(c.I, r, mkInt(v.k === 'i' ? v.t : INT, toBig(v) - 1n));
    return VOIDV;
  },
  this_cpu_add: function* (c) {
    const r = yield* evLval(c, 0);
    const v = load(c.I, r);
    store(c.I, r, mkInt(v.k === 'i' ? v.t : INT, toBig(v) + (yield* evInt(c, 1))));
    return VOIDV;
  },
  this_cpu_sub: function* (c) {
    const r = yield* evLval(c, 0);
    const v = load(c.I, r);
    store(c.I, r, mkInt(v.k === 'i' ? v.t : INT, toBig(v) - (yield* evInt(c, 1))));
    return VOIDV;
  },

  // Marked accesses
  READ_ONCE: onceRead,
  WRITE_ONCE: onceWrite,
  smp_load_acquire: function* (c) {
    const p = yield* evPtr(c, 0);
    return loadMarked(c, { obj: p.obj, off: p.off, t: p.t.to, addr: p.obj ? undefined : p.addr });
  },
  smp_store_release: function* (c) {
    const p = yield* evPtr(c, 0);
    const v = yield* ev(c, 1);
    storeMarked(c, { obj: p.obj, off: p.off, t: p.t.to, addr: p.obj ? undefined : p.addr }, v);
    return VOIDV;
  },
  rcu_dereference: rcuDeref('rcu', false),
  rcu_dereference_raw: onceRead,
  rcu_dereference_bh: rcuDeref('bh', false),
  rcu_dereference_sched: rcuDeref('sched', false),
  rcu_access_pointer: onceRead,
  rcu_dereference_protected: rcuDeref(null, true),
  rcu_dereference_check: rcuDeref('rcu', true),
  rcu_dereference_bh_check: rcuDeref('bh', true),
  rcu_dereference_sched_check: rcuDeref('sched', true),
  rcu_assign_pointer: onceWrite,
  RCU_INIT_POINTER: onceWrite,

  // Errors as pointers
  ERR_PTR: function* (c) {
    const v = yield* evInt(c, 0);
    return { k: 'p', t: ptrTo({ k: 'void' }), obj: null, off: 0, addr: BigInt.asUintN(64, v) };
  },
  PTR_ERR: function* (c) {
    return mkInt(LONG, BigInt.asIntN(64, toBig(yield* ev(c, 0))));
  },
  IS_ERR: function* (c) {
    const a = BigInt.asUintN(64, toBig(yield* ev(c, 0)));
    return boolOf(a >= BigInt.asUintN(64, -MAX_ERRNO));
  },
  IS_ERR_OR_NULL: function* (c) {
    const a = BigInt.asUintN(64, toBig(yield* ev(c, 0)));
    return boolOf(a === 0n || a >= BigInt.asUintN(64, -MAX_ERRNO));
  },
  ERR_CAST: function* (c) {
    return yield* ev(c, 0);
  },

  // Strings and raw memory
  strlen: function* (c) {
    return mkInt(ULONG, BigInt((readString(c.I, yield* ev(c, 0)) ?? '').length));
  },
  strcmp: function* (c) {
    const a = readString(c.I, yield* ev(c, 0)) ?? '';
    const b = readString(c.I, yield* ev(c, 1)) ?? '';
    return intOf(a < b ? -1 : a > b ? 1 : 0);
  },
  strncmp: function* (c) {
    const n = Number(toBig(yield* ev(c, 2)));
    const a = (readString(c.I, yield* ev(c, 0)) ?? '').slice(0, n);
    const b = (readString(c.I, yield* ev(c, 1)) ?? '').slice(0, n);
    return intOf(a < b ? -1 : a > b ? 1 : 0);
  },
  strscpy: strcpyLike,
  strlcpy: strcpyLike,
  strncpy: strcpyLike,
  strcpy: strcpyLike,
  snprintf: function* (c) {
    const dst = yield* evPtr(c, 0);
    const size = yield* evNum(c, 1);
    const fmt = readString(c.I, yield* ev(c, 2)) ?? '';
    const args: Value[] = [];
    for (let i = 3; i < c.args.length; i++) args.push(yield* ev(c, i));
    const s = formatPrintf(c.I, fmt, args);
    writeString(c, dst, s.slice(0, Math.max(0, size - 1)));
    return intOf(s.length);
  },
  sprintf: function* (c) {
    const dst = yield* evPtr(c, 0);
    const fmt = readString(c.I, yield* ev(c, 1)) ?? '';
    const args: Value[] = [];
    for (let i = 2; i < c.args.length; i++) args.push(yield* ev(c, i));
    const s = formatPrintf(c.I, fmt, args);
    writeString(c, dst, s);
    return intOf(s.length);
  },
  memset: function* (c) {
    const p = yield* evPtr(c, 0);
    const v = yield* evInt(c, 1);
    const n = inBounds(c, p, yield* evNum(c, 2));
    if (!p.obj) {
      load(c.I, { obj: null, off: 0, t: CHAR, addr: p.addr });
      return p;
    }
    for (const key of [...p.obj.cells.keys()]) if (key >= p.off && key < p.off + n) p.obj.cells.delete(key);
    if (v !== 0n) for (let i = 0; i < n; i++) p.obj.cells.set(p.off + i, mkInt(CHAR, v));
    else zeroFill(p, n);
    return p;
  },
  memcpy: function* (c) {
    const d = yield* evPtr(c, 0);
    const s = yield* evPtr(c, 1);
    const n = Math.min(inBounds(c, d, yield* evNum(c, 2)), inBounds(c, s, Number.MAX_SAFE_INTEGER));
    if (d.obj && s.obj) copyCells(s.obj, s.off, d.obj, d.off, n);
    return d;
  },
  memcmp: function* (c) {
    const a = yield* evPtr(c, 0);
    const b = yield* evPtr(c, 1);
    const n = Math.min(inBounds(c, a, yield* evNum(c, 2)), inBounds(c, b, Number.MAX_SAFE_INTEGER));
    for (let i = 0; i < n; i++) {
      const x = a.obj?.cells.get(a.off + i);
      const y = b.obj?.cells.get(b.off + i);
      if ((x ? toBig(x) : 0n) !== (y ? toBig(y) : 0n)) return intOf(1);
    }
    return intOf(0);
  },
};

/** Clamp a byte count to the object a pointer is in; running past its end is KASAN's out-of-bounds. */
function inBounds(c: CallCtx, p: PtrV, n: number): number {
  if (!p.obj) return Math.max(0, Math.min(n, 4096));
  const room = Math.max(0, p.obj.size - p.off);
  if (n > room && n !== Number.MAX_SAFE_INTEGER) load(c.I, { obj: p.obj, off: p.obj.size, t: CHAR });
  return Math.max(0, Math.min(n, room));
}

/** Zero a range whose object reads unwritten cells as uninitialised: store explicit zeroes per scalar. */
function zeroFill(p: PtrV, n: number): void {
  const o = p.obj!;
  if (o.zeroed) return;
  const walk = (t: RType, off: number): void => {
    if (off < p.off || off >= p.off + n) return;
    if (t.k === 'int') o.cells.set(off, mkInt(t, 0n));
    else if (t.k === 'ptr') o.cells.set(off, { k: 'p', t, obj: null, off: 0, addr: 0n });
    else if (t.k === 'array') for (let i = 0; i < t.n; i++) walk(t.of, off + i * sizeOf(t.of));
    else if (t.k === 'struct' && t.fields) for (const f of t.fields) walk(f.t, off + f.off);
  };
  if (p.off === 0 && n >= o.size) {
    o.zeroed = true;
    return;
  }
  walk(o.t, 0);
}

function writeString(c: CallCtx, dst: PtrV, s: string): void {
  if (!dst.obj) {
    load(c.I, { obj: null, off: 0, t: CHAR, addr: dst.addr });
    return;
  }
  for (let i = 0; i < s.length; i++) dst.obj.cells.set(dst.off + i, mkInt(CHAR, BigInt(s.charCodeAt(i))));
  dst.obj.cells.set(dst.off + s.length, mkInt(CHAR, 0n));
}

function* strcpyLike(c: CallCtx): Gen<Value> {
  const d = yield* evPtr(c, 0);
  const s = readString(c.I, yield* ev(c, 1)) ?? '';
  const n = c.args.length > 2 ? yield* evNum(c, 2) : s.length + 1;
  writeString(c, d, s.slice(0, Math.max(0, n - 1)));
  return c.name === 'strscpy' ? mkInt(LONG, BigInt(Math.min(s.length, n - 1))) : d;
}

function* buildBug(c: CallCtx, message: string): Gen<Value> {
  if (truthy(yield* ev(c, 0))) {
    throw new StopRun('internal', `call to '__compiletime_assert_${c.pos.line}' declared with attribute error: ${message}`, c.scope.fn, c.pos);
  }
  return VOIDV;
}

// __this_cpu_*() and raw_cpu_*(): the same operation without the preemption
// safety the caller must provide (no debug check modelled).
for (const op of ['read', 'write', 'inc', 'dec', 'add', 'sub']) {
  coreBuiltins[`__this_cpu_${op}`] = coreBuiltins[`this_cpu_${op}`]!;
  coreBuiltins[`raw_cpu_${op}`] = coreBuiltins[`this_cpu_${op}`]!;
}
