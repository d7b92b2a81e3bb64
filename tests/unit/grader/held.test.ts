import { describe, expect, it } from 'vitest';
import type { EventContext, KernelEvent, LockdepMap } from '../../../src/events/types.ts';
import { heldAcrossObserver, oneSectionObserver } from '../../../src/grader/held.ts';

/** `fns`: the call chain, outermost first; the innermost one is at `line`. */
const ctx = (fns: string[], line: number, pid = 1): EventContext => ({
  cpu: 0,
  task: { pid, comm: 'vcpu0' },
  stack: [{ fn: '_raw_spin_unlock', offset: 0, size: 1, synthetic: true }, ...[...fns].reverse().map((fn, i) => ({ fn, pos: { file: 'v.c', line: i ? 1 : line, col: 2 }, offset: 0, size: 1 }))],
  hardirqCount: 0,
  softirqCount: 0,
  preemptCount: 1,
  nmi: false,
  hardirqsEnabled: false,
  softirqsEnabled: true,
});
const lock = (id: number, name = '&vgic_cpu->ap_list_lock'): LockdepMap => ({ id, addr: 0n, key: `site:${name}`, name, lockType: 'raw_spinlock_t', waitInner: 'SPIN', waitOuter: 'INV' });
const acq = (l: LockdepMap, fns: string[], line: number): KernelEvent => ({ kind: 'acquire', ctx: ctx(fns, line), lock: l, subclass: 0, read: 0, trylock: false, check: true, api: 'raw_spin_lock' });
const rel = (l: LockdepMap, fns: string[], line: number): KernelEvent => ({ kind: 'release', ctx: ctx(fns, line), lock: l, api: 'raw_spin_unlock' });

const FNS = ['vgic_fold_state', 'vgic_v3_fold_lr_state', 'vgic_v3_fold_lr'];

describe('held-across observer', () => {
  it('flags a lock taken by the caller and dropped inside a listed call, naming that call', () => {
    const o = heldAcrossObserver('&vgic_cpu->ap_list_lock', FNS);
    const ap = lock(1);
    o.event(acq(ap, ['sync', 'vgic_fold_state'], 10));
    o.event(rel(ap, ['sync', 'vgic_fold_state', 'vgic_v3_fold_lr_state', 'vgic_v3_fold_lr'], 28));
    o.event(acq(ap, ['sync', 'vgic_fold_state', 'vgic_v3_fold_lr_state', 'vgic_v3_fold_lr'], 30));
    o.event(rel(ap, ['sync', 'vgic_fold_state'], 12));
    expect(o.findings()).toEqual([{ pos: { file: 'v.c', line: 28, col: 2 }, fn: 'vgic_v3_fold_lr_state', releasedIn: 'vgic_v3_fold_lr' }]);
  });

  it('accepts a lock held across the whole call, a lock taken and dropped inside it, and other classes', () => {
    const o = heldAcrossObserver('&vgic_cpu->ap_list_lock/1', FNS);
    const ap = lock(1);
    const other = lock(2); // another vCPU's ap_list_lock, taken inside the fold
    o.event(acq(ap, ['sync', 'vgic_fold_state'], 10));
    o.event(acq(other, ['sync', 'vgic_fold_state', 'vgic_v3_fold_lr_state', 'queue'], 40));
    o.event(rel(other, ['sync', 'vgic_fold_state', 'vgic_v3_fold_lr_state', 'queue'], 41));
    const irq = lock(3, '&irq->irq_lock');
    o.event(acq(irq, ['sync'], 5));
    o.event(rel(irq, ['sync', 'vgic_fold_state', 'vgic_v3_fold_lr'], 6));
    o.event(rel(ap, ['sync', 'vgic_fold_state'], 12));
    expect(o.findings()).toEqual([]);
  });
});

describe('one-section observer', () => {
  const c = lock(7, '&c->lock');
  const head = { objId: 9, label: '&c->entries', addr: 0n };
  const list = (op: 'list_iter' | 'list_add_tail', fns: string[], line: number): KernelEvent => ({ kind: 'list', op, head, ctx: ctx(fns, line) });
  const lk = (fns: string[], line: number) => acq(c, fns, line);
  const ul = (fns: string[], line: number) => rel(c, fns, line);

  it('flags an insert in another critical section than the lookup that decided it', () => {
    const o = oneSectionObserver('&c->lock', 'cache_insert');
    o.event(lk(['filler', 'cache_insert', 'cache_lookup'], 29));
    o.event(list('list_iter', ['filler', 'cache_insert', 'cache_lookup'], 30));
    o.event(ul(['filler', 'cache_insert', 'cache_lookup'], 36));
    o.event(lk(['filler', 'cache_insert'], 56));
    o.event(list('list_add_tail', ['filler', 'cache_insert'], 57));
    o.event(ul(['filler', 'cache_insert'], 59));
    expect(o.findings()).toEqual([{ pos: { file: 'v.c', line: 57, col: 2 }, list: '&c->entries', walkPos: { file: 'v.c', line: 30, col: 2 } }]);
  });

  it('accepts lookup and insert under one hold, calls from other sites, and walks outside the function', () => {
    const o = oneSectionObserver('&c->lock', 'cache_insert');
    o.event(list('list_iter', ['dup', 'cache_lookup'], 30)); // a plain lookup: not in cache_insert
    o.event(lk(['filler', 'cache_insert'], 52));
    o.event(list('list_iter', ['filler', 'cache_insert', '__cache_lookup_locked'], 32));
    o.event(list('list_add_tail', ['filler', 'cache_insert'], 57));
    o.event(ul(['filler', 'cache_insert'], 59));
    o.event(lk(['filler', 'cache_insert'], 52));
    o.event(list('list_add_tail', ['filler', 'cache_insert'], 57)); // empty-list walk: nothing to compare
    o.event(ul(['filler', 'cache_insert'], 59));
    expect(o.findings()).toEqual([]);
  });
});
