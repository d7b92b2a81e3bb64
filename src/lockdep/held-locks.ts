/**
 * Per-task lockdep state: the held_locks[] stack (a reused pool, so cached
 * acquisitions allocate nothing), find_held_lock() that never crosses into
 * another irq context, and the irq event counters.
 */
import type { EventContext, LockdepMap } from '../events/types.ts';
import { type ClassRegistry } from './classes.ts';
import { synth } from './reports/common.ts';
import { INITIAL_CHAIN_KEY, type CpuState, type HeldLock, type LockClass, type TaskState } from './types.ts';

export function newTaskState(ctx: EventContext): TaskState {
  return {
    task: ctx.task,
    held: [],
    depth: 0,
    currChainKey: INITIAL_CHAIN_KEY,
    softirqContext: 0,
    softirqsEnabled: ctx.softirqsEnabled,
    lockdepOff: 0,
    trace: {
      irqEvents: 0,
      hardirqEnableEvent: 0,
      hardirqEnableIp: undefined,
      // copy_process() seeds these (event 0): a task that never toggled BHs still shows where they were enabled.
      hardirqDisableEvent: 0,
      hardirqDisableIp: synth('copy_process'),
      softirqEnableEvent: 0,
      softirqEnableIp: synth('copy_process'),
      softirqDisableEvent: 0,
      softirqDisableIp: undefined,
    },
    lastCtx: ctx,
  };
}

export function newCpuState(ctx: EventContext): CpuState {
  return { hardirqContext: ctx.hardirqCount, hardirqsEnabled: ctx.hardirqsEnabled };
}

/** The pool slot for held_locks[depth]. */
export function heldSlot(ts: TaskState, depth: number): HeldLock {
  let h = ts.held[depth];
  if (!h) {
    h = {
      cls: undefined as unknown as LockClass,
      instance: undefined as unknown as LockdepMap,
      stack: [],
      irqContext: 0,
      trylock: false,
      read: 0,
      check: true,
      hardirqsOff: false,
      references: 0,
      nestLock: undefined,
      prevChainKey: 0,
      api: '',
    };
    ts.held[depth] = h;
  }
  return h;
}

/** The class plain acquisitions of `lock` use, if registered (no registration). */
export function lookUpClass(reg: ClassRegistry, lock: LockdepMap): LockClass | undefined {
  const mi = reg.maps.get(lock.id);
  if (!mi) return reg.byKey.get(lock.key + '/0');
  return mi.cache[0] ?? reg.byKey.get(mi.key + '/' + mi.baseSubclass);
}

/** match_held_lock(): same instance, or a nest-merged entry of the same class. */
export function matchHeldLock(reg: ClassRegistry, h: HeldLock, lock: LockdepMap): boolean {
  if (h.instance.id === lock.id) return true;
  if (h.references) {
    const cls = lookUpClass(reg, lock);
    return cls !== undefined && cls === h.cls;
  }
  return false;
}

/** find_held_lock(): index of the entry, or -1. */
export function findHeldLock(reg: ClassRegistry, ts: TaskState, lock: LockdepMap): number {
  let i = ts.depth - 1;
  if (i < 0) return -1;
  if (matchHeldLock(reg, ts.held[i], lock)) return i;
  for (i--; i >= 0; i--) {
    if (ts.held[i + 1].irqContext !== ts.held[i].irqContext) return -1;
    if (matchHeldLock(reg, ts.held[i], lock)) return i;
  }
  return -1;
}

/** A detached copy of a held entry (for reacquire_held_locks(), which rewrites the pool). */
export function copyHeld(h: HeldLock): HeldLock {
  return { ...h };
}
