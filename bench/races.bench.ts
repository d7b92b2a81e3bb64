/**
 * Overhead of the race check per event.
 *
 * Builds a course-sized event stream once (8 CPUs: vCPU-like tasks that
 * lock, walk and edit lists, touch shared and private fields, take IRQs and
 * softirqs, use RCU), then feeds it to (a) an observer that does nothing and
 * (b) the race checker, and prints events/s for both and the cost per event.
 *
 * Run: npx node bench/races.bench.ts [events]
 */
import type { EventObserver, KernelEvent, KernelLog, Report } from '../src/events/types.ts';
import { createRaceChecker } from '../src/races/index.ts';
import { testEnv, world, type Obj } from '../tests/unit/races/dsl.ts';

function buildStream(target: number, racy: boolean): KernelEvent[] {
  const w = world({ withChecker: false });
  const F = 'bench.c';
  const cpus = 8;
  const tasks = Array.from({ length: cpus }, (_, i) => w.task(1000 + i, `CPU ${i}/KVM`, i));
  const apLocks = tasks.map(() => w.lock('&vgic_cpu->ap_list_lock'));
  const heads = tasks.map((_, i) => w.obj(`&vgic_cpu${i}->ap_list_head`));
  const irqs: Obj[][] = tasks.map((_, i) => Array.from({ length: 16 }, (_, j) => w.obj(`vgic_irq(${i * 16 + j})`)));
  const own = tasks.map((_, i) => w.obj(`vcpu${i}`));
  const pcpu = tasks.map((_, i) => w.obj(`per_cpu(stats, ${i})`));
  const shared = w.obj('kvm->arch.vgic');
  const kvmLock = w.lock('&kvm->lock', 'mutex');
  const routeLock = w.lock('&tbl->lock', 'spinlock_t');
  const routes = w.obj('&tbl->routes');
  const route = w.obj('route');
  let round = 0;
  while (w.events.length < target) {
    for (let i = 0; i < cpus; i++) {
      const t = tasks[i];
      const peer = (i + 1) % cpus;
      t.call('vgic_queue_irq_unlock', F, 10, () => {
        t.spinLockIrqsave(apLocks[peer]);
        const e = irqs[peer][round % 16];
        t.list('list_add_tail', heads[peer], e);
        t.write(e, 'pending_latch');
        t.spinUnlockIrqrestore(apLocks[peer]);
      });
      t.call('vgic_flush_lr_state', F, 20, () => {
        t.spinLockIrqsave(apLocks[i]);
        t.walk(heads[i], irqs[i].slice(0, 8));
        t.spinUnlockIrqrestore(apLocks[i]);
      });
      // The racy stream folds without ap_list_lock, as the thread's original code did.
      if (racy) t.call('vgic_v3_fold_lr_state', F, 25, () => (t.irqOff(), t.walk(heads[i], irqs[i].slice(8, 12)), t.irqOn()));
      t.call('vgic_prune_ap_list', F, 30, () => {
        t.spinLockIrqsave(apLocks[i]);
        t.list('list_del', heads[i], irqs[i][(round + 3) % 16]);
        t.spinUnlockIrqrestore(apLocks[i]);
      });
      t.call('kvm_arch_vcpu_ioctl_run', F, 40, () => {
        for (let k = 0; k < 4; k++) (t.write(own[i], 'arch.pc'), t.read(own[i], 'arch.regs'));
        t.irqOff();
        t.write(pcpu[i], 'exits');
        t.irqOn();
      });
      t.hardirq('vgic_maintenance_handler', F, 50, (h) => h.read(pcpu[i], 'exits'));
      t.call('kvm_vm_ioctl', F, 60, () => (t.spinLock(kvmLock), t.write(shared, 'nr_lpis'), t.spinUnlock(kvmLock)));
      t.call('route_lookup', F, 70, () => (t.rcuReadLock(), t.list('list_iter_rcu', routes, route), t.rcuReadUnlock()));
      if (i === 0) t.call('route_update', F, 80, () => (t.spinLock(routeLock), t.list('list_add_rcu', routes, route), t.spinUnlock(routeLock)));
    }
    round++;
  }
  return w.events;
}

function time(events: KernelEvent[], make: () => EventObserver): number {
  const start = performance.now();
  const o = make();
  for (const e of events) o.event(e);
  return performance.now() - start;
}

const target = Number(process.argv[2] ?? 200_000);
const reports: Report[] = [];
const log: KernelLog = { printk: () => {}, report: (r) => reports.push(r) };
let sink = 0;
const noop = (): EventObserver => ({ event: (e) => void (sink += e.kind.length) });
const checker = () => createRaceChecker({ env: testEnv, log });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const racy of [false, true]) {
  const events = buildStream(target, racy);
  reports.length = 0;
  // Warm up both paths so the JIT has settled before measuring.
  for (let i = 0; i < 3; i++) (time(events, noop), time(events, checker));
  const runs = 7;
  const base: number[] = [];
  const withRaces: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push(time(events, noop));
    withRaces.push(time(events, checker));
  }
  const rate = (ms: number) => Math.round(events.length / (ms / 1000)).toLocaleString('en');
  const kinds = new Map<string, number>();
  for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  console.log(`races bench, ${racy ? 'racy stream (unlocked fold walks)' : 'race-free stream'}: ${events.length} events (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  // The minimum is the least disturbed run on a shared machine; the median shows the spread.
  for (const [name, xs] of [['without checker', base], ['with checker', withRaces]] as const)
    console.log(`  ${name.padEnd(16)} min ${Math.min(...xs).toFixed(1)} ms (${rate(Math.min(...xs))} events/s), median ${median(xs).toFixed(1)} ms (${rate(median(xs))} events/s)`);
  const over = (a: number, b: number) => (((a - b) * 1e6) / events.length).toFixed(0);
  console.log(`  overhead:        ${over(Math.min(...withRaces), Math.min(...base))} ns/event (min), ${over(median(withRaces), median(base))} ns/event (median of ${runs} runs)`);
  console.log(`  reports raised per run: ${reports.length / (runs + 3)}${sink < 0 ? '' : ''}`);
}

// What one course run pays: exercises emit 10-700 events (the vgic ones 530-690
// with memory events on); a fresh checker per run, as runProgram makes it.
for (const racy of [false, true]) {
  const events = buildStream(700, racy);
  const runs = 1000;
  for (let i = 0; i < 200; i++) time(events, checker);
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    for (let j = 0; j < runs; j++) time(events, checker);
    ms.push((performance.now() - t0) / runs);
  }
  reports.length = 0;
  time(events, checker);
  console.log(
    `course-sized run (${events.length} events, ${racy ? `racy: ${reports.length} reports` : 'race-free'}, fresh checker each): ` +
      `min ${(Math.min(...ms) * 1000).toFixed(0)} us, median ${(median(ms) * 1000).toFixed(0)} us per run`,
  );
}
