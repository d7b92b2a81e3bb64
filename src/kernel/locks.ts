/**
 * Lock instances and the kernel's lock APIs: what each does to IRQ/BH/preempt
 * state and which lockdep events it causes, in the kernel's order (facts §f:
 * IRQs off before the acquire, release before IRQs come back), plus the real
 * lock state (owner, readers, waiters) the sequential scheduler blocks on.
 */
import type { Frame, LockdepMap, LockType, ReadMode, WaitType } from '../events/types.ts';
import { addrOf, allocObj, ext, setExt, type MemObj, type PtrV } from '../interpreter/memory.ts';
import { isLockStruct, LOCK_BUILTINS, type RType, type StructRT } from '../interpreter/rtypes.ts';
import { ctxNow, emit, listening, StopRun, type Kernel } from './kernel.ts';
import { synth, SLEEP, taskRef, type Gen, type Task } from './state.ts';
import type { SourcePos } from '../events/types.ts';

export interface LockInst {
  map: LockdepMap;
  /** Exclusive holder (spinlock, mutex, write side). */
  owner: Task | null;
  /** Shared holders: task -> count. */
  readers: Map<Task, number>;
  /** The object and offset the instance lives at. */
  obj: MemObj | null;
  off: number;
}

const WAITS: Record<LockType, [WaitType, WaitType]> = {
  raw_spinlock_t: ['SPIN', 'INV'],
  spinlock_t: ['CONFIG', 'INV'],
  rwlock_t: ['CONFIG', 'INV'],
  mutex: ['SLEEP', 'INV'],
  rw_semaphore: ['SLEEP', 'INV'],
  rt_mutex: ['SLEEP', 'INV'],
  local_lock_t: ['CONFIG', 'INV'],
  rcu: ['CONFIG', 'FREE'],
  lockdep_map: ['INV', 'INV'],
};

export interface LockTable {
  nextId: number;
  /** Global lockdep-only maps (rcu_read_lock ...), by name. */
  globals: Map<string, LockInst>;
}

export function createLockTable(): LockTable {
  return { nextId: 1, globals: new Map() };
}

/** Walk an object's type down to `off`: the outermost lock type starting there, and the field path. */
export function lockAt(t: RType, off: number, path = ''): { lt: StructRT; path: string } | null {
  if (isLockStruct(t) && off === 0) return { lt: t, path };
  if (t.k === 'array') {
    const es = sizeOfElem(t.of);
    if (es <= 0) return null;
    const i = Math.floor(off / es);
    if (i < 0 || i >= t.n) return null;
    return lockAt(t.of, off - i * es, `${path}[${i}]`);
  }
  if (t.k === 'struct' && t.fields) {
    for (const f of t.fields) {
      const fs = sizeOfElem(f.t);
      if (off >= f.off && off < f.off + Math.max(fs, 1)) {
        const r = lockAt(f.t, off - f.off, f.name === null ? path : path ? `${path}.${f.name}` : f.name);
        if (r) return r;
      }
    }
  }
  return null;
}

function sizeOfElem(t: RType): number {
  switch (t.k) {
    case 'int':
      return t.bits / 8;
    case 'ptr':
    case 'fn':
      return 8;
    case 'array':
      return sizeOfElem(t.of) * t.n;
    case 'struct':
      return t.size;
    default:
      return 1;
  }
}

/**
 * The lock instance at a pointer, created on first use with the class the
 * kernel would give it: static definition -> own class, per-CPU static ->
 * one shared class, anything else not yet initialised -> key `none`.
 */
/**
 * What STATIC_LOCKDEP_MAP_INIT(name, key) / INIT_LOCAL_LOCK(name) put in a
 * map statically: the map's first word holds a pointer to a marker object
 * (copied along with the initialiser), read when the lock is first used.
 */
export interface StaticMapInit {
  name: string;
  /** Class key; absent: keyed by the static object, as lockdep does for a NULL key. */
  key?: string;
}
const staticInits = new WeakMap<MemObj, StaticMapInit>();

