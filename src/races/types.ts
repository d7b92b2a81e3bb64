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
  interrupt: boolean;
  /** Small number for packed map keys. */
  idx: number;
  held: Map<number, HeldLock>;
  /** Interned sets of the held instances: all of them, and those held for writing. */
  heldAll: LocksetId;
  heldWrite: LocksetId;
  /** rcu_read_lock() / _bh / _sched nesting (lockType 'rcu' maps). */
  rcuDepth: number;
  /**
   * Event number at which the current, uninterrupted RCU read-side critical
   * section began (rcu_read_lock, or IRQs/BH/preemption off), -1 outside one.
   * A kfree_rcu()'d object is safe only for readers whose section began
   * before the kfree_rcu(): later sections may outlive the grace period.
   */
  rcuSince: number;
}

/** One remembered access, enough to print it in a report. */
export interface AccessRec {
  thread: ThreadKey;
  /** Made in interrupt context (KCSAN prints `by interrupt`). */
  interrupt: boolean;
  ctx: EventContext;
  write: boolean;
  marked: boolean;
  lockset: LocksetId;
  /** Inside an RCU read-side critical section at the time of the access. */
  rcuReader: boolean;
  /**
   * Inside rcu_read_lock() (or _bh/_sched) itself, not merely in a section
   * implied by a held spinlock's preemption or IRQ disabling: what a report
   * may call "being in an RCU read-side section" when it blames a walk.
   */
  rcuLocked: boolean;
  /** List primitive, for list locations. */
  op?: ListOp;
  /** Event number. */
  seq: number;
  addr: bigint;
  size: number;
  label: string;
  /** `fn@file:line:col` of the access, computed once when first needed. */
  site?: string;
  /** Packed (thread, read/write, function, line): the history slot this access fills. */
  slot: number;
  /** Location history version this access was checked against. */
  checked?: number;
}

/**
 * Eraser states, for fields and lists alike. A list's first touch is its
 * head's INIT_LIST_HEAD() when the run shows one (the writes of head->next
 * and ->prev), else its first list operation.
 */
export type LocPhase = 'virgin' | 'exclusive' | 'shared' | 'shared-modified';

export interface LocState {
  /** `12:ap_list.next` or `list:7`, for report dedupe. */
  key: string;
  phase: LocPhase;
  owner: ThreadKey;
  /** Candidate lockset: intersection over the shared phase; -1 = not yet refined ("all locks"). */
  candidate: LocksetId;
  /** Latest access per (thread, kind, code site) since the location became shared, oldest first. */
  history: Map<number, AccessRec>;
  /** Bumped when a history slot gets an access with different locks/marking/op. */
  version: number;
  /** For a list: the list, whose writers' common lock a report can name. */
  list?: ListState;
  /** Pairs already reported (one report per pair of code sites). */
  reported: Set<string>;
}

export interface ListState {
  loc: LocState;
  label: string;
  addr: bigint;
  /**
   * Latest write per code site, to name writers when `_rcu` and plain
   * primitives are mixed. Only writes once the list is shared: the owner's
   * setup before publication may use plain primitives on an RCU list.
   */
  writers: Map<number, AccessRec>;
  /** How many of `writers` use the _rcu primitives, and how many do not. */
  rcuWriters: number;
  plainWriters: number;
  /** Intersection of the writers' locksets (ALL before the first write). */
  writerLocks: LocksetId;
  /** Latest read per code site. */
  readers: Map<number, AccessRec>;
  mixReported: Set<string>;
}

/**
 * Where a list node is: on which list (by head address), and who took it
 * off. Keyed by node address, since one object may sit on several lists
 * through different members.
 */
export interface EntryState {
  headAddr: bigint;
  headLabel: string;
  label: string;
  /** Object the node lives in (for lifetimes). */
  objId: number;
  addr: bigint;
  removed: AccessRec | null;
}

export interface FreedState {
  how: 'kfree' | 'kfree_rcu';
  /**
   * The memory is really gone (kfree(), or kfree_rcu() after its grace
   * period: the kernel's `free` event). Accesses then hit freed memory and
   * the simulated kernel's KASAN reports them; ours are only for the window
   * a kfree_rcu() leaves open.
   */
  really: boolean;
  rec: AccessRec;
  label: string;
  lo: bigint;
  hi: bigint;
}
