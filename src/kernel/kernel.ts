/**
 * The simulated kernel core: CPUs and tasks, the IRQ/BH/preempt state machine
 * with lockdep's irq-state events, hardware-like interrupt delivery, softirq
 * processing, and the kernel's own reports (WARN, BUG, oops).
 *
 * Interrupts run synchronously, nested in whatever generator raised or
 * unmasked them, with `k.cur` switched to the interrupt's Exec; they never
 * sleep (a sleep there is reported, not performed).
 */
import type {
  EventObserver,
  Frame,
  KernelEnv,
  KernelEvent,
  KernelLog,
  LabCheckResult,
  LockdepConfig,
  LockdepQueries,
  Report,
  ReportKind,
  SourcePos,
} from '../events/types.ts';
import type { Memory, MemObj, Value } from '../interpreter/memory.ts';
import { createEnv, cpuLine, ripLine, type Taint } from './env.ts';
import {
  eventContext,
  frameOf,
  isKernelFn,
  stackOf,
  synth,
  synthFrames,
  taskRef,
  type AroundCall,
  type Cpu,
  type Exec,
  type Gen,
  type Task,
  type TaskKind,
} from './state.ts';
import { callTraceLines as k_env_trace, formatIp, formatSymbol } from '../events/format.ts';

/** What the kernel needs from the interpreter. */
export interface Host {
  /** Run a simulated function (a handler, a thread function) in the current Exec. */
  call(fn: Value, args: Value[]): Gen<Value>;
  /** Printable name of a function value. */
  fnName(fn: Value): string;
}

/** Ends the whole run (budget, panic, deadlock): carried by an exception through the generators. */
export class StopRun {
  kind: 'steps' | 'memory' | 'time' | 'panic' | 'deadlock' | 'internal';
  message: string;
  fn?: string;
  pos?: SourcePos;
  constructor(kind: StopRun['kind'], message: string, fn?: string, pos?: SourcePos) {
    this.kind = kind;
    this.message = message;
    this.fn = fn;
    this.pos = pos;
  }
}

