/**
 * Lists with CONFIG_DEBUG_LIST checks, the slab allocator with KASAN-style
 * use-after-free and double-free detection, RCU-deferred frees, refcount_t,
 * atomics and bitmaps.
 */
import { formatAddr } from '../../events/format.ts';
import type { ListOp } from '../../events/types.ts';
import { ctxNow, emit, listening, mightSleep, sanitizerReport, StopRun, warn, warnOnce } from '../../kernel/kernel.ts';
import { acquireEvent, globalMap, releaseEvent } from '../../kernel/locks.ts';
import type { Gen } from '../../kernel/state.ts';
import { exprText } from '../print.ts';
import * as interpMod from '../interp.ts';
import { load, type CallCtx, type Interp, type Ref } from '../interp.ts';
import { addrOf, allocObj, VOIDV, type PtrV, type Value } from '../memory.ts';
import { CHAR, INT, LONG, ptrTo, ULONG, type IntRT, type RType } from '../rtypes.ts';
import { boolOf, intOf, mkInt, toBig } from '../values.ts';
import { storeMarked } from './core.ts';
import { lockTable, rcuDepthOf } from './locks.ts';
import { arg, ev, evInt, evNum, evPtr, store, type Family } from './util.ts';

export const LIST_POISON1 = 0xdead000000000100n;
export const LIST_POISON2 = 0xdead000000000122n;

// --- list_head primitives ------------------------------------------------------

function lh(I: Interp): RType {
  return I.builtinTypes.get('struct list_head')!;
}
function lhp(I: Interp): RType {
  return ptrTo(lh(I));
}

function field(I: Interp, p: Value, off: number): Ref {
  const t = lhp(I);
  if (p.k !== 'p') return { obj: null, off: 0, t, addr: toBig(p) + BigInt(off) };
  return { obj: p.obj, off: p.off + off, t, addr: p.obj ? undefined : (p.addr ?? 0n) + BigInt(off), uninit: p.uninit };
}
const getNext = (I: Interp, p: Value): Value => load(I, field(I, p, 0));
const getPrev = (I: Interp, p: Value): Value => load(I, field(I, p, 8));
const setNext = (I: Interp, p: Value, v: Value): void => store(I, field(I, p, 0), v);
const setPrev = (I: Interp, p: Value, v: Value): void => store(I, field(I, p, 8), v);

function same(a: Value, b: Value): boolean {
  if (a.k === 'p' && b.k === 'p' && (a.obj || b.obj)) return a.obj === b.obj && a.off === b.off;
  return toBig(a) === toBig(b);
}
function isNull(v: Value): boolean {
  return toBig(v) === 0n;
}
const px = (v: Value): string => formatAddr(v.k === 'p' ? addrOf(v) : toBig(v));

function poison(I: Interp, a: bigint): Value {
  return { k: 'p', t: lhp(I) as never, obj: null, off: 0, addr: a };
}

/** CHECK_DATA_CORRUPTION(): a WARN with the message; the operation is skipped. */
function* corrupt(c: CallCtx, msg: string): Gen<false> {
  yield* warn(c.I.k, msg, 'list-corruption');
  return false;
}

function* addValid(c: CallCtx, n: Value, prev: Value, next: Value): Gen<boolean> {
  const I = c.I;
  if (isNull(next)) return yield* corrupt(c, 'list_add corruption. next is NULL.');
  if (isNull(prev)) return yield* corrupt(c, 'list_add corruption. prev is NULL.');
  const np = getPrev(I, next);
  if (!same(np, prev)) return yield* corrupt(c, `list_add corruption. next->prev should be prev (${px(prev)}), but was ${px(np)}. (next=${px(next)}).`);
  const pn = getNext(I, prev);
  if (!same(pn, next)) return yield* corrupt(c, `list_add corruption. prev->next should be next (${px(next)}), but was ${px(pn)}. (prev=${px(prev)}).`);
  if (same(n, prev) || same(n, next)) return yield* corrupt(c, `list_add double add: new=${px(n)}, prev=${px(prev)}, next=${px(next)}.`);
  return true;
}

function* delValid(c: CallCtx, e: Value): Gen<boolean> {
  const I = c.I;
  const next = getNext(I, e);
  const prev = getPrev(I, e);
  if (isNull(next)) return yield* corrupt(c, `list_del corruption, ${px(e)}->next is NULL`);
  if (isNull(prev)) return yield* corrupt(c, `list_del corruption, ${px(e)}->prev is NULL`);
  if (toBig(next) === LIST_POISON1) return yield* corrupt(c, `list_del corruption, ${px(e)}->next is LIST_POISON1 (${formatAddr(LIST_POISON1)})`);
  if (toBig(prev) === LIST_POISON2) return yield* corrupt(c, `list_del corruption, ${px(e)}->prev is LIST_POISON2 (${formatAddr(LIST_POISON2)})`);
  const pn = getNext(I, prev);
  if (!same(pn, e)) return yield* corrupt(c, `list_del corruption. prev->next should be ${px(e)}, but was ${px(pn)}. (prev=${px(prev)})`);
  const np = getPrev(I, next);
  if (!same(np, e)) return yield* corrupt(c, `list_del corruption. next->prev should be ${px(e)}, but was ${px(np)}. (next=${px(next)})`);
  return true;
}

