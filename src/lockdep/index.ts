/**
 * The lockdep model: a faithful TypeScript lockdep (kernel/locking/lockdep.c)
 * that consumes the simulated kernel's events and writes the kernel's reports.
 *
 *   const lockdep = createLockdep({ config, env, log });
 *   for (const e of events) lockdep.event(e);
 *   lockdep.lockIsHeld(task, map, -1); lockdep.graph();
 */
import type { EventObserver, KernelEnv, KernelEvent, KernelLog, LockdepConfig, LockdepMap, LockdepQueries, LockType, Stack, TaskRef } from '../events/types.ts';
import { className } from './classes.ts';
import { matchHeldLock } from './held-locks.ts';
import {
  checkNoLocksFreed,
  contextChange,
  createState,
  irqState,
  lockAcquire,
  lockDowngrade,
  lockInit,
  lockRelease,
  printHeldLocks,
  setClass,
  taskEnd,
  taskOf,
} from './lockdep.ts';
import { DEP_EN_MASK, DEP_ER_MASK, DEP_SN_MASK, DEP_SR_MASK } from './types.ts';
import { usageChars } from './usage.ts';
import { waitTypeStr } from './wait-context.ts';

export interface LockGraphClass {
  /** lock_classes[] index. */
  id: number;
  /** Printed name incl. `#N` and `/S`. */
  name: string;
  /** LockdepMap.key + `/subclass`. */
  classKey: string;
  /** `{....}` usage characters, without braces. */
  usage: string;
  /** `2:2`-style wait type. */
  waitType: string;
  lockType: LockType;
}

export interface LockGraphEdge {
  from: number;
  to: number;
  /** lock_list::dep bits: SR=1, ER=2, SN=4, EN=8. */
  dep: number;
  /** The same as `-(EN)->` labels. */
  depTypes: string[];
  /** Stack of the acquisition that recorded the edge (innermost first). */
  stack: Stack;
}

export interface LockGraphData {
  classes: LockGraphClass[];
  edges: LockGraphEdge[];
}

export interface LockdepStats {
  classes: number;
  edges: number;
  /** Lock chains in the chain cache. */
  chains: number;
  /** Graph entries visited by all searches so far (circular and irq checks). */
  bfsVisits: number;
}

export interface Lockdep extends EventObserver, LockdepQueries {
  /** The dependency graph so far, as plain data (for the site's graph view). */
  graph(): LockGraphData;
  /** Sizes and work counters (lockdep_stats-like), for benchmarks and curious learners. */
  stats(): LockdepStats;
}

function depTypes(dep: number): string[] {
  const out: string[] = [];
  if (dep & DEP_SR_MASK) out.push('-(SR)->');
  if (dep & DEP_ER_MASK) out.push('-(ER)->');
  if (dep & DEP_SN_MASK) out.push('-(SN)->');
  if (dep & DEP_EN_MASK) out.push('-(EN)->');
  return out;
}

export function createLockdep(opts: { config: LockdepConfig; env: KernelEnv; log: KernelLog }): Lockdep {
  const st = createState(opts.config, opts.env, opts.log);

  function event(e: KernelEvent): void {
    if (!st.debugLocks) return;
    switch (e.kind) {
      case 'acquire':
        lockAcquire(st, e);
        return;
      case 'release':
        lockRelease(st, e);
        return;
      case 'hardirqs_on':
      case 'hardirqs_off':
      case 'softirqs_on':
      case 'softirqs_off':
        irqState(st, e);
        return;
      case 'hardirq_enter':
      case 'hardirq_exit':
      case 'softirq_enter':
      case 'softirq_exit':
      case 'nmi_enter':
      case 'nmi_exit':
        contextChange(st, e);
        return;
      case 'downgrade':
        lockDowngrade(st, e);
        return;
      case 'lock_init':
        lockInit(st, e);
        return;
      case 'set_class':
        setClass(st, e);
        return;
      case 'free':
        checkNoLocksFreed(st, e.ctx, e.lo, e.hi, ['debug_check_no_locks_freed', 'kfree']);
        return;
      case 'return_to_user':
      case 'task_exit':
        taskEnd(st, e);
        return;
      case 'lockdep_off':
        taskOf(st, e.ctx).lockdepOff++;
        return;
      case 'lockdep_on': {
        const ts = taskOf(st, e.ctx);
        if (ts.lockdepOff > 0) ts.lockdepOff--;
        return;
      }
      default:
        return;
    }
  }

  function lockIsHeld(task: TaskRef, lock: LockdepMap, read: -1 | 0 | 1): -1 | 0 | 1 {
    if (!st.debugLocks) return -1;
    const ts = st.tasks.get(task.pid);
    if (!ts) return 0;
    for (let i = 0; i < ts.depth; i++) {
      const h = ts.held[i];
      if (matchHeldLock(st.reg, h, lock)) return read === -1 || (h.read ? 1 : 0) === read ? 1 : 0;
    }
    return 0;
  }

  function heldLocksLines(task: TaskRef): string[] {
    if (!st.debugLocks) return ['INFO: lockdep is turned off.'];
    const ts = st.tasks.get(task.pid);
    if (!ts) return [`no locks held by ${task.comm}/${task.pid}.`];
    return printHeldLocks(st, ts);
  }

  function graph(): LockGraphData {
    const classes: LockGraphClass[] = [];
    const edges: LockGraphEdge[] = [];
    for (let i = 1; i < st.reg.list.length; i++) {
      const c = st.reg.list[i];
      classes.push({
        id: c.idx,
        name: className(c),
        classKey: `${c.key}/${c.subclass}`,
        usage: usageChars(c),
        waitType: waitTypeStr(c, st.pe.nesting),
        lockType: c.lockType,
      });
      for (const e of c.locksAfter) edges.push({ from: e.from.idx, to: e.to.idx, dep: e.dep, depTypes: depTypes(e.dep), stack: e.trace });
    }
    return { classes, edges };
  }

  function stats(): LockdepStats {
    let edges = 0;
    for (let i = 1; i < st.reg.list.length; i++) edges += st.reg.list[i].locksAfter.length;
    return { classes: st.reg.list.length - 1, edges, chains: st.chains.keys.size, bfsVisits: st.bfs.visits };
  }

  return { event, lockIsHeld, heldLocksLines, debugLocks: () => st.debugLocks, graph, stats };
}

export type { LockdepState } from './lockdep.ts';
