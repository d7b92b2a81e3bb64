/**
 * The simulated machine's state: CPUs, tasks, execution contexts, and how an
 * event's EventContext (CPU, task, irq state, call stack) is derived from them.
 *
 * Where the kernel keeps a counter per CPU (hardirq nesting, the IRQ flag) we
 * keep it on the Cpu; what the kernel switches with the task (preempt_count's
 * softirq and preempt fields, lockdep's softirqs_enabled) lives on the Task,
 * and an interrupt handler runs on the interrupted task's counters, as it does
 * in the kernel.
 */
import type { EventContext, Frame, KernelEvent, SourcePos, TaskRef } from '../events/types.ts';
import type { MemObj, Value } from '../interpreter/memory.ts';

/** What a simulated generator yields when its task has to wait. */
export interface Sleep {
  sleep: true;
}
export const SLEEP: Sleep = { sleep: true };

/**
 * A call of a simulated function, handed to the driver instead of nesting it:
 * the driver keeps the callee's generator on its own stack, so recursion in
 * the program does not consume the host's (JS) stack.
 */
export interface Call {
  call: Gen<unknown>;
}

/** Resumable evaluation: yields to sleep (or a Call for the driver); returns the C value. */
export type Gen<T = Value> = Generator<Sleep | Call, T, unknown>;

function isCall(y: Sleep | Call): y is Call {
  return (y as Call).call !== undefined;
}

/**
 * Run `root` with its Calls on an explicit stack: yields only Sleeps outward,
 * sends each callee's return value (or exception) back to its caller.
 */
export function* flat<T>(root: Gen<T>): Generator<Sleep | Call, T, unknown> {
  const stack: Gen<unknown>[] = [root];
  let input: unknown = undefined;
  let failed = false;
  let err: unknown = undefined;
  for (;;) {
    const top = stack[stack.length - 1]!;
    let r: IteratorResult<Sleep | Call, unknown>;
    try {
      r = failed ? top.throw(err) : top.next(input);
    } catch (e) {
      stack.pop();
      if (stack.length === 0) throw e;
      failed = true;
      err = e;
      continue;
    }
    failed = false;
    err = undefined;
    if (r.done) {
      stack.pop();
      if (stack.length === 0) return r.value as T;
      input = r.value;
      continue;
    }
    const y = r.value;
    if (isCall(y)) {
      stack.push(y.call);
      input = undefined;
      continue;
    }
    input = yield y;
  }
}

/** Drive `g` to completion without sleeping; `onSleep` decides what a sleep attempt means. */
export function runFlat<T>(g: Gen<T>, onSleep: () => void): T {
  const f = flat(g);
  for (let r = f.next(); ; r = f.next()) {
    if (r.done) return r.value;
    onSleep();
  }
}

/** A live frame of a simulated function; `pos` moves as execution proceeds. */
export interface FrameRec {
  fn: string;
  pos: SourcePos;
  /** First line of the function's source extent and the extent's size in bytes-ish, for +0xOFF/0xSIZE. */
  startLine: number;
  size: number;
  synthetic?: boolean;
  offset?: number;
  /** Bytes of kernel stack this frame takes (return address, spilled arguments, locals). */
  bytes?: number;
  /** Local declarations already charged to `bytes` (a loop body's locals count once). */
  locals?: Set<object>;
}

export type ExecKind = 'task' | 'hardirq' | 'softirq' | 'nmi';

/** One thread of evaluation: a task's own context, or an interrupt handler run on top of one. */
export interface Exec {
  kind: ExecKind;
  cpu: Cpu;
  /** `current`: the task whose context this is, or the task an interrupt interrupted. */
  task: Task;
  frames: FrameRec[];
  /** Frames below the handler: synthetic entry frames, then the interrupted stack. */
  below: Frame[];
  /** Bytes of this context's stack in use by simulated frames (THREAD_SIZE budget). */
  stackUsed?: number;
  /** The frames that entered a context with the self-test helpers (hardirq_enter()...) and have not exited it yet. */
  selftest?: { hardirq: FrameRec[]; softirq: FrameRec[]; nmi: FrameRec[] };
}

export type TaskKind = 'main' | 'kthread' | 'kworker' | 'idle';
export type TaskState = 'runnable' | 'sleeping' | 'blocked' | 'dead';

