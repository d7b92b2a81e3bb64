/**
 * The kernel's lock APIs as the program calls them. Each entry does what the
 * kernel's inline wrappers do, in their order (facts §f): IRQ/BH off and
 * preempt_disable before lock_acquire(); lock_release() before the IRQ/BH
 * state is restored. Lockdep-only annotations touch no real lock state.
 */
import type { LockType, ReadMode } from '../../events/types.ts';
import {
  bhDisable,
  bhEnable,
  bug,
  ctxNow,
  emit,
  inInterrupt,
  irqOff,
  irqRestore,
  irqSave,
  irqOn,
  listening,
  mightSleep,
  preemptDisable,
  preemptEnable,
  warn,
  warnOnce,
  type Kernel,
} from '../../kernel/kernel.ts';
import {
  acquireEvent,
  createLockTable,
  drop,
  globalMap,
  initLock,
  lockFree,
  lockInst,
  releaseEvent,
  take,
  waitFor,
  staticMapMarker,
  wakeWaiters,
  type LockInst,
  type LockTable,
  type StaticMapInit,
} from '../../kernel/locks.ts';
import { taskRef, type Gen, type Task } from '../../kernel/state.ts';
import { argText, readString, type CallCtx } from '../interp.ts';
import { allocObj, VOIDV, type Value } from '../memory.ts';
import { ULONG } from '../rtypes.ts';
import { boolOf, intOf, mkInt, truthy } from '../values.ts';
import { arg, ev, evInt, evLval, evNum, evPtr, store, type Family } from './util.ts';

const tables = new WeakMap<Kernel, LockTable>();
export function lockTable(k: Kernel): LockTable {
  let t = tables.get(k);
  if (!t) tables.set(k, (t = createLockTable()));
  return t;
}

/** rcu_read_lock() nesting per task (PREEMPT_RCU: the `RCU nest depth` of might_sleep). */
const rcuDepth = new WeakMap<Task, number>();
export function rcuDepthOf(t: Task): number {
  return rcuDepth.get(t) ?? 0;
}
/** rcu_read_lock_bh()/rcu_read_lock_sched() nesting per task, for RCU's lockdep checks. */
const rcuBhDepth = new WeakMap<Task, number>();
const rcuSchedDepth = new WeakMap<Task, number>();

/** rcu_read_lock_held() and friends, as RCU-lockdep computes them. */
export function rcuHeld(k: Kernel, kind: 'rcu' | 'bh' | 'sched' | 'any'): boolean {
  const t = k.cur.task;
  const rcu = rcuDepthOf(t) > 0;
  const bh = (rcuBhDepth.get(t) ?? 0) > 0 || t.softirq > 0 || !k.cur.cpu.irqsOn;
  const sched = (rcuSchedDepth.get(t) ?? 0) > 0 || t.preempt > 0 || !k.cur.cpu.irqsOn || k.cur.cpu.hardirq > 0 || t.softirq > 0;
  if (kind === 'rcu') return rcu;
  if (kind === 'bh') return bh;
  if (kind === 'sched') return sched;
  return rcu || bh || sched;
}

export function* lockArg(c: CallCtx, i: number, want?: LockType): Gen<LockInst | null> {
  const p = yield* evPtr(c, i);
  // A static lock's definition is where reports link to until an init call site re-keys it.
  const sym = p.obj?.sym;
  const defPos = sym ? c.I.globals.get(sym)?.decl.pos : undefined;
  const inst = lockInst(c.I.k, lockTable(c.I.k), p, argText(arg(c, i)), want, defPos);
  if (!inst) yield* nullLock(c, i);
  return inst;
}

function* nullLock(c: CallCtx, _i: number): Gen<void> {
  // A NULL lock pointer: the real lock code faults on it.
  bug(c.I.k, ['BUG: kernel NULL pointer dereference, address: 0000000000000000', '#PF: supervisor write access in kernel mode', '#PF: error_code(0x0002) - not-present page', 'PGD 0 P4D 0 '].join('\n'), 'bug', '0002');
}


type Irq = 'none' | 'irq' | 'irqsave' | 'bh';

interface SpinSpec {
  type: 'spin' | 'read' | 'write';
  irq: Irq;
  frame: string;
  nested?: boolean;
  nestLock?: boolean;
}

