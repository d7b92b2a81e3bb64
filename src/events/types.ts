/**
 * The contract between the simulated kernel (producer) and its observers
 * (the lockdep model, the race check, the grader, the site).
 *
 * Data only: nothing here knows the interpreter or the browser. The kernel
 * emits events in program order; observers keep their own state and write
 * reports into a KernelLog. The lockdep model must be testable by feeding it
 * hand-made events, so every event carries all an observer needs to print a
 * kernel-style report (task, CPU, irq state, simulated call stack).
 */

// ---------------------------------------------------------------------------
// Positions and stacks

/** A position in learner source; line and col are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One frame of a simulated call stack. */
export interface Frame {
  /** Function name as printed in a backtrace (`klist_next`). */
  fn: string;
  /** Where execution is inside `fn` (the call site for outer frames). Absent for synthetic frames. */
  pos?: SourcePos;
  /**
   * Stable synthetic `+0xOFF/0xSIZE` for `%pS`-style printing: a given program
   * always prints the same numbers. Producers compute them from the function's
   * source extent (see formatSymbol in ./format.ts).
   */
  offset: number;
  size: number;
  /** Kernel-internal frame added for fidelity (`_raw_spin_lock`, `asm_common_interrupt`): no source link. */
  synthetic?: boolean;
}

/** Innermost frame first, as a kernel backtrace prints it. */
export type Stack = readonly Frame[];

// ---------------------------------------------------------------------------
// Tasks, CPUs, contexts

export interface TaskRef {
  pid: number;
  /** `rngd`, `swapper/5`, `kworker/0:1`. */
  comm: string;
}

/**
 * What the CPU and task looked like when an event happened, as the kernel
 * would see it. In interrupt context `task` is the interrupted task (`current`).
 */
export interface EventContext {
  cpu: number;
  task: TaskRef;
  stack: Stack;
  /** preempt_count() HARDIRQ field: nesting of hard interrupts being served. */
  hardirqCount: number;
  /**
   * softirq_count() >> SOFTIRQ_SHIFT as the kernel prints it in `SC0[n]`:
   * +1 while serving a softirq, +2 per local_bh_disable() level.
   */
  softirqCount: number;
  /** preempt_count() PREEMPT field (preempt_disable depth, spinlocks held). */
  preemptCount: number;
  /** Inside an NMI handler. */
  nmi: boolean;
  /** Hard interrupts enabled on this CPU (what irqs_disabled() negates). */
  hardirqsEnabled: boolean;
  /** Softirqs enabled for this task (BH not disabled). */
  softirqsEnabled: boolean;
  /** Current hard IRQ handler would be threaded on PREEMPT_RT (wait-context check). */
  hardirqThreaded?: boolean;
}

// ---------------------------------------------------------------------------
// Locks as lockdep sees them

/** The C type a lockdep map is embedded in; decides wait type and reader rules. */
export type LockType =
  | 'raw_spinlock_t'
  | 'spinlock_t'
  | 'rwlock_t'
  | 'mutex'
  | 'rw_semaphore'
  | 'rt_mutex'
  | 'local_lock_t'
  | 'rcu' // rcu_read_lock / _bh / _sched maps
  | 'lockdep_map'; // a bare struct lockdep_map (lock_map_acquire, workqueue, fs_reclaim, ...)

/** enum lockdep_wait_type by name; numbers depend on CONFIG_PROVE_RAW_LOCK_NESTING and are the model's business. */
export type WaitType = 'INV' | 'FREE' | 'SPIN' | 'CONFIG' | 'SLEEP';

/**
 * One lock instance's `struct lockdep_map`. The simulator keeps a single
 * object per instance for the instance's lifetime, so observers may key maps
 * by `id`. `key`/`name` are what the instance was initialised with; later
 * re-keying arrives as a `set_class` event.
 */
