/**
 * Contexts, interrupts, tasks, time, printk and the kernel's warnings as the
 * program calls them, plus the lab harness builtins (`lab_raise_irq`,
 * `lab_check`, `lab_set_comm`).
 */
import {
  bhDisable,
  bhEnable,
  bug,
  createTask,
  ctxNow,
  emit,
  hardirqEnterSelftest,
  hardirqExitSelftest,
  nmiEnterSelftest,
  nmiExitSelftest,
  inInterrupt,
  irqOff,
  irqOn,
  irqRestore,
  irqSave,
  kthreadBottom,
  listening,
  mightSleep,
  preemptCount,
  preemptDisable,
  preemptEnable,
  printk,
  printkText,
  raiseIrq,
  smpCall,
  nmi,
  softirqEnterSelftest,
  softirqExitSelftest,
  warn,
  warnOnce,
  deliverPending,
  type IrqDesc,
  type Kernel,
} from '../../kernel/kernel.ts';
import { formatAddr } from '../../events/format.ts';
import { StopRun } from '../../kernel/kernel.ts';
import { exprText } from '../print.ts';
import { allocObj } from '../memory.ts';
import { SLEEP, synthFrames, type AroundCall, type Gen, type Task } from '../../kernel/state.ts';
import { callValue, currentPtr, readString, syncTaskObj, type CallCtx, type Interp } from '../interp.ts';
import { VOIDV, type MemObj, type PtrV, type Value } from '../memory.ts';
import { findField, ptrTo, ULONG, type IntRT } from '../rtypes.ts';
import { boolOf, intOf, mkInt, toBig, truthy } from '../values.ts';
import { rcuDepthOf, rcuHeld, lockTable } from './locks.ts';
import { rcuSuspicious } from '../../kernel/rcu.ts';
import { formatPrintf, splitLevel } from './printf.ts';
import { arg, ev, evInt, evLval, evNum, evPtr, store, type Family } from './util.ts';
import { acquireEvent, globalMap, releaseEvent } from '../../kernel/locks.ts';

const INITIAL_JIFFIES = 0xfffb6c20n;

function* fmtArgs(c: CallCtx, from: number): Gen<{ fmt: string; args: Value[] }> {
  const fv = yield* ev(c, from);
  const fmt = readString(c.I, fv) ?? '';
  const args: Value[] = [];
  for (let i = from + 1; i < c.args.length; i++) args.push(yield* ev(c, i));
  return { fmt, args };
}


function printkAt(level: number, prefixArgs = 0) {
  return function* (c: CallCtx): Gen<Value> {
    const { fmt, args } = yield* fmtArgs(c, prefixArgs);
    const sl = splitLevel(fmt, level);
    let text = formatPrintf(c.I, sl.fmt, args);
    if (prefixArgs === 1) text = `lab-device: ${text}`;
    if (level === 7 && c.name === 'pr_debug') return intOf(text.length);
    printkText(c.I.k, sl.level, text, sl.cont || c.name === 'pr_cont', c.pos);
    return intOf(text.length);
  };
}

function taskOfPtr(I: Interp, p: Value): Task | null {
  if (p.k !== 'p' || !p.obj) return null;
  return I.k.tasks.find((t) => t.obj === p.obj) ?? null;
}

/** A new kernel thread whose body runs `fn(data)`; returns its task_struct pointer. */
export function spawn(I: Interp, fn: Value, data: Value, comm: string, cpu: number, created: boolean, kind: 'kthread' | 'kworker' = 'kthread'): Task {
  const k = I.k;
  const bottom = kind === 'kworker' ? synthFrames('worker_thread', 'kthread', 'ret_from_fork') : kthreadBottom();
  const t = createTask(k, comm, kind, cpu, bottom);
  t.created = created;
  t.gen = (function* (): Gen<Value> {
    return yield* callValue(I, fn, [data]);
  })();
  const saved = k.cur;
  k.cur = t.exec;
  currentPtr(I);
  k.cur = saved;
  return t;
}

function nextCpu(k: Kernel): number {
  if (k.cpus.length === 1) return 0;
  k.nextKthreadCpu = (k.nextKthreadCpu % (k.cpus.length - 1)) + 1;
  return k.nextKthreadCpu;
}

const stopFlags = new WeakMap<Task, boolean>();

/** Put the current task to sleep for `ms` of virtual time (msleep, schedule_timeout). */
export function* sleepFor(I: Interp, ms: number): Gen<void> {
  const k = I.k;
  if (k.cur.kind !== 'task') {
    schedulingWhileAtomic(I);
    return;
  }
  // schedule() from atomic context: __schedule_bug(), then the task sleeps anyway.
  if (preemptCount(k) !== 0 || !k.cur.cpu.irqsOn) schedulingWhileAtomic(I);
  else yield* rcuContextSwitch(I, ['schedule_timeout']);
  const t = k.cur.task;
  t.state = 'sleeping';
  t.wakeAt = k.jiffies + Math.max(1, ms);
  yield SLEEP;
}

/** schedule(): give the CPU to the next runnable task (staying runnable). */
export function* yieldCpu(I: Interp): Gen<void> {
  const k = I.k;
  if (k.cur.kind !== 'task' || preemptCount(k) !== 0) schedulingWhileAtomic(I);
  if (k.cur.kind !== 'task') return;
  if (preemptCount(k) === 0) yield* rcuContextSwitch(I, []);
  // Give way for one virtual jiffy: others run first, and when nobody else can, time moves
  // on, so `while (!done) schedule();` waiting for a sleeping task does make progress.
  yield* pollSleep(I);
}

/**
 * rcu_note_context_switch() under PREEMPT_RCU: a task that sleeps voluntarily
 * inside rcu_read_lock() gets WARN_ONCE (the reader may block a grace period
 * for as long as it sleeps).
 */
function* rcuContextSwitch(I: Interp, below: string[]): Gen<void> {
  const k = I.k;
  if (rcuDepthOf(k.cur.task) === 0) return;
  yield* warnOnce(k, 'rcu-voluntary-switch', 'Voluntary context switch within RCU read-side critical section!', 'warning', {
    where: 'kernel/rcu/tree_plugin.h:331',
    frames: ['rcu_note_context_switch', '__schedule', 'schedule', ...below],
  });
}