function readMode(k: Kernel, type: 'spin' | 'read' | 'write'): ReadMode {
  if (type !== 'read') return 0;
  // read_lock_is_recursive(): queued rwlocks are recursive only in interrupt context.
  return inInterrupt(k) || k.config?.forceReadLockRecursive ? 2 : 1;
}

function* enterIrq(c: CallCtx, irq: Irq, frame: string): Gen<bigint> {
  const k = c.I.k;
  if (irq === 'irq') irqOff(k, frame);
  if (irq === 'irqsave') return irqSave(k, frame);
  if (irq === 'bh') bhDisable(k, frame);
  return 0n;
}

function* exitIrq(c: CallCtx, irq: Irq, frame: string, flags: bigint): Gen<void> {
  const k = c.I.k;
  if (irq === 'irq') yield* irqOn(k, frame);
  if (irq === 'irqsave') yield* irqRestore(k, flags, frame);
  if (irq === 'bh') yield* bhEnable(k, frame);
}

function spinLock(s: SpinSpec) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, s.type === 'spin' ? 'spinlock_t' : 'rwlock_t');
    if (!inst) return VOIDV;
    let argi = 1;
    let flagsRef = null;
    if (s.irq === 'irqsave') flagsRef = yield* evLval(c, argi++);
    const subclass = s.nested ? yield* evNum(c, argi) : 0;
    const nest = s.nestLock ? yield* lockArg(c, argi) : null;
    const flags = yield* enterIrq(c, s.irq, s.frame);
    if (flagsRef) store(c.I, flagsRef, mkInt(ULONG, flags));
    preemptDisable(k);
    const shared = s.type === 'read';
    acquireEvent(k, inst, { api: c.name, frame: s.frame, read: readMode(k, s.type), subclass, nest });
    yield* waitFor(k, inst, shared, false);
    take(inst, k.cur.task, shared);
    return VOIDV;
  };
}

function spinTrylock(s: SpinSpec) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, s.type === 'spin' ? 'spinlock_t' : 'rwlock_t');
    if (!inst) return intOf(0);
    const flagsRef = s.irq === 'irqsave' ? yield* evLval(c, 1) : null;
    const flags = yield* enterIrq(c, s.irq, s.frame);
    if (flagsRef) store(c.I, flagsRef, mkInt(ULONG, flags));
    preemptDisable(k);
    const shared = s.type === 'read';
    if (lockFree(inst, k.cur.task, shared)) {
      acquireEvent(k, inst, { api: c.name, frame: s.frame, read: readMode(k, s.type), trylock: true });
      take(inst, k.cur.task, shared);
      return intOf(1);
    }
    preemptEnable(k);
    yield* exitIrq(c, s.irq, s.frame, flags);
    return intOf(0);
  };
}

function spinUnlock(type: 'spin' | 'read' | 'write', irq: Irq, frame: string) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, type === 'spin' ? 'spinlock_t' : 'rwlock_t');
    if (!inst) return VOIDV;
    const flags = irq === 'irqsave' ? yield* evInt(c, 1) : 0n;
    releaseEvent(k, inst, c.name, frame);
    drop(inst, k.cur.task, type === 'read');
    wakeWaiters(k, inst);
    yield* exitIrq(c, irq, frame, flags);
    preemptEnable(k);
    return VOIDV;
  };
}

/** Where the real might_sleep() of each sleeping lock lives (what the BUG line prints). */
const MIGHT_SLEEP_AT: Partial<Record<LockType, string>> = {
  mutex: 'kernel/locking/mutex.c:283',
  rw_semaphore: 'kernel/locking/rwsem.c:1525',
  rt_mutex: 'kernel/locking/rtmutex_api.c:105',
};

function sleepLock(api: string, frame: string, read: ReadMode, opts: { nested?: boolean; nestLock?: boolean; ret?: boolean; want: LockType }) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, opts.want);
    if (!inst) return intOf(0);
    const subclass = opts.nested ? yield* evNum(c, 1) : 0;
    const nest = opts.nestLock ? yield* lockArg(c, 1) : null;
    mightSleep(k, rcuDepthOf(k.cur.task), MIGHT_SLEEP_AT[opts.want], frame);
    acquireEvent(k, inst, { api: c.name, frame, read, subclass, nest });
    yield* waitFor(k, inst, read !== 0, true);
    take(inst, k.cur.task, read !== 0);
    void api;
    return opts.ret ? intOf(0) : VOIDV;
  };
}