export interface Task {
  pid: number;
  comm: string;
  kind: TaskKind;
  /** The CPU the task runs on (tasks do not migrate in the sequential scheduler). */
  cpu: number;
  state: TaskState;
  /** Position in creation order, the scheduler's tie-break. */
  seq: number;
  /** Created but not yet woken (kthread_create_on_cpu before wake_up_process). */
  created?: boolean;
  /** preempt_count() PREEMPT field. */
  preempt: number;
  /** softirq_count() >> SOFTIRQ_SHIFT: +1 while serving softirqs, +2 per local_bh_disable. */
  softirq: number;
  /** lockdep_off() nesting. */
  lockdepOff: number;
  /** current->irqtrace: transition counter and the last event of each kind. */
  irqtrace?: { events: number; last: Partial<Record<'hardirqs_on' | 'hardirqs_off' | 'softirqs_on' | 'softirqs_off', { n: number; ip: Frame }>> };
  /** Where preemption was last disabled from 0 (DEBUG_PREEMPT's "Preemption disabled at:"). */
  preemptOffAt?: Frame;
  /** Virtual time (ms) to wake at, for msleep/schedule_timeout. */
  wakeAt?: number;
  /** Waiting for this lock instance / work / completion to change. */
  waitingOn?: unknown;
  exec: Exec;
  gen?: Gen;
  /** The task_struct the program sees through `current`. */
  obj?: MemObj;
  /** Synthetic frames at the bottom of this task's stack (`kthread`, `ret_from_fork`). */
  bottom: Frame[];
  /** Work items a kworker runs, in queue order. */
  workQueue?: Array<{ fn: Value; arg: Value; work: MemObj; off: number }>;
}

export interface PendingIrq {
  irq: number;
}

export interface Cpu {
  id: number;
  irqsOn: boolean;
  /** preempt_count() HARDIRQ field on this CPU. */
  hardirq: number;
  nmi: boolean;
  /** The hard IRQ being served would be threaded on PREEMPT_RT (lockdep_hardirq_threaded()). */
  threaded: boolean;
  /** The task running (or last run) here; idle when none. */
  curr: Task;
  idle: Task;
  pendingIrqs: PendingIrq[];
  /** Softirq work raised on this CPU (timers, tasklets), in raise order. */
  pendingSoftirq: Array<{ kind: 'timer' | 'tasklet' | 'rcu'; fn: Value; arg: Value; name: string; around?: AroundCall }>;
}

/** What the kernel does around a callback (call_timer_fn() holds the timer's lockdep map). */
export interface AroundCall {
  enter(): void;
  exit(): void;
}

export function taskRef(t: Task): TaskRef {
  return { pid: t.pid, comm: t.comm };
}

/** `+0xOFF/0xSIZE` for a frame at `pos` in a function whose extent starts at startLine. */
export function frameOf(f: FrameRec): Frame {
  if (f.synthetic) return { fn: f.fn, offset: f.offset ?? 0, size: f.size, synthetic: true };
  const rel = Math.max(0, f.pos.line - f.startLine);
  const offset = Math.min(f.size - 1, 4 + rel * 0x10 + (f.pos.col % 16));
  return { fn: f.fn, pos: { ...f.pos }, offset, size: f.size };
}

/** Innermost first, as a backtrace prints. */
export function stackOf(x: Exec, top?: Frame[]): Frame[] {
  const out: Frame[] = top ? [...top] : [];
  for (let i = x.frames.length - 1; i >= 0; i--) out.push(frameOf(x.frames[i]!));
  for (const f of x.below) out.push(f);
  return out;
}

export function eventContext(x: Exec, top?: Frame[]): EventContext {
  const t = x.task;
  return {
    cpu: x.cpu.id,
    task: taskRef(t),
    stack: stackOf(x, top),
    hardirqCount: x.cpu.hardirq,
    softirqCount: t.softirq,
    preemptCount: t.preempt,
    nmi: x.cpu.nmi,
    hardirqsEnabled: x.cpu.irqsOn,
    softirqsEnabled: t.softirq === 0,
    ...(x.cpu.hardirq > 0 ? { hardirqThreaded: x.cpu.threaded } : {}),
  };
}