export interface LockdepMap {
  /** Unique per instance for the whole run. */
  id: number;
  /** Simulated address of the instance (printed by %px as 16 hex digits). */
  addr: bigint;
  /**
   * Class key identity, as the kernel keys classes:
   * - `static:<symbol>` for DEFINE_SPINLOCK(x) and friends (own address = own class),
   * - `percpu:<symbol>` for a static lock inside a per-CPU variable (all CPUs share it),
   * - `site:<file>:<line>:<col>` for a runtime init call site (spin_lock_init(&k->k_lock)),
   * - `key:<symbol>` for an explicit struct lock_class_key,
   * - `map:<name>` for global lockdep-only maps (rcu_read_lock, ...),
   * - `none` for a lock never initialised and not static (lockdep refuses it).
   */
  key: string;
  /** Class name as printed: `&k->k_lock`, `&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)`, `rcu_read_lock`. */
  name: string;
  lockType: LockType;
  waitInner: WaitType;
  /** `INV` means "same as inner" when printing, as in the kernel. */
  waitOuter: WaitType;
  /** Where the instance was initialised (or defined), for links from reports. */
  initPos?: SourcePos;
}

/** 0 = exclusive/write, 1 = non-recursive shared read, 2 = recursive read. */
export type ReadMode = 0 | 1 | 2;

// ---------------------------------------------------------------------------
// Events

interface EventBase {
  ctx: EventContext;
}

/** A lock (re)initialised: spin_lock_init, mutex_init, ... (also the held-lock-freed check). */
export interface LockInitEvent extends EventBase {
  kind: 'lock_init';
  lock: LockdepMap;
}

/** lockdep_set_class(_and_name), lockdep_set_subclass, lockdep_set_novalidate_class. */
export interface SetClassEvent extends EventBase {
  kind: 'set_class';
  lock: LockdepMap;
  key: string;
  name: string;
  subclass: number;
  /** lockdep_set_novalidate_class: tracked but never checked. */
  novalidate?: boolean;
}

export interface AcquireEvent extends EventBase {
  kind: 'acquire';
  lock: LockdepMap;
  subclass: number;
  read: ReadMode;
  trylock: boolean;
  /** false for maps lockdep only books (rcu_read_lock): check=0. */
  check: boolean;
  nestLock?: LockdepMap;
  /** The API the learner called (`spin_lock_irqsave`, `mutex_lock_nested`, `spin_acquire`, ...). */
  api: string;
}

export interface ReleaseEvent extends EventBase {
  kind: 'release';
  lock: LockdepMap;
  api: string;
}

/** downgrade_write(): the held record becomes a reader. */
export interface DowngradeEvent extends EventBase {
  kind: 'downgrade';
  lock: LockdepMap;
}

/**
 * Real transitions of the IRQ/BH enable state (redundant ones are not sent),
 * after the change: ctx shows the new state. `api` names the caller for the
 * "irq event stamp" block (`local_irq_enable`, `_raw_spin_unlock_irqrestore`).
 */
export interface IrqStateEvent extends EventBase {
  kind: 'hardirqs_on' | 'hardirqs_off' | 'softirqs_on' | 'softirqs_off';
  api: string;
  /**
   * The IP the kernel recorded for this transition (its irqtrace caller), so
   * that every counted event prints with a caller. Optional: without it,
   * consumers derive one from `api` and the stack.
   */
  ip?: Frame;
}

/** Entering/leaving interrupt context (ctx is the state inside the context on enter, outside on exit). */
export interface ContextEvent extends EventBase {
  kind: 'hardirq_enter' | 'hardirq_exit' | 'softirq_enter' | 'softirq_exit' | 'nmi_enter' | 'nmi_exit';
}

/** Memory [lo, hi) freed (kfree) — lockdep checks no held lock lives there. */
export interface FreeEvent extends EventBase {
  kind: 'free';
  lo: bigint;
  hi: bigint;
}

/**
 * A task leaves the kernel: `return_to_user` at the end of a syscall-like
 * entry function, `task_exit` when a kthread's function returns.
 */
export interface TaskEndEvent extends EventBase {
  kind: 'return_to_user' | 'task_exit';
}

/** lockdep_off() / lockdep_on() for the current task. */
export interface LockdepToggleEvent extends EventBase {
  kind: 'lockdep_off' | 'lockdep_on';
}