function sleepTrylock(frame: string, read: ReadMode, want: LockType) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, want);
    if (!inst) return intOf(0);
    if (!lockFree(inst, k.cur.task, read !== 0)) return intOf(0);
    acquireEvent(k, inst, { api: c.name, frame, read, trylock: true });
    take(inst, k.cur.task, read !== 0);
    return intOf(1);
  };
}

function sleepUnlock(frame: string, shared: boolean | 'any', want: LockType) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, want);
    if (!inst) return VOIDV;
    releaseEvent(k, inst, c.name, frame);
    drop(inst, k.cur.task, shared);
    wakeWaiters(k, inst);
    return VOIDV;
  };
}

function isLocked(c: CallCtx) {
  return (function* (): Gen<Value> {
    const inst = yield* lockArg(c, 0);
    if (!inst) return intOf(0);
    return boolOf(inst.owner !== null || [...inst.readers.values()].some((n) => n > 0));
  })();
}

// --- lockdep annotations ---------------------------------------------------

function* annotateAcquire(c: CallCtx, o: { read: ReadMode; trylock: boolean; subclass: number; check?: boolean; nest?: LockInst | null }, inst: LockInst): Gen<void> {
  acquireEvent(c.I.k, inst, { api: c.name, read: o.read, trylock: o.trylock, subclass: o.subclass, check: o.check ?? true, nest: o.nest });
}

/** lockdep_is_held() as the kernel computes it (the model when present, else the real lock state). */
export function heldState(k: Kernel, inst: LockInst, read: -1 | 0 | 1): -1 | 0 | 1 {
  const t = k.cur.task;
  if (k.queries) return k.queries.lockIsHeld(taskRef(t), inst.map, read);
  const w = inst.owner === t;
  const r = (inst.readers.get(t) ?? 0) > 0;
  if (read === 0) return w ? 1 : 0;
  if (read === 1) return r ? 1 : 0;
  return w || r ? 1 : 0;
}

function debugLocks(k: Kernel): boolean {
  return k.queries ? k.queries.debugLocks() : true;
}

function assertHeld(read: -1 | 0 | 1, want: boolean, once: boolean) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    const s = heldState(k, inst, read);
    const bad = want ? s === 0 : s === 1;
    if (bad && debugLocks(k)) {
      const key = `${c.pos.file}:${c.pos.line}:${c.pos.col}`;
      if (once) yield* warnOnce(k, key, '');
      else yield* warn(k, null);
    }
    return VOIDV;
  };
}

function* setClass(c: CallCtx, inst: LockInst, key: string, name: string, subclass: number, novalidate = false): Gen<void> {
  const k = c.I.k;
  if (listening(k)) emit(k, { kind: 'set_class', lock: inst.map, key, name, subclass, novalidate: novalidate || undefined, ctx: ctxNow(k) });
}

function* keyOf(c: CallCtx, i: number): Gen<string> {
  const p = yield* evPtr(c, i);
  if (p.obj?.sym) return `key:${p.obj.sym}${p.off ? `+${p.off}` : ''}`;
  if (p.obj) return `key:${p.obj.label}@${p.obj.base + BigInt(p.off)}`;
  return `key:${argText(arg(c, i))}`;
}

/** Global lockdep-only maps (rcu_read_lock, fs_reclaim ...). */
export function rcuMap(k: Kernel, name: 'rcu_read_lock' | 'rcu_read_lock_bh' | 'rcu_read_lock_sched'): LockInst {
  return globalMap(k, lockTable(k), name, name === 'rcu_read_lock_sched' ? 'SPIN' : 'CONFIG', 'FREE');
}

function rcuLock(name: 'rcu_read_lock' | 'rcu_read_lock_bh' | 'rcu_read_lock_sched') {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    if (name === 'rcu_read_lock_bh') bhDisable(k, 'rcu_read_lock_bh');
    if (name === 'rcu_read_lock_sched') preemptDisable(k);
    const depth = name === 'rcu_read_lock' ? rcuDepth : name === 'rcu_read_lock_bh' ? rcuBhDepth : rcuSchedDepth;
    depth.set(k.cur.task, (depth.get(k.cur.task) ?? 0) + 1);
    acquireEvent(k, rcuMap(k, name), { api: c.name, frame: 'rcu_lock_acquire', read: 2, check: false });
    return VOIDV;
  };
}