function schedulingWhileAtomic(I: Interp): void {
  const k = I.k;
  const ctx = ctxNow(k);
  // __schedule_bug() prints from inside __schedule(), after schedule()'s own preempt_disable().
  const pc = preemptCount(k) + 1;
  const header = `BUG: scheduling while atomic: ${ctx.task.comm}/${ctx.task.pid}/0x${pc.toString(16).padStart(8, '0')}`;
  const lines = [header];
  if (k.queries) lines.push(...k.queries.heldLocksLines(ctx.task));
  lines.push('Modules linked in:', ...k.env.dumpStack(ctx));
  const f = k.cur.frames[k.cur.frames.length - 1];
  k.log.report({ kind: 'sleeping-in-atomic', source: 'kernel', header, lines, locks: [], sites: f ? [{ pos: f.pos, message: 'scheduling while atomic' }] : [], task: ctx.task, cpu: ctx.cpu });
  k.taint.flags.add('W');
}

// --- workqueues --------------------------------------------------------------

interface WorkState {
  fn: Value;
  pending: boolean;
  running: boolean;
  lockMapName: string;
}
const works = new WeakMap<MemObj, Map<number, WorkState>>();
function workState(p: PtrV): WorkState | null {
  if (!p.obj) return null;
  let m = works.get(p.obj);
  if (!m) works.set(p.obj, (m = new Map()));
  return m.get(p.off) ?? null;
}
/** DECLARE_WORK(): the work's lockdep map is named by the variable, not by an INIT_WORK() argument. */
export function renameWorkMap(p: PtrV, name: string): void {
  const ws = workState(p);
  if (ws) ws.lockMapName = name;
}
function setWorkState(p: PtrV, w: WorkState): void {
  let m = works.get(p.obj!);
  if (!m) works.set(p.obj!, (m = new Map()));
  m.set(p.off, w);
}

/** kworkers running a work function right now (flush_* waits for them too). */
const busyWorkers = new WeakSet<Task>();
function workPending(k: Kernel): boolean {
  return [...k.kworkers.values()].some((w) => (w.workQueue?.length ?? 0) > 0 || busyWorkers.has(w));
}

function kworkerFor(I: Interp, cpu: number): Task {
  const k = I.k;
  let w = k.kworkers.get(cpu);
  if (w && w.state !== 'dead') return w;
  w = createTask(k, `kworker/${cpu}:1`, 'kworker', cpu, synthFrames('process_one_work', 'worker_thread', 'kthread', 'ret_from_fork'));
  w.workQueue = [];
  const self = w;
  w.gen = (function* (): Gen<Value> {
    for (;;) {
      const item = self.workQueue!.shift();
      if (!item) {
        self.state = 'sleeping';
        self.wakeAt = undefined;
        yield SLEEP;
        continue;
      }
      const ws = workState({ k: 'p', t: ptrTo(item.work.t), obj: item.work, off: item.off });
      if (ws) {
        ws.pending = false;
        ws.running = true;
      }
      // process_one_work(): the workqueue's and the work's lockdep maps are held around the function.
      const wq = globalMap(k, lockTable(k), '(wq_completion)events', 'INV', 'INV');
      const wm = ws ? globalMap(k, lockTable(k), ws.lockMapName, 'INV', 'INV') : null;
      acquireEvent(k, wq, { api: 'process_one_work', read: 0 });
      if (wm) acquireEvent(k, wm, { api: 'process_one_work', read: 0 });
      busyWorkers.add(self);
      yield* callValue(I, item.fn, [item.arg]);
      busyWorkers.delete(self);
      if (wm) releaseEvent(k, wm, 'process_one_work');
      releaseEvent(k, wq, 'process_one_work');
      if (ws) ws.running = false;
      for (const t of k.tasks) if (t.state === 'blocked' && t.waitingOn === ws) t.state = 'runnable';
    }
  })();
  k.kworkers.set(cpu, w);
  return w;
}

function* queueWorkOn(c: CallCtx, cpu: number, workArg: number): Gen<Value> {
  const I = c.I;
  const p = yield* evPtr(c, workArg);
  const ws = workState(p);
  if (!ws) {
    printk(I.k, 4, `queue_work(): work item '${exprText(arg(c, workArg))}' was never initialised with INIT_WORK()`, c.pos);
    return boolOf(false);
  }
  if (ws.pending) return boolOf(false);
  ws.pending = true;
  const w = kworkerFor(I, cpu);
  w.workQueue!.push({ fn: ws.fn, arg: p, work: p.obj!, off: p.off });
  if (w.state === 'sleeping') w.state = 'runnable';
  return boolOf(true);
}

// --- timers and tasklets -------------------------------------------------------

/**
 * timer->lockdep_map: timer_setup() names it after its argument text, in
 * parentheses (`#_timer` of `__init_timer((timer), ...)`), printed `((&t))`.
 */
const timerNames = new WeakMap<MemObj, Map<number, string>>();
function timerMapName(p: PtrV): string {
  return timerNames.get(p.obj!)?.get(p.off) ?? `(${p.obj!.label})`;
}
function timerLockMap(k: Kernel, name: string) {
  return globalMap(k, lockTable(k), name, 'INV', 'INV');
}
/** call_timer_fn(): lock_map_acquire(&lockdep_map); fn(timer); lock_map_release(&lockdep_map). */
function timerAround(k: Kernel, name: string): AroundCall {
  return {
    enter: () => acquireEvent(k, timerLockMap(k, name), { api: 'call_timer_fn', read: 0 }),
    exit: () => releaseEvent(k, timerLockMap(k, name), 'call_timer_fn'),
  };
}

