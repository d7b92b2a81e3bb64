/**
 * Initialise before publish: a list (like a field) belongs to the thread
 * that first touched it until another thread comes, and what that thread
 * did alone is never paired with later accesses — the QA reproductions of
 * main filling the vgic ap_list before kthread_run()ning its users.
 */
import { describe, expect, it } from 'vitest';
import type { ListOp } from '../../../src/events/types.ts';
import { runProgram } from '../../../src/engine/index.ts';
import { kinds, world, type Actor, type Obj, type World } from './dsl.ts';

const F = 'vgic.c';

interface Setup {
  /** main's INIT_LIST_HEAD() before filling the list. */
  init?: boolean;
  /** How main fills the list before the threads exist, and whether it locks. */
  setupOp?: ListOp;
  setupLocked?: boolean;
  /** The threads' primitives: plain, or all _rcu with an _rcu walk in rcu_read_lock(). */
  rcu?: boolean;
  /** main touches the list again, unlocked, after the threads have used it. */
  lateUnlockedAdd?: boolean;
}

/** main fills the ap_list, then three threads use it, each op under ap_list_lock (or the RCU rules). */
function setupThenShare(o: Setup): World {
  const w = world();
  const lock = w.lock('&vcpu0.ap_list_lock');
  const head = w.obj('&vcpu0.ap_list_head');
  const irqs = [0, 1, 2, 3, 4].map((i) => w.obj(`vgic_irq(${8190 + i})`));
  const main = w.task(1006, 'main', 0);
  const queue = w.task(1000, 'vcpu2', 1);
  const fold = w.task(1001, 'vcpu0', 2);
  const flush = w.task(1002, 'vcpu1', 3);
  main.call('main', F, 36, () => {
    if (o.init ?? true) main.at(37).initListHead(head);
    for (const irq of irqs.slice(0, 4)) {
      main.at(39).alloc(irq);
      if (o.setupLocked) main.spinLock(lock);
      main.at(41).list(o.setupOp ?? 'list_add_tail', head, irq);
      if (o.setupLocked) main.spinUnlock(lock);
    }
  });
  const locked = (t: Actor, fn: string, line: number, body: () => void) =>
    t.call(fn, F, line, () => (t.spinLockIrqsave(lock), body(), t.spinUnlockIrqrestore(lock)));
  locked(queue, 'queue', 29, () => queue.list(o.rcu ? 'list_add_tail_rcu' : 'list_add_tail', head, irqs[4]));
  fold.call('fold', F, 6, () => {
    if (o.rcu) (fold.rcuReadLock(), fold.walk(head, irqs, true), fold.rcuReadUnlock());
    else (fold.spinLock(lock), fold.walk(head, irqs), fold.spinUnlock(lock));
  });
  locked(flush, 'flush_lpis', 17, () => {
    for (const irq of irqs.slice(2)) flush.list(o.rcu ? 'list_del_rcu' : 'list_del', head, irq);
  });
  if (o.lateUnlockedAdd) main.call('main', F, 50, () => main.list('list_add_tail', head, irqs[2]));
  return w;
}