function listEvent(c: CallCtx, op: ListOp, head: Value | null, headExpr: number | null, entry: Value | null, entryExpr: number | null): void {
  const I = c.I;
  if (!I.memEvents || !listening(I.k)) return;
  const h = head && head.k === 'p' && head.obj ? head : null;
  const e = entry && entry.k === 'p' && entry.obj ? entry : null;
  const headInfo = h
    ? { objId: h.obj!.id, label: headExpr !== null ? exprText(arg(c, headExpr)) : h.obj!.label, addr: addrOf(h) }
    : e
      ? { objId: e.obj!.id, label: entryExpr !== null ? exprText(arg(c, entryExpr)) : e.obj!.label, addr: addrOf(e) }
      : null;
  if (!headInfo) return;
  emit(I.k, {
    kind: 'list',
    op,
    head: headInfo,
    entry: e ? { objId: e.obj!.id, label: entryExpr !== null ? exprText(arg(c, entryExpr)) : e.obj!.label, addr: addrOf(e) } : undefined,
    ctx: ctxNow(I.k),
  });
}

function* listAdd(c: CallCtx, tail: boolean, rcu: boolean): Gen<Value> {
  const I = c.I;
  const n = yield* ev(c, 0);
  const head = yield* ev(c, 1);
  const prev = tail ? getPrev(I, head) : head;
  const next = tail ? head : getNext(I, head);
  if (!(yield* addValid(c, n, prev, next))) return VOIDV;
  setPrev(I, next, n);
  setNext(I, n, next);
  setPrev(I, n, prev);
  setNext(I, prev, n);
  listEvent(c, rcu ? (tail ? 'list_add_tail_rcu' : 'list_add_rcu') : tail ? 'list_add_tail' : 'list_add', head, 1, n, 0);
  return VOIDV;
}

function* listDel(c: CallCtx, mode: 'del' | 'init' | 'rcu'): Gen<Value> {
  const I = c.I;
  const e = yield* ev(c, 0);
  if (!(yield* delValid(c, e))) return VOIDV;
  const next = getNext(I, e);
  const prev = getPrev(I, e);
  setPrev(I, next, prev);
  setNext(I, prev, next);
  if (mode === 'init') {
    setNext(I, e, e);
    setPrev(I, e, e);
  } else {
    if (mode === 'del') setNext(I, e, poison(I, LIST_POISON1));
    setPrev(I, e, poison(I, LIST_POISON2));
  }
  listEvent(c, mode === 'rcu' ? 'list_del_rcu' : mode === 'init' ? 'list_del_init' : 'list_del', null, null, e, 0);
  return VOIDV;
}

function* listMove(c: CallCtx, tail: boolean): Gen<Value> {
  const I = c.I;
  const e = yield* ev(c, 0);
  const head = yield* ev(c, 1);
  if (!(yield* delValid(c, e))) return VOIDV;
  const next = getNext(I, e);
  const prev = getPrev(I, e);
  setPrev(I, next, prev);
  setNext(I, prev, next);
  const p = tail ? getPrev(I, head) : head;
  const nx = tail ? head : getNext(I, head);
  if (!(yield* addValid(c, e, p, nx))) return VOIDV;
  setPrev(I, nx, e);
  setNext(I, e, nx);
  setPrev(I, e, p);
  setNext(I, p, e);
  listEvent(c, tail ? 'list_move_tail' : 'list_move', head, 1, e, 0);
  return VOIDV;
}

function* listReplace(c: CallCtx, init: boolean, rcu: boolean): Gen<Value> {
  const I = c.I;
  const old = yield* ev(c, 0);
  const n = yield* ev(c, 1);
  const next = getNext(I, old);
  const prev = getPrev(I, old);
  setNext(I, n, next);
  setPrev(I, next, n);
  setPrev(I, n, prev);
  setNext(I, prev, n);
  if (init) {
    setNext(I, old, old);
    setPrev(I, old, old);
  } else if (rcu) setPrev(I, old, poison(I, LIST_POISON2));
  listEvent(c, rcu ? 'list_replace_rcu' : 'list_replace', null, null, n, 1);
  return VOIDV;
}

// --- hlist ---------------------------------------------------------------------

function hfield(_I: Interp, p: Value, off: number, t: RType): Ref {
  if (p.k !== 'p') return { obj: null, off: 0, t, addr: toBig(p) + BigInt(off) };
  return { obj: p.obj, off: p.off + off, t, addr: p.obj ? undefined : (p.addr ?? 0n) + BigInt(off) };
}