function* timerArm(c: CallCtx, p: PtrV, expires: bigint): Gen<Value> {
  const k = c.I.k;
  if (!p.obj) return intOf(0);
  const fnField = findField(c.I.builtinTypes.get('struct timer_list')!, 'function')!;
  const fn = p.obj.cells.get(p.off + fnField.off);
  if (!fn || fn.k !== 'f') {
    printk(k, 4, 'mod_timer(): timer has no function (timer_setup() was not called)', c.pos);
    return intOf(0);
  }
  let tm = k.timers.find((x) => x.obj === p.obj && x.off === p.off);
  const was = tm?.pending ?? false;
  const at = Number(BigInt.asUintN(64, expires - INITIAL_JIFFIES));
  if (!tm) {
    tm = { obj: p.obj, off: p.off, expires: at, cpu: k.cur.cpu.id, fn, pending: true, around: timerAround(k, timerMapName(p)) };
    k.timers.push(tm);
  } else {
    tm.expires = at;
    tm.pending = true;
    tm.fn = fn;
    tm.cpu = k.cur.cpu.id;
  }
  return intOf(was ? 1 : 0);
}

// --- the table -----------------------------------------------------------------

export const kernelBuiltins: Family = {
  // printk family
  printk: printkAt(4),
  pr_emerg: printkAt(0),
  pr_alert: printkAt(1),
  pr_crit: printkAt(2),
  pr_err: printkAt(3),
  pr_warn: printkAt(4),
  pr_warning: printkAt(4),
  pr_notice: printkAt(5),
  pr_info: printkAt(6),
  pr_debug: printkAt(7),
  pr_devel: printkAt(7),
  pr_cont: printkAt(4),
  dev_err: printkAt(3, 1),
  dev_warn: printkAt(4, 1),
  dev_info: printkAt(6, 1),
  dev_notice: printkAt(5, 1),
  dev_dbg: function* () {
    return intOf(0);
  },
  pr_err_once: printkAt(3),
  pr_warn_once: printkAt(4),
  pr_info_once: printkAt(6),
  pr_err_ratelimited: printkAt(3),
  pr_warn_ratelimited: printkAt(4),

  // WARN / BUG
  WARN_ON: function* (c) {
    const v = yield* ev(c, 0);
    if (truthy(v)) yield* warn(c.I.k, null);
    return boolOf(truthy(v));
  },
  WARN_ON_ONCE: function* (c) {
    const v = yield* ev(c, 0);
    const key = `${c.pos.file}:${c.pos.line}:${c.pos.col}`;
    if (truthy(v) && !c.I.k.once.has(key)) {
      c.I.k.once.add(key);
      yield* warn(c.I.k, null);
    }
    return boolOf(truthy(v));
  },
  WARN: function* (c) {
    const v = yield* ev(c, 0);
    if (truthy(v)) {
      const { fmt, args } = yield* fmtArgs(c, 1);
      yield* warn(c.I.k, formatPrintf(c.I, fmt, args));
    }
    return boolOf(truthy(v));
  },
  WARN_ONCE: function* (c) {
    const v = yield* ev(c, 0);
    const key = `${c.pos.file}:${c.pos.line}:${c.pos.col}`;
    if (truthy(v) && !c.I.k.once.has(key)) {
      c.I.k.once.add(key);
      const { fmt, args } = yield* fmtArgs(c, 1);
      yield* warn(c.I.k, formatPrintf(c.I, fmt, args));
    }
    return boolOf(truthy(v));
  },
  BUG_ON: function* (c) {
    const v = yield* ev(c, 0);
    if (truthy(v)) bug(c.I.k, `kernel BUG at ${c.pos.file}:${c.pos.line}!`);
    return VOIDV;
  },
  BUG: function* (c) {
    bug(c.I.k, `kernel BUG at ${c.pos.file}:${c.pos.line}!`);
  },
  panic: function* (c) {
    const { fmt, args } = yield* fmtArgs(c, 0);
    const msg = `Kernel panic - not syncing: ${formatPrintf(c.I, fmt, args).replace(/\n$/, '')}`;
    printk(c.I.k, 0, msg, c.pos);
    throw new StopRun('panic', msg, c.scope.fn, c.pos);
  },
  dump_stack: function* (c) {
    for (const l of c.I.k.env.dumpStack(ctxNow(c.I.k))) printk(c.I.k, 4, l, c.pos);
    return VOIDV;
  },

  // IRQ / BH / preempt state
  local_irq_disable: function* (c) {
    irqOff(c.I.k, 'local_irq_disable');
    return VOIDV;
  },
  local_irq_enable: function* (c) {
    yield* irqOn(c.I.k, 'local_irq_enable');
    return VOIDV;
  },
  local_irq_save: function* (c) {
    const r = yield* evLval(c, 0);
    store(c.I, r, mkInt(ULONG, irqSave(c.I.k, 'local_irq_save')));
    return VOIDV;
  },
  local_irq_restore: function* (c) {
    yield* irqRestore(c.I.k, yield* evInt(c, 0), 'local_irq_restore');
    return VOIDV;
  },
  local_bh_disable: function* (c) {
    bhDisable(c.I.k, 'local_bh_disable');
    return VOIDV;
  },
  local_bh_enable: function* (c) {
    yield* bhEnable(c.I.k, 'local_bh_enable');
    return VOIDV;
  },
  preempt_disable: function* (c) {
    preemptDisable(c.I.k);
    return VOIDV;
  },
  preempt_enable: function* (c) {
    preemptEnable(c.I.k);
    return VOIDV;
  },
  preempt_enable_no_resched: function* (c) {
    preemptEnable(c.I.k);
    return VOIDV;
  },
  get_cpu: function* (c) {
    preemptDisable(c.I.k);
    return intOf(c.I.k.cur.cpu.id);
  },
  put_cpu: function* (c) {
    preemptEnable(c.I.k);
    return VOIDV;
  },
  irqs_disabled: function* (c) {
    return boolOf(!c.I.k.cur.cpu.irqsOn);
  },
  in_irq: function* (c) {
    return boolOf(c.I.k.cur.cpu.hardirq > 0);
  },
  in_hardirq: function* (c) {
    return boolOf(c.I.k.cur.cpu.hardirq > 0);
  },
  in_softirq: function* (c) {
    return boolOf(c.I.k.cur.task.softirq > 0);
  },
  in_serving_softirq: function* (c) {
    return boolOf((c.I.k.cur.task.softirq & 1) === 1);
  },
  in_interrupt: function* (c) {
    return boolOf(inInterrupt(c.I.k));
  },
  in_nmi: function* (c) {
    return boolOf(c.I.k.cur.cpu.nmi);
  },
  in_task: function* (c) {
    const k = c.I.k;
    return boolOf(!k.cur.cpu.nmi && k.cur.cpu.hardirq === 0 && (k.cur.task.softirq & 1) === 0);
  },
  in_atomic: function* (c) {
    return boolOf(preemptCount(c.I.k) !== 0);
  },
  preemptible: function* (c) {
    return boolOf(preemptCount(c.I.k) === 0 && c.I.k.cur.cpu.irqsOn);
  },
  preempt_count: function* (c) {
    return intOf(preemptCount(c.I.k));
  },
  smp_processor_id: function* (c) {
    return intOf(c.I.k.cur.cpu.id);
  },
  raw_smp_processor_id: function* (c) {
    return intOf(c.I.k.cur.cpu.id);
  },
  num_online_cpus: function* (c) {
    return mkInt(INT_U, BigInt(c.I.k.cpus.length));
  },
  num_possible_cpus: function* (c) {
    return mkInt(INT_U, BigInt(c.I.k.cpus.length));
  },
  cpu_online: function* (c) {
    const n = yield* evNum(c, 0);
    return boolOf(n >= 0 && n < c.I.k.cpus.length);
  },

  // Self-test context helpers (lib/locking-selftest.c)
  HARDIRQ_ENTER: function* (c) {
    hardirqEnterSelftest(c.I.k);
    return VOIDV;
  },
  HARDIRQ_EXIT: function* (c) {
    yield* hardirqExitSelftest(c.I.k, c.pos, 'HARDIRQ_EXIT');
    return VOIDV;
  },
  SOFTIRQ_ENTER: function* (c) {
    softirqEnterSelftest(c.I.k);
    return VOIDV;
  },
  SOFTIRQ_EXIT: function* (c) {
    yield* softirqExitSelftest(c.I.k, c.pos, 'SOFTIRQ_EXIT');
    return VOIDV;
  },
  DEBUG_SPINLOCK_BUG_ON: function* (c) {
    const v = yield* ev(c, 0);
    if (truthy(v)) bug(c.I.k, `kernel BUG at ${c.pos.file}:${c.pos.line}!`);
    return VOIDV;
  },
  hardirq_enter: function* (c) {
    hardirqEnterSelftest(c.I.k);
    return VOIDV;
  },
  hardirq_exit: function* (c) {
    yield* hardirqExitSelftest(c.I.k, c.pos, 'hardirq_exit');
    return VOIDV;
  },
  softirq_enter: function* (c) {
    softirqEnterSelftest(c.I.k);
    return VOIDV;
  },
  softirq_exit: function* (c) {
    yield* softirqExitSelftest(c.I.k, c.pos, 'softirq_exit');
    return VOIDV;
  },
  nmi_enter: function* (c) {
    nmiEnterSelftest(c.I.k);
    return VOIDV;
  },
  nmi_exit: function* (c) {
    nmiExitSelftest(c.I.k, c.pos);
    return VOIDV;
  },

  // Interrupts
  request_irq: function* (c) {
    const irq = yield* evNum(c, 0);
    const handler = yield* ev(c, 1);
    const flags = yield* evInt(c, 2);
    const name = readString(c.I, yield* ev(c, 3)) ?? `irq${irq}`;
    const dev = yield* ev(c, 4);
    if (c.I.k.irqs.has(irq) && !(flags & 0x80n)) return intOf(-16);
    c.I.k.irqs.set(irq, { irq, handler, dev, name, flags, disabled: 0 });
    return intOf(0);
  },
  request_threaded_irq: function* (c) {
    const irq = yield* evNum(c, 0);
    const handler = yield* ev(c, 1);
    const threadFn = yield* ev(c, 2);
    const flags = yield* evInt(c, 3);
    const name = readString(c.I, yield* ev(c, 4)) ?? `irq${irq}`;
    const dev = yield* ev(c, 5);
    const k = c.I.k;
    if (k.irqs.has(irq) && !(flags & 0x80n)) return intOf(-16);
    const desc: IrqDesc = { irq, handler, dev, name, flags, disabled: 0, threadFn, threadPending: 0 };
    k.irqs.set(irq, desc);
    if (threadFn.k === 'f') desc.thread = irqThread(c.I, desc);
    return intOf(0);
  },
  disable_irq: function* (c) {
    const d = c.I.k.irqs.get(yield* evNum(c, 0));
    if (d) d.disabled++;
    return VOIDV;
  },
  disable_irq_nosync: function* (c) {
    const d = c.I.k.irqs.get(yield* evNum(c, 0));
    if (d) d.disabled++;
    return VOIDV;
  },
  enable_irq: function* (c) {
    const k = c.I.k;
    const d = k.irqs.get(yield* evNum(c, 0));
    if (!d) return VOIDV;
    if (d.disabled === 0) {
      yield* warn(k, `Unbalanced enable for IRQ ${d.irq}`);
      return VOIDV;
    }
    d.disabled--;
    if (d.disabled === 0) for (const cpu of k.cpus) if (cpu.pendingIrqs.some((p) => p.irq === d.irq)) yield* deliverPending(k, cpu);
    return VOIDV;
  },
  synchronize_irq: function* (c) {
    yield* ev(c, 0);
    mightSleep(c.I.k, rcuDepthOf(c.I.k.cur.task));
    return VOIDV;
  },
  free_irq: function* (c) {
    c.I.k.irqs.delete(yield* evNum(c, 0));
    return VOIDV;
  },
  lab_raise_irq: function* (c) {
    const cpu = yield* evNum(c, 0);
    const irq = yield* evNum(c, 1);
    yield* raiseIrq(c.I.k, cpu, irq);
    return VOIDV;
  },
  on_each_cpu: function* (c) {
    const fn = yield* ev(c, 0);
    const info = yield* ev(c, 1);
    // Every other CPU by IPI in CPU order, then the local one with IRQs off (smp_call_function_many_cond()).
    const k = c.I.k;
    const me = k.cur.cpu.id;
    for (const cpu of k.cpus) if (cpu.id !== me) yield* smpCall(k, cpu.id, fn, info);
    yield* smpCall(k, me, fn, info);
    return VOIDV;
  },
  lab_raise_nmi: function* (c) {
    const cpu = yield* evNum(c, 0);
    const fn = yield* ev(c, 1);
    const arg = c.args.length > 2 ? yield* ev(c, 2) : VOIDV;
    yield* nmi(c.I.k, cpu, fn, arg);
    return VOIDV;
  },
  smp_call_function_single: function* (c) {
    const cpu = yield* evNum(c, 0);
    const fn = yield* ev(c, 1);
    const info = yield* ev(c, 2);
    yield* smpCall(c.I.k, cpu, fn, info);
    return intOf(0);
  },

  // Tasks and sleeping
  kthread_run: function* (c) {
    const fn = yield* ev(c, 0);
    const data = yield* ev(c, 1);
    const { fmt, args } = yield* fmtArgs(c, 2);
    const t = spawn(c.I, fn, data, formatPrintf(c.I, fmt, args), nextCpu(c.I.k), false);
    return { k: 'p', t: ptrTo(c.I.builtinTypes.get('struct task_struct')!), obj: t.obj!, off: 0 };
  },
  kthread_create: function* (c) {
    const fn = yield* ev(c, 0);
    const data = yield* ev(c, 1);
    const { fmt, args } = yield* fmtArgs(c, 2);
    const t = spawn(c.I, fn, data, formatPrintf(c.I, fmt, args), nextCpu(c.I.k), true);
    return { k: 'p', t: ptrTo(c.I.builtinTypes.get('struct task_struct')!), obj: t.obj!, off: 0 };
  },
  kthread_create_on_cpu: function* (c) {
    const fn = yield* ev(c, 0);
    const data = yield* ev(c, 1);
    const cpu = yield* evNum(c, 2);
    const fmt = readString(c.I, yield* ev(c, 3)) ?? 'kthread/%u';
    const t = spawn(c.I, fn, data, formatPrintf(c.I, fmt, [intOf(cpu)]), cpu, true);
    return { k: 'p', t: ptrTo(c.I.builtinTypes.get('struct task_struct')!), obj: t.obj!, off: 0 };
  },
  kthread_bind: function* (c) {
    const t = taskOfPtr(c.I, yield* ev(c, 0));
    const cpu = yield* evNum(c, 1);
    if (t && t.created && c.I.k.cpus[cpu]) {
      t.cpu = cpu;
      t.exec.cpu = c.I.k.cpus[cpu]!;
      syncTaskObj(c.I, t);
    }
    return VOIDV;
  },
  wake_up_process: function* (c) {
    const t = taskOfPtr(c.I, yield* ev(c, 0));
    if (!t || t.state === 'dead') return intOf(0);
    const was = t.created || t.state === 'sleeping';
    t.created = false;
    if (t.state === 'sleeping') {
      t.state = 'runnable';
      t.wakeAt = undefined;
    }
    return intOf(was ? 1 : 0);
  },
  kthread_should_stop: function* (c) {
    return boolOf(stopFlags.get(c.I.k.cur.task) === true);
  },
  kthread_stop: function* (c) {
    const t = taskOfPtr(c.I, yield* ev(c, 0));
    if (!t) return intOf(-22);
    stopFlags.set(t, true);
    t.created = false;
    if (t.state === 'sleeping') t.state = 'runnable';
    while (t.state !== 'dead' && c.I.k.cur.kind === 'task') {
      yield* pollSleep(c.I);
    }
    return intOf(0);
  },
  schedule: function* (c) {
    yield* yieldCpu(c.I);
    return VOIDV;
  },
  yield: function* (c) {
    yield* yieldCpu(c.I);
    return VOIDV;
  },
  cond_resched: function* (c) {
    mightSleep(c.I.k, rcuDepthOf(c.I.k.cur.task));
    if (c.I.k.cur.kind === 'task' && preemptCount(c.I.k) === 0) yield* pollSleep(c.I);
    return intOf(0);
  },
  might_sleep: function* (c) {
    mightSleep(c.I.k, rcuDepthOf(c.I.k.cur.task));
    return VOIDV;
  },
  might_resched: function* () {
    return VOIDV;
  },
  msleep: function* (c) {
    const ms = yield* evNum(c, 0);
    yield* sleepFor(c.I, ms);
    return VOIDV;
  },
  msleep_interruptible: function* (c) {
    const ms = yield* evNum(c, 0);
    yield* sleepFor(c.I, ms);
    return intOf(0);
  },
  ssleep: function* (c) {
    const s = yield* evNum(c, 0);
    yield* sleepFor(c.I, s * 1000);
    return VOIDV;
  },
  usleep_range: function* (c) {
    const us = yield* evNum(c, 0);
    yield* sleepFor(c.I, Math.max(1, Math.ceil(us / 1000)));
    return VOIDV;
  },
  schedule_timeout: scheduleTimeout,
  schedule_timeout_interruptible: scheduleTimeout,
  schedule_timeout_uninterruptible: scheduleTimeout,
  set_current_state: function* () {
    return VOIDV;
  },
  __set_current_state: function* () {
    return VOIDV;
  },
  udelay: busy,
  mdelay: busy,
  ndelay: busy,
  cpu_relax: busy,
  barrier: busy,
  smp_mb: busy,
  smp_rmb: busy,
  smp_wmb: busy,
  mb: busy,
  rmb: busy,
  wmb: busy,
  smp_mb__before_atomic: busy,
  smp_mb__after_atomic: busy,
  synchronize_rcu: function* (c) {
    const k = c.I.k;
    if (rcuHeld(k, 'rcu') || rcuDepthOf(k.cur.task) > 0) rcuSuspicious(k, c.pos, 'Illegal synchronize_rcu() in RCU read-side critical section');
    mightSleep(k, rcuDepthOf(k.cur.task));
    return VOIDV;
  },
  msecs_to_jiffies: function* (c) {
    return mkInt(ULONG, yield* evInt(c, 0));
  },
  usecs_to_jiffies: function* (c) {
    return mkInt(ULONG, ((yield* evInt(c, 0)) + 999n) / 1000n);
  },
  jiffies_to_msecs: function* (c) {
    return mkInt(INT_U, yield* evInt(c, 0));
  },
  time_after: function* (c) {
    const a = yield* evInt(c, 0);
    const b = yield* evInt(c, 1);
    return boolOf(BigInt.asIntN(64, b - a) < 0n);
  },
  time_before: function* (c) {
    const a = yield* evInt(c, 0);
    const b = yield* evInt(c, 1);
    return boolOf(BigInt.asIntN(64, a - b) < 0n);
  },

  // Workqueues
  INIT_WORK: initWork,
  INIT_DELAYED_WORK: initWork,
  schedule_work: function* (c) {
    return yield* queueWorkOn(c, c.I.k.cur.cpu.id, 0);
  },
  queue_work: function* (c) {
    yield* ev(c, 0);
    return yield* queueWorkOn(c, c.I.k.cur.cpu.id, 1);
  },
  queue_work_on: function* (c) {
    const cpu = yield* evNum(c, 0);
    yield* ev(c, 1);
    return yield* queueWorkOn(c, cpu, 2);
  },
  schedule_work_on: function* (c) {
    const cpu = yield* evNum(c, 0);
    return yield* queueWorkOn(c, cpu, 1);
  },
  flush_work: function* (c) {
    const p = yield* evPtr(c, 0);
    const ws = workState(p);
    const k = c.I.k;
    mightSleep(k, rcuDepthOf(k.cur.task));
    if (!ws) return boolOf(false);
    // flush_work(): lockdep sees the work's map taken, so "flush under a lock the work takes" is found.
    const wm = globalMap(k, lockTable(k), ws.lockMapName, 'INV', 'INV');
    acquireEvent(k, wm, { api: 'flush_work', read: 0 });
    releaseEvent(k, wm, 'flush_work');
    let waited = false;
    while ((ws.pending || ws.running) && k.cur.kind === 'task') {
      waited = true;
      k.cur.task.state = 'blocked';
      k.cur.task.waitingOn = ws;
      yield SLEEP;
    }
    return boolOf(waited);
  },
  cancel_work_sync: function* (c) {
    const p = yield* evPtr(c, 0);
    const ws = workState(p);
    if (!ws) return boolOf(false);
    const was = ws.pending;
    for (const w of c.I.k.kworkers.values()) w.workQueue = w.workQueue?.filter((it) => !(it.work === p.obj && it.off === p.off));
    ws.pending = false;
    return boolOf(was);
  },
  flush_scheduled_work: function* (c) {
    const k = c.I.k;
    mightSleep(k, rcuDepthOf(k.cur.task));
    while (workPending(k) && k.cur.kind === 'task') {
      yield* pollSleep(c.I);
    }
    return VOIDV;
  },
  flush_workqueue: function* (c) {
    const k = c.I.k;
    yield* ev(c, 0);
    mightSleep(k, rcuDepthOf(k.cur.task));
    while (workPending(k) && k.cur.kind === 'task') {
      yield* pollSleep(c.I);
    }
    return VOIDV;
  },
  alloc_workqueue: function* (c) {
    const t = c.I.builtinTypes.get('struct workqueue_struct')!;
    const obj = allocObj(c.I.mem, 'heap', t, t.size, 'workqueue_struct', true);
    return { k: 'p', t: ptrTo(t), obj, off: 0 };
  },
  destroy_workqueue: function* () {
    return VOIDV;
  },

  // Timers and tasklets
  timer_setup: function* (c) {
    const p = yield* evPtr(c, 0);
    const fn = yield* ev(c, 1);
    if (!p.obj) return VOIDV;
    const t = c.I.builtinTypes.get('struct timer_list')!;
    const f = findField(t, 'function')!;
    p.obj.cells.set(p.off + f.off, fn);
    let names = timerNames.get(p.obj);
    if (!names) timerNames.set(p.obj, (names = new Map()));
    names.set(p.off, `(${exprText(arg(c, 0))})`);
    return VOIDV;
  },
  mod_timer: function* (c) {
    const p = yield* evPtr(c, 0);
    return yield* timerArm(c, p, yield* evInt(c, 1));
  },
  add_timer: function* (c) {
    const p = yield* evPtr(c, 0);
    if (!p.obj) return VOIDV;
    const f = findField(c.I.builtinTypes.get('struct timer_list')!, 'expires')!;
    const e = p.obj.cells.get(p.off + f.off);
    yield* timerArm(c, p, e ? toBig(e) : INITIAL_JIFFIES + BigInt(c.I.k.jiffies));
    return VOIDV;
  },
  del_timer: delTimer,
  del_timer_sync: delTimer,
  timer_delete: delTimer,
  timer_delete_sync: delTimer,
  timer_pending: function* (c) {
    const p = yield* evPtr(c, 0);
    return boolOf(c.I.k.timers.some((x) => x.obj === p.obj && x.off === p.off && x.pending));
  },
  tasklet_setup: function* (c) {
    const p = yield* evPtr(c, 0);
    const fn = yield* ev(c, 1);
    if (!p.obj) return VOIDV;
    const f = findField(c.I.builtinTypes.get('struct tasklet_struct')!, 'func')!;
    p.obj.cells.set(p.off + f.off, fn);
    return VOIDV;
  },
  tasklet_init: function* (c) {
    const p = yield* evPtr(c, 0);
    const fn = yield* ev(c, 1);
    const data = yield* ev(c, 2);
    if (!p.obj) return VOIDV;
    const t = c.I.builtinTypes.get('struct tasklet_struct')!;
    p.obj.cells.set(p.off + findField(t, 'func')!.off, fn);
    p.obj.cells.set(p.off + findField(t, 'data')!.off, mkInt(ULONG, toBig(data)));
    p.obj.cells.set(p.off + findField(t, 'use_callback')!.off, intOf(2));
    return VOIDV;
  },
  tasklet_schedule: tasklet,
  tasklet_hi_schedule: tasklet,
  tasklet_kill: function* () {
    return VOIDV;
  },

  // Completions and wait queues: the waiter sleeps until the condition holds.
  init_completion: function* (c) {
    const p = yield* evPtr(c, 0);
    if (p.obj) p.obj.cells.set(p.off, mkInt(INT_U, 0n));
    return VOIDV;
  },
  reinit_completion: function* (c) {
    const p = yield* evPtr(c, 0);
    if (p.obj) p.obj.cells.set(p.off, mkInt(INT_U, 0n));
    return VOIDV;
  },
  complete: function* (c) {
    const p = yield* evPtr(c, 0);
    if (!p.obj) return VOIDV;
    const v = p.obj.cells.get(p.off);
    p.obj.cells.set(p.off, mkInt(INT_U, (v ? toBig(v) : 0n) + 1n));
    wakeWaitersOn(c.I.k, p);
    return VOIDV;
  },
  complete_all: function* (c) {
    const p = yield* evPtr(c, 0);
    if (!p.obj) return VOIDV;
    p.obj.cells.set(p.off, mkInt(INT_U, 0xffffffffn));
    wakeWaitersOn(c.I.k, p);
    return VOIDV;
  },
  completion_done: function* (c) {
    const p = yield* evPtr(c, 0);
    const v = p.obj?.cells.get(p.off);
    return boolOf(!!v && toBig(v) > 0n);
  },
  wait_for_completion: waitCompletion,
  wait_for_completion_interruptible: waitCompletion,
  wait_for_completion_killable: waitCompletion,
  wait_for_completion_timeout: waitCompletion,
  init_waitqueue_head: function* (c) {
    yield* evPtr(c, 0);
    return VOIDV;
  },
  wake_up: wakeQueue,
  wake_up_all: wakeQueue,
  wake_up_interruptible: wakeQueue,
  wake_up_interruptible_all: wakeQueue,
  wait_event: waitEvent,
  wait_event_interruptible: waitEvent,
  wait_event_killable: waitEvent,
  wait_event_timeout: waitEvent,
  wait_event_interruptible_timeout: waitEvent,

  // Delayed work: a timer that queues the work when it expires.
  schedule_delayed_work: function* (c) {
    return yield* queueDelayed(c, c.I.k.cur.cpu.id, 0, 1);
  },
  queue_delayed_work: function* (c) {
    yield* ev(c, 0);
    return yield* queueDelayed(c, c.I.k.cur.cpu.id, 1, 2);
  },
  mod_delayed_work: function* (c) {
    yield* ev(c, 0);
    return yield* queueDelayed(c, c.I.k.cur.cpu.id, 1, 2);
  },
  cancel_delayed_work: cancelDelayed,
  cancel_delayed_work_sync: cancelDelayed,
  flush_delayed_work: function* (c) {
    const p = yield* evPtr(c, 0);
    const k = c.I.k;
    mightSleep(k, rcuDepthOf(k.cur.task));
    const ws = workState(p);
    while (ws && (ws.pending || ws.running || delayedPending(k, p)) && k.cur.kind === 'task') {
      yield* pollSleep(c.I);
    }
    return boolOf(false);
  },

  // Harness
  lab_check: function* (c) {
    const ok = truthy(yield* ev(c, 0));
    const msg = c.args.length > 1 ? (readString(c.I, yield* ev(c, 1)) ?? '') : '';
    c.I.k.checks.push({ message: msg, passed: ok, pos: { ...c.pos } });
    return boolOf(ok);
  },
  lab_set_comm: function* (c) {
    const s = readString(c.I, yield* ev(c, 0)) ?? '';
    const t = c.I.k.cur.task;
    t.comm = s.slice(0, 15);
    syncTaskObj(c.I, t);
    return VOIDV;
  },
  lab_sleep_ms: function* (c) {
    yield* sleepFor(c.I, yield* evNum(c, 0));
    return VOIDV;
  },
  get_current: function* (c) {
    return currentPtr(c.I);
  },
  task_pid_nr: function* (c) {
    const t = taskOfPtr(c.I, yield* ev(c, 0));
    return intOf(t?.pid ?? 0);
  },
  lab_addr: function* (c) {
    const v = yield* ev(c, 0);
    return mkInt(ULONG, v.k === 'p' ? BigInt('0x' + formatAddr(toBig(v))) : toBig(v));
  },
};

