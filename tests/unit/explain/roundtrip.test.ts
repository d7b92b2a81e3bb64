/**
 * Round trip: reports printed by the project's own lockdep model
 * (src/lockdep, createLockdep) decode back to the same kind, the same locks
 * and, for circular reports, the same chain. The events are hand-made, as
 * the kernel simulator would emit them. Also the seed splats of the course.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventContext, Frame, KernelEnv, KernelEvent, LockdepConfig, LockdepMap, LockType, Report, TaskRef, WaitType } from '../../../src/events/types.ts';
import { callTraceLines, taskName } from '../../../src/events/format.ts';
import { createLockdep } from '../../../src/lockdep/index.ts';
import { decodeLog } from '../../../src/explain/index.ts';

// ---------------------------------------------------------------------------
// A tiny event builder

const CONFIG: LockdepConfig = { proveRawLockNesting: true, preemptRt: false, forceReadLockRecursive: false, keepGoing: false };

const ENV: KernelEnv = {
  ident: () => '6.18.0-lab #1 Not tainted',
  dumpStack: (ctx) => [`CPU: ${ctx.cpu} UID: 0 PID: ${ctx.task.pid} Comm: ${ctx.task.comm} Not tainted 6.18.0-lab #1`, 'Hardware name: Lockdep Lab simulated machine', ...callTraceLines(ctx)],
};

function frame(fn: string): Frame {
  return { fn, offset: 0x10, size: 0x80 };
}

interface CtxOpts {
  cpu?: number;
  task?: TaskRef;
  stack?: string[];
  hardirq?: boolean;
  irqsOn?: boolean;
}

function ctx(o: CtxOpts = {}): EventContext {
  return {
    cpu: o.cpu ?? 0,
    task: o.task ?? { pid: 100, comm: 'worker' },
    stack: (o.stack ?? ['lab_fn', 'lab_entry']).map(frame),
    hardirqCount: o.hardirq ? 1 : 0,
    softirqCount: 0,
    preemptCount: 0,
    nmi: false,
    hardirqsEnabled: o.irqsOn ?? true,
    softirqsEnabled: true,
  };
}

let nextId = 1;
function lock(name: string, key = `static:${name}`, lockType: LockType = 'spinlock_t', wait: WaitType = 'CONFIG'): LockdepMap {
  const id = nextId++;
  return { id, addr: 0xffff888100000000n + BigInt(id * 0x40), key, name, lockType, waitInner: wait, waitOuter: 'INV' };
}

const acq = (c: EventContext, l: LockdepMap, api = 'spin_lock'): KernelEvent => ({ kind: 'acquire', ctx: c, lock: l, subclass: 0, read: 0, trylock: false, check: true, api });
const rel = (c: EventContext, l: LockdepMap, api = 'spin_unlock'): KernelEvent => ({ kind: 'release', ctx: c, lock: l, api });

function run(events: KernelEvent[]): Report[] {
  const reports: Report[] = [];
  const lockdep = createLockdep({ config: CONFIG, env: ENV, log: { printk: () => {}, report: (r) => reports.push(r) } });
  for (const e of events) lockdep.event(e);
  return reports;
}

/** Decode the model's report as dmesg would show it (with timestamps, to make it realistic). */
function decodePrinted(r: Report) {
  const text = r.lines.map((l, i) => `[   12.${String(345678 + i).padStart(6, '0')}] ${l}`).join('\n');
  return decodeLog(text);
}

function expectRoundTrip(r: Report) {
  const d = decodePrinted(r);
  expect(d.reports.map((x) => x.kind)).toEqual([r.kind]);
  const back = d.reports[0];
  expect(back.header).toBe(r.header);
  for (const l of r.locks) expect(back.lockNames).toContain(l.name);
  // Every line the model printed is understood.
  const unplaced = d.lines.filter((l) => !l.placed && l.body !== '').map((l) => l.body);
  expect(unplaced).toEqual([]);
  return back;
}

// ---------------------------------------------------------------------------