function* hlistAddHead(c: CallCtx): Gen<Value> {
  const I = c.I;
  const n = yield* ev(c, 0);
  const h = yield* ev(c, 1);
  const nodeP = ptrTo(I.builtinTypes.get('struct hlist_node')!);
  const first = load(I, hfield(I, h, 0, nodeP));
  store(I, hfield(I, n, 0, nodeP), first);
  if (!isNull(first)) store(I, hfield(I, first, 8, ptrTo(nodeP)), { ...(n as PtrV), off: (n as PtrV).off, t: ptrTo(nodeP) as never });
  store(I, hfield(I, h, 0, nodeP), n);
  store(I, hfield(I, n, 8, ptrTo(nodeP)), h.k === 'p' ? { ...h, t: ptrTo(nodeP) as never } : h);
  listEvent(c, c.name.endsWith('_rcu') ? 'list_add_rcu' : 'list_add', h, 1, n, 0);
  return VOIDV;
}

function* hlistDel(c: CallCtx, init: boolean): Gen<Value> {
  const I = c.I;
  const n = yield* ev(c, 0);
  const nodeP = ptrTo(I.builtinTypes.get('struct hlist_node')!);
  const next = load(I, hfield(I, n, 0, nodeP));
  const pprev = load(I, hfield(I, n, 8, ptrTo(nodeP)));
  if (isNull(pprev)) return VOIDV; // unhashed
  store(I, hfield(I, pprev, 0, nodeP), next);
  if (!isNull(next)) store(I, hfield(I, next, 8, ptrTo(nodeP)), pprev);
  if (init) {
    store(I, hfield(I, n, 0, nodeP), { k: 'p', t: nodeP as never, obj: null, off: 0, addr: 0n });
    store(I, hfield(I, n, 8, ptrTo(nodeP)), { k: 'p', t: ptrTo(nodeP) as never, obj: null, off: 0, addr: 0n });
  } else {
    if (!c.name.endsWith('_rcu')) store(I, hfield(I, n, 0, nodeP), poison(I, LIST_POISON1));
    store(I, hfield(I, n, 8, ptrTo(nodeP)), poison(I, LIST_POISON2));
  }
  listEvent(c, c.name.endsWith('_rcu') ? 'list_del_rcu' : init ? 'list_del_init' : 'list_del', null, null, n, 0);
  return VOIDV;
}

// --- slab ------------------------------------------------------------------------

const GFP_DIRECT_RECLAIM = 0x400n;
const GFP_FS = 0x80n;

function* kmallocLike(c: CallCtx, size: number, gfp: bigint, zero: boolean): Gen<Value> {
  const I = c.I;
  const k = I.k;
  if (gfp & GFP_DIRECT_RECLAIM) {
    mightSleep(k, rcuDepthOf(k.cur.task), 'include/linux/sched/mm.h:321', 'kmalloc_trace');
    if (gfp & GFP_FS) {
      // fs_reclaim_acquire()/release(): lockdep learns "may recurse into reclaim" under these locks.
      const m = globalMap(k, lockTable(k), 'fs_reclaim', 'INV', 'INV');
      acquireEvent(k, m, { api: 'fs_reclaim_acquire', read: 0 });
      releaseEvent(k, m, 'fs_reclaim_release');
    }
  }
  // Beyond KMALLOC_MAX_SIZE (or negative) the allocator fails rather than allocating.
  if (size < 0 || size > 4 << 20) return { k: 'p', t: ptrTo({ k: 'void' }), obj: null, off: 0, addr: 0n };
  if (I.mem.heapBytes + size > I.maxMemory) {
    const f = k.cur.frames[k.cur.frames.length - 1];
    throw new StopRun(
      'memory',
      `memory budget of ${Math.round(I.maxMemory / 1024 / 1024)} MiB exhausted in ${f?.fn ?? '?'}() at ${c.pos.file}:${c.pos.line}:${c.pos.col} — is memory allocated in a loop and never freed?`,
      f?.fn,
      c.pos,
    );
  }
  const obj = allocObj(I.mem, 'heap', { k: 'array', of: CHAR, n: size }, size, `kmalloc-${size}`, zero, { untyped: true });
  if (I.memEvents && listening(k)) emit(k, { kind: 'alloc', objId: obj.id, label: obj.label, lo: obj.base, hi: obj.base + BigInt(size), ctx: ctxNow(k) });
  return { k: 'p', t: ptrTo({ k: 'void' }), obj, off: 0 };
}

function* kfreeNow(c: CallCtx, p: Value, how: 'kfree' | 'kfree_rcu'): Gen<void> {
  const I = c.I;
  const k = I.k;
  if (p.k !== 'p' || (!p.obj && (p.addr ?? 0n) === 0n)) return;
  const o = p.obj;
  const top = k.cur.frames[k.cur.frames.length - 1];
  if (!o || o.region !== 'heap' || p.off !== 0) {
    if (interpMod.kasanFirst(I)) sanitizerReport(k, 'double-free', `BUG: KASAN: invalid-free in ${interpMod.topSymbol(I)}`, [`${px(p)} is not the start of a kmalloc'ed object`]);
    return;
  }
  if (o.freed) {
    if (!interpMod.kasanFirst(I)) return;
    sanitizerReport(k, 'double-free', `BUG: KASAN: double-free in ${interpMod.topSymbol(I)}`, [
      `Free of addr ${formatAddr(o.base)} by task ${k.cur.task.comm}/${k.cur.task.pid}`,
    ], o.freedAt ? ['', `Freed by task at ${o.freedAt}`] : []);
    return;
  }
  const lo = o.base;
  const hi = o.base + BigInt(o.size);
  if (listening(k)) {
    emit(k, { kind: 'free', lo, hi, ctx: ctxNow(k) });
    if (I.memEvents) emit(k, { kind: how, objId: o.id, label: o.label, lo, hi, ctx: ctxNow(k) });
  }
  o.freed = true;
  o.freedAt = top ? `${top.fn}() ${top.pos.file}:${top.pos.line}` : undefined;
  I.mem.heapBytes -= o.size;
}