const INT_U: IntRT = { k: 'int', name: 'unsigned int', bits: 32, signed: false };

function* busy(): Gen<Value> {
  return VOIDV;
}

function* scheduleTimeout(c: CallCtx): Gen<Value> {
  const j = yield* evNum(c, 0);
  yield* sleepFor(c.I, j);
  return mkInt(LONG_T, 0n);
}
const LONG_T: IntRT = { k: 'int', name: 'long', bits: 64, signed: true };

function* initWork(c: CallCtx): Gen<Value> {
  const p = yield* evPtr(c, 0);
  const fn = yield* ev(c, 1);
  if (!p.obj) return VOIDV;
  const t = c.I.builtinTypes.get('struct work_struct')!;
  p.obj.cells.set(p.off + findField(t, 'func')!.off, fn);
  const text = exprText(arg(c, 0));
  setWorkState(p, { fn, pending: false, running: false, lockMapName: `(work_completion)(${text})` });
  return VOIDV;
}


/** The irq/N-name kernel thread of a threaded interrupt: runs thread_fn(irq, dev) once per wake-up. */
function irqThread(I: Interp, desc: IrqDesc): Task {
  const k = I.k;
  const t = createTask(k, `irq/${desc.irq}-${desc.name}`, 'kthread', nextCpu(k), synthFrames('irq_thread_fn', 'irq_thread', 'kthread', 'ret_from_fork'));
  t.gen = (function* (): Gen<Value> {
    for (;;) {
      if (!desc.threadPending) {
        t.state = 'sleeping';
        t.wakeAt = undefined;
        yield SLEEP;
        continue;
      }
      desc.threadPending--;
      yield* callValue(I, desc.threadFn!, [intOf(desc.irq), desc.dev]);
    }
  })();
  const saved = k.cur;
  k.cur = t.exec;
  currentPtr(I);
  k.cur = saved;
  return t;
}