function rcuUnlock(name: 'rcu_read_lock' | 'rcu_read_lock_bh' | 'rcu_read_lock_sched') {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    releaseEvent(k, rcuMap(k, name), c.name, 'rcu_lock_release');
    const depth = name === 'rcu_read_lock' ? rcuDepth : name === 'rcu_read_lock_bh' ? rcuBhDepth : rcuSchedDepth;
    depth.set(k.cur.task, Math.max(0, (depth.get(k.cur.task) ?? 0) - 1));
    if (name === 'rcu_read_lock_sched') preemptEnable(k);
    if (name === 'rcu_read_lock_bh') yield* bhEnable(k, 'rcu_read_unlock_bh');
    return VOIDV;
  };
}

function initFn(want: LockType) {
  return function* (c: CallCtx): Gen<Value> {
    const inst = yield* lockArg(c, 0, want);
    if (!inst) return VOIDV;
    initLock(c.I.k, inst, c.pos, argText(arg(c, 0)));
    return VOIDV;
  };
}

// --- the table -------------------------------------------------------------

function spinFamily(prefix: 'spin' | 'raw_spin' | 'read' | 'write'): Family {
  const type = prefix === 'read' ? 'read' : prefix === 'write' ? 'write' : 'spin';
  const raw = prefix === 'read' ? '_raw_read' : prefix === 'write' ? '_raw_write' : '_raw_spin';
  const f: Family = {
    [`${prefix}_lock`]: spinLock({ type, irq: 'none', frame: `${raw}_lock` }),
    [`${prefix}_lock_irq`]: spinLock({ type, irq: 'irq', frame: `${raw}_lock_irq` }),
    [`${prefix}_lock_irqsave`]: spinLock({ type, irq: 'irqsave', frame: `${raw}_lock_irqsave` }),
    [`${prefix}_lock_bh`]: spinLock({ type, irq: 'bh', frame: `${raw}_lock_bh` }),
    [`${prefix}_trylock`]: spinTrylock({ type, irq: 'none', frame: `${raw}_trylock` }),
    [`${prefix}_unlock`]: spinUnlock(type, 'none', `${raw}_unlock`),
    [`${prefix}_unlock_irq`]: spinUnlock(type, 'irq', `${raw}_unlock_irq`),
    [`${prefix}_unlock_irqrestore`]: spinUnlock(type, 'irqsave', `${raw}_unlock_irqrestore`),
    [`${prefix}_unlock_bh`]: spinUnlock(type, 'bh', `${raw}_unlock_bh`),
  };
  if (type === 'spin') {
    Object.assign(f, {
      [`${prefix}_lock_nested`]: spinLock({ type, irq: 'none', frame: `${raw}_lock_nested`, nested: true }),
      [`${prefix}_lock_irqsave_nested`]: spinLock({ type, irq: 'irqsave', frame: `${raw}_lock_irqsave_nested`, nested: true }),
      [`${prefix}_lock_bh_nested`]: spinLock({ type, irq: 'bh', frame: `${raw}_lock_bh_nested`, nested: true }),
      [`${prefix}_lock_nest_lock`]: spinLock({ type, irq: 'none', frame: `${raw}_lock_nest_lock`, nestLock: true }),
      [`${prefix}_trylock_irq`]: spinTrylock({ type, irq: 'irq', frame: `${raw}_trylock` }),
      [`${prefix}_trylock_irqsave`]: spinTrylock({ type, irq: 'irqsave', frame: `${raw}_trylock` }),
      [`${prefix}_trylock_bh`]: spinTrylock({ type, irq: 'bh', frame: `${raw}_trylock_bh` }),
      [`${prefix}_is_locked`]: isLocked,
    });
  }
  return f;
}

