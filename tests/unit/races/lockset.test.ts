/**
 * The lockset discipline on fields and lists, and the CPU-local exclusion
 * rules (IRQs / BH / preemption off protect against the same CPU only).
 */
import { describe, expect, it } from 'vitest';
import { kinds, world } from './dsl.ts';

const F = 'drivers/lab/counter.c';

describe('fields', () => {
  it('two tasks writing a field with no lock race', () => {
    const w = world();
    const t1 = w.task(100, 'worker', 0);
    const t2 = w.task(200, 'poller', 1);
    const stats = w.obj('stats', 4);
    t1.call('bump', F, 10, () => t1.write(stats, 'count'));
    t2.call('reset', F, 20, () => t2.write(stats, 'count'));
    t1.call('bump', F, 10, () => t1.write(stats, 'count'));
    expect(kinds(w)).toEqual(['kcsan-data-race']);
    const r = w.reports[0];
    expect(r.header).toBe('BUG: KCSAN: data-race in bump / reset');
    expect(r.lines[3]).toMatch(/^write to 0x[0-9a-f]{16} of 4 bytes by task 200 on cpu 1:$/);
    expect(r.lines.find((l) => l.includes('inferred from locksets'))).toContain('the other writer in reset held no lock; this writer in bump held no lock');
  });

  it('the same pair of code sites is reported once', () => {
    const w = world();
    const t1 = w.task(100, 'worker', 0);
    const t2 = w.task(200, 'poller', 1);
    const stats = w.obj('stats');
    t1.call('bump', F, 10, () => t1.write(stats, 'count'));
    for (let i = 0; i < 5; i++) {
      t2.call('reset', F, 20, () => t2.write(stats, 'count'));
      t1.call('bump', F, 10, () => t1.write(stats, 'count'));
    }
    expect(w.reports).toHaveLength(1);
  });

  it('a common lock instance protects; different instances do not', () => {
    const run = (sameLock: boolean) => {
      const w = world();
      const t1 = w.task(100, 'a', 0);
      const t2 = w.task(200, 'b', 1);
      const l1 = w.lock('&s->lock', 'spinlock_t');
      const l2 = sameLock ? l1 : w.lock('&s->lock', 'spinlock_t');
      const s = w.obj('s');
      for (let i = 0; i < 2; i++) {
        t1.call('f', F, 1, () => (t1.spinLock(l1), t1.write(s, 'x'), t1.spinUnlock(l1)));
        t2.call('g', F, 2, () => (t2.spinLock(l2), t2.write(s, 'x'), t2.spinUnlock(l2)));
      }
      return w.reports;
    };
    expect(run(true)).toEqual([]);
    expect(run(false).map((r) => r.kind)).toEqual(['kcsan-data-race']);
  });

  it('an object owned by one task is never reported', () => {
    const w = world();
    const t = w.task(100, 'owner', 0);
    const o = w.obj('ctx');
    t.call('init', F, 1, () => {
      for (let i = 0; i < 10; i++) {
        t.write(o, 'a');
        t.read(o, 'a');
        t.write(o, 'b');
      }
    });
    // Migrating to another CPU does not make it another thread.
    const same = w.task(100, 'owner', 3);
    same.call('use', F, 5, () => same.write(o, 'a'));
    expect(w.reports).toEqual([]);
  });

  it('initialisation before publication is not a race (Eraser exclusive phase)', () => {
    const w = world();
    const creator = w.task(100, 'creator', 0);
    const user = w.task(200, 'user', 1);
    const lock = w.lock('&dev->lock', 'spinlock_t');
    const dev = w.obj('dev');
    creator.call('dev_init', F, 1, () => creator.write(dev, 'state'));
    user.call('dev_use', F, 2, () => (user.spinLock(lock), user.write(dev, 'state'), user.spinUnlock(lock)));
    creator.call('dev_poll', F, 3, () => (creator.spinLock(lock), creator.read(dev, 'state'), creator.spinUnlock(lock)));
    expect(w.reports).toEqual([]);
  });

  it('setup through the locked API before others come is initialisation; the next locked write is not', () => {
    const w = world();
    const owner = w.task(100, 'main', 0);
    const other = w.task(200, 'intruder', 1);
    const lock = w.lock('&dev->lock', 'spinlock_t');
    const dev = w.obj('dev');
    owner.call('dev_update', F, 1, () => (owner.spinLock(lock), owner.write(dev, 'state'), owner.spinUnlock(lock)));
    other.call('dev_peek', F, 2, () => other.read(dev, 'state'));
    expect(w.reports).toEqual([]);
    owner.call('dev_update', F, 1, () => (owner.spinLock(lock), owner.write(dev, 'state'), owner.spinUnlock(lock)));
    expect(w.reports.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in dev_peek / dev_update']);
    expect(w.reports[0].lines.find((l) => l.includes('inferred from locksets'))).toContain(
      'the reader in dev_peek held no lock; this writer in dev_update held &dev->lock',
    );
  });

  it('a read-shared field is fine until someone writes it without the readers’ lock', () => {
    const w = world();
    const [a, b, c] = [w.task(1, 'a', 0), w.task(2, 'b', 1), w.task(3, 'c', 2)];
    const cfg = w.obj('cfg');
    a.call('setup', F, 1, () => a.write(cfg, 'mode'));
    b.call('reader_b', F, 2, () => b.read(cfg, 'mode'));
    c.call('reader_c', F, 3, () => c.read(cfg, 'mode'));
    expect(w.reports).toEqual([]);
    a.call('reconfigure', F, 4, () => a.write(cfg, 'mode'));
    // One report per racing pair of code sites.
    expect(w.reports.map((r) => r.header)).toEqual([
      'BUG: KCSAN: data-race in reader_b / reconfigure',
      'BUG: KCSAN: data-race in reader_c / reconfigure',
    ]);
  });

  it('two marked accesses never race; marked vs plain does', () => {
    const run = (plainReader: boolean) => {
      const w = world();
      const t1 = w.task(1, 'a', 0);
      const t2 = w.task(2, 'b', 1);
      const flag = w.obj('flag');
      t1.call('set_flag', F, 1, () => t1.write(flag, 'v', true));
      t2.call('poll_flag', F, 2, () => t2.read(flag, 'v', !plainReader));
      t1.call('set_flag', F, 1, () => t1.write(flag, 'v', true));
      return w.reports;
    };
    expect(run(false)).toEqual([]);
    const [r] = run(true);
    expect(r.lines.some((l) => /^write \(marked\) to 0x[0-9a-f]{16} of 8 bytes by task 1 on cpu 0:$/.test(l))).toBe(true);
  });

  it('a plain load followed at once by a marked store to the same field is one atomic RMW (refcount_dec_and_test)', () => {
    const run = (atomic: boolean) => {
      const w = world();
      const a = w.task(1, 'vcpu0', 0);
      const b = w.task(2, 'vcpu1', 1);
      const irq = w.obj('irq', 4);
      const put = (t: typeof a, fn: string) =>
        t.call(fn, F, 5, () => {
          t.read(irq, 'refcount');
          if (atomic) t.write(irq, 'refcount', true);
          else (t.read(irq, 'other'), t.write(irq, 'refcount', true));
        });
      put(a, '__vgic_put_irq');
      put(b, 'vgic_try_get_irq_ref');
      put(a, '__vgic_put_irq');
      return w.reports;
    };
    expect(run(true)).toEqual([]);
    // With anything in between, the load is a plain read racing with the other side's store.
    expect(run(false).map((r) => r.kind)).toContain('kcsan-data-race');
  });

  it('the RMW pairing survives other events between the load and the store: another CPU, or an interrupt on this one', () => {
    const run = (between: 'other-cpu' | 'irq' | 'same-object') => {
      const w = world();
      const a = w.task(1, 'vcpu0', 0);
      const b = w.task(2, 'vcpu1', 1);
      const other = w.task(3, 'kvm', 2);
      const lock = w.lock('&kvm->lock', 'spinlock_t');
      const irq = w.obj('irq', 4);
      const stats = w.obj('stats', 4);
      const put = (t: typeof a, fn: string, gap: () => void) =>
        t.call(fn, F, 5, () => {
          t.read(irq, 'refcount');
          gap();
          t.write(irq, 'refcount', true);
        });
      // vCPU 1 allocated the irq (refcount_set()), so the field is shared from a's first access.
      b.call('vgic_add_lpi', F, 3, () => b.write(irq, 'refcount', true));
      put(a, '__vgic_put_irq', () => {
        if (between === 'other-cpu') other.call('kvm_stat', F, 9, () => (other.spinLock(lock), other.write(stats, 'n'), other.spinUnlock(lock)));
        if (between === 'irq') a.hardirq('vgic_maintenance_handler', F, 20, (h) => h.write(stats, 'n'));
        // Another thread's store to the very field: the load was a plain read after all.
        if (between === 'same-object') b.call('vgic_try_get_irq_ref', F, 7, () => b.write(irq, 'refcount', true));
      });
      put(b, 'vgic_try_get_irq_ref', () => {});
      return w.reports.filter((r) => r.header.includes('vgic'));
    };
    expect(run('other-cpu')).toEqual([]);
    expect(run('irq')).toEqual([]);
    const races = run('same-object');
    expect(races.length).toBeGreaterThan(0);
    for (const r of races) expect(r.lines.some((l) => /^read to 0x[0-9a-f]{16} of 4 bytes by task 1 on cpu 0:$/.test(l))).toBe(true);
  });

  it("a refcount_t's counter is only reached through the atomic API: a plain-looking refcount_read() load is marked", () => {
    const w = world();
    const a = w.task(1, 'a', 0);
    const b = w.task(2, 'b', 1);
    const irq = w.obj('irq', 4);
    const plainRead = (t: typeof a, fn: string) => t.call(fn, F, 5, () => t.read(irq, 'refcount.refs.counter'));
    a.call('get', F, 1, () => (a.read(irq, 'refcount.refs.counter'), a.write(irq, 'refcount.refs.counter', true)));
    plainRead(b, 'peek');
    a.call('get', F, 1, () => (a.read(irq, 'refcount.refs.counter'), a.write(irq, 'refcount.refs.counter', true)));
    plainRead(b, 'peek');
    expect(w.reports).toEqual([]);
  });

  it('a write under a read lock does not exclude a reader under the same read lock', () => {
    const run = (writerMode: 'read' | 'write') => {
      const w = world();
      const t1 = w.task(1, 'a', 0);
      const t2 = w.task(2, 'b', 1);
      const rw = w.lock('&tbl->rwlock', 'rwlock_t');
      const tbl = w.obj('tbl');
      const writer = () => {
        if (writerMode === 'read') t1.readLock(rw);
        else t1.spinLock(rw);
        t1.write(tbl, 'hits');
        if (writerMode === 'read') t1.readUnlock(rw);
        else t1.spinUnlock(rw);
      };
      t1.call('update', F, 1, writer);
      t2.call('lookup', F, 2, () => (t2.readLock(rw), t2.read(tbl, 'hits'), t2.readUnlock(rw)));
      t1.call('update', F, 1, writer);
      return w.reports;
    };
    expect(run('write')).toEqual([]);
    expect(run('read').map((r) => r.kind)).toEqual(['kcsan-data-race']);
  });
});

describe('harness files', () => {
  it("reads in harness files (lab_check) are not checked; the scenario's writes there still are", () => {
    const run = (harnessFiles?: string[]) => {
      const w = world({ harnessFiles });
      const a = w.task(1, 'registrar', 0);
      const b = w.task(2, 'checker', 1);
      const stats = w.obj('stats');
      a.call('dev_register', 'stats.c', 10, () => a.write(stats, 'nr'));
      b.call('checker', 'harness.c', 20, () => b.read(stats, 'nr'));
      a.call('dev_register', 'stats.c', 10, () => a.write(stats, 'nr'));
      b.call('checker', 'harness.c', 21, () => b.write(stats, 'nr'));
      a.call('dev_register', 'stats.c', 10, () => a.write(stats, 'nr'));
      return w.reports.map((r) => r.sites.map((x) => `${x.pos.file}:${x.pos.line}`).join(' '));
    };
    expect(run()).toEqual(['harness.c:20 stats.c:10', 'stats.c:10 harness.c:21']);
    expect(run(['harness.c'])).toEqual(['harness.c:21 stats.c:10']);
  });
});

describe('CPU-local exclusion', () => {
  it('per-CPU data touched by a task with IRQs off and a handler on the same CPU: no report', () => {
    const w = world();
    const t = w.task(100, 'kworker/0:1', 0);
    const pcpu = w.obj('per_cpu(wakeup_list, 0)');
    for (let i = 0; i < 3; i++) {
      t.call('pi_enable_wakeup_handler', F, 10, () => (t.irqOff(), t.write(pcpu, 'first'), t.irqOn()));
      t.hardirq('pi_wakeup_handler', F, 30, (h) => h.read(pcpu, 'first'));
      t.hardirq('pi_wakeup_handler', F, 31, (h) => h.write(pcpu, 'first'));
    }
    expect(w.reports).toEqual([]);
  });

  it('the same data touched with IRQs on is reported, the handler printed as an interrupt', () => {
    const w = world();
    const t = w.task(100, 'kworker/0:1', 0);
    const pcpu = w.obj('per_cpu(wakeup_list, 0)');
    t.call('pi_enable_wakeup_handler', F, 10, () => t.write(pcpu, 'first'));
    t.hardirq('pi_wakeup_handler', F, 30, (h) => h.write(pcpu, 'first'));
    t.call('pi_enable_wakeup_handler', F, 10, () => t.write(pcpu, 'first'));
    expect(kinds(w)).toEqual(['kcsan-data-race']);
    expect(w.reports[0].lines.some((l) => /^write to 0x[0-9a-f]{16} of 8 bytes by interrupt on cpu 0:$/.test(l))).toBe(true);
  });

  it('IRQs off on one CPU do not stop a handler on another CPU', () => {
    const w = world();
    const t = w.task(100, 'task', 1);
    const other = w.task(7, 'idle', 0);
    const g = w.obj('global_state');
    t.call('update', F, 10, () => (t.irqOff(), t.write(g, 'x'), t.irqOn()));
    other.hardirq('handler', F, 20, (h) => h.write(g, 'x'));
    t.call('update', F, 10, () => (t.irqOff(), t.write(g, 'x'), t.irqOn()));
    const why = w.reports[0].lines.find((l) => l.includes('inferred from locksets'))!;
    expect(why).toContain('held no lock (only IRQs off on cpu 1)');
  });

  it('BH off excludes the softirq on the same CPU, but not a hardirq', () => {
    const run = (handler: 'softirq' | 'hardirq') => {
      const w = world();
      const t = w.task(100, 'task', 0);
      const d = w.obj('netdev_stats');
      t.call('stats_update', F, 1, () => (t.bhOff(), t.write(d, 'rx'), t.bhOn()));
      t[handler]('net_rx_action', F, 2, (h) => h.write(d, 'rx'));
      t.call('stats_update', F, 1, () => (t.bhOff(), t.write(d, 'rx'), t.bhOn()));
      return w.reports;
    };
    expect(run('softirq')).toEqual([]);
    expect(run('hardirq').map((r) => r.kind)).toEqual(['kcsan-data-race']);
  });

  it('softirq context entered the self-test way (SC even) is still softirq context', () => {
    const w = world();
    const main = w.task(1006, 'main', 0);
    const reader = w.task(1000, 'reader', 5);
    const ring = w.obj('ring', 4);
    main.call('net_rx_action', F, 1, () => main.selftestSoftirq(() => main.write(ring, 'len')));
    reader.call('reader', F, 2, () => reader.read(ring, 'len'));
    main.call('net_rx_action', F, 1, () => main.selftestSoftirq(() => main.write(ring, 'len')));
    expect(w.reports).toHaveLength(1);
    expect(w.reports[0].lines.some((l) => /^write to 0x[0-9a-f]{16} of 4 bytes by interrupt on cpu 0:$/.test(l))).toBe(true);
    // ... and main's own task-context accesses afterwards are another thread than that softirq.
    const w2 = world();
    const t = w2.task(1006, 'main', 0);
    const o = w2.obj('o');
    t.call('net_rx_action', F, 1, () => t.selftestSoftirq(() => t.write(o, 'x')));
    t.call('main', F, 2, () => t.write(o, 'x'));
    t.call('net_rx_action', F, 1, () => t.selftestSoftirq(() => t.write(o, 'x')));
    expect(w2.reports.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in main / net_rx_action']);
  });

  it('preemption off excludes other tasks on the same CPU only', () => {
    const run = (cpuB: number) => {
      const w = world();
      const a = w.task(1, 'a', 0);
      const b = w.task(2, 'b', cpuB);
      const pcpu = w.obj('per_cpu(counter, 0)');
      const touch = (t: typeof a, fn: string) => t.call(fn, F, 1, () => (t.preemptOff(), t.write(pcpu, 'n'), t.preemptOn()));
      touch(a, 'inc_a');
      touch(b, 'inc_b');
      touch(a, 'inc_a');
      return w.reports;
    };
    expect(run(0)).toEqual([]);
    expect(run(1).map((r) => r.kind)).toEqual(['kcsan-data-race']);
  });
});

describe('lists under a lock', () => {
  it('every op under the same lock on several CPUs: no report', () => {
    const w = world();
    const lock = w.lock('&bus->klist_lock', 'spinlock_t');
    const head = w.obj('&bus->devices');
    const devs = [1, 2, 3].map((i) => w.obj(`dev${i}`));
    const tasks = [w.task(10, 'probe', 0), w.task(11, 'udev', 1), w.task(12, 'rmmod', 2)];
    tasks[0].call('bus_add_device', F, 1, () => {
      for (const d of devs) (tasks[0].spinLock(lock), tasks[0].list('list_add_tail', head, d), tasks[0].spinUnlock(lock));
    });
    tasks[1].call('bus_for_each_dev', F, 2, () => (tasks[1].spinLock(lock), tasks[1].walk(head, devs), tasks[1].spinUnlock(lock)));
    tasks[2].call('bus_remove_device', F, 3, () => (tasks[2].spinLock(lock), tasks[2].list('list_del', head, devs[1]), tasks[2].spinUnlock(lock)));
    tasks[1].call('bus_for_each_dev', F, 2, () => (tasks[1].spinLock(lock), tasks[1].walk(head, [devs[0], devs[2]]), tasks[1].spinUnlock(lock)));
    expect(w.reports).toEqual([]);
  });

  it('a list initialised by one task is shared from the first op of another: an unlocked walk before a locked removal is reported', () => {
    const run = (init: boolean) => {
      const w = world();
      const lock = w.lock('&bus->klist_lock', 'spinlock_t');
      const head = w.obj('&bus->devices');
      const dev = w.obj('dev');
      const main = w.task(1, 'main', 0);
      const a = w.task(10, 'a', 1);
      const b = w.task(11, 'b', 2);
      if (init) main.call('bus_register', F, 0, () => main.initListHead(head));
      a.call('add', F, 1, () => (a.spinLock(lock), a.list('list_add', head, dev), a.spinUnlock(lock)));
      a.call('peek', F, 2, () => a.walk(head, [dev]));
      b.call('remove', F, 3, () => (b.spinLock(lock), b.list('list_del', head, dev), b.spinUnlock(lock)));
      return w.reports;
    };
    const reports = run(true);
    expect(reports.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in peek / remove']);
    // The earlier access (the walk) is printed first.
    expect(reports[0].lines[3]).toMatch(/^read to .* by task 10 on cpu 1:$/);
    // With no INIT_LIST_HEAD() in the run, task a touched the list first: all
    // it did before b came is its exclusive phase (Eraser's blind spot, the
    // price of not blaming initialisation before publication).
    expect(run(false)).toEqual([]);
  });

  it("a node's next/prev accessed as fields are left to the list-level check (one report, not two)", () => {
    const w = world();
    const lock = w.lock('&bus->klist_lock', 'spinlock_t');
    const head = w.obj('&bus->devices');
    const dev = w.obj('dev');
    const a = w.task(10, 'a', 0);
    const b = w.task(11, 'b', 1);
    a.call('add', F, 1, () => (a.spinLock(lock), a.list('list_add', head, dev), a.write(dev, 'node.next'), a.spinUnlock(lock)));
    b.call('peek', F, 2, () => (b.read(dev, 'node.next'), b.walk(head, [dev])));
    a.call('add', F, 1, () => (a.spinLock(lock), a.list('list_add', head, dev), a.write(dev, 'node.next'), a.spinUnlock(lock)));
    expect(w.reports.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in add / peek']);
    expect(w.reports[0].lines.find((l) => l.includes('inferred from locksets'))).toContain('(list_add())');
  });

  it('list_move() writes the list it leaves: it needs that list\'s lock too', () => {
    const run = (holdSource: boolean) => {
      const w = world();
      const srcLock = w.lock('&src_vcpu->ap_list_lock');
      const dstLock = w.lock('&dst_vcpu->ap_list_lock');
      const src = w.obj('&src_vcpu->ap_list_head');
      const dst = w.obj('&dst_vcpu->ap_list_head');
      const irq = w.obj('irq');
      const a = w.task(10, 'CPU 0/KVM', 0);
      const b = w.task(11, 'CPU 1/KVM', 1);
      a.call('kvm_vgic_vcpu_init', F, 0, () => (a.initListHead(src), a.initListHead(dst)));
      b.call('vgic_queue_irq_unlock', F, 1, () => (b.spinLock(srcLock), b.list('list_add_tail', src, irq), b.spinUnlock(srcLock)));
      a.call('vgic_prune_ap_list', F, 2, () => {
        if (holdSource) a.spinLock(srcLock);
        a.spinLock(dstLock);
        a.list('list_move_tail', dst, irq);
        a.spinUnlock(dstLock);
        if (holdSource) a.spinUnlock(srcLock);
      });
      b.call('vgic_flush_lr_state', F, 3, () => (b.spinLock(srcLock), b.walk(src, []), b.list('list_iter', src), b.spinUnlock(srcLock)));
      return w.reports;
    };
    expect(run(true)).toEqual([]);
    const reports = run(false);
    // Both the earlier insertion and the later walk on the source list race with the move.
    expect(reports.map((r) => r.header)).toEqual([
      'BUG: KCSAN: data-race in vgic_prune_ap_list / vgic_queue_irq_unlock',
      'BUG: KCSAN: data-race in vgic_flush_lr_state / vgic_prune_ap_list',
    ]);
    expect(reports[1].lines[3]).toMatch(/^write to .* by task 10 on cpu 0:$/);
    expect(reports[1].lines.find((l) => l.includes('inferred from locksets'))).toContain('(list_move_tail()) held &dst_vcpu->ap_list_lock;');
  });
});