/** Objects queued by kfree_rcu()/call_rcu(): freed once the current RCU readers are gone. */
interface RcuCb {
  p: Value;
  fn?: Value;
  cpu: number;
}
const rcuQueue = new WeakMap<Interp, RcuCb[]>();

/**
 * A grace period has elapsed (the scheduler got control back, so no task is
 * inside an RCU read-side section): free what kfree_rcu() queued and hand
 * call_rcu() callbacks to the RCU softirq of the CPU that queued them.
 */
export function rcuGracePeriod(I: Interp): void {
  const q = rcuQueue.get(I);
  if (!q || q.length === 0) return;
  for (const it of q.splice(0)) {
    if (it.fn) {
      I.k.cpus[it.cpu]!.pendingSoftirq.push({ kind: 'rcu', fn: it.fn, arg: it.p, name: 'rcu' });
      continue;
    }
    const o = (it.p as PtrV).obj;
    if (o && !o.freed) {
      o.freed = true;
      o.freedAt = 'kfree_rcu() after a grace period';
      I.mem.heapBytes -= o.size;
      if (listening(I.k)) emit(I.k, { kind: 'free', lo: o.base, hi: o.base + BigInt(o.size), ctx: ctxNow(I.k) });
    }
  }
}

export function hasRcuWork(I: Interp): boolean {
  return (rcuQueue.get(I)?.length ?? 0) > 0;
}

// --- refcount_t / atomics ------------------------------------------------------------

function counterRef(_c: CallCtx, p: PtrV, t: IntRT): Ref {
  return { obj: p.obj, off: p.off, t, addr: p.obj ? undefined : p.addr, uninit: p.uninit };
}

function* atomicOp(c: CallCtx, t: IntRT, f: (old: bigint, arg: bigint) => { nv: bigint | null; ret: Value }, withArg: 'first' | 'second' | 'none'): Gen<Value> {
  let arg = 0n;
  let pi = 0;
  if (withArg === 'first') {
    arg = yield* evInt(c, 0);
    pi = 1;
  }
  const p = yield* evPtr(c, pi);
  if (withArg === 'second') arg = yield* evInt(c, 1);
  const r = counterRef(c, p, t);
  const was = c.I.memEvents;
  c.I.memEvents = false;
  let old: bigint;
  try {
    old = toBig(load(c.I, r));
  } finally {
    c.I.memEvents = was;
  }
  const { nv, ret } = f(old, arg);
  if (nv !== null) storeMarked(c, r, mkInt(t, nv));
  else if (was && r.obj) interpMod.accessEvent(c.I, r, false, true);
  return ret;
}

function atomicFamily(prefix: string, t: IntRT): Family {
  const v = (x: bigint) => mkInt(t, x);
  return {
    [`${prefix}_read`]: (c) => atomicOp(c, t, (o) => ({ nv: null, ret: v(o) }), 'none'),
    [`${prefix}_set`]: (c) => atomicOp(c, t, (_o, a) => ({ nv: a, ret: VOIDV }), 'second'),
    [`${prefix}_inc`]: (c) => atomicOp(c, t, (o) => ({ nv: o + 1n, ret: VOIDV }), 'none'),
    [`${prefix}_dec`]: (c) => atomicOp(c, t, (o) => ({ nv: o - 1n, ret: VOIDV }), 'none'),
    [`${prefix}_add`]: (c) => atomicOp(c, t, (o, a) => ({ nv: o + a, ret: VOIDV }), 'first'),
    [`${prefix}_sub`]: (c) => atomicOp(c, t, (o, a) => ({ nv: o - a, ret: VOIDV }), 'first'),
    [`${prefix}_inc_return`]: (c) => atomicOp(c, t, (o) => ({ nv: o + 1n, ret: v(o + 1n) }), 'none'),
    [`${prefix}_dec_return`]: (c) => atomicOp(c, t, (o) => ({ nv: o - 1n, ret: v(o - 1n) }), 'none'),
    // Decrement unless that would go below 0; returns the decremented value either way.
    [`${prefix}_dec_if_positive`]: (c) => atomicOp(c, t, (o) => ({ nv: o - 1n >= 0n ? o - 1n : null, ret: v(o - 1n) }), 'none'),
    [`${prefix}_add_return`]: (c) => atomicOp(c, t, (o, a) => ({ nv: o + a, ret: v(o + a) }), 'first'),
    [`${prefix}_sub_return`]: (c) => atomicOp(c, t, (o, a) => ({ nv: o - a, ret: v(o - a) }), 'first'),
    [`${prefix}_fetch_add`]: (c) => atomicOp(c, t, (o, a) => ({ nv: o + a, ret: v(o) }), 'first'),
    [`${prefix}_fetch_inc`]: (c) => atomicOp(c, t, (o) => ({ nv: o + 1n, ret: v(o) }), 'none'),
    [`${prefix}_dec_and_test`]: (c) => atomicOp(c, t, (o) => ({ nv: o - 1n, ret: boolOf(BigInt.asIntN(t.bits, o - 1n) === 0n) }), 'none'),
    [`${prefix}_inc_and_test`]: (c) => atomicOp(c, t, (o) => ({ nv: o + 1n, ret: boolOf(BigInt.asIntN(t.bits, o + 1n) === 0n) }), 'none'),
    [`${prefix}_sub_and_test`]: (c) => atomicOp(c, t, (o, a) => ({ nv: o - a, ret: boolOf(BigInt.asIntN(t.bits, o - a) === 0n) }), 'first'),
    [`${prefix}_xchg`]: (c) => atomicOp(c, t, (o, a) => ({ nv: a, ret: v(o) }), 'second'),
    [`${prefix}_cmpxchg`]: function* (c) {
      const p = yield* evPtr(c, 0);
      const oldE = yield* evInt(c, 1);
      const nv = yield* evInt(c, 2);
      const r = counterRef(c, p, t);
      const was = c.I.memEvents;
      c.I.memEvents = false;
      let cur: bigint;
      try {
        cur = toBig(load(c.I, r));
      } finally {
        c.I.memEvents = was;
      }
      if (cur === BigInt.asIntN(t.bits, oldE) || cur === oldE) storeMarked(c, r, mkInt(t, nv));
      else if (was && r.obj) interpMod.accessEvent(c.I, r, false, true);
      return v(cur);
    },
    [`${prefix}_inc_not_zero`]: (c) => atomicOp(c, t, (o) => (o === 0n ? { nv: null, ret: boolOf(false) } : { nv: o + 1n, ret: boolOf(true) }), 'none'),
  };
}