/** The cell value that marks a statically initialised map. */
export function staticMapMarker(k: Kernel, init: StaticMapInit): PtrV {
  const obj = allocObj(k.mem, 'kernel', { k: 'void' }, 8, `lockdep_map(${init.name})`, true);
  staticInits.set(obj, init);
  return { k: 'p', t: { k: 'ptr', to: { k: 'void' } }, obj, off: 0 };
}

function staticInitAt(o: MemObj, off: number): StaticMapInit | undefined {
  const c = o.cells.get(off);
  return c && c.k === 'p' && c.obj ? staticInits.get(c.obj) : undefined;
}

export function lockInst(_k: Kernel, tbl: LockTable, p: PtrV, argText: string, wantType?: LockType, defPos?: SourcePos): LockInst | null {
  if (!p.obj) return null;
  const existing = ext<LockInst>(p.obj, p.off);
  if (existing) return existing;
  const found = lockAt(p.obj.t, p.off);
  const lockType: LockType = found ? LOCK_BUILTINS[found.lt.builtin!]! : (wantType ?? 'lockdep_map');
  const o = p.obj;
  const path = found?.path ?? '';
  const symPath = o.sym ? (path ? `${o.sym}.${path}` : o.sym) : null;
  // A unit's static has sym `unit::name`: keyed apart from other units' statics, printed by its name.
  const shown = o.sym ? (path ? `${o.label}.${path}` : o.label) : null;
  let key = 'none';
  let name = argText;
  if (o.region === 'global' && symPath) {
    key = `static:${symPath}`;
    name = shown!;
  } else if (o.region === 'percpu' && symPath) {
    key = `percpu:${symPath}`;
    name = shown!;
  }
  const si = staticInitAt(o, p.off);
  if (si) {
    name = si.name;
    if (si.key) key = si.key;
  }
  const [inner, outer] = WAITS[lockType];
  const map: LockdepMap = {
    id: tbl.nextId++,
    addr: addrOf(p),
    key,
    name,
    lockType,
    waitInner: inner,
    waitOuter: outer,
    ...(defPos && key !== 'none' ? { initPos: { ...defPos } } : {}),
  };
  const inst: LockInst = { map, owner: null, readers: new Map(), obj: o, off: p.off };
  setExt(o, p.off, inst);
  return inst;
}

/** rcu_read_lock & co: global maps, one instance each for the run. */
export function globalMap(k: Kernel, tbl: LockTable, name: string, inner: WaitType, outer: WaitType): LockInst {
  let g = tbl.globals.get(name);
  if (!g) {
    const obj = allocObj(k.mem, 'kernel', { k: 'void' }, 40, name, true, { sym: name });
    g = {
      map: { id: tbl.nextId++, addr: obj.base, key: `map:${name}`, name, lockType: name.startsWith('rcu') ? 'rcu' : 'lockdep_map', waitInner: inner, waitOuter: outer },
      owner: null,
      readers: new Map(),
      obj,
      off: 0,
    };
    tbl.globals.set(name, g);
  }
  return g;
}

/** spin_lock_init() & co at a call site: the site's static key, named after the argument text. */
export function initLock(k: Kernel, inst: LockInst, site: SourcePos, argText: string): void {
  inst.map.key = `site:${site.file}:${site.line}:${site.col}`;
  inst.map.name = argText;
  inst.map.initPos = { ...site };
  inst.owner = null;
  inst.readers.clear();
  if (listening(k)) emit(k, { kind: 'lock_init', lock: inst.map, ctx: ctxNow(k) });
}

export interface AcquireOpts {
  api: string;
  /** Synthetic frame of the kernel function doing the acquire (`_raw_spin_lock_irqsave`); none for inline annotations. */
  frame?: string;
  read: ReadMode;
  trylock?: boolean;
  subclass?: number;
  check?: boolean;
  nest?: LockInst | null;
}

export function topFrames(frame?: string): Frame[] | undefined {
  return frame ? [synth(frame)] : undefined;
}

