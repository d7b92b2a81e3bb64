/**
 * RCU list rules and object/entry lifetimes.
 */
import { describe, expect, it } from 'vitest';
import { kinds, world, type Obj, type World } from './dsl.ts';

const F = 'net/lab/routes.c';

/** A route table: writers on CPUs 0 and 1, a reader on CPU 2. */
function routes(opts: {
  addOp?: 'list_add_rcu' | 'list_add';
  delOp?: 'list_del_rcu' | 'list_del';
  sameLock?: boolean;
  readerRcuLock?: boolean;
  readerIter?: 'list_iter_rcu' | 'list_iter';
}): World {
  const w = world();
  const l1 = w.lock('&tbl->lock', 'spinlock_t');
  const l2 = opts.sameLock === false ? w.lock('&tbl->lock', 'spinlock_t') : l1;
  const head = w.obj('&tbl->routes');
  const rs = [1, 2, 3].map((i) => w.obj(`route${i}`));
  const adder = w.task(10, 'route_add', 0);
  const remover = w.task(11, 'route_del', 1);
  const reader = w.task(12, 'ping', 2);
  adder.call('route_insert', F, 10, () => {
    for (const r of rs) (adder.spinLock(l1), adder.list(opts.addOp ?? 'list_add_rcu', head, r), adder.spinUnlock(l1));
  });
  const walk = (visit: Obj[]) =>
    reader.call('route_lookup', F, 30, () => {
      if (opts.readerRcuLock ?? true) reader.rcuReadLock();
      reader.walk(head, visit, (opts.readerIter ?? 'list_iter_rcu') === 'list_iter_rcu');
      if (opts.readerRcuLock ?? true) reader.rcuReadUnlock();
    });
  walk(rs);
  remover.call('route_remove', F, 20, () => (remover.spinLock(l2), remover.list(opts.delOp ?? 'list_del_rcu', head, rs[1]), remover.spinUnlock(l2)));
  walk([rs[0], rs[2]]);
  adder.call('route_insert', F, 10, () => (adder.spinLock(l1), adder.list(opts.addOp ?? 'list_add_rcu', head, rs[1]), adder.spinUnlock(l1)));
  walk(rs);
  return w;
}

