/**
 * lockdep's internal data, named after kernel/locking/lockdep.c so a kernel
 * developer can map one onto the other: lock_class, lock_list, held_lock and
 * the per-task state (task_struct's lockdep fields).
 */
import type { EventContext, LockdepMap, LockType, ReadMode, Stack, SourcePos, TaskRef, WaitType } from '../events/types.ts';

/** `enum lock_usage_bit` (lockdep_internals.h). */
export const LOCK_USED_IN_HARDIRQ = 0;
export const LOCK_USED_IN_HARDIRQ_READ = 1;
export const LOCK_ENABLED_HARDIRQ = 2;
export const LOCK_ENABLED_HARDIRQ_READ = 3;
export const LOCK_USED_IN_SOFTIRQ = 4;
export const LOCK_USED_IN_SOFTIRQ_READ = 5;
export const LOCK_ENABLED_SOFTIRQ = 6;
export const LOCK_ENABLED_SOFTIRQ_READ = 7;
export const LOCK_USED = 8;
export const LOCK_USED_READ = 9;
/** LOCK_USAGE_STATES: also the index of the "IN-NMI" message string. */
export const LOCK_USAGE_STATES = 10;
export const LOCK_TRACE_STATES = 10;

export const LOCK_USAGE_READ_MASK = 1;
export const LOCK_USAGE_DIR_MASK = 2;
export const LOCK_USAGE_STATE_MASK = ~(LOCK_USAGE_READ_MASK | LOCK_USAGE_DIR_MASK);

export const LOCKF_USED_IN_IRQ = (1 << LOCK_USED_IN_HARDIRQ) | (1 << LOCK_USED_IN_SOFTIRQ);
export const LOCKF_ENABLED_IRQ = (1 << LOCK_ENABLED_HARDIRQ) | (1 << LOCK_ENABLED_SOFTIRQ);
export const LOCKF_USED_IN_IRQ_READ = (1 << LOCK_USED_IN_HARDIRQ_READ) | (1 << LOCK_USED_IN_SOFTIRQ_READ);
export const LOCKF_ENABLED_IRQ_READ = (1 << LOCK_ENABLED_HARDIRQ_READ) | (1 << LOCK_ENABLED_SOFTIRQ_READ);
export const LOCKF_IRQ = LOCKF_USED_IN_IRQ | LOCKF_ENABLED_IRQ;
export const LOCKF_IRQ_READ = LOCKF_USED_IN_IRQ_READ | LOCKF_ENABLED_IRQ_READ;
export const LOCKF_USED_IN_IRQ_ALL = LOCKF_USED_IN_IRQ | LOCKF_USED_IN_IRQ_READ;
export const LOCKF_ENABLED_IRQ_ALL = LOCKF_ENABLED_IRQ | LOCKF_ENABLED_IRQ_READ;
export const LOCKF_USED = 1 << LOCK_USED;
export const LOCKF_USED_READ = 1 << LOCK_USED_READ;

/** lock_list::dep bits: bit0 = "prev is exclusive", bit1 = "next is non-recursive". */
export const DEP_SR_BIT = 0;
export const DEP_ER_BIT = 1;
export const DEP_SN_BIT = 2;
export const DEP_EN_BIT = 3;
export const DEP_SR_MASK = 1 << DEP_SR_BIT;
export const DEP_ER_MASK = 1 << DEP_ER_BIT;
export const DEP_SN_MASK = 1 << DEP_SN_BIT;
export const DEP_EN_MASK = 1 << DEP_EN_BIT;

export const MAX_LOCK_DEPTH = 48;
export const MAX_LOCKDEP_SUBCLASSES = 8;

/** lock_class::lock_type (LD_LOCK_*): only NORMAL classes take part in irq-inversion searches. */
export type LdLockType = 'NORMAL' | 'PERCPU' | 'WAIT_OVERRIDE';

/** struct lock_class. */
export interface LockClass {
  /** Index into lock_classes[], 1-based; used in hlock_id and the chain key. */
  idx: number;
  /** LockdepMap.key of the instance that registered it. */
  key: string;
  subclass: number;
  name: string;
  nameVersion: number;
  lockType: LockType;
  ldType: LdLockType;
  waitInner: WaitType;
  waitOuter: WaitType;
  usageMask: number;
  /** usage_traces[bit]: the stack saved when the bit was first set. */
  usageTraces: (Stack | undefined)[];
  /** Where the bit was first set, for editor markers. */
  locksAfter: LockList[];
  locksBefore: LockList[];
  /** Synthetic address/symbol of the lock_class_key, for ` ... key      at:` lines. */
  keyAddr: bigint;
  keySym: string;
  initPos?: SourcePos;
  /** Not validated (lockdep_set_novalidate_class). */
  novalidate: boolean;
  /** BFS generation that last dequeued this class (lock_accessed()). */
  bfsGen: number;
}

/**
 * struct lock_list: one dependency `from -> to`. The kernel keeps two copies
 * (locks_after of `from`, locks_before of `to`); one object with both bit
 * sets (`dep` as seen forwards, `depb` as seen backwards) is the same thing.
 */
export interface LockList {
  from: LockClass;
  to: LockClass;
  dep: number;
  depb: number;
  /** Stack of the acquisition of `to` that recorded the edge. */
  trace: Stack;
}

/** struct held_lock. */
export interface HeldLock {
  cls: LockClass;
  instance: LockdepMap;
  /** The caller's stack at acquire (lockStack() adds the lock function's frame); `at:` prints its first frame. */
  stack: Stack;
  irqContext: number;
  trylock: boolean;
  read: ReadMode;
  check: boolean;
  hardirqsOff: boolean;
  references: number;
  nestLock: LockdepMap | undefined;
  prevChainKey: number;
  api: string;
}

/** The `irqtrace` events of a task, for the "irq event stamp" block. */
export interface IrqTrace {
  irqEvents: number;
  hardirqEnableEvent: number;
  hardirqEnableIp: Stack[number] | undefined;
  hardirqDisableEvent: number;
  hardirqDisableIp: Stack[number] | undefined;
  softirqEnableEvent: number;
  softirqEnableIp: Stack[number] | undefined;
  softirqDisableEvent: number;
  softirqDisableIp: Stack[number] | undefined;
}

/** The lockdep fields of one task_struct. */
export interface TaskState {
  task: TaskRef;
  /** held_locks[]: a pool reused across acquisitions; only [0, depth) is live. */
  held: HeldLock[];
  depth: number;
  currChainKey: number;
  softirqContext: number;
  softirqsEnabled: boolean;
  /** lockdep_off() nesting. */
  lockdepOff: number;
  trace: IrqTrace;
  /** Last context seen for this task, for printing. */
  lastCtx: EventContext | undefined;
}

/** Per-CPU lockdep state. */
export interface CpuState {
  hardirqContext: number;
  hardirqsEnabled: boolean;
}

/** Per-instance view of a struct lockdep_map: key/name after set_class, class_cache[]. */
export interface MapInfo {
  key: string;
  name: string;
  /** lockdep_set_subclass(): plain acquisitions land in this subclass. */
  baseSubclass: number;
  novalidate: boolean;
  cache: (LockClass | undefined)[];
}

export const INITIAL_CHAIN_KEY = 0;
