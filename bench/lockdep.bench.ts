/**
 * Lockdep model throughput.
 *  (a) repeated acquisitions along cached chains (the hot path: no graph work,
 *      no allocation) — target >= 3M events/s;
 *  (b) new dependencies in a graph of 1,000+ classes: each new chain runs the
 *      circular and irq-safety searches; the per-check time must grow
 *      linearly with the graph, not quadratically.
 * Run: npx node bench/lockdep.bench.ts
 */
import type { EventContext, KernelEvent, KernelLog, LockdepMap, TaskRef } from '../src/events/types.ts';
import { createLockdep } from '../src/lockdep/index.ts';

const log: KernelLog = {
  printk() {},
  report(r) {
    throw new Error('unexpected report in benchmark: ' + r.header);
  },
};
const env = { ident: () => 'bench', dumpStack: () => [] };
const config = { proveRawLockNesting: true, preemptRt: false, forceReadLockRecursive: false, keepGoing: false };
const task: TaskRef = { pid: 1, comm: 'bench' };

function ctx(irqsOn: boolean): EventContext {
  return {
    cpu: 0,
    task,
    stack: [{ fn: 'bench_fn', offset: 0x10, size: 0x80, pos: { file: 'bench.c', line: 1, col: 1 } }],
    hardirqCount: 0,
    softirqCount: 0,
    preemptCount: 0,
    nmi: false,
    hardirqsEnabled: irqsOn,
    softirqsEnabled: true,
  };
}

let nextId = 1;
function lock(name: string): LockdepMap {
  const id = nextId++;
  return { id, addr: 0xffff888000000000n + BigInt(id) * 64n, key: `static:${name}`, name, lockType: 'spinlock_t', waitInner: 'CONFIG', waitOuter: 'INV' };
}

function acq(l: LockdepMap, c: EventContext): KernelEvent {
  return { kind: 'acquire', ctx: c, lock: l, subclass: 0, read: 0, trylock: false, check: true, api: 'spin_lock' };
}
function rel(l: LockdepMap, c: EventContext): KernelEvent {
  return { kind: 'release', ctx: c, lock: l, api: 'spin_unlock' };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

// (a) cached chains -----------------------------------------------------------
{
  const ld = createLockdep({ config, env, log });
  const c = ctx(true);
  const locks = ['A', 'B', 'C', 'D'].map(lock);
  const seq: KernelEvent[] = [];
  for (const l of locks) seq.push(acq(l, c));
  for (const l of [...locks].reverse()) seq.push(rel(l, c));
  const run = (iters: number) => {
    for (let i = 0; i < iters; i++) for (let j = 0; j < seq.length; j++) ld.event(seq[j]);
  };
  run(20_000); // warm-up: chains cached, JIT settled
  const iters = 500_000;
  const t0 = performance.now();
  run(iters);
  const ms = performance.now() - t0;
  const events = iters * seq.length;
  console.log(`(a) cached chains: ${fmt(events)} events in ${ms.toFixed(0)} ms = ${fmt((events / ms) * 1000)} events/s (target >= 3,000,000)`);
}

// (b) new dependencies in a growing graph ---------------------------------------
{
  console.log('(b) new dependencies: each check searches the whole graph (worst case: the new edge points at its root)');
  console.log('    classes   edges   entries visited/check   per-check (us, median of 3)   ns per visited entry   events/s');
  const ld = createLockdep({ config, env, log });
  const c = ctx(false);
  const base: LockdepMap[] = [];
  let built = 0;
  let edges = 0;
  let fresh = 0;
  for (const target of [1000, 2000, 4000, 8000]) {
    // Grow a layered DAG: each new class gets edges from two earlier classes.
    while (built < target) {
      const l = lock(`L${built}`);
      if (built > 0) {
        const p1 = base[built - 1];
        ld.event(acq(p1, c)), ld.event(acq(l, c)), ld.event(rel(l, c)), ld.event(rel(p1, c));
        edges++;
        if (built > 1) {
          const p2 = base[(built * 7919) % (built - 1)];
          ld.event(acq(p2, c)), ld.event(acq(l, c)), ld.event(rel(l, c)), ld.event(rel(p2, c));
          edges++;
        }
      }
      base.push(l);
      built++;
    }
    // Measure: new lock X -> L0, a fresh chain whose circular check walks every class reachable
    // from L0. Three rounds of 200 checks; the median round is printed (GC pauses are noise).
    const checks = 200;
    const rounds: number[] = [];
    let evCount = 0;
    const visits0 = ld.stats().bfsVisits;
    for (let round = 0; round < 3; round++) {
      const xs = Array.from({ length: checks }, () => lock(`X${fresh++}`));
      const evs: KernelEvent[] = [];
      for (const x of xs) evs.push(acq(x, c), acq(base[0], c), rel(base[0], c), rel(x, c));
      const t0 = performance.now();
      for (const e of evs) ld.event(e);
      rounds.push(performance.now() - t0);
      evCount = evs.length;
      edges += checks;
    }
    const ms = rounds.sort((x, y) => x - y)[1];
    const evs = { length: evCount };
    const perCheck = (ms * 1000) / checks;
    const visited = (ld.stats().bfsVisits - visits0) / (3 * checks);
    console.log(
      `    ${String(built).padStart(7)} ${String(edges).padStart(7)} ${visited.toFixed(0).padStart(23)} ${perCheck.toFixed(1).padStart(29)} ${((perCheck * 1000) / visited).toFixed(1).padStart(22)} ${fmt((evs.length / ms) * 1000).padStart(10)}`,
    );
  }
  if (ld.graph().classes.length < 8000) throw new Error('graph did not grow');
}