/** Kernel-internal frames by name, with fixed plausible offsets (the kernel's are not ours to know). */
const SYNTH: Record<string, [number, number]> = {
  _raw_spin_lock: [0x33, 0x80],
  _raw_spin_lock_irq: [0x3c, 0x90],
  _raw_spin_lock_irqsave: [0x4d, 0xa0],
  _raw_spin_lock_bh: [0x37, 0x80],
  _raw_spin_lock_nested: [0x35, 0x80],
  _raw_spin_lock_irqsave_nested: [0x50, 0xa0],
  _raw_spin_lock_nest_lock: [0x3a, 0x80],
  _raw_spin_trylock: [0x4a, 0x90],
  _raw_spin_trylock_bh: [0x52, 0x90],
  _raw_read_lock: [0x3e, 0x90],
  _raw_read_lock_irq: [0x41, 0x90],
  _raw_read_lock_irqsave: [0x4f, 0xa0],
  _raw_read_lock_bh: [0x3f, 0x90],
  _raw_write_lock: [0x33, 0x80],
  _raw_write_lock_irq: [0x3c, 0x90],
  _raw_write_lock_irqsave: [0x4d, 0xa0],
  _raw_write_lock_bh: [0x37, 0x80],
  _raw_read_trylock: [0x4a, 0x90],
  _raw_write_trylock: [0x4a, 0x90],
  mutex_lock_nested: [0x1b, 0x30],
  mutex_lock_interruptible_nested: [0x1b, 0x30],
  mutex_lock_killable_nested: [0x1b, 0x30],
  mutex_trylock: [0x4b, 0x90],
  down_read: [0x41, 0x160],
  down_write: [0x3c, 0xd0],
  down_read_nested: [0x43, 0x160],
  down_write_nested: [0x3e, 0xd0],
  down_read_trylock: [0x2e, 0x60],
  down_write_trylock: [0x2e, 0x60],
  down_read_interruptible: [0x45, 0x170],
  down_read_killable: [0x45, 0x170],
  down_write_killable: [0x3e, 0xd0],
  rt_mutex_lock_nested: [0x2a, 0x40],
  rt_mutex_trylock: [0x34, 0x80],
  rcu_lock_acquire: [0x5, 0x30],
  __handle_irq_event_percpu: [0x90, 0x330],
  handle_irq_event: [0x34, 0x70],
  handle_edge_irq: [0x9f, 0x240],
  __common_interrupt: [0x6e, 0x150],
  common_interrupt: [0x5c, 0xd0],
  asm_common_interrupt: [0x22, 0x40],
  __flush_smp_call_function_queue: [0x1c6, 0x6a0],
  __sysvec_call_function_single: [0x48, 0x1a0],
  sysvec_call_function_single: [0x8d, 0xb0],
  asm_sysvec_call_function_single: [0x16, 0x20],
  call_timer_fn: [0xa0, 0x2a0],
  __run_timers: [0x228, 0x310],
  run_timer_softirq: [0x2a, 0x50],
  tasklet_action_common: [0xfd, 0x2e0],
  tasklet_action: [0x25, 0x30],
  handle_softirqs: [0xe1, 0x3a0],
  __irq_exit_rcu: [0xf9, 0x170],
  irq_exit_rcu: [0x9, 0x30],
  do_softirq: [0x5b, 0x80],
  __local_bh_enable_ip: [0x118, 0x130],
  process_one_work: [0x257, 0x5c0],
  worker_thread: [0x50, 0x3d0],
  kthread: [0x10c, 0x140],
  ret_from_fork: [0x1f, 0x30],
  do_syscall_64: [0x3b, 0x90],
  entry_SYSCALL_64_after_hwframe: [0x63, 0xcd],
  cpu_startup_entry: [0x19, 0x20],
  do_idle: [0x1e2, 0x280],
  rcu_core: [0x2c6, 0x9a0],
  irq_thread_fn: [0x20, 0x60],
  dump_stack_lvl: [0x5b, 0x77],
  default_do_nmi: [0x4c, 0x130],
  exc_nmi: [0xd9, 0x120],
  asm_exc_nmi: [0xaf, 0xd0],
  irqentry_enter: [0x54, 0x60],
  irqentry_exit: [0x2e, 0x60],
  generic_exec_single: [0x91, 0x110],
  lockdep_rcu_suspicious: [0x1a4, 0x200],
  __might_resched: [0x156, 0x1a0],
  kmalloc_trace: [0x2a, 0xa0],
  irq_thread: [0x1a2, 0x2a0],
  __schedule: [0x3c4, 0xbc0],
  copy_process: [0x1f5e, 0x7530],
  finish_task_switch: [0x94, 0x300],
  syscall_exit_to_user_mode: [0x1b, 0x40],
  schedule: [0x5d, 0x100],
  schedule_preempt_disabled: [0x15, 0x30],
  __mutex_lock: [0x4a1, 0xa30],
  sysvec_apic_timer_interrupt: [0x8d, 0xb0],
  asm_sysvec_apic_timer_interrupt: [0x16, 0x20],
  rcu_do_batch: [0x1b4, 0x5a0],
  rcu_note_context_switch: [0x41d, 0x5c0],
  schedule_timeout: [0x12b, 0x190],
  __timer_delete_sync: [0x5a, 0x150],
};

/** A kernel function we model (as opposed to a macro that expands inside the caller). */
export function isKernelFn(fn: string): boolean {
  return fn in SYNTH || fn.startsWith('_raw_') || fn.startsWith('irqentry_') || fn.startsWith('asm_');
}

export function synth(fn: string): Frame {
  const [offset, size] = SYNTH[fn] ?? [0x10, 0x40];
  return { fn, offset, size, synthetic: true };
}

export function synthFrames(...fns: string[]): Frame[] {
  return fns.map(synth);
}

export type Emit = (e: KernelEvent) => void;