export const lockBuiltins: Family = {
  ...spinFamily('spin'),
  ...spinFamily('raw_spin'),
  ...spinFamily('read'),
  ...spinFamily('write'),

  spin_lock_init: initFn('spinlock_t'),
  raw_spin_lock_init: initFn('raw_spinlock_t'),
  rwlock_init: initFn('rwlock_t'),
  mutex_init: initFn('mutex'),
  init_rwsem: initFn('rw_semaphore'),
  rt_mutex_init: initFn('rt_mutex'),
  local_lock_init: initFn('local_lock_t'),
  lockdep_init_map: function* (c) {
    const inst = yield* lockArg(c, 0, 'lockdep_map');
    if (!inst) return VOIDV;
    const name = readString(c.I, yield* ev(c, 1)) ?? argText(arg(c, 1));
    const key = yield* keyOf(c, 2);
    inst.map.key = key;
    inst.map.name = name;
    if (listening(c.I.k)) emit(c.I.k, { kind: 'lock_init', lock: inst.map, ctx: ctxNow(c.I.k) });
    return VOIDV;
  },

  mutex_lock: sleepLock('mutex_lock', 'mutex_lock_nested', 0, { want: 'mutex' }),
  mutex_lock_nested: sleepLock('mutex_lock_nested', 'mutex_lock_nested', 0, { nested: true, want: 'mutex' }),
  mutex_lock_nest_lock: sleepLock('mutex_lock_nest_lock', 'mutex_lock_nested', 0, { nestLock: true, want: 'mutex' }),
  mutex_lock_interruptible: sleepLock('mutex_lock_interruptible', 'mutex_lock_interruptible_nested', 0, { ret: true, want: 'mutex' }),
  mutex_lock_interruptible_nested: sleepLock('mutex_lock_interruptible_nested', 'mutex_lock_interruptible_nested', 0, { ret: true, nested: true, want: 'mutex' }),
  mutex_lock_killable: sleepLock('mutex_lock_killable', 'mutex_lock_killable_nested', 0, { ret: true, want: 'mutex' }),
  mutex_trylock: sleepTrylock('mutex_trylock', 0, 'mutex'),
  mutex_unlock: sleepUnlock('mutex_unlock', false, 'mutex'),
  mutex_is_locked: isLocked,

  down_read: sleepLock('down_read', 'down_read', 1, { want: 'rw_semaphore' }),
  down_read_nested: sleepLock('down_read_nested', 'down_read_nested', 1, { nested: true, want: 'rw_semaphore' }),
  down_read_interruptible: sleepLock('down_read_interruptible', 'down_read_interruptible', 1, { ret: true, want: 'rw_semaphore' }),
  down_read_killable: sleepLock('down_read_killable', 'down_read_killable', 1, { ret: true, want: 'rw_semaphore' }),
  down_read_trylock: sleepTrylock('down_read_trylock', 1, 'rw_semaphore'),
  down_write: sleepLock('down_write', 'down_write', 0, { want: 'rw_semaphore' }),
  down_write_nested: sleepLock('down_write_nested', 'down_write_nested', 0, { nested: true, want: 'rw_semaphore' }),
  down_write_killable: sleepLock('down_write_killable', 'down_write_killable', 0, { ret: true, want: 'rw_semaphore' }),
  down_write_trylock: sleepTrylock('down_write_trylock', 0, 'rw_semaphore'),
  up_read: sleepUnlock('up_read', true, 'rw_semaphore'),
  up_write: sleepUnlock('up_write', false, 'rw_semaphore'),
  downgrade_write: function* (c) {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, 'rw_semaphore');
    if (!inst) return VOIDV;
    if (listening(k)) emit(k, { kind: 'downgrade', lock: inst.map, ctx: ctxNow(k, [{ fn: 'downgrade_write', offset: 0x1a, size: 0x60, synthetic: true }]) });
    if (inst.owner === k.cur.task) {
      inst.owner = null;
      take(inst, k.cur.task, true);
      wakeWaiters(k, inst);
    }
    return VOIDV;
  },
  rwsem_is_locked: isLocked,

  rt_mutex_lock: sleepLock('rt_mutex_lock', 'rt_mutex_lock_nested', 0, { want: 'rt_mutex' }),
  rt_mutex_lock_nested: sleepLock('rt_mutex_lock_nested', 'rt_mutex_lock_nested', 0, { nested: true, want: 'rt_mutex' }),
  rt_mutex_lock_interruptible: sleepLock('rt_mutex_lock_interruptible', 'rt_mutex_lock_nested', 0, { ret: true, want: 'rt_mutex' }),
  rt_mutex_trylock: sleepTrylock('rt_mutex_trylock', 0, 'rt_mutex'),
  rt_mutex_unlock: sleepUnlock('rt_mutex_unlock', false, 'rt_mutex'),

  local_lock: localLock('none'),
  local_lock_irq: localLock('irq'),
  local_lock_irqsave: localLock('irqsave'),
  local_unlock: localUnlock('none'),
  local_unlock_irq: localUnlock('irq'),
  local_unlock_irqrestore: localUnlock('irqsave'),

  rcu_read_lock: rcuLock('rcu_read_lock'),
  rcu_read_unlock: rcuUnlock('rcu_read_lock'),
  rcu_read_lock_bh: rcuLock('rcu_read_lock_bh'),
  rcu_read_unlock_bh: rcuUnlock('rcu_read_lock_bh'),
  rcu_read_lock_sched: rcuLock('rcu_read_lock_sched'),
  rcu_read_unlock_sched: rcuUnlock('rcu_read_lock_sched'),
  rcu_read_lock_held: function* (c) {
    return boolOf(rcuHeld(c.I.k, 'rcu'));
  },
  rcu_read_lock_bh_held: function* (c) {
    return boolOf(rcuHeld(c.I.k, 'bh'));
  },
  rcu_read_lock_sched_held: function* (c) {
    return boolOf(rcuHeld(c.I.k, 'sched'));
  },
  rcu_read_lock_any_held: function* (c) {
    return boolOf(rcuHeld(c.I.k, 'any'));
  },

  // lock_acquire(map, subclass, trylock, read, check, nest_lock, ip)
  lock_acquire: function* (c) {
    const inst = yield* lockArg(c, 0, 'lockdep_map');
    if (!inst) return VOIDV;
    const subclass = yield* evNum(c, 1);
    const trylock = (yield* evNum(c, 2)) !== 0;
    const read = (yield* evNum(c, 3)) as ReadMode;
    const check = (yield* evNum(c, 4)) !== 0;
    const nv = yield* ev(c, 5);
    const nest = nv.k === 'p' && nv.obj ? yield* lockArg(c, 5) : null;
    yield* annotateAcquire(c, { read, trylock, subclass, check, nest }, inst);
    return VOIDV;
  },
  lock_release: annotRelease,
  spin_acquire: annot(0),
  spin_acquire_nest: annot(0, true),
  spin_release: annotRelease,
  rwlock_acquire: annot(0),
  rwlock_acquire_read: annot(2),
  rwlock_release: annotRelease,
  mutex_acquire: annot(0),
  mutex_acquire_nest: annot(0, true),
  mutex_release: annotRelease,
  rwsem_acquire: annot(0),
  rwsem_acquire_read: annot(1),
  rwsem_release: annotRelease,
  lock_map_acquire: mapAnnot(0, false),
  lock_map_acquire_read: mapAnnot(2, false),
  lock_map_acquire_try: mapAnnot(0, true),
  lock_map_release: annotRelease,
  lock_acquire_exclusive: annot(0),
  lock_acquire_shared: annot(1),
  lock_acquire_shared_recursive: annot(2),
  might_lock: mightLock(0),
  might_lock_read: mightLock(1),
  might_lock_nested: mightLock(0, true),

  lockdep_set_class: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    yield* setClass(c, inst, yield* keyOf(c, 1), argText(arg(c, 1)), 0);
    return VOIDV;
  },
  lockdep_set_class_and_name: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    const key = yield* keyOf(c, 1);
    const name = readString(c.I, yield* ev(c, 2)) ?? argText(arg(c, 2));
    yield* setClass(c, inst, key, name, 0);
    return VOIDV;
  },
  lockdep_set_class_and_subclass: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    yield* setClass(c, inst, yield* keyOf(c, 1), argText(arg(c, 1)), yield* evNum(c, 2));
    return VOIDV;
  },
  lockdep_set_subclass: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    yield* setClass(c, inst, inst.map.key, inst.map.name, yield* evNum(c, 1));
    return VOIDV;
  },
  lockdep_set_novalidate_class: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    yield* setClass(c, inst, 'key:__lockdep_no_validate__', argText(arg(c, 0)), 0, true);
    return VOIDV;
  },

  lockdep_assert_held: assertHeld(-1, true, false),
  lockdep_assert_held_write: assertHeld(0, true, false),
  lockdep_assert_held_read: assertHeld(1, true, false),
  lockdep_assert_held_once: assertHeld(-1, true, true),
  lockdep_assert_not_held: assertHeld(-1, false, false),
  lock_set_subclass: function* (c) {
    const inst = yield* lockArg(c, 0, 'lockdep_map');
    if (!inst) return VOIDV;
    yield* setClass(c, inst, inst.map.key, inst.map.name, yield* evNum(c, 1));
    return VOIDV;
  },
  lockdep_assert_none_held_once: function* (c) {
    const k = c.I.k;
    if (k.queries && debugLocks(k)) {
      const lines = k.queries.heldLocksLines(taskRef(k.cur.task));
      if (lines.length > 0 && !lines[0]!.startsWith('no locks held')) yield* warnOnce(k, `${c.pos.file}:${c.pos.line}:${c.pos.col}`, '');
    }
    return VOIDV;
  },
  lockdep_is_held: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return intOf(0);
    return intOf(heldState(c.I.k, inst, -1));
  },
  lockdep_is_held_type: function* (c) {
    const inst = yield* lockArg(c, 0);
    if (!inst) return intOf(0);
    return intOf(heldState(c.I.k, inst, (yield* evNum(c, 1)) as -1 | 0 | 1));
  },
  lockdep_assert: function* (c) {
    const ok = truthy(yield* ev(c, 0));
    if (!ok && debugLocks(c.I.k)) yield* warn(c.I.k, null);
    return VOIDV;
  },
  lockdep_assert_once: function* (c) {
    const ok = truthy(yield* ev(c, 0));
    if (!ok && debugLocks(c.I.k)) yield* warnOnce(c.I.k, `${c.pos.file}:${c.pos.line}:${c.pos.col}`, '');
    return VOIDV;
  },
  lockdep_assert_irqs_disabled: irqAssert(false),
  lockdep_assert_irqs_enabled: irqAssert(true),
  lockdep_assert_in_irq: ctxAssert((k) => k.cur.cpu.hardirq > 0),
  lockdep_assert_in_softirq: ctxAssert((k) => (k.cur.task.softirq & 0xff) > 0 && k.cur.cpu.hardirq === 0),
  lockdep_assert_preemption_disabled: ctxAssert((k) => k.cur.task.preempt > 0 || !k.cur.cpu.irqsOn || k.cur.cpu.hardirq > 0),
  lockdep_assert_preemption_enabled: ctxAssert((k) => k.cur.task.preempt === 0 && k.cur.cpu.irqsOn),
  lockdep_off: function* (c) {
    const k = c.I.k;
    k.cur.task.lockdepOff++;
    if (listening(k)) emit(k, { kind: 'lockdep_off', ctx: ctxNow(k) });
    return VOIDV;
  },
  lockdep_on: function* (c) {
    const k = c.I.k;
    k.cur.task.lockdepOff = Math.max(0, k.cur.task.lockdepOff - 1);
    if (listening(k)) emit(k, { kind: 'lockdep_on', ctx: ctxNow(k) });
    return VOIDV;
  },
  debug_locks_off: function* () {
    return intOf(0);
  },

  // Static initialisers of maps: the name (and key) the map gets when first used.
  STATIC_LOCKDEP_MAP_INIT: function* (c) {
    const name = readString(c.I, yield* ev(c, 0)) ?? argText(arg(c, 0));
    const key = yield* keyOf(c, 1);
    return mapInitializer(c, 'struct lockdep_map', { name, key });
  },
  INIT_LOCAL_LOCK: function* (c) {
    // The parser hands the stringified name (#lockname); the key stays the static object's.
    const name = readString(c.I, yield* ev(c, 0)) ?? argText(arg(c, 0));
    return mapInitializer(c, 'local_lock_t', { name });
  },
  /** In hardirq context: this handler would run threaded on PREEMPT_RT (current->hardirq_threaded). */
  lockdep_hardirq_threaded: function* (c) {
    const cpu = c.I.k.cur.cpu;
    if (cpu.hardirq > 0) cpu.threaded = true;
    return VOIDV;
  },
  // sparse annotations: (void)0 in a compiled kernel, the argument is not evaluated.
  __acquire: function* () {
    return VOIDV;
  },
  __release: function* () {
    return VOIDV;
  },
};

