/**
 * Data the race check keeps between events. Plain records only; the
 * functions over them live in ./context.ts, ./lockset.ts, ./checker.ts.
 *
 * Vocabulary (Eraser, adapted to the kernel):
 * - a *thread* is an execution context that can run concurrently with
 *   another: a task, or the hardirq / softirq / NMI context of one CPU
 *   (handlers of one kind do not nest on a CPU, so one key per CPU suffices);
 * - a *lockset* is the set of lock instances held at an access, plus
 *   pseudo-locks for "IRQs / BH / preemption off on CPU n", chosen so that
 *   two accesses are mutually exclusive exactly when their locksets share a
 *   member (see ./context.ts for why each pseudo-lock is held when);
 * - a *location* is one field of one object, or one list as a whole
 *   (identified by its head).
 */
import type { EventContext, ListOp, LockdepMap } from '../events/types.ts';

/** `task:123`, `hardirq@0`, `softirq@1`, `nmi@2`. */
export type ThreadKey = string;

/** Interned lockset id; 0 is the empty set. */
export type LocksetId = number;

/** One held lock instance of a thread. `count` > 1 for recursive read holds. */
export interface HeldLock {
  lock: LockdepMap;
  read: boolean;
  count: number;
}

export interface ThreadState {
  key: ThreadKey;
  held: Map<number, HeldLock>;
  /** Bumped on every change of `held`, so cached locksets can be reused. */
  heldVersion: number;
  /** rcu_read_lock() / _bh / _sched nesting (lockType 'rcu' maps). */
  rcuDepth: number;
  /**
   * Event number at which the current, uninterrupted RCU read-side critical
   * section began (rcu_read_lock, or IRQs/BH/preemption off), -1 outside one.
   * A kfree_rcu()'d object is safe only for readers whose section began
   * before the kfree_rcu(): later sections may outlive the grace period.
   */
  rcuSince: number;
  /** Last event number at which this thread was seen outside any RCU reader. */
  lastQuiescent: number;
  /** Last lockset computed for a read and for a write: [heldVersion, cpu, cpu-local bits, id]. */
  lsRead: [number, number, number, LocksetId];
  lsWrite: [number, number, number, LocksetId];
}

/** One remembered access, enough to print it in a report. */
export interface AccessRec {
  thread: ThreadKey;
  ctx: EventContext;
  write: boolean;
  marked: boolean;
  lockset: LocksetId;
  /** Inside an RCU read-side critical section at the time of the access. */
  rcuReader: boolean;
  /** List primitive, for list locations. */
  op?: ListOp;
  /** Event number. */
  seq: number;
  addr: bigint;
  size: number;
  label: string;
}

/** Eraser states; lists skip Virgin/Exclusive (a list head is shared by construction). */
export type LocPhase = 'virgin' | 'exclusive' | 'shared' | 'shared-modified';

export interface LocState {
  phase: LocPhase;
  owner: ThreadKey;
  /** Candidate lockset: intersection over the shared phase; -1 = not yet refined ("all locks"). */
  candidate: LocksetId;
  /** Latest access per (thread, kind, code site) since the location became shared, oldest first. */
  history: Map<string, AccessRec>;
  /** Pairs already reported (one report per pair of code sites). */
  reported: Set<string>;
}

export interface ListState {
  loc: LocState;
  label: string;
  addr: bigint;
  /** Latest write per code site, to name writers when `_rcu` and plain primitives are mixed. */
  writers: Map<string, AccessRec>;
  /** Intersection of the writers' locksets (ALL before the first write). */
  writerLocks: LocksetId;
  /** Latest read per code site. */
  readers: Map<string, AccessRec>;
  mixReported: Set<string>;
}

/** Where a list entry is: on which list, and who took it off. */
export interface EntryState {
  head: number;
  headLabel: string;
  label: string;
  addr: bigint;
  removed: AccessRec | null;
}

export interface FreedState {
  how: 'kfree' | 'kfree_rcu';
  rec: AccessRec;
  label: string;
  lo: bigint;
  hi: bigint;
}