describe('initialise before publish: lists', () => {
  it("main's unlocked list_add_tail() before any other task touches the list is not a race", () => {
    expect(setupThenShare({}).reports).toEqual([]);
  });

  it('the same without INIT_LIST_HEAD() in the run (a static LIST_HEAD): main touched the list first', () => {
    expect(setupThenShare({ init: false }).reports).toEqual([]);
  });

  it("an all-RCU list whose setup used plain list_add_tail() before publication: no 'writers mix primitives'", () => {
    for (const setupLocked of [false, true]) {
      const w = setupThenShare({ rcu: true, setupLocked });
      expect(kinds(w)).toEqual([]);
    }
  });

  it("the creator's unlocked op after the others came is checked like anyone's", () => {
    const w = setupThenShare({ lateUnlockedAdd: true });
    const headers = w.reports.map((r) => r.header);
    expect(headers).toContain('BUG: KCSAN: data-race in flush_lpis / main');
    // Only main's late op is blamed; its setup (line 41) never appears.
    for (const r of w.reports) expect(r.sites.map((s) => s.pos.line)).toContain(50);
    expect(w.reports.flatMap((r) => r.sites.map((s) => s.pos.line))).not.toContain(41);
  });

  it('and once an RCU list is shared, a plain writer still mixes with the _rcu ones', () => {
    const w = setupThenShare({ rcu: true, lateUnlockedAdd: true });
    const mix = w.reports.filter((r) => r.kind === 'suspicious-rcu');
    expect(mix.length).toBeGreaterThan(0);
    for (const r of mix) expect(r.lines.join('\n')).toContain(`list_add_tail() in main (${F}:50)`);
    expect(mix.flatMap((r) => r.lines).join('\n')).not.toContain(`${F}:41`);
  });

  it('INIT_LIST_HEAD() makes its thread the owner: the first list op of another thread is already shared', () => {
    const run = (init: boolean) => {
      const w = world();
      const lock = w.lock('&bus->lock', 'spinlock_t');
      const head = w.obj('&bus->devices');
      const dev = w.obj('dev');
      const main = w.task(1, 'main', 0);
      const a = w.task(10, 'probe', 1);
      const b = w.task(11, 'lookup', 2);
      if (init) main.call('bus_init', F, 1, () => main.initListHead(head));
      a.call('bus_add', F, 2, () => a.list('list_add_tail', head, dev));
      b.call('bus_find', F, 3, () => (b.spinLock(lock), b.walk(head, [dev]), b.spinUnlock(lock)));
      return w.reports;
    };
    expect(run(true).map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in bus_add / bus_find']);
    // Without it, probe's lone add is its exclusive phase (Eraser's blind spot).
    expect(run(false)).toEqual([]);
  });

  it('a reallocated object does not inherit an old INIT_LIST_HEAD() owner', () => {
    const w = world();
    const lock = w.lock('&q->lock', 'spinlock_t');
    const q = w.obj('q');
    const req = w.obj('req');
    const a = w.task(10, 'a', 0);
    const b = w.task(11, 'b', 1);
    a.alloc(q);
    a.call('q_init', F, 1, () => a.initListHead(q));
    a.kfree(q);
    b.alloc(q);
    b.call('q_fill', F, 2, () => b.list('list_add', q, req));
    a.call('q_walk', F, 3, () => (a.spinLock(lock), a.walk(q, [req]), a.spinUnlock(lock)));
    // b allocated and filled the new q alone: its setup is its own.
    expect(w.reports).toEqual([]);
  });
});

/** The QA reproductions, through the engine as `lockdep-lab run` runs them. */
const BASE = `
struct vgic_irq {
	struct list_head ap_list;
	u32 intid;
	bool active;
};
struct vgic_cpu {
	raw_spinlock_t ap_list_lock;
	struct list_head ap_list_head;
	struct vgic_irq *last_lr_irq;
};
static struct vgic_cpu vcpu0;
`;

function qaProgram(o: { rcu: boolean; setupLocked: boolean; foldLocked?: boolean }): string {
  const add = o.rcu ? 'list_add_tail_rcu' : 'list_add_tail';
  const del = o.rcu ? 'list_del_rcu' : 'list_del';
  const fold = o.rcu
    ? 'rcu_read_lock(); list_for_each_entry_rcu(irq, &vcpu0.ap_list_head, ap_list) n++; rcu_read_unlock();'
    : o.foldLocked === false
      ? 'list_for_each_entry(irq, &vcpu0.ap_list_head, ap_list) n++;'
      : 'raw_spin_lock(&vcpu0.ap_list_lock); list_for_each_entry(irq, &vcpu0.ap_list_head, ap_list) n++; raw_spin_unlock(&vcpu0.ap_list_lock);';
  return `${BASE}
static int fold(void *d)
{
	struct vgic_irq *irq;
	int n = 0;
	${fold}
	pr_info("folded %d\\n", n);
	return 0;
}
static int flush_lpis(void *d)
{
	struct vgic_irq *irq, *tmp;
	unsigned long flags;
	raw_spin_lock_irqsave(&vcpu0.ap_list_lock, flags);
	list_for_each_entry_safe(irq, tmp, &vcpu0.ap_list_head, ap_list) {
		if (irq->intid >= 8192)
			${del}(&irq->ap_list);
	}
	raw_spin_unlock_irqrestore(&vcpu0.ap_list_lock, flags);
	return 0;
}
static int queue(void *d)
{
	unsigned long flags;
	struct vgic_irq *irq = kzalloc(sizeof(*irq), GFP_KERNEL);
	irq->intid = 9000;
	raw_spin_lock_irqsave(&vcpu0.ap_list_lock, flags);
	${add}(&irq->ap_list, &vcpu0.ap_list_head);
	raw_spin_unlock_irqrestore(&vcpu0.ap_list_lock, flags);
	return 0;
}
void main(void)
{
	int i;
	raw_spin_lock_init(&vcpu0.ap_list_lock);
	INIT_LIST_HEAD(&vcpu0.ap_list_head);
	for (i = 0; i < 4; i++) {
		struct vgic_irq *irq = kzalloc(sizeof(*irq), GFP_KERNEL);
		irq->intid = 8190 + i;
		${o.setupLocked ? 'raw_spin_lock(&vcpu0.ap_list_lock);' : ''}
		list_add_tail(&irq->ap_list, &vcpu0.ap_list_head);
		${o.setupLocked ? 'raw_spin_unlock(&vcpu0.ap_list_lock);' : ''}
	}
	kthread_run(queue, NULL, "vcpu2");
	kthread_run(fold, NULL, "vcpu0");
	kthread_run(flush_lpis, NULL, "vcpu1");
	msleep(10);
}
`;
}

describe('initialise before publish: the QA programs', () => {
  const run = (text: string) => runProgram([{ path: 'qa.c', text }]);

  it('locked users after an unlocked setup in main (locked.c): clean', () => {
    const r = run(qaProgram({ rcu: false, setupLocked: false }));
    expect(r.diagnostics).toEqual([]);
    expect(r.reports).toEqual([]);
    expect(r.text).toContain('folded 5');
  });

  it('an all-RCU list set up with plain list_add_tail() (rcu_all.c, rcu_all_L.c): clean', () => {
    for (const setupLocked of [false, true]) {
      const r = run(qaProgram({ rcu: true, setupLocked }));
      expect(r.diagnostics).toEqual([]);
      expect(r.reports).toEqual([]);
    }
  });

  it('the unlocked fold is still reported, against the threads and not main', () => {
    const r = run(qaProgram({ rcu: false, setupLocked: false, foldLocked: false }));
    const headers = r.reports.map((x) => x.header);
    expect(headers).toEqual(['BUG: KCSAN: data-race in fold / queue', 'BUG: KCSAN: data-race in flush_lpis / fold']);
  });
});