/** An initializer value of `type` whose dep_map (first word) carries the static name/key. */
function mapInitializer(c: CallCtx, type: string, init: StaticMapInit): Value {
  const t = c.I.builtinTypes.get(type)!;
  const obj = allocObj(c.I.mem, 'stack', t, t.size, type, true);
  obj.cells.set(0, staticMapMarker(c.I.k, init));
  return { k: 'a', t, obj, off: 0 };
}

function annot(read: ReadMode, nested = false) {
  // spin_acquire(map, subclass, trylock, ip) / spin_acquire_nest(map, subclass, trylock, nest, ip)
  return function* (c: CallCtx): Gen<Value> {
    const inst = yield* lockArg(c, 0, 'lockdep_map');
    if (!inst) return VOIDV;
    const subclass = c.args.length > 1 ? yield* evNum(c, 1) : 0;
    const trylock = c.args.length > 2 ? (yield* evNum(c, 2)) !== 0 : false;
    const nest = nested ? yield* lockArg(c, 3) : null;
    yield* annotateAcquire(c, { read, trylock, subclass, nest }, inst);
    return VOIDV;
  };
}

function mapAnnot(read: ReadMode, trylock: boolean) {
  return function* (c: CallCtx): Gen<Value> {
    const inst = yield* lockArg(c, 0, 'lockdep_map');
    if (!inst) return VOIDV;
    yield* annotateAcquire(c, { read, trylock, subclass: 0 }, inst);
    return VOIDV;
  };
}