/** Ends the current task (an oops in task context, as the kernel kills the task). */
export class KillTask {
  reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

const IRQF_PERCPU = 0x400n;
const IRQF_NO_THREAD = 0x10000n;
const IRQF_ONESHOT = 0x2000n;

export interface IrqDesc {
  irq: number;
  handler: Value;
  dev: Value;
  name: string;
  flags: bigint;
  /** disable_irq() depth: the line is masked while > 0 (raised interrupts stay pending). */
  disabled: number;
  /** request_threaded_irq(): the thread function and its irq/N-name task. */
  threadFn?: Value;
  thread?: Task;
  threadPending?: number;
}

export interface Timer {
  obj: MemObj;
  off: number;
  expires: number;
  cpu: number;
  fn: Value;
  pending: boolean;
  /** The timer's lockdep map, held by call_timer_fn() around the callback. */
  around?: AroundCall;
}

export interface KernelOptions {
  cpus: number;
  observers: EventObserver[];
  log: KernelLog;
  mem: Memory;
  host: Host;
}

export interface Kernel {
  cpus: Cpu[];
  tasks: Task[];
  cur: Exec;
  mem: Memory;
  host: Host;
  observers: EventObserver[];
  log: KernelLog;
  env: KernelEnv;
  taint: Taint;
  queries?: LockdepQueries;
  /** Virtual time in jiffies (HZ = 1000, so also milliseconds). */
  jiffies: number;
  timers: Timer[];
  irqs: Map<number, IrqDesc>;
  nextPid: number;
  events: number;
  checks: LabCheckResult[];
  /** WARN_ON_ONCE and friends: call sites already warned. */
  once: Set<string>;
  /** Jiffy of the last "sleeping function" BUG (rate limit, as __might_resched). */
  lastSleepBug: number;
  /** Next kworker number per CPU. */
  kworkers: Map<number, Task>;
  oopsCount: number;
  config?: LockdepConfig;
  /** The last printk line when it did not end in a newline (pr_cont continues it). */
  openLine?: { text: string };
  /** Round-robin CPU for the next kthread_run() (CPU 0 runs the entry task). */
  nextKthreadCpu: number;
}

/** pid of the entry task (rngd/1006 in the klist thread); idle tasks swapper/N are pid 0. */
export const ENTRY_PID = 1006;

export function createKernel(o: KernelOptions): Kernel {
  const taint: Taint = { flags: new Set() };
  const cpus: Cpu[] = [];
  for (let i = 0; i < o.cpus; i++) {
    const idle: Task = {
      pid: 0,
      comm: `swapper/${i}`,
      kind: 'idle',
      cpu: i,
      state: 'runnable',
      seq: -1,
      preempt: 0,
      softirq: 0,
      lockdepOff: 0,
      exec: undefined as unknown as Exec,
      bottom: synthFrames('do_idle', 'cpu_startup_entry'),
    };
    const cpu: Cpu = { id: i, irqsOn: true, hardirq: 0, nmi: false, threaded: false, curr: idle, idle, pendingIrqs: [], pendingSoftirq: [] };
    idle.exec = { kind: 'task', cpu, task: idle, frames: [], below: idle.bottom };
    cpus.push(cpu);
  }
  return {
    cpus,
    tasks: [],
    cur: cpus[0]!.idle.exec,
    mem: o.mem,
    host: o.host,
    observers: o.observers,
    log: o.log,
    env: createEnv(taint),
    taint,
    jiffies: 0,
    timers: [],
    irqs: new Map(),
    nextPid: ENTRY_PID + 1,
    events: 0,
    checks: [],
    once: new Set(),
    lastSleepBug: -1e9,
    kworkers: new Map(),
    oopsCount: 0,
    nextKthreadCpu: 0,
  };
}

// ---------------------------------------------------------------------------
// Events

export function emit(k: Kernel, e: KernelEvent): void {
  k.events++;
  for (const o of k.observers) o.event(e);
}

export function ctxNow(k: Kernel, top?: Frame[]) {
  return eventContext(k.cur, top);
}

/** Only build stacks when someone listens: keeps runs without observers fast. */
export function listening(k: Kernel): boolean {
  return k.observers.length > 0;
}

// ---------------------------------------------------------------------------
// Tasks

export function createTask(k: Kernel, comm: string, kind: TaskKind, cpu: number, bottom: Frame[]): Task {
  // The entry task is pid 1006 (as in the klist thread's rngd/1006); tasks it
  // starts get the next pids, as a child's pid is above its parent's in Linux.
  const pid = kind === 'main' ? ENTRY_PID : k.nextPid++;
  const c = k.cpus[cpu % k.cpus.length]!;
  const t: Task = {
    pid,
    comm: comm.slice(0, 15),
    kind,
    cpu: c.id,
    state: 'runnable',
    seq: k.tasks.length,
    preempt: 0,
    softirq: 0,
    lockdepOff: 0,
    exec: undefined as unknown as Exec,
    bottom,
    // copy_process() starts a task's irqtrace with softirqs enabled there, at event 0.
    irqtrace: { events: 0, last: { softirqs_on: { n: 0, ip: synth('copy_process') }, hardirqs_off: { n: 0, ip: synth('copy_process') } } },
  };
  t.exec = { kind: 'task', cpu: c, task: t, frames: [], below: bottom };
  k.tasks.push(t);
  return t;
}

export function kthreadBottom(): Frame[] {
  return synthFrames('kthread', 'ret_from_fork');
}

// ---------------------------------------------------------------------------
// IRQ / BH / preempt state (facts §f): events only on real transitions.

/** A real IRQ/BH transition: the event, and the task's irqtrace stamp (what `irq event stamp:` prints). */
function irqEvent(k: Kernel, kind: 'hardirqs_on' | 'hardirqs_off' | 'softirqs_on' | 'softirqs_off', api: string): void {
  const t = k.cur.task;
  const tr = (t.irqtrace ??= { events: 0, last: {} });
  tr.events++;
  // The recorded IP is the kernel function that flipped the state, or the learner's function for inline macros.
  const top = k.cur.frames[k.cur.frames.length - 1];
  const ip = isKernelFn(api) || !top ? synth(api) : frameOf(top);
  tr.last[kind] = { n: tr.events, ip };
  if (listening(k)) emit(k, { kind, api, ip, ctx: ctxNow(k) });
}

/**
 * A task's first switch-in, as its irqtrace records it: IRQs were disabled
 * on the way out of its previous life (the entry task's last
 * syscall_exit_to_user_mode; a new thread's __schedule) and enabled on the
 * way in (do_syscall_64's syscall entry; finish_task_switch from
 * schedule_tail). Without this a task that never toggled IRQs itself would
 * print `hardirqs last  enabled at (0): 0x0`, which no real task does.
 */
export function taskStartIrqtrace(k: Kernel): void {
  const t = k.cur.task;
  const cpu = k.cur.cpu;
  if (t.kind === 'idle' || k.cur.kind !== 'task' || !cpu.irqsOn) return;
  irqOff(k, t.kind === 'main' ? 'syscall_exit_to_user_mode' : '__schedule');
  cpu.irqsOn = true;
  irqEvent(k, 'hardirqs_on', t.kind === 'main' ? 'do_syscall_64' : 'finish_task_switch');
}

/** irq event stamp block (print_irqtrace_events()), from the task's own counters. */
export function irqtraceLines(k: Kernel): string[] {
  const tr = k.cur.task.irqtrace ?? { events: 0, last: {} };
  const line = (label: string, kind: 'hardirqs_on' | 'hardirqs_off' | 'softirqs_on' | 'softirqs_off') => {
    const e = tr.last[kind];
    return `${label} (${e?.n ?? 0}): ${formatIp(e?.ip)}`;
  };
  return [
    `irq event stamp: ${tr.events}`,
    line('hardirqs last  enabled at', 'hardirqs_on'),
    line('hardirqs last disabled at', 'hardirqs_off'),
    line('softirqs last  enabled at', 'softirqs_on'),
    line('softirqs last disabled at', 'softirqs_off'),
  ];
}

export function irqOff(k: Kernel, api: string): void {
  const cpu = k.cur.cpu;
  if (!cpu.irqsOn) return;
  cpu.irqsOn = false;
  irqEvent(k, 'hardirqs_off', api);
}

/** Turn hard IRQs on; interrupts held pending on this CPU are delivered now. */
export function* irqOn(k: Kernel, api: string): Gen<void> {
  const cpu = k.cur.cpu;
  if (cpu.irqsOn) return;
  cpu.irqsOn = true;
  irqEvent(k, 'hardirqs_on', api);
  yield* deliverPending(k, cpu);
}

/** local_irq_save(): the flags word has X86_EFLAGS_IF (0x200) when IRQs were on. */
export function irqSave(k: Kernel, api: string): bigint {
  const flags = k.cur.cpu.irqsOn ? 0x246n : 0x46n;
  irqOff(k, api);
  return flags;
}

export function* irqRestore(k: Kernel, flags: bigint, api: string): Gen<void> {
  if (flags & 0x200n) yield* irqOn(k, api);
  else irqOff(k, api);
}

/** DEBUG_PREEMPT's preempt_disable_ip: the first caller outside the lock code, when the count leaves 0. */
function notePreemptOff(k: Kernel): void {
  const t = k.cur.task;
  if (t.preempt === 0 && t.softirq === 0 && k.cur.cpu.hardirq === 0) {
    const f = k.cur.frames[k.cur.frames.length - 1];
    t.preemptOffAt = f ? frameOf(f) : undefined;
  }
}

export function bhDisable(k: Kernel, api: string, cnt = 2): void {
  const t = k.cur.task;
  const was = t.softirq;
  notePreemptOff(k);
  t.softirq += cnt;
  if (was === 0) irqEvent(k, 'softirqs_off', api);
}

/**
 * local_bh_enable(): as __local_bh_enable_ip with TRACE_IRQFLAGS, hard IRQs
 * are off around the softirq-on transition, then pending softirqs run if we
 * are not in interrupt context.
 */
export function* bhEnable(k: Kernel, api: string, cnt = 2): Gen<void> {
  const t = k.cur.task;
  if (t.softirq < cnt) {
    yield* warnOnce(k, 'local_bh_enable-unbalanced', 'local_bh_enable() without local_bh_disable()');
    return;
  }
  // __local_bh_enable_ip(): WARN_ON_ONCE(in_hardirq()); lockdep_assert_irqs_enabled(). Enabling BHs
  // with hard IRQs off would run softirqs with IRQs disabled (the _bh-inside-_irqsave nesting bug).
  if (api !== 'softirq_exit' && (k.cur.cpu.hardirq > 0 || !k.cur.cpu.irqsOn) && (!k.queries || k.queries.debugLocks())) {
    const frames = ['__local_bh_enable_ip', ...(isKernelFn(api) && api !== '__local_bh_enable_ip' ? [api] : [])];
    yield* warnOnce(k, `bh-enable-irqs-off:${k.cur.cpu.hardirq > 0 ? 'hardirq' : 'irqsoff'}`, '', 'warning', { where: k.cur.cpu.hardirq > 0 ? 'kernel/softirq.c:361' : 'kernel/softirq.c:362', frames });
  }
  const wasOn = k.cur.cpu.irqsOn;
  if (wasOn) irqOff(k, '__local_bh_enable_ip');
  t.softirq -= cnt;
  if (t.softirq === 0) irqEvent(k, 'softirqs_on', api);
  if (wasOn) {
    const cpu = k.cur.cpu;
    if (!inInterrupt(k) && cpu.pendingSoftirq.length > 0) yield* runSoftirqs(k, cpu, 'do_softirq');
    yield* irqOn(k, '__local_bh_enable_ip');
  }
}

export function preemptDisable(k: Kernel): void {
  notePreemptOff(k);
  k.cur.task.preempt++;
}
export function preemptEnable(k: Kernel): void {
  if (k.cur.task.preempt > 0) k.cur.task.preempt--;
}

export function inInterrupt(k: Kernel): boolean {
  return k.cur.cpu.hardirq > 0 || k.cur.task.softirq > 0 || k.cur.cpu.nmi;
}
export function inHardirq(k: Kernel): boolean {
  return k.cur.cpu.hardirq > 0;
}
export function inServingSoftirq(k: Kernel): boolean {
  return (k.cur.task.softirq & 1) === 1;
}
/** preempt_count() as the kernel composes it. */
export function preemptCount(k: Kernel): number {
  return k.cur.task.preempt + (k.cur.task.softirq << 8) + (k.cur.cpu.hardirq << 16) + (k.cur.cpu.nmi ? 0x100000 : 0);
}

// ---------------------------------------------------------------------------
// Self-test helpers (lib/locking-selftest.c): exactly their macros' effects.
// They only step into a context and back out inside one function of one
// context: an exit that matches no enter of the same context (a real
// handler trying to leave its interrupt, or a stray exit) is a BUG.

type SelftestCtx = 'hardirq' | 'softirq' | 'nmi';

function selftestEnter(k: Kernel, kind: SelftestCtx): void {
  const st = (k.cur.selftest ??= { hardirq: [], softirq: [], nmi: [] });
  const f = k.cur.frames[k.cur.frames.length - 1];
  if (f) st[kind].push(f);
}

/** The exit helper `api` pairs with an enter by the same function call, or the kernel BUGs at the call site. */
function selftestExit(k: Kernel, kind: SelftestCtx, api: string, at?: SourcePos): void {
  const list = k.cur.selftest?.[kind];
  const f = k.cur.frames[k.cur.frames.length - 1];
  if (list && list.length > 0 && f && list[list.length - 1] === f) {
    list.pop();
    return;
  }
  const fn = innermostPos(k).fn;
  const enter = `${api.replace(/exit/i, (m) => (m === 'EXIT' ? 'ENTER' : 'enter'))}()`;
  const inIt = kind === 'hardirq' ? k.cur.cpu.hardirq > 0 : kind === 'softirq' ? k.cur.task.softirq > 0 : k.cur.cpu.nmi;
  const ctxName = kind === 'nmi' ? 'NMI' : kind;
  const why = !inIt
    ? `${api}() in ${fn}() without a matching ${enter}: not in ${ctxName} context`
    : list && list.length > 0
      ? `${api}() in ${fn}() would leave the ${ctxName} context its caller entered: ${enter}/${api}() pair inside one function, as lib/locking-selftest.c uses them`
      : `${api}() in ${fn}() would leave the ${ctxName} context the hardware entered: a handler cannot leave its interrupt (${enter}/${api}() are lib/locking-selftest.c helpers, paired inside one function)`;
  printk(k, 3, why, at);
  const where = at ? `${at.file}:${at.line}` : '?';
  bug(k, `kernel BUG at ${where}!`, 'bug', undefined, why);
}

export function hardirqEnterSelftest(k: Kernel): void {
  selftestEnter(k, 'hardirq');
  irqOff(k, 'hardirq_enter');
  k.cur.cpu.hardirq++;
  // The self-test's HARDIRQ_ENTER() marks the context threadable (lockdep_hardirq_threaded()).
  k.cur.cpu.threaded = true;
  if (listening(k)) emit(k, { kind: 'hardirq_enter', ctx: ctxNow(k) });
}

export function* hardirqExitSelftest(k: Kernel, at?: SourcePos, api = 'hardirq_exit'): Gen<void> {
  selftestExit(k, 'hardirq', api, at);
  k.cur.cpu.hardirq--;
  if (k.cur.cpu.hardirq === 0) k.cur.cpu.threaded = false;
  if (listening(k)) emit(k, { kind: 'hardirq_exit', ctx: ctxNow(k) });
  yield* irqOn(k, 'hardirq_exit');
}

export function softirqEnterSelftest(k: Kernel): void {
  selftestEnter(k, 'softirq');
  bhDisable(k, 'softirq_enter');
  irqOff(k, 'softirq_enter');
  if (listening(k)) emit(k, { kind: 'softirq_enter', ctx: ctxNow(k) });
}

export function* softirqExitSelftest(k: Kernel, at?: SourcePos, api = 'softirq_exit'): Gen<void> {
  selftestExit(k, 'softirq', api, at);
  if (listening(k)) emit(k, { kind: 'softirq_exit', ctx: ctxNow(k) });
  yield* irqOn(k, 'softirq_exit');
  yield* bhEnable(k, 'softirq_exit');
}

export function nmiEnterSelftest(k: Kernel): void {
  selftestEnter(k, 'nmi');
  k.cur.cpu.nmi = true;
  if (listening(k)) emit(k, { kind: 'nmi_enter', ctx: ctxNow(k) });
}

export function nmiExitSelftest(k: Kernel, at?: SourcePos): void {
  selftestExit(k, 'nmi', 'nmi_exit', at);
  if (listening(k)) emit(k, { kind: 'nmi_exit', ctx: ctxNow(k) });
  k.cur.cpu.nmi = false;
}

// ---------------------------------------------------------------------------
// Interrupts

/** Run `body` as another Exec (an interrupt on some CPU), restoring the current one afterwards. */
export function* inExec<T>(k: Kernel, x: Exec, body: () => Gen<T>): Gen<T> {
  const saved = k.cur;
  k.cur = x;
  try {
    return yield* body();
  } finally {
    k.cur = saved;
  }
}

function interruptedStack(cpu: Cpu, k: Kernel): Frame[] {
  // The CPU that runs the raiser shows the raiser's live stack; another CPU shows its task's.
  const x = k.cur.cpu === cpu ? k.cur : cpu.curr.exec;
  return stackOf(x);
}

/** Hardware raised `irq` on `cpu`: handle it now if the CPU has IRQs on, else when they come back on. */
export function* raiseIrq(k: Kernel, cpuId: number, irq: number): Gen<void> {
  const cpu = k.cpus[cpuId];
  if (!cpu) {
    yield* warnOnce(k, `raise-${cpuId}`, `lab_raise_irq(): no CPU ${cpuId} (the machine has ${k.cpus.length})`);
    return;
  }
  cpu.pendingIrqs.push({ irq });
  if (cpu.irqsOn && cpu.hardirq === 0) yield* deliverPending(k, cpu);
}

export function* deliverPending(k: Kernel, cpu: Cpu): Gen<void> {
  while (cpu.irqsOn && cpu.hardirq === 0 && cpu.pendingIrqs.length > 0) {
    const idx = cpu.pendingIrqs.findIndex((x) => !(k.irqs.get(x.irq)?.disabled ?? 0));
    if (idx < 0) return;
    const p = cpu.pendingIrqs.splice(idx, 1)[0]!;
    const desc = k.irqs.get(p.irq);
    if (!desc) {
      printk(k, 4, `irq ${p.irq}: nobody cared (no handler registered with request_irq())`);
      continue;
    }
    // __handle_irq_event_percpu(): a handler that could be force-threaded marks the context so.
    const threaded = (desc.flags & (IRQF_NO_THREAD | IRQF_PERCPU | IRQF_ONESHOT)) === 0n;
    const irqArg: Value = { k: 'i', t: { k: 'int', name: 'int', bits: 32, signed: true }, v: BigInt(desc.irq) };
    let ret = 2n; // no primary handler: wake the thread (irq_default_primary_handler)
    yield* hardirq(k, cpu, synthFrames('__handle_irq_event_percpu', 'handle_irq_event', 'handle_edge_irq', '__common_interrupt', 'common_interrupt', 'asm_common_interrupt'), 'asm_common_interrupt', threaded, function* () {
      if (desc.handler.k === 'f') {
        const r = yield* k.host.call(desc.handler, [irqArg, desc.dev]);
        ret = r.k === 'i' ? r.v : 1n;
      }
    });
    // IRQ_WAKE_THREAD: the irq/N-name thread runs the thread function in task context.
    if (ret === 2n && desc.thread && desc.thread.state !== 'dead') {
      desc.threadPending = (desc.threadPending ?? 0) + 1;
      if (desc.thread.state === 'sleeping') desc.thread.state = 'runnable';
    }
  }
}

/**
 * One hard interrupt on `cpu`: irqentry disables IRQs, irq_enter, the handler,
 * irq_exit (softirqs run there if pending and not nested), IRQs back on.
 */
export function* hardirq(k: Kernel, cpu: Cpu, entry: Frame[], exitApi: string, threaded: boolean, body: () => Gen<unknown>): Gen<void> {
  const below = [...entry, ...interruptedStack(cpu, k)];
  const x: Exec = { kind: 'hardirq', cpu, task: cpu.curr, frames: [], below };
  yield* inExec(k, x, function* () {
    const wasOn = cpu.irqsOn;
    irqOff(k, 'irqentry_enter');
    const wasThreaded = cpu.threaded;
    cpu.hardirq++;
    cpu.threaded = threaded;
    if (listening(k)) emit(k, { kind: 'hardirq_enter', ctx: ctxNow(k) });
    yield* body();
    // A handler that left IRQs on: the exit path turns them off again.
    irqOff(k, 'irqentry_exit');
    cpu.hardirq--;
    cpu.threaded = wasThreaded;
    if (listening(k)) emit(k, { kind: 'hardirq_exit', ctx: ctxNow(k) });
    if (cpu.hardirq === 0 && x.task.softirq === 0 && cpu.pendingSoftirq.length > 0) {
      yield* runSoftirqs(k, cpu, '__irq_exit_rcu');
    }
    if (wasOn) {
      cpu.irqsOn = true;
      irqEvent(k, 'hardirqs_on', exitApi);
    }
  });
  // Interrupts raised on this CPU while it was serving this one come in now.
  if (cpu.irqsOn && cpu.hardirq === 0 && cpu.pendingIrqs.length > 0) yield* deliverPending(k, cpu);
}

/** An NMI on `cpu`: delivered whatever the IRQ state; nmi_enter() counts as hard IRQ too, lockdep is told only of the NMI. */
export function* nmi(k: Kernel, cpuId: number, fn: Value, arg: Value): Gen<void> {
  const cpu = k.cpus[cpuId];
  if (!cpu) {
    yield* warnOnce(k, `nmi-${cpuId}`, `lab_raise_nmi(): no CPU ${cpuId}`);
    return;
  }
  const below = [...synthFrames('default_do_nmi', 'exc_nmi', 'asm_exc_nmi'), ...interruptedStack(cpu, k)];
  const x: Exec = { kind: 'nmi', cpu, task: cpu.curr, frames: [], below };
  yield* inExec(k, x, function* () {
    const wasNmi = cpu.nmi;
    cpu.nmi = true;
    cpu.hardirq++;
    if (listening(k)) emit(k, { kind: 'nmi_enter', ctx: ctxNow(k) });
    yield* k.host.call(fn, [arg]);
    cpu.hardirq--;
    cpu.nmi = wasNmi;
    if (listening(k)) emit(k, { kind: 'nmi_exit', ctx: ctxNow(k) });
  });
}

/** smp_call_function_single(): the function runs in hardirq context on the target CPU (locally: IRQs off, task context). */
export function* smpCall(k: Kernel, cpuId: number, fn: Value, info: Value): Gen<void> {
  const cpu = k.cpus[cpuId];
  if (!cpu) {
    yield* warnOnce(k, `smp-${cpuId}`, `smp_call_function_single(): no CPU ${cpuId}`);
    return;
  }
  if (cpu === k.cur.cpu) {
    const flags = irqSave(k, 'generic_exec_single');
    yield* k.host.call(fn, [info]);
    yield* irqRestore(k, flags, 'generic_exec_single');
    return;
  }
  yield* hardirq(
    k,
    cpu,
    synthFrames('__flush_smp_call_function_queue', '__sysvec_call_function_single', 'sysvec_call_function_single', 'asm_sysvec_call_function_single'),
    'asm_sysvec_call_function_single',
    false,
    () => k.host.call(fn, [info]),
  );
}

/**
 * handle_softirqs(): serve every pending softirq on `cpu` in softirq context,
 * with hard IRQs enabled while handlers run (as the kernel does).
 */
export function* runSoftirqs(k: Kernel, cpu: Cpu, via: string): Gen<void> {
  const base = k.cur.cpu === cpu ? stackOf(k.cur) : stackOf(cpu.curr.exec);
  const task = k.cur.cpu === cpu ? k.cur.task : cpu.curr;
  let rounds = 0;
  while (cpu.pendingSoftirq.length > 0 && rounds++ < 10) {
    const items = cpu.pendingSoftirq.splice(0);
    const x: Exec = { kind: 'softirq', cpu, task, frames: [], below: [] };
    yield* inExec(k, x, function* () {
      const irqWasOn = cpu.irqsOn;
      // do_softirq() from task context saves and disables IRQs first.
      if (irqWasOn) irqOff(k, via);
      // __local_bh_disable_ip(_RET_IP_, SOFTIRQ_OFFSET): recorded at handle_softirqs' caller.
      bhDisable(k, via, 1);
      if (listening(k)) emit(k, { kind: 'softirq_enter', ctx: ctxNow(k) });
      cpu.irqsOn = true;
      irqEvent(k, 'hardirqs_on', 'handle_softirqs');
      for (const it of items) {
        const entry =
          it.kind === 'timer'
            ? synthFrames('call_timer_fn', '__run_timers', 'run_timer_softirq')
            : it.kind === 'rcu'
              ? synthFrames('rcu_do_batch', 'rcu_core')
              : synthFrames('tasklet_action_common', 'tasklet_action');
        x.below = [...entry, ...synthFrames('handle_softirqs', via), ...base];
        it.around?.enter();
        yield* k.host.call(it.fn, [it.arg]);
        it.around?.exit();
        if (!cpu.irqsOn) {
          cpu.irqsOn = true;
        }
      }
      irqOff(k, 'handle_softirqs');
      if (listening(k)) emit(k, { kind: 'softirq_exit', ctx: ctxNow(k) });
      task.softirq -= 1;
      if (task.softirq === 0) irqEvent(k, 'softirqs_on', via);
      // do_softirq()'s local_irq_restore(); from irq_exit the interrupt return restores IRQs.
      if (irqWasOn) yield* irqOn(k, via);
    });
  }
}

// ---------------------------------------------------------------------------
// Printing and the kernel's own reports

export function printk(k: Kernel, level: number, text: string, pos?: SourcePos): void {
  const t = k.cur.task;
  k.openLine = undefined;
  k.log.printk({ type: 'printk', level, text, task: taskRef(t), cpu: k.cur.cpu.id, pos });
}

/**
 * printk() of text that may end without a newline: the line stays open and
 * pr_cont()/KERN_CONT text continues it, as the kernel's printk does.
 */
export function printkText(k: Kernel, level: number, text: string, cont: boolean, pos?: SourcePos): void {
  if (text === '') return;
  const parts = text.split('\n');
  const ends = text.endsWith('\n');
  if (ends) parts.pop();
  parts.forEach((line, i) => {
    if (i === 0 && cont && k.openLine) {
      k.openLine.text += line;
      return;
    }
    const t = k.cur.task;
    const entry = { type: 'printk' as const, level, text: line, task: taskRef(t), cpu: k.cur.cpu.id, pos };
    k.log.printk(entry);
    k.openLine = entry;
  });
  if (ends) k.openLine = undefined;
}

function report(k: Kernel, kind: ReportKind, header: string, lines: string[], sites: Report['sites'] = []): void {
  const t = k.cur.task;
  k.openLine = undefined;
  k.log.report({ kind, source: 'kernel', header, lines, locks: [], sites, task: taskRef(t), cpu: k.cur.cpu.id });
}

function innermostPos(k: Kernel): { fn: string; pos?: SourcePos } {
  const f = k.cur.frames[k.cur.frames.length - 1];
  return f ? { fn: f.fn, pos: f.pos } : { fn: '?' };
}

/** WARN()/WARN_ON() in the kernel's `cut here` layout; taints W after printing, as __warn does. */
export function* warn(k: Kernel, message: string | null, kind: ReportKind = 'warning', inKernel?: KernelSite): Gen<void> {
  const ctx = ctxNow(k, inKernel ? synthFrames(...inKernel.frames) : undefined);
  const here = innermostPos(k);
  const at = inKernel ? inKernel.where : here.pos ? `${here.pos.file}:${here.pos.line}` : '?';
  const top = inKernel ? ctx.stack[0] : ctx.stack.find((f) => !f.synthetic);
  const lines = ['------------[ cut here ]------------'];
  if (message) lines.push(...message.replace(/\n$/, '').split('\n'));
  const header = `WARNING: CPU: ${ctx.cpu} PID: ${ctx.task.pid} at ${at} ${top ? formatSymbol(top) : '?'}`;
  lines.push(header, 'Modules linked in:', cpuLine(ctx, k.taint), `Hardware name: Lockdep Lab simulated machine`, inKernel && top ? `RIP: 0010:${formatSymbol(top)}` : ripLine(ctx));
  lines.push(...k_env_trace(ctx));
  lines.push('---[ end trace 0000000000000000 ]---');
  report(k, kind, header, lines, traceSites(ctx.stack, message ?? 'WARN_ON() triggered here'));
  k.taint.flags.add('W');
}

export function* warnOnce(k: Kernel, key: string, message: string, kind: ReportKind = 'warning', inKernel?: KernelSite): Gen<void> {
  if (k.once.has(key)) return;
  k.once.add(key);
  yield* warn(k, message || null, kind, inKernel);
}

/** A WARN inside a kernel function: its file:line, and the kernel frames above the learner's (innermost first). */
export interface KernelSite {
  where: string;
  frames: string[];
}


/** BUG() / BUG_ON(): `kernel BUG at file:line!`, an oops; the task dies (the machine panics in interrupt context). */
export function bug(k: Kernel, message: string, kind: ReportKind = 'bug', errorCode?: string, siteMessage?: string, oopsPrefix = 'Oops: '): never {
  const ctx = ctxNow(k);
  k.oopsCount++;
  // An empty message: the Oops line is the report's first line (divide error).
  const lines = message ? [...message.split('\n')] : [];
  lines.push(`${oopsPrefix}${errorCode ?? 'invalid opcode: 0000'} [#${k.oopsCount}] PREEMPT SMP`);
  lines.push(cpuLine(ctx, k.taint), 'Hardware name: Lockdep Lab simulated machine', ripLine(ctx));
  lines.push(...k_env_trace(ctx));
  lines.push('---[ end trace 0000000000000000 ]---');
  const here = innermostPos(k);
  report(k, kind, lines[0]!, lines, traceSites(ctx.stack, siteMessage ?? lines[0]!));
  k.taint.flags.add('D');
  if (k.cur.kind !== 'task') {
    const panic = 'Kernel panic - not syncing: Fatal exception in interrupt';
    printk(k, 0, panic);
    throw new StopRun('panic', panic, here.fn, here.pos);
  }
  throw new KillTask(lines[0]!);
}

/** A sanitizer-style report (KASAN/KMSAN/UBSAN): framed by '=' lines, the run continues. */
export function sanitizerReport(k: Kernel, kind: ReportKind, header: string, body: string[], extra: string[] = []): void {
  const ctx = ctxNow(k);
  const sep = '='.repeat(65);
  const lines = [sep, header, ...body, '', cpuLine(ctx, k.taint), 'Hardware name: Lockdep Lab simulated machine', ...k_env_trace(ctx), ...extra, sep];
  report(k, kind, header, lines, traceSites(ctx.stack, header));
}

/**
 * Sites for an oops or sanitizer report: every learner frame of its call
 * trace (innermost first, each file:line once), so the editor can link them.
 */
export function traceSites(stack: readonly Frame[], message: string): Report['sites'] {
  const out: Report['sites'] = [];
  const seen = new Set<string>();
  for (const f of stack) {
    if (f.synthetic || !f.pos) continue;
    const key = `${f.pos.file}:${f.pos.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pos: { ...f.pos }, message: out.length === 0 ? message : `${f.fn}() is in the call trace here` });
    if (out.length >= 16) break;
  }
  return out;
}

/**
 * __might_resched(): `BUG: sleeping function called from invalid context`.
 * Rate-limited to once per (virtual) second like the kernel; adds TAINT_WARN.
 */
export function mightSleep(k: Kernel, rcuDepth: number, at?: string, api?: string): void {
  const pc = preemptCount(k);
  const irqsOff = !k.cur.cpu.irqsOn;
  if (pc === 0 && !irqsOff && rcuDepth === 0) return;
  if (k.jiffies < k.lastSleepBug + 1000) return;
  k.lastSleepBug = k.jiffies;
  const ctx = ctxNow(k);
  // dump_stack() is called from __might_resched(), itself below the sleeping API.
  const dumpCtx = ctxNow(k, synthFrames('dump_stack_lvl', '__might_resched', ...(api ? [api] : [])));
  const here = innermostPos(k);
  // The kernel prints the file:line of the might_sleep() itself: inside mutex.c for mutex_lock().
  const where = at ?? (here.pos ? `${here.pos.file}:${here.pos.line}` : '?');
  const header = `BUG: sleeping function called from invalid context at ${where}`;
  const lines = [
    header,
    `in_atomic(): ${pc !== 0 ? 1 : 0}, irqs_disabled(): ${irqsOff ? 1 : 0}, non_block: 0, pid: ${ctx.task.pid}, name: ${ctx.task.comm}`,
    `preempt_count: ${pc.toString(16)}, expected: 0`,
    `RCU nest depth: ${rcuDepth}, expected: 0`,
  ];
  if (k.queries) lines.push(...k.queries.heldLocksLines(ctx.task));
  if (irqsOff) lines.push(...irqtraceLines(k));
  const off = k.cur.task.preemptOffAt;
  if (pc !== 0 && off) lines.push('Preemption disabled at:', formatIp(off));
  lines.push(...k.env.dumpStack(dumpCtx));
  report(k, 'sleeping-in-atomic', header, lines, traceSites(ctx.stack, 'sleeping function called from invalid context'));
  k.taint.flags.add('W');
}

/** Where a kernel-internal error happened, for a StopRun. */
export function here(k: Kernel): { fn: string; pos?: SourcePos } {
  return innermostPos(k);
}