const REFCOUNT_SATURATED = -0x40000000n;

function* refWarn(c: CallCtx, msg: string): Gen<void> {
  yield* warnOnce(c.I.k, `refcount:${msg}`, `refcount_t: ${msg}`, 'refcount');
}

function refOp(kind: 'inc' | 'dec' | 'dec_and_test' | 'add' | 'sub_and_test' | 'inc_not_zero' | 'read' | 'set') {
  return function* (c: CallCtx): Gen<Value> {
    let arg = 1n;
    let pi = 0;
    if (kind === 'add' || kind === 'sub_and_test') {
      arg = yield* evInt(c, 0);
      pi = 1;
    }
    const p = yield* evPtr(c, pi);
    if (kind === 'set') arg = yield* evInt(c, 1);
    const r = counterRef(c, p, INT);
    // refcount_t is an atomic_t: every access to it is a marked one.
    const was = c.I.memEvents;
    c.I.memEvents = false;
    let old: bigint;
    try {
      old = toBig(load(c.I, r));
    } finally {
      c.I.memEvents = was;
    }
    if (was && r.obj && r.obj.region !== 'stack' && (kind === 'read' || (kind === 'inc_not_zero' && old === 0n))) interpMod.accessEvent(c.I, r, false, true);
    switch (kind) {
      case 'read':
        return intOf(old);
      case 'set':
        storeMarked(c, r, intOf(arg));
        return VOIDV;
      case 'inc':
      case 'add':
        if (old === 0n) {
          yield* refWarn(c, 'addition on 0; use-after-free.');
          storeMarked(c, r, intOf(REFCOUNT_SATURATED));
          return VOIDV;
        }
        if (old < 0n) {
          yield* refWarn(c, 'saturated; leaking memory.');
          return VOIDV;
        }
        storeMarked(c, r, intOf(old + arg));
        return VOIDV;
      case 'inc_not_zero':
        if (old === 0n) return boolOf(false);
        storeMarked(c, r, intOf(old + 1n));
        return boolOf(true);
      case 'dec':
        if (old - 1n === 0n) {
          yield* refWarn(c, 'decrement hit 0; leaking memory.');
          storeMarked(c, r, intOf(0));
          return VOIDV;
        }
        if (old - 1n < 0n) {
          yield* refWarn(c, 'underflow; use-after-free.');
          storeMarked(c, r, intOf(REFCOUNT_SATURATED));
          return VOIDV;
        }
        storeMarked(c, r, intOf(old - 1n));
        return VOIDV;
      case 'dec_and_test':
      case 'sub_and_test': {
        const nv = old - arg;
        if (old <= 0n || nv < 0n) {
          yield* refWarn(c, 'underflow; use-after-free.');
          storeMarked(c, r, intOf(REFCOUNT_SATURATED));
          return boolOf(false);
        }
        storeMarked(c, r, intOf(nv));
        return boolOf(nv === 0n);
      }
    }
  };
}

// --- bitmaps -------------------------------------------------------------------------

function wordRef(p: PtrV, bit: bigint): Ref {
  const w = Number(bit / 64n);
  return { obj: p.obj, off: p.off + w * 8, t: ULONG, addr: p.obj ? undefined : (p.addr ?? 0n) + BigInt(w * 8), uninit: p.uninit };
}