function* annotRelease(c: CallCtx): Gen<Value> {
  const inst = yield* lockArg(c, 0, 'lockdep_map');
  if (!inst) return VOIDV;
  releaseEvent(c.I.k, inst, c.name);
  return VOIDV;
}

function mightLock(read: ReadMode, nested = false) {
  return function* (c: CallCtx): Gen<Value> {
    const inst = yield* lockArg(c, 0);
    if (!inst) return VOIDV;
    const subclass = nested ? yield* evNum(c, 1) : 0;
    yield* annotateAcquire(c, { read, trylock: false, subclass }, inst);
    releaseEvent(c.I.k, inst, c.name);
    return VOIDV;
  };
}

function irqAssert(wantEnabled: boolean) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const enabled = k.cur.cpu.irqsOn;
    if (enabled !== wantEnabled && debugLocks(k) && k.cur.task.lockdepOff === 0) {
      yield* warnOnce(k, `${c.pos.file}:${c.pos.line}:${c.pos.col}`, '');
    }
    return VOIDV;
  };
}

function ctxAssert(ok: (k: Kernel) => boolean) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    if (!ok(k) && debugLocks(k)) yield* warnOnce(k, `${c.pos.file}:${c.pos.line}:${c.pos.col}`, '');
    return VOIDV;
  };
}