export type LockEvent =
  | LockInitEvent
  | SetClassEvent
  | AcquireEvent
  | ReleaseEvent
  | DowngradeEvent
  | IrqStateEvent
  | ContextEvent
  | FreeEvent
  | TaskEndEvent
  | LockdepToggleEvent;

// --- Memory and list events (for the race check; lockdep ignores them) ---

/** A tracked memory location: one field of one object (or one array slot). */
export interface Location {
  /** Object identity (stable for the run). */
  objId: number;
  /** Field path inside the object: `ap_list.next`, `refcount`, `lr[3]`. */
  field: string;
  /** How to print it: `irq->ap_list.next`, or the object's type and field. */
  label: string;
  /** Simulated address of the field. */
  addr: bigint;
  size: number;
}

export interface AccessEvent extends EventBase {
  kind: 'access';
  loc: Location;
  write: boolean;
  /** READ_ONCE/WRITE_ONCE/atomic_*: marked accesses (KCSAN does not report two marked accesses). */
  marked: boolean;
}

export type ListOp =
  | 'list_add'
  | 'list_add_tail'
  | 'list_del'
  | 'list_del_init'
  | 'list_move'
  | 'list_move_tail'
  | 'list_replace'
  | 'list_add_rcu'
  | 'list_add_tail_rcu'
  | 'list_del_rcu'
  | 'list_replace_rcu'
  | 'list_iter' // one step of a list_for_each_entry* walk (or list_first_entry, list_empty ...)
  | 'list_iter_rcu';

/** A list primitive applied to the list whose head object is `head`. */
export interface ListEvent extends EventBase {
  kind: 'list';
  op: ListOp;
  /** Identity and label of the list head (`&vgic_cpu->ap_list_head`). */
  head: { objId: number; label: string; addr: bigint };
  /** The entry added/removed/visited, if any. */
  entry?: { objId: number; label: string; addr: bigint };
}

/** Heap lifecycle: kzalloc/kfree/kfree_rcu (race check: use after free by another context). */
export interface HeapEvent extends EventBase {
  kind: 'alloc' | 'kfree' | 'kfree_rcu';
  objId: number;
  label: string;
  lo: bigint;
  hi: bigint;
}

export type MemoryEvent = AccessEvent | ListEvent | HeapEvent;

export type KernelEvent = LockEvent | MemoryEvent;

// ---------------------------------------------------------------------------
// Reports and the kernel log

/**
 * What kind of report a run produced. The first group is the fixed vocabulary
 * shared with the splat decoder (`lockdep-lab explain --json`); the second
 * names the simulated kernel's other checks.
 */
export type ReportKind =
  | 'circular'
  | 'inconsistent'
  | 'irq-safe-unsafe'
  | 'irq-inversion'
  | 'invalid-wait-context'
  | 'recursive'
  | 'bad-unlock-balance'
  | 'held-lock-freed'
  | 'suspicious-rcu'
  | 'sleeping-in-atomic'
  | 'lock-held-returning-to-user'
  | 'locks-held-at-exit'
  | 'nested-lock-not-taken'
  | 'kcsan-data-race'
  | 'unknown'
  // simulated kernel's own
  | 'lockdep-internal' // BUG: MAX_LOCK_DEPTH too low!, invalid subclass, non-static key, DEBUG_LOCKS_WARN_ON
  | 'warning' // WARN_ON / WARN / lockdep_assert_* failures
  | 'bug' // BUG_ON
  | 'list-corruption' // CONFIG_DEBUG_LIST
  | 'use-after-free'
  | 'double-free'
  | 'refcount';

export const LOCKDEP_REPORT_KINDS: readonly ReportKind[] = [
  'circular',
  'inconsistent',
  'irq-safe-unsafe',
  'irq-inversion',
  'invalid-wait-context',
  'recursive',
  'bad-unlock-balance',
  'held-lock-freed',
  'lock-held-returning-to-user',
  'locks-held-at-exit',
  'nested-lock-not-taken',
  'lockdep-internal',
];

