/**
 * The scheduler: which task runs next, and virtual time. The default policy is
 * deterministic and sequential — a task runs until it finishes or sleeps, then
 * the next runnable task in creation order — which is all lockdep needs. The
 * policy is a plain object so an interleaving explorer can replace it.
 */
import { emit, hardirq, KillTask, listening, ctxNow, printk, StopRun, taskStartIrqtrace, type Kernel } from './kernel.ts';
import { flat, runFlat, stackOf, synthFrames, type Gen, type Task } from './state.ts';
import { callTraceLines } from '../events/format.ts';

export interface SchedPolicy {
  /** The next task to run after `last` (null at start), or null when none is runnable. */
  pick(k: Kernel, last: Task | null): Task | null;
}

export const sequentialPolicy: SchedPolicy = {
  pick(k, last) {
    const n = k.tasks.length;
    if (n === 0) return null;
    const start = last ? (last.seq + 1) % n : 0;
    for (let i = 0; i < n; i++) {
      const t = k.tasks[(start + i) % n]!;
      if (t.state === 'runnable' && !t.created && t.gen) return t;
    }
    return null;
  },
};

export interface SchedHooks {
  /** A task's function returned (kthread exit / return to user space). */
  onTaskEnd(t: Task): void;
  /** Called between task slices: budgets. */
  check(): void;
}

const flatGens = new WeakSet<object>();

/** Run until every task has finished or nothing can ever run again. */
export function runScheduler(k: Kernel, policy: SchedPolicy, hooks: SchedHooks): void {
  let last: Task | null = null;
  for (;;) {
    hooks.check();
    runPendingSoftirqs(k);
    const t = policy.pick(k, last);
    if (!t) {
      if (advanceTime(k)) continue;
      reportStuck(k);
      return;
    }
    last = t;
    const cpu = k.cpus[t.cpu]!;
    cpu.curr = t;
    k.cur = t.exec;
    let done = false;
    try {
      // A task's generator runs under flat(): its simulated calls live on an explicit stack.
      if (!flatGens.has(t.gen!)) {
        t.gen = flat(t.gen!) as Gen;
        flatGens.add(t.gen);
        taskStartIrqtrace(k);
      }
      const r = t.gen!.next();
      done = r.done === true;
    } catch (e) {
      if (e instanceof KillTask) {
        t.state = 'dead';
        printk(k, 1, `note: ${t.comm}[${t.pid}] exited with preempt_count ${t.preempt}`);
        continue;
      }
      throw e;
    } finally {
      k.cur = t.exec;
    }
    if (done) {
      t.state = 'dead';
      hooks.onTaskEnd(t);
      cpu.curr = cpu.idle;
    } else if (t.state !== 'runnable') {
      // The task sleeps: its CPU goes idle, and interrupts there now hit swapper/N.
      cpu.curr = cpu.idle;
    }
  }
}

/** Softirqs raised outside interrupts (tasklet_schedule from a task): served on the next tick's irq exit. */
function runPendingSoftirqs(k: Kernel): void {
  for (const cpu of k.cpus) {
    if (cpu.pendingSoftirq.length === 0 || !cpu.irqsOn) continue;
    tick(k, cpu.id);
  }
}

function tick(k: Kernel, cpuId: number): void {
  const cpu = k.cpus[cpuId]!;
  const saved = k.cur;
  k.cur = cpu.curr.exec;
  try {
    const g = hardirq(k, cpu, synthFrames('sysvec_apic_timer_interrupt', 'asm_sysvec_apic_timer_interrupt'), 'asm_sysvec_apic_timer_interrupt', false, function* () {
      return undefined;
    });
    // Interrupt paths never sleep, so the generator completes without yielding a sleep.
    runFlat(g, () => {
      /* a sleep attempt inside an interrupt was already reported */
    });
  } finally {
    k.cur = saved;
  }
}

/** Nothing runnable: jump virtual time to the next timer or wake-up. */
function advanceTime(k: Kernel): boolean {
  let next = Infinity;
  for (const t of k.tasks) if (t.state === 'sleeping' && t.wakeAt !== undefined) next = Math.min(next, t.wakeAt);
  for (const tm of k.timers) if (tm.pending) next = Math.min(next, tm.expires);
  if (next === Infinity) return false;
  k.jiffies = Math.max(k.jiffies, next);
  for (const t of k.tasks) {
    if (t.state === 'sleeping' && t.wakeAt !== undefined && t.wakeAt <= k.jiffies) {
      t.state = 'runnable';
      t.wakeAt = undefined;
    }
  }
  const due = k.timers.filter((tm) => tm.pending && tm.expires <= k.jiffies);
  for (const tm of due) {
    tm.pending = false;
    k.cpus[tm.cpu]!.pendingSoftirq.push({ kind: 'timer', fn: tm.fn, arg: { k: 'p', t: { k: 'ptr', to: tm.obj.t }, obj: tm.obj, off: tm.off }, name: 'timer', around: tm.around });
  }
  return true;
}

/** Tasks left blocked forever: the hung-task detector's message, then the run ends. */
function reportStuck(k: Kernel): void {
  const stuck = k.tasks.filter((t) => t.state === 'blocked');
  if (stuck.length === 0) return;
  for (const t of stuck) {
    const saved = k.cur;
    k.cur = t.exec;
    if ((t as Task & { spinning?: boolean }).spinning) {
      printk(k, 0, `watchdog: BUG: soft lockup - CPU#${t.cpu} stuck for 22s! [${t.comm}:${t.pid}]`);
    } else {
      printk(k, 3, `INFO: task ${t.comm}:${t.pid} blocked for more than 122 seconds.`);
      printk(k, 3, `      ${k.env.ident()}`);
      printk(k, 3, `"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.`);
      printk(k, 6, `task:${t.comm.padEnd(15)} state:D stack:0     pid:${t.pid}  ppid:2      flags:0x00004000`);
      const top = synthFrames('__schedule', 'schedule', 'schedule_preempt_disabled', '__mutex_lock');
      for (const l of callTraceLines({ ...ctxNow(k), stack: stackOf(t.exec, top) })) printk(k, 6, l);
    }
    k.cur = saved;
  }
  const names = stuck.map((t) => `${t.comm}/${t.pid}`).join(', ');
  const f = stuck[0]!.exec.frames[stuck[0]!.exec.frames.length - 1];
  throw new StopRun('deadlock', `deadlock: ${names} wait${stuck.length === 1 ? 's' : ''} forever for a lock no running task will release`, f?.fn, f?.pos);
}

export function taskEndEvent(k: Kernel, t: Task): void {
  if (!listening(k)) return;
  const saved = k.cur;
  k.cur = t.exec;
  emit(k, { kind: t.kind === 'main' ? 'return_to_user' : 'task_exit', ctx: ctxNow(k) });
  k.cur = saved;
}