function localLock(irq: Irq) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    let flagsRef = null;
    if (irq === 'irqsave') flagsRef = yield* evLval(c, 1);
    const flags = yield* enterIrq(c, irq, irq === 'none' ? 'local_lock' : `local_lock_${irq}`);
    if (flagsRef) store(c.I, flagsRef, mkInt(ULONG, flags));
    // Only plain local_lock() disables preemption; the _irq variants rely on IRQs being off.
    if (irq === 'none') preemptDisable(k);
    const inst = yield* lockArg(c, 0, 'local_lock_t');
    if (!inst) return VOIDV;
    acquireEvent(k, inst, { api: c.name, read: 0 });
    take(inst, k.cur.task, false);
    return VOIDV;
  };
}

function localUnlock(irq: Irq) {
  return function* (c: CallCtx): Gen<Value> {
    const k = c.I.k;
    const inst = yield* lockArg(c, 0, 'local_lock_t');
    if (!inst) return VOIDV;
    const flags = irq === 'irqsave' ? yield* evInt(c, 1) : 0n;
    releaseEvent(k, inst, c.name);
    drop(inst, k.cur.task, false);
    if (irq === 'none') preemptEnable(k);
    yield* exitIrq(c, irq, irq === 'irqsave' ? 'local_unlock_irqrestore' : irq === 'irq' ? 'local_unlock_irq' : 'local_unlock', flags);
    return VOIDV;
  };
}
