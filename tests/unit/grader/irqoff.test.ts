import { describe, expect, it } from 'vitest';
import type { EventContext, KernelEvent, LockdepMap } from '../../../src/events/types.ts';
import { irqOffObserver } from '../../../src/grader/irqoff.ts';

const ctx = (file: string, line: number, o: Partial<EventContext> = {}): EventContext => ({
  cpu: 0,
  task: { pid: 1, comm: 'reader' },
  stack: [{ fn: '_raw_spin_lock', offset: 0, size: 1, synthetic: true }, { fn: 'f', pos: { file, line, col: 2 }, offset: 0, size: 1 }],
  hardirqCount: 0,
  softirqCount: 0,
  preemptCount: 1,
  nmi: false,
  hardirqsEnabled: true,
  softirqsEnabled: true,
  ...o,
});
const ring: LockdepMap = { id: 1, addr: 0n, key: 'site:r', name: '&ring->lock', lockType: 'spinlock_t', waitInner: 'CONFIG', waitOuter: 'INV' };
const acq = (api: string, c: EventContext): KernelEvent => ({ kind: 'acquire', ctx: c, lock: ring, subclass: 0, read: 0, trylock: false, check: true, api });

describe('irqs-off-needed observer', () => {
  it("flags the learner's _irq acquisition and a hand-made local_irq_disable() one, not the harness's softirq", () => {
    const o = irqOffObserver('&ring->lock', new Set(['rx.c']));
    o.event(acq('spin_lock', ctx('rx.c', 28, { hardirqsEnabled: false, softirqCount: 2 }))); // self-test softirq
    o.event(acq('spin_lock_irq', ctx('rx.c', 39, { hardirqsEnabled: false })));
    o.event(acq('spin_lock', ctx('rx.c', 50, { hardirqsEnabled: false })));
    o.event(acq('spin_lock_irq', ctx('harness.c', 5, { hardirqsEnabled: false })));
    o.event(acq('spin_lock_bh', ctx('rx.c', 60, { softirqCount: 2 })));
    expect(o.findings().map((f) => [f.pos.line, f.api])).toEqual([
      [39, 'spin_lock_irq'],
      [50, 'spin_lock'],
    ]);
  });

  it('accepts IRQs off when a hard interrupt handler takes the lock in the run', () => {
    const o = irqOffObserver('&ring->lock', new Set(['rx.c']));
    o.event(acq('spin_lock_irqsave', ctx('rx.c', 39, { hardirqsEnabled: false })));
    o.event(acq('spin_lock', ctx('rx.c', 28, { hardirqsEnabled: false, hardirqCount: 1 })));
    expect(o.findings()).toEqual([]);
  });
});