describe('reports of the lockdep model decode back', () => {
  it('circular, two locks (ABBA)', () => {
    const a = lock('lock_a');
    const b = lock('lock_b');
    const t1 = ctx({ task: { pid: 10, comm: 'one' }, stack: ['path_ab', 'entry'] });
    const t2 = ctx({ task: { pid: 20, comm: 'two' }, stack: ['path_ba', 'entry'], cpu: 1 });
    const reports = run([acq(t1, a), acq(t1, b), rel(t1, b), rel(t1, a), acq(t2, b), acq(t2, a)]);
    expect(reports).toHaveLength(1);
    const back = expectRoundTrip(reports[0]);
    expect(back.chain?.nodes.map((n) => n.name)).toEqual(reports[0].chain);
    expect(back.task).toMatchObject({ comm: 'two', pid: 20 });
    expect(back.locks.find((l) => l.role === 'acquiring')?.name).toBe('lock_a');
    expect(back.locks.find((l) => l.role === 'holding')?.name).toBe('lock_b');
    expect(back.scenario?.lanes.map((l) => l.steps.length)).toEqual([2, 2]);
    expect(back.truncated).toBe(false);
  });

  it('circular, three locks round a cycle', () => {
    const [a, b, c] = [lock('A'), lock('B'), lock('C')];
    const t = ctx();
    const reports = run([acq(t, a), acq(t, b), rel(t, b), rel(t, a), acq(t, b), acq(t, c), rel(t, c), rel(t, b), acq(t, c), acq(t, a)]);
    expect(reports).toHaveLength(1);
    const back = expectRoundTrip(reports[0]);
    expect(back.chain?.nodes.map((n) => n.name)).toEqual(reports[0].chain);
    expect(back.chain?.nodes).toHaveLength(3);
    expect(back.chain?.edges.filter((e) => e.isNew)).toHaveLength(1);
  });

  it('recursive locking of one class', () => {
    const x1 = lock('&obj->lock', 'site:lab.c:10:3');
    const x2 = { ...lock('&obj->lock', 'site:lab.c:10:3') };
    const t = ctx();
    const reports = run([acq(t, x1), acq(t, x2)]);
    expect(reports.map((r) => r.kind)).toEqual(['recursive']);
    const back = expectRoundTrip(reports[0]);
    expect(back.chain?.edges).toEqual([{ from: '&obj->lock', to: '&obj->lock', isNew: true }]);
  });

  it('inconsistent lock state: irq-unsafe use, then taken in a hard interrupt', () => {
    // A raw spinlock: a spinlock_t in a non-threaded hard irq would first be an invalid wait context.
    const k = lock('&k->k_lock', 'site:klist.c:1:1', 'raw_spinlock_t', 'SPIN');
    const proc = ctx({ task: { pid: 1006, comm: 'rngd' } });
    const irq = ctx({ task: { pid: 1006, comm: 'rngd' }, hardirq: true, irqsOn: false, stack: ['dmar_fault', 'handle_irq'] });
    const reports = run([
      acq(proc, k),
      rel(proc, k),
      { kind: 'hardirqs_off', ctx: { ...irq, hardirqCount: 0 }, api: 'irqentry_enter' },
      { kind: 'hardirq_enter', ctx: irq },
      acq(irq, k, 'spin_lock_irqsave'),
    ]);
    expect(reports.map((r) => r.kind)).toEqual(['inconsistent']);
    const back = expectRoundTrip(reports[0]);
    expect(back.summary).toBe('inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.');
    expect(back.task?.context?.hardirqContext).toBe(1);
    expect(back.scenario?.lanes[0].steps.some((s) => s.op === 'interrupt')).toBe(true);
    expect(back.locks[0].waitType?.raw).toBe('2:2');
  });

  it('invalid wait context: spinlock_t in a hard interrupt with raw-lock nesting checks', () => {
    const s = lock('&dev->lock', 'site:dev.c:1:1');
    const irq = ctx({ hardirq: true, irqsOn: false, stack: ['dev_irq', 'handle_irq'] });
    const reports = run([{ kind: 'hardirqs_off', ctx: { ...irq, hardirqCount: 0 }, api: 'irqentry_enter' }, { kind: 'hardirq_enter', ctx: irq }, acq(irq, s)]);
    expect(reports.map((r) => r.kind)).toEqual(['invalid-wait-context']);
    const back = expectRoundTrip(reports[0]);
    expect(back.waitContext?.raw).toBe('2:2');
    expect(back.locks[0]).toMatchObject({ name: '&dev->lock', role: 'acquiring' });
    expect(back.locks[0].waitType?.withNesting.inner).toBe('CONFIG');
  });

  it('irq-safe -> irq-unsafe lock order, with the dependency paths', () => {
    const safe = lock('safe_lock', 'static:safe_lock', 'raw_spinlock_t', 'SPIN');
    const unsafe = lock('unsafe_lock', 'static:unsafe_lock', 'raw_spinlock_t', 'SPIN');
    const irq = ctx({ hardirq: true, irqsOn: false, stack: ['timer_irq', 'handle_irq'] });
    const off = ctx({ irqsOn: false, stack: ['both_fn', 'entry'] });
    const on = ctx({ stack: ['unsafe_fn', 'entry'] });
    const reports = run([
      { kind: 'hardirqs_off', ctx: { ...irq, hardirqCount: 0 }, api: 'irqentry_enter' },
      { kind: 'hardirq_enter', ctx: irq },
      acq(irq, safe),
      rel(irq, safe),
      { kind: 'hardirq_exit', ctx: { ...irq, hardirqCount: 0 } },
      { kind: 'hardirqs_on', ctx: on, api: 'irqentry_exit' },
      acq(on, unsafe),
      rel(on, unsafe),
      { kind: 'hardirqs_off', ctx: off, api: 'local_irq_disable' },
      acq(off, safe),
      acq(off, unsafe),
    ]);
    expect(reports.map((r) => r.kind)).toEqual(['irq-safe-unsafe']);
    const back = expectRoundTrip(reports[0]);
    expect(back.irqState).toBe('HARDIRQ');
    expect(back.chain?.edges.find((e) => e.isNew)).toMatchObject({ from: 'safe_lock', to: 'unsafe_lock' });
    expect(back.locks.find((l) => l.role === 'safe')?.name).toBe('safe_lock');
    expect(back.locks.find((l) => l.role === 'unsafe')?.name).toBe('unsafe_lock');
    expect(back.scenario?.lanes).toHaveLength(2);
  });

  it('irq lock inversion: a lock becomes irq-safe after an order to an irq-unsafe lock exists', () => {
    const a = lock('lock_a', 'static:lock_a', 'raw_spinlock_t', 'SPIN');
    const b = lock('lock_b', 'static:lock_b', 'raw_spinlock_t', 'SPIN');
    const off = ctx({ irqsOn: false, stack: ['ab_fn', 'entry'] });
    const on = ctx({ stack: ['b_fn', 'entry'] });
    const irq = ctx({ hardirq: true, irqsOn: false, stack: ['a_irq', 'handle_irq'] });
    const reports = run([
      { kind: 'hardirqs_off', ctx: off, api: 'local_irq_disable' },
      acq(off, a),
      acq(off, b),
      rel(off, b),
      rel(off, a),
      { kind: 'hardirqs_on', ctx: on, api: 'local_irq_enable' },
      acq(on, b),
      rel(on, b),
      { kind: 'hardirqs_off', ctx: { ...irq, hardirqCount: 0 }, api: 'irqentry_enter' },
      { kind: 'hardirq_enter', ctx: irq },
      acq(irq, a),
    ]);
    expect(reports.map((r) => r.kind)).toEqual(['irq-inversion']);
    const back = expectRoundTrip(reports[0]);
    expect(back.locks.find((l) => l.role === 'acquiring')?.name).toBe('lock_a');
    expect(back.chain?.edges).toEqual([{ from: 'lock_a', to: 'lock_b' }]);
  });

  it('bad unlock balance', () => {
    const a = lock('lonely');
    const reports = run([rel(ctx(), a)]);
    expect(reports.map((r) => r.kind)).toEqual(['bad-unlock-balance']);
    const back = expectRoundTrip(reports[0]);
    expect(back.locks[0]).toMatchObject({ name: 'lonely', role: 'released' });
  });

  it('lock held when returning to user space', () => {
    const m = lock('&dev->mutex', 'site:drv.c:3:1', 'mutex', 'SLEEP');
    const t = ctx();
    const reports = run([acq(t, m, 'mutex_lock'), { kind: 'return_to_user', ctx: t }]);
    expect(reports.map((r) => r.kind)).toEqual(['lock-held-returning-to-user']);
    const back = expectRoundTrip(reports[0]);
    expect(back.heldLocks?.locks.map((i) => back.locks[i].name)).toEqual(['&dev->mutex']);
    expect(back.locks[0].waitType?.raw).toBe('4:4');
  });

  it('held lock freed', () => {
    const a = lock('&obj->lock', 'site:obj.c:5:1');
    const t = ctx();
    const reports = run([acq(t, a), { kind: 'free', ctx: t, lo: a.addr - 0x10n, hi: a.addr + 0x40n }]);
    expect(reports.map((r) => r.kind)).toEqual(['held-lock-freed']);
    const back = expectRoundTrip(reports[0]);
    expect(back.locks[0]).toMatchObject({ name: '&obj->lock', role: 'freed' });
  });

  it(`task name formatting is what the decoder expects (${taskName({ pid: 5, comm: 'swapper/5' })})`, () => {
    // swapper/5/0: the comm itself contains a slash.
    const a = lock('x');
    const reports = run([rel(ctx({ task: { pid: 0, comm: 'swapper/5' } }), a)]);
    const back = expectRoundTrip(reports[0]);
    expect(back.task).toMatchObject({ comm: 'swapper/5', pid: 0 });
  });
});

describe('seed splats of the course', () => {
  it('seed 001 (klist, inconsistent) decodes to the lesson facts', () => {
    const text = readFileSync(join(import.meta.dirname, '../../fixtures/splats/07-inconsistent-klist-5.20-seed.txt'), 'utf8');
    const r = decodeLog(text).reports[0];
    expect(r.kind).toBe('inconsistent');
    expect(r.lockNames).toEqual(['&k->k_lock']);
    expect(r.locks[0].usage?.raw).toBe('?.+.');
    expect(r.task?.context?.raw).toBe('[HC1[1]:SC0[0]:HE0:SE1]');
    expect(r.lesson).toBe('/lessons/foundations/irq-contexts/');
  });

  it('the mail text around seed 001 is not mistaken for a report', () => {
    const text = readFileSync(join(import.meta.dirname, '../../fixtures/splats/07-inconsistent-klist-5.20-seed.txt'), 'utf8');
    const prose = text.split('\n').slice(1, 37).join('\n');
    expect(prose).toContain('klist');
    expect(decodeLog(prose).reports).toEqual([]);
  });
});