function bitOp(op: 'set' | 'clear' | 'test' | 'change' | 'tas' | 'tac', marked: boolean) {
  return function* (c: CallCtx): Gen<Value> {
    const nr = yield* evInt(c, 0);
    const p = yield* evPtr(c, 1);
    const r = wordRef(p, nr);
    const m = 1n << (nr % 64n);
    const old = toBig(load(c.I, r));
    const was = (old & m) !== 0n;
    const put = (v: bigint) => (marked ? storeMarked(c, r, mkInt(ULONG, v)) : store(c.I, r, mkInt(ULONG, v)));
    switch (op) {
      case 'set':
        put(old | m);
        return VOIDV;
      case 'clear':
        put(old & ~m);
        return VOIDV;
      case 'change':
        put(old ^ m);
        return VOIDV;
      case 'tas':
        put(old | m);
        return boolOf(was);
      case 'tac':
        put(old & ~m);
        return boolOf(was);
      case 'test':
        return boolOf(was);
    }
  };
}

/** A bitmap and its bit count, the count clamped to the memory the bitmap really has. */
function* bitmapWords(c: CallCtx, pi: number, ni: number): Gen<{ p: PtrV; n: number }> {
  const p = yield* evPtr(c, pi);
  let n = Math.max(0, yield* evNum(c, ni));
  const room = p.obj ? Math.max(0, p.obj.size - p.off) * 8 : 64;
  if (n > room) {
    // Touch the first word past the end: KASAN reports the overrun once.
    if (p.obj) load(c.I, { obj: p.obj, off: p.obj.size, t: ULONG });
    n = room;
  }
  return { p, n };
}

function readBit(c: CallCtx, p: PtrV, bit: number): boolean {
  return ((toBig(load(c.I, wordRef(p, BigInt(bit)))) >> BigInt(bit % 64)) & 1n) === 1n;
}