/** Wait for another task's progress: sleep one virtual millisecond, so time can advance. */
function* pollSleep(I: Interp): Gen<void> {
  const t = I.k.cur.task;
  t.state = 'sleeping';
  t.wakeAt = I.k.jiffies + 1;
  yield SLEEP;
}

function wakeWaitersOn(k: Kernel, p: PtrV): void {
  for (const t of k.tasks) {
    const w = t.waitingOn as { obj?: MemObj; off?: number } | undefined;
    if (t.state === 'blocked' && w && w.obj === p.obj && w.off === p.off) {
      t.state = 'runnable';
      t.waitingOn = undefined;
    }
  }
}

function* waitCompletion(c: CallCtx): Gen<Value> {
  const k = c.I.k;
  const p = yield* evPtr(c, 0);
  mightSleep(k, rcuDepthOf(k.cur.task));
  if (!p.obj) return intOf(0);
  for (;;) {
    const v = p.obj.cells.get(p.off);
    const n = v ? toBig(v) : 0n;
    if (n > 0n) {
      if (n !== 0xffffffffn) p.obj.cells.set(p.off, mkInt(INT_U, n - 1n));
      return mkInt(LONG_T, 1n);
    }
    if (k.cur.kind !== 'task') {
      schedulingWhileAtomic(c.I);
      return intOf(0);
    }
    k.cur.task.state = 'blocked';
    k.cur.task.waitingOn = { obj: p.obj, off: p.off };
    yield SLEEP;
  }
}