/** The lockdep side of an acquire: lock_acquire() as the kernel calls it (before the real acquire). */
export function acquireEvent(k: Kernel, inst: LockInst, o: AcquireOpts): void {
  if (!listening(k)) return;
  emit(k, {
    kind: 'acquire',
    lock: inst.map,
    subclass: o.subclass ?? 0,
    read: o.read,
    trylock: o.trylock ?? false,
    check: o.check ?? true,
    nestLock: o.nest?.map,
    api: o.api,
    ctx: ctxNow(k, topFrames(o.frame)),
  });
}

export function releaseEvent(k: Kernel, inst: LockInst, api: string, frame?: string): void {
  if (!listening(k)) return;
  emit(k, { kind: 'release', lock: inst.map, api, ctx: ctxNow(k, topFrames(frame)) });
}

/** Can `t` take the lock now (exclusive if !shared)? */
export function lockFree(inst: LockInst, t: Task, shared: boolean): boolean {
  if (inst.owner && inst.owner !== t) return false;
  if (inst.owner === t) return false;
  if (!shared) {
    for (const [r, n] of inst.readers) if (n > 0 && r !== t) return false;
    if ((inst.readers.get(t) ?? 0) > 0) return false;
  }
  return true;
}

export function take(inst: LockInst, t: Task, shared: boolean): void {
  if (shared) inst.readers.set(t, (inst.readers.get(t) ?? 0) + 1);
  else inst.owner = t;
}

/** Drop the current task's hold; false if it held nothing (lockdep reports the imbalance). */
export function drop(inst: LockInst, t: Task, shared: boolean | 'any'): boolean {
  if (shared !== true && inst.owner === t) {
    inst.owner = null;
    return true;
  }
  if (shared !== false) {
    const n = inst.readers.get(t) ?? 0;
    if (n > 0) {
      if (n === 1) inst.readers.delete(t);
      else inst.readers.set(t, n - 1);
      return true;
    }
  }
  // Released by a different context than the one that took it (e.g. an irq
  // handler unlocking what its task holds): the real lock still opens.
  if (shared !== true && inst.owner) {
    inst.owner = null;
    return true;
  }
  return false;
}

export function holderOf(inst: LockInst): Task | null {
  if (inst.owner) return inst.owner;
  for (const [r, n] of inst.readers) if (n > 0) return r;
  return null;
}

/** After a release: tasks waiting on this lock may run again. */
export function wakeWaiters(k: Kernel, inst: LockInst): void {
  for (const t of k.tasks) {
    if (t.state === 'blocked' && t.waitingOn === inst) {
      t.state = 'runnable';
      t.waitingOn = undefined;
    }
  }
}

/**
 * Wait until the lock can be taken. Spinning or sleeping on a lock the
 * waiter itself holds (or that its interrupted task holds) never ends: that
 * is a real deadlock and ends the run, after lockdep had its say.
 */
export function* waitFor(k: Kernel, inst: LockInst, shared: boolean, sleeping: boolean): Gen<void> {
  for (;;) {
    const t = k.cur.task;
    if (lockFree(inst, t, shared)) return;
    const holder = holderOf(inst);
    const self = holder === t;
    if (self || k.cur.kind !== 'task') {
      const who = holder ? `${holder.comm}/${holder.pid}` : 'nobody';
      const msg = self && k.cur.kind === 'task'
        ? `deadlock: ${t.comm}/${t.pid} on CPU ${k.cur.cpu.id} waits for ${inst.map.name}, which it already holds — it would ${sleeping ? 'sleep' : 'spin'} forever`
        : `deadlock: an interrupt on CPU ${k.cur.cpu.id} spins on ${inst.map.name}, held by ${who}, which cannot run until the interrupt returns`;
      const f = k.cur.frames[k.cur.frames.length - 1];
      if (!sleeping) {
        k.log.printk({
          type: 'printk',
          level: 0,
          text: `watchdog: BUG: soft lockup - CPU#${k.cur.cpu.id} stuck for 22s! [${t.comm}:${t.pid}]`,
          task: taskRef(t),
          cpu: k.cur.cpu.id,
        });
      }
      throw new StopRun('deadlock', msg, f?.fn, f?.pos);
    }
    t.state = 'blocked';
    t.waitingOn = inst;
    (t as Task & { spinning?: boolean }).spinning = !sleeping;
    yield SLEEP;
  }
}