/** A lock named by a report, with where the report says it was taken. */
export interface ReportLock {
  /** Printed class name incl. `#N` / `/S` suffixes: `&rq->__lock/1`. */
  name: string;
  /** Class key as in LockdepMap.key plus `/subclass`. */
  classKey: string;
  /** `{?.+.}` without braces, when the report prints it. */
  usage?: string;
  /** `2:2` without braces. */
  waitType?: string;
  /** What the report says about this lock. */
  role: 'acquiring' | 'holding' | 'chain' | 'safe' | 'unsafe' | 'held' | 'freed' | 'released' | 'other';
}

/** A source position a report points at, for editor markers and links. */
export interface ReportSite {
  pos: SourcePos;
  /** One line for an editor marker's hover: "acquires &k->k_lock in hardirq context (IN-HARDIRQ-W)". */
  message: string;
}

export interface Report {
  kind: ReportKind;
  /** Who printed it: the lockdep model, the race check, or the kernel proper. */
  source: 'lockdep' | 'races' | 'kernel';
  /** The header line (`WARNING: inconsistent lock state`). */
  header: string;
  /** Every line exactly as dmesg would show it (no timestamps), blank lines included. */
  lines: string[];
  locks: ReportLock[];
  /** For circular reports: class names from the acquired lock back round the cycle. */
  chain?: string[];
  sites: ReportSite[];
  task: TaskRef;
  cpu: number;
}

/** One entry of the kernel log: printk text or a report (whose lines are its text). */
export type LogEntry =
  | { type: 'printk'; level: number; text: string; task: TaskRef; cpu: number; pos?: SourcePos }
  | { type: 'report'; report: Report };

/** Where everyone writes. Reports are appended in the order they are raised. */
export interface KernelLog {
  printk(entry: Extract<LogEntry, { type: 'printk' }>): void;
  report(report: Report): void;
}

// ---------------------------------------------------------------------------
// Observers

/** Kernel configuration options that change lockdep's behaviour or output. */
export interface LockdepConfig {
  /** CONFIG_PROVE_RAW_LOCK_NESTING: spinlock_t is {3:3} and may not nest in raw_spinlock_t. Default true. */
  proveRawLockNesting: boolean;
  /** CONFIG_PREEMPT_RT. Default false. */
  preemptRt: boolean;
  /** CONFIG_LOCKDEP_FORCE_READ_LOCK_RECURSIVE (the self-test's force_read_lock_recursive). Default false. */
  forceReadLockRecursive: boolean;
  /** Teaching knob, off by default: keep reporting after the first report instead of turning lockdep off. */
  keepGoing: boolean;
}

/** The environment an observer prints with: kernel identity line and dump_stack(). */
export interface KernelEnv {
  /** `6.18.0-lab #1 Not tainted` (taint changes after a WARN). */
  ident(): string;
  /** dump_stack() lines for a context: `CPU: 0 PID: 1006 Comm: rngd ...`, `Hardware name:`, `Call Trace:`, `<TASK>`, frames, `</TASK>`. */
  dumpStack(ctx: EventContext): string[];
}

/** What the simulated kernel may ask the lockdep model (lock_is_held_type and friends). */
export interface LockdepQueries {
  /** 1 held, 0 not held, -1 unknown (lockdep off) — as lock_is_held_type(). `read`: -1 any, 0 write, 1 read. */
  lockIsHeld(task: TaskRef, lock: LockdepMap, read: -1 | 0 | 1): -1 | 0 | 1;
  /** lockdep_print_held_locks() lines for a task, or `INFO: lockdep is turned off.` */
  heldLocksLines(task: TaskRef): string[];
  /** debug_locks: false once lockdep has turned itself off. */
  debugLocks(): boolean;
}

export interface EventObserver {
  event(e: KernelEvent): void;
}

/** A harness assertion: `lab_check(cond, "message")` in simulated code. */
export interface LabCheckResult {
  message: string;
  passed: boolean;
  pos: SourcePos;
}