function* wakeQueue(c: CallCtx): Gen<Value> {
  wakeWaitersOn(c.I.k, yield* evPtr(c, 0));
  return VOIDV;
}

/** wait_event(wq, cond): re-evaluate `cond` each time the queue is woken. */
function* waitEvent(c: CallCtx): Gen<Value> {
  const k = c.I.k;
  const p = yield* evPtr(c, 0);
  mightSleep(k, rcuDepthOf(k.cur.task));
  for (;;) {
    if (truthy(yield* ev(c, 1))) return c.name.includes('timeout') ? mkInt(LONG_T, 1n) : intOf(0);
    if (k.cur.kind !== 'task') {
      schedulingWhileAtomic(c.I);
      return intOf(0);
    }
    k.cur.task.state = 'blocked';
    k.cur.task.waitingOn = { obj: p.obj, off: p.off };
    yield SLEEP;
  }
}

const delayed = new WeakMap<Kernel, Array<{ p: PtrV; at: number; cpu: number; pending: boolean }>>();
function delayedPending(k: Kernel, p: PtrV): boolean {
  return (delayed.get(k) ?? []).some((d) => d.pending && d.p.obj === p.obj && d.p.off === p.off);
}

function* queueDelayed(c: CallCtx, cpu: number, wi: number, di: number): Gen<Value> {
  const k = c.I.k;
  const p = yield* evPtr(c, wi);
  const delay = yield* evNum(c, di);
  if (delay <= 0) return yield* queueWorkOn(c, cpu, wi);
  const ws = workState(p);
  if (!ws || ws.pending || delayedPending(k, p)) return boolOf(false);
  let list = delayed.get(k);
  if (!list) delayed.set(k, (list = []));
  const item = { p, at: k.jiffies + delay, cpu, pending: true };
  list.push(item);
  // A kernel thread of the simulation stands in for the timer: it sleeps, then queues the work.
  const I = c.I;
  const t = createTask(k, `timer/${cpu}`, 'kthread', cpu, kthreadBottom());
  t.gen = (function* (): Gen<Value> {
    t.state = 'sleeping';
    t.wakeAt = item.at;
    yield SLEEP;
    if (!item.pending) return VOIDV;
    item.pending = false;
    ws.pending = true;
    const w = kworkerFor(I, cpu);
    w.workQueue!.push({ fn: ws.fn, arg: p, work: p.obj!, off: p.off });
    if (w.state === 'sleeping') w.state = 'runnable';
    return VOIDV;
  })();
  t.kind = 'idle';
  return boolOf(true);
}