describe('RCU-protected lists', () => {
  it('all writers _rcu under one lock, readers in rcu_read_lock() with _rcu iterators: no report', () => {
    expect(routes({}).reports).toEqual([]);
  });

  it('_rcu writers under different locks race with each other', () => {
    const w = routes({ sameLock: false });
    expect(w.reports.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in route_insert / route_remove']);
  });

  it('a non-RCU list_del() under the lock races with the RCU reader', () => {
    const w = routes({ delOp: 'list_del' });
    const races = w.reports.filter((r) => r.kind === 'kcsan-data-race');
    expect(races.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in route_lookup / route_remove']);
    expect(races[0].lines.join('\n')).toContain('list_del() is not RCU-safe');
    // ... and the writers mix primitives on a list read without their lock.
    const mix = w.reports.find((r) => r.kind === 'suspicious-rcu')!;
    expect(mix.lines).toContain(`${F}:20 RCU-list written with both list_add_rcu() and list_del()!!`);
  });

  it('an _rcu walk outside rcu_read_lock() and without a lock races with the writers', () => {
    const w = routes({ readerRcuLock: false });
    expect(w.reports.map((r) => r.header)).toContain('BUG: KCSAN: data-race in route_lookup / route_remove');
    // "RCU-list traversed in non-reader section!!" is the kernel's own __list_check_rcu() warning, not ours.
    expect(kinds(w)).not.toContain('suspicious-rcu');
  });

  it('a plain walk inside rcu_read_lock() is still a data race', () => {
    const w = routes({ readerIter: 'list_iter' });
    expect(w.reports.map((r) => r.header)).toContain('BUG: KCSAN: data-race in route_insert / route_lookup');
  });
});

describe('lifetimes', () => {
  function freeThenUse(o: { how: 'kfree' | 'kfree_rcu'; readerSection: 'before' | 'after' | 'none'; sameThread?: boolean }) {
    const w = world();
    const freer = w.task(10, 'route_del', 0);
    const user = o.sameThread ? freer : w.task(11, 'ping', 1);
    const r = w.obj('route');
    freer.alloc(r);
    if (o.readerSection === 'before') user.rcuReadLock();
    freer.call('route_free', F, 40, () => (o.how === 'kfree' ? freer.kfree(r) : freer.kfreeRcu(r)));
    if (o.readerSection === 'after') user.rcuReadLock();
    user.call('route_use', F, 50, () => user.read(r, 'gw'));
    if (o.readerSection !== 'none') user.rcuReadUnlock();
    return w;
  }

  it('kfree_rcu(): a reader already inside its read-side section may still use the object', () => {
    expect(freeThenUse({ how: 'kfree_rcu', readerSection: 'before' }).reports).toEqual([]);
  });

  it('kfree_rcu(): a section that began after it, or none at all, is a use-after-free', () => {
    for (const readerSection of ['after', 'none'] as const) {
      const w = freeThenUse({ how: 'kfree_rcu', readerSection });
      expect(kinds(w)).toEqual(['use-after-free']);
      expect(w.reports[0].header).toMatch(/^BUG: KASAN: slab-use-after-free in route_use\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
      expect(w.reports[0].lines).toContain('Freed by task 10:');
    }
  });

  it("kfree(): the access hits freed memory, which the kernel's KASAN reports; the race check adds nothing", () => {
    expect(freeThenUse({ how: 'kfree', readerSection: 'before' }).reports).toEqual([]);
  });

  it('kfree_rcu() after its grace period: freed memory too, so no second report', () => {
    const w = world();
    const freer = w.task(10, 'route_del', 0);
    const user = w.task(11, 'ping', 1);
    const r = w.obj('route');
    freer.alloc(r);
    freer.call('route_free', F, 40, () => freer.kfreeRcu(r));
    freer.gracePeriod(r);
    user.call('route_use', F, 50, () => user.read(r, 'gw'));
    expect(w.reports).toEqual([]);
  });

  it("the freeing thread's own later use is left to the kernel's allocator check", () => {
    expect(freeThenUse({ how: 'kfree', readerSection: 'none', sameThread: true }).reports).toEqual([]);
  });

  it('a new allocation of the object starts a fresh life', () => {
    const w = world();
    const a = w.task(10, 'a', 0);
    const b = w.task(11, 'b', 1);
    const r = w.obj('route');
    a.alloc(r);
    a.kfree(r);
    b.alloc(r);
    b.call('route_use', F, 50, () => b.read(r, 'gw'));
    expect(w.reports).toEqual([]);
  });

  it('list_del_rcu(): readers already inside may step over the removed entry, later ones may not', () => {
    const run = (readerSection: 'before' | 'after') => {
      const w = world();
      const lock = w.lock('&tbl->lock', 'spinlock_t');
      const head = w.obj('&tbl->routes');
      const r = w.obj('route');
      const writer = w.task(10, 'route_del', 0);
      const reader = w.task(11, 'ping', 1);
      writer.call('route_insert', F, 10, () => (writer.spinLock(lock), writer.list('list_add_rcu', head, r), writer.spinUnlock(lock)));
      if (readerSection === 'before') reader.rcuReadLock();
      writer.call('route_remove', F, 20, () => (writer.spinLock(lock), writer.list('list_del_rcu', head, r), writer.spinUnlock(lock)));
      if (readerSection === 'after') reader.rcuReadLock();
      reader.call('route_lookup', F, 30, () => reader.walk(head, [r], true));
      reader.rcuReadUnlock();
      return w;
    };
    expect(run('before').reports).toEqual([]);
    const w = run('after');
    expect(kinds(w)).toEqual(['list-corruption']);
    expect(w.reports[0].lines[1]).toContain('still points into the list, but the entry is no longer on it');
  });

  it('list_empty() on an entry another thread list_del_init()ed is fine; following a list_del()ed one is not', () => {
    const run = (op: 'list_del_init' | 'list_del') => {
      const w = world();
      const lock = w.lock('&q->lock', 'spinlock_t');
      const head = w.obj('&q->pending');
      const req = w.obj('req');
      const a = w.task(10, 'submit', 0);
      const b = w.task(11, 'complete', 1);
      a.call('queue_req', F, 10, () => (a.spinLock(lock), a.list('list_add_tail', head, req), a.spinUnlock(lock)));
      b.call('dequeue_req', F, 20, () => (b.spinLock(lock), b.list(op, head, req), b.spinUnlock(lock)));
      a.call('req_pending', F, 30, () => (a.spinLock(lock), a.read(req, 'node.next'), a.spinUnlock(lock)));
      return w;
    };
    expect(run('list_del_init').reports).toEqual([]);
    const w = run('list_del');
    expect(kinds(w)).toEqual(['list-corruption']);
    expect(w.reports[0].lines[1]).toMatch(/->next is LIST_POISON1 \(dead000000000100\)$/);
  });
});

describe('the reason line on a plain walk', () => {
  /** main initialises the list; a writer adds without the lock; a reader walks with the plain iterator. */
  function plainWalk(reader: 'spin_lock' | 'spin_lock_irqsave' | 'irqs_off' | 'rcu_read_lock' | 'lock_and_rcu'): string {
    const w = world();
    const lock = w.lock('&tbl->lock', 'spinlock_t');
    const head = w.obj('&tbl->routes');
    const [r1, r2] = [1, 2].map((i) => w.obj(`route${i}`));
    const main = w.task(1, 'main', 0);
    const writer = w.task(10, 'route_add', 1);
    const rd = w.task(12, 'ping', 2);
    main.call('tbl_init', F, 5, () => main.initListHead(head));
    writer.call('route_insert', F, 10, () => writer.list('list_add', head, r1));
    rd.call('route_lookup', F, 30, () => {
      if (reader === 'spin_lock' || reader === 'lock_and_rcu') rd.spinLock(lock);
      if (reader === 'spin_lock_irqsave') rd.spinLockIrqsave(lock);
      if (reader === 'irqs_off') rd.irqOff();
      if (reader === 'rcu_read_lock' || reader === 'lock_and_rcu') rd.rcuReadLock();
      rd.walk(head, [r1]);
      if (reader === 'rcu_read_lock' || reader === 'lock_and_rcu') rd.rcuReadUnlock();
      if (reader === 'irqs_off') rd.irqOn();
      if (reader === 'spin_lock_irqsave') rd.spinUnlockIrqrestore(lock);
      if (reader === 'spin_lock' || reader === 'lock_and_rcu') rd.spinUnlock(lock);
    });
    writer.call('route_insert', F, 10, () => writer.list('list_add', head, r2));
    const races = w.reports.filter((r) => r.kind === 'kcsan-data-race');
    expect(races.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in route_insert / route_lookup']);
    return races[0].lines.find((l) => l.includes('inferred from locksets'))!;
  }
  const RCU_HINT = 'being in an RCU read-side section does not help a walk that is not list_for_each_entry_rcu()';

  it('is silent about RCU for a reader that relies on its lock (preemption or IRQs off only through the lock)', () => {
    for (const reader of ['spin_lock', 'spin_lock_irqsave'] as const) {
      const why = plainWalk(reader);
      expect(why).toContain('this reader in route_lookup (list walk) held &tbl->lock');
      expect(why).not.toContain(RCU_HINT);
    }
  });

  it('names the RCU misconception for a lockless reader with IRQs off, or any reader inside rcu_read_lock()', () => {
    for (const reader of ['irqs_off', 'rcu_read_lock', 'lock_and_rcu'] as const) expect(plainWalk(reader)).toContain(RCU_HINT);
  });
});