export const memBuiltins: Family = {
  INIT_LIST_HEAD: function* (c) {
    const p = yield* ev(c, 0);
    storeMarked(c, field(c.I, p, 0), p);
    store(c.I, field(c.I, p, 8), p);
    return VOIDV;
  },
  list_add: (c) => listAdd(c, false, false),
  list_add_tail: (c) => listAdd(c, true, false),
  list_add_rcu: (c) => listAdd(c, false, true),
  list_add_tail_rcu: (c) => listAdd(c, true, true),
  list_del: (c) => listDel(c, 'del'),
  list_del_init: (c) => listDel(c, 'init'),
  list_del_rcu: (c) => listDel(c, 'rcu'),
  list_move: (c) => listMove(c, false),
  list_move_tail: (c) => listMove(c, true),
  list_replace: (c) => listReplace(c, false, false),
  list_replace_init: (c) => listReplace(c, true, false),
  list_replace_rcu: (c) => listReplace(c, false, true),
  list_empty: function* (c) {
    const h = yield* ev(c, 0);
    const r = field(c.I, h, 0);
    const was = c.I.memEvents;
    c.I.memEvents = false;
    let n: Value;
    try {
      n = load(c.I, r);
    } finally {
      c.I.memEvents = was;
    }
    if (was && r.obj) interpMod.accessEvent(c.I, r, false, true);
    listEvent(c, 'list_iter', h, 0, null, null);
    return boolOf(same(n, h));
  },
  list_empty_careful: function* (c) {
    const h = yield* ev(c, 0);
    return boolOf(same(getNext(c.I, h), h) && same(getPrev(c.I, h), h));
  },
  list_is_singular: function* (c) {
    const h = yield* ev(c, 0);
    const n = getNext(c.I, h);
    return boolOf(!same(n, h) && same(n, getPrev(c.I, h)));
  },
  list_is_last: function* (c) {
    const e = yield* ev(c, 0);
    const h = yield* ev(c, 1);
    return boolOf(same(getNext(c.I, e), h));
  },
  list_is_head: function* (c) {
    const e = yield* ev(c, 0);
    const h = yield* ev(c, 1);
    return boolOf(same(e, h));
  },
  list_splice_init: function* (c) {
    const I = c.I;
    const list = yield* ev(c, 0);
    const head = yield* ev(c, 1);
    const first = getNext(I, list);
    if (same(first, list)) return VOIDV;
    const last = getPrev(I, list);
    const at = getNext(I, head);
    setPrev(I, first, head);
    setNext(I, head, first);
    setNext(I, last, at);
    setPrev(I, at, last);
    setNext(I, list, list);
    setPrev(I, list, list);
    return VOIDV;
  },
  INIT_HLIST_HEAD: function* (c) {
    const h = yield* ev(c, 0);
    store(c.I, hfield(c.I, h, 0, ptrTo(c.I.builtinTypes.get('struct hlist_node')!)), { k: 'p', t: ptrTo(c.I.builtinTypes.get('struct hlist_node')!) as never, obj: null, off: 0, addr: 0n });
    return VOIDV;
  },
  INIT_HLIST_NODE: function* (c) {
    const n = yield* ev(c, 0);
    const nodeP = ptrTo(c.I.builtinTypes.get('struct hlist_node')!);
    store(c.I, hfield(c.I, n, 0, nodeP), { k: 'p', t: nodeP as never, obj: null, off: 0, addr: 0n });
    store(c.I, hfield(c.I, n, 8, ptrTo(nodeP)), { k: 'p', t: ptrTo(nodeP) as never, obj: null, off: 0, addr: 0n });
    return VOIDV;
  },
  hlist_add_head: hlistAddHead,
  hlist_add_head_rcu: hlistAddHead,
  hlist_del: (c) => hlistDel(c, false),
  hlist_del_rcu: (c) => hlistDel(c, false),
  hlist_del_init: (c) => hlistDel(c, true),
  hlist_del_init_rcu: (c) => hlistDel(c, true),
  hlist_empty: function* (c) {
    const h = yield* ev(c, 0);
    return boolOf(isNull(load(c.I, hfield(c.I, h, 0, ptrTo(c.I.builtinTypes.get('struct hlist_node')!)))));
  },
  hlist_unhashed: function* (c) {
    const n = yield* ev(c, 0);
    const nodeP = ptrTo(c.I.builtinTypes.get('struct hlist_node')!);
    return boolOf(isNull(load(c.I, hfield(c.I, n, 8, ptrTo(nodeP)))));
  },

  kmalloc: function* (c) {
    return yield* kmallocLike(c, yield* evNum(c, 0), yield* evInt(c, 1), false);
  },
  kzalloc: function* (c) {
    return yield* kmallocLike(c, yield* evNum(c, 0), yield* evInt(c, 1), true);
  },
  kvmalloc: function* (c) {
    return yield* kmallocLike(c, yield* evNum(c, 0), yield* evInt(c, 1), false);
  },
  kvzalloc: function* (c) {
    return yield* kmallocLike(c, yield* evNum(c, 0), yield* evInt(c, 1), true);
  },
  vmalloc: function* (c) {
    return yield* kmallocLike(c, yield* evNum(c, 0), 0xcc0n, false);
  },
  vzalloc: function* (c) {
    return yield* kmallocLike(c, yield* evNum(c, 0), 0xcc0n, true);
  },
  kcalloc: function* (c) {
    const n = yield* evNum(c, 0);
    const s = yield* evNum(c, 1);
    return yield* kmallocLike(c, n * s, yield* evInt(c, 2), true);
  },
  kmalloc_array: function* (c) {
    const n = yield* evNum(c, 0);
    const s = yield* evNum(c, 1);
    return yield* kmallocLike(c, n * s, yield* evInt(c, 2), false);
  },
  kfree: function* (c) {
    yield* kfreeNow(c, yield* ev(c, 0), 'kfree');
    return VOIDV;
  },
  kvfree: function* (c) {
    yield* kfreeNow(c, yield* ev(c, 0), 'kfree');
    return VOIDV;
  },
  vfree: function* (c) {
    yield* kfreeNow(c, yield* ev(c, 0), 'kfree');
    return VOIDV;
  },
  kfree_rcu: function* (c) {
    const p = yield* ev(c, 0);
    const k = c.I.k;
    if (p.k !== 'p' || !p.obj) return VOIDV;
    if (c.args.length === 1) mightSleep(k, rcuDepthOf(k.cur.task));
    if (listening(k) && c.I.memEvents) emit(k, { kind: 'kfree_rcu', objId: p.obj.id, label: p.obj.label, lo: p.obj.base, hi: p.obj.base + BigInt(p.obj.size), ctx: ctxNow(k) });
    let q = rcuQueue.get(c.I);
    if (!q) rcuQueue.set(c.I, (q = []));
    q.push({ p, cpu: k.cur.cpu.id });
    return VOIDV;
  },
  call_rcu: function* (c) {
    const head = yield* ev(c, 0);
    const fn = yield* ev(c, 1);
    let q = rcuQueue.get(c.I);
    if (!q) rcuQueue.set(c.I, (q = []));
    q.push({ p: head, fn, cpu: c.I.k.cur.cpu.id });
    return VOIDV;
  },
  rcu_barrier: function* (c) {
    rcuGracePeriod(c.I);
    return VOIDV;
  },

  ...atomicFamily('atomic', INT),
  ...atomicFamily('atomic64', LONG),
  ...atomicFamily('atomic_long', LONG),
  ATOMIC_INIT: function* (c) {
    return initAgg(c, 'atomic_t', yield* evInt(c, 0));
  },
  REFCOUNT_INIT: function* (c) {
    return initAgg(c, 'refcount_t', yield* evInt(c, 0));
  },
  refcount_set: refOp('set'),
  refcount_read: refOp('read'),
  refcount_inc: refOp('inc'),
  refcount_add: refOp('add'),
  refcount_inc_not_zero: refOp('inc_not_zero'),
  refcount_dec: refOp('dec'),
  refcount_dec_and_test: refOp('dec_and_test'),
  refcount_sub_and_test: refOp('sub_and_test'),
  kref_init: function* (c) {
    const p = yield* evPtr(c, 0);
    storeMarked(c, counterRef(c, p, INT), intOf(1));
    return VOIDV;
  },
  kref_get: refOp('inc'),
  kref_read: refOp('read'),
  kref_put: function* (c) {
    const p = yield* evPtr(c, 0);
    const release = yield* ev(c, 1);
    const r = counterRef(c, p, INT);
    const old = toBig(load(c.I, r));
    if (old <= 0n) {
      yield* refWarn(c, 'underflow; use-after-free.');
      return intOf(0);
    }
    storeMarked(c, r, intOf(old - 1n));
    if (old - 1n === 0n) {
      yield* interpMod.callValue(c.I, release, [p]);
      return intOf(1);
    }
    return intOf(0);
  },

  set_bit: bitOp('set', true),
  clear_bit: bitOp('clear', true),
  change_bit: bitOp('change', true),
  test_and_set_bit: bitOp('tas', true),
  test_and_clear_bit: bitOp('tac', true),
  __set_bit: bitOp('set', false),
  __clear_bit: bitOp('clear', false),
  __change_bit: bitOp('change', false),
  __test_and_set_bit: bitOp('tas', false),
  __test_and_clear_bit: bitOp('tac', false),
  test_bit: bitOp('test', false),
  bitmap_zero: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    for (let w = 0; w < Math.ceil(n / 64); w++) store(c.I, wordRef(p, BigInt(w * 64)), mkInt(ULONG, 0n));
    return VOIDV;
  },
  bitmap_fill: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    for (let w = 0; w < Math.ceil(n / 64); w++) {
      const bits = Math.min(64, n - w * 64);
      store(c.I, wordRef(p, BigInt(w * 64)), mkInt(ULONG, (1n << BigInt(bits)) - 1n));
    }
    return VOIDV;
  },
  bitmap_empty: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    for (let b = 0; b < n; b++) if (readBit(c, p, b)) return boolOf(false);
    return boolOf(true);
  },
  bitmap_full: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    for (let b = 0; b < n; b++) if (!readBit(c, p, b)) return boolOf(false);
    return boolOf(true);
  },
  bitmap_weight: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    let w = 0;
    for (let b = 0; b < n; b++) if (readBit(c, p, b)) w++;
    return mkInt(UINT, BigInt(w));
  },
  find_first_bit: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    for (let b = 0; b < n; b++) if (readBit(c, p, b)) return mkInt(ULONG, BigInt(b));
    return mkInt(ULONG, BigInt(n));
  },
  find_first_zero_bit: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    for (let b = 0; b < n; b++) if (!readBit(c, p, b)) return mkInt(ULONG, BigInt(b));
    return mkInt(ULONG, BigInt(n));
  },
  find_next_bit: function* (c) {
    const { p, n } = yield* bitmapWords(c, 0, 1);
    const from = yield* evNum(c, 2);
    for (let b = from; b < n; b++) if (readBit(c, p, b)) return mkInt(ULONG, BigInt(b));
    return mkInt(ULONG, BigInt(n));
  },
  cpumask_set_cpu: function* (c) {
    const cpu = BigInt.asUintN(6, yield* evInt(c, 0));
    const p = yield* evPtr(c, 1);
    const r = wordRef(p, cpu);
    store(c.I, r, mkInt(ULONG, toBig(load(c.I, r)) | (1n << cpu)));
    return VOIDV;
  },
  cpumask_clear_cpu: function* (c) {
    const cpu = BigInt.asUintN(6, yield* evInt(c, 0));
    const p = yield* evPtr(c, 1);
    const r = wordRef(p, cpu);
    store(c.I, r, mkInt(ULONG, toBig(load(c.I, r)) & ~(1n << cpu)));
    return VOIDV;
  },
  cpumask_test_cpu: function* (c) {
    const cpu = BigInt.asUintN(6, yield* evInt(c, 0));
    const p = yield* evPtr(c, 1);
    return boolOf(((toBig(load(c.I, wordRef(p, cpu))) >> cpu) & 1n) === 1n);
  },
  cpumask_clear: function* (c) {
    const p = yield* evPtr(c, 0);
    store(c.I, wordRef(p, 0n), mkInt(ULONG, 0n));
    return VOIDV;
  },
  lab_is_freed: function* (c) {
    const p = yield* ev(c, 0);
    return boolOf(p.k === 'p' && !!p.obj?.freed);
  },
  lab_list_len: function* (c) {
    const I = c.I;
    const h = yield* ev(c, 0);
    // A harness probe, not program code: its reads are not memory events.
    const was = I.memEvents;
    I.memEvents = false;
    let n = 0;
    try {
      let cur = getNext(I, h);
      while (!same(cur, h) && n < 100000) {
        n++;
        cur = getNext(I, cur);
      }
    } finally {
      I.memEvents = was;
    }
    return intOf(n);
  },
};

const UINT: IntRT = { k: 'int', name: 'unsigned int', bits: 32, signed: false };

function initAgg(c: CallCtx, type: string, v: bigint): Value {
  const t = c.I.builtinTypes.get(type)!;
  const obj = allocObj(c.I.mem, 'stack', t, t.size, type, true);
  obj.cells.set(0, intOf(v));
  return { k: 'a', t, obj, off: 0 };
}