function* cancelDelayed(c: CallCtx): Gen<Value> {
  const k = c.I.k;
  const p = yield* evPtr(c, 0);
  let was = false;
  for (const d of delayed.get(k) ?? []) {
    if (d.pending && d.p.obj === p.obj && d.p.off === p.off) {
      d.pending = false;
      was = true;
    }
  }
  const ws = workState(p);
  if (ws?.pending) {
    for (const w of k.kworkers.values()) w.workQueue = w.workQueue?.filter((it) => !(it.work === p.obj && it.off === p.off));
    ws.pending = false;
    was = true;
  }
  return boolOf(was);
}

function* delTimer(c: CallCtx): Gen<Value> {
  const p = yield* evPtr(c, 0);
  const k = c.I.k;
  if (p.obj && (c.name === 'del_timer_sync' || c.name === 'timer_delete_sync')) {
    // timer_delete_sync() waits for a running callback: lockdep is shown the timer's map taken
    // with IRQs off, so "delete under a lock the callback takes" is found.
    const flags = irqSave(k, 'timer_delete_sync');
    const m = timerLockMap(k, timerMapName(p));
    acquireEvent(k, m, { api: c.name, read: 0, frame: '__timer_delete_sync' });
    releaseEvent(k, m, c.name);
    yield* irqRestore(k, flags, 'timer_delete_sync');
  }
  const tm = k.timers.find((x) => x.obj === p.obj && x.off === p.off);
  const was = tm?.pending ?? false;
  if (tm) tm.pending = false;
  return intOf(was ? 1 : 0);
}

function* tasklet(c: CallCtx): Gen<Value> {
  const p = yield* evPtr(c, 0);
  if (!p.obj) return VOIDV;
  const t = c.I.builtinTypes.get('struct tasklet_struct')!;
  const fn = p.obj.cells.get(p.off + findField(t, 'func')!.off);
  if (!fn || fn.k !== 'f') return VOIDV;
  const old = p.obj.cells.get(p.off + findField(t, 'use_callback')!.off);
  const arg: Value = old && toBig(old) === 2n ? (p.obj.cells.get(p.off + findField(t, 'data')!.off) ?? mkInt(ULONG, 0n)) : p;
  const cpu = c.I.k.cur.cpu;
  if (cpu.pendingSoftirq.some((x) => x.kind === 'tasklet' && x.arg === p)) return VOIDV;
  cpu.pendingSoftirq.push({ kind: 'tasklet', fn, arg, name: 'tasklet' });
  return VOIDV;
}
