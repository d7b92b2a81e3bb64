import { describe, expect, it } from 'vitest';
import { record } from './helpers.ts';

const O = `struct obj { refcount_t ref; struct list_head node; int v; };`;

describe('CONFIG_DEBUG_LIST', () => {
  it('double list_add is reported as the kernel does and skipped', () => {
    const { r } = record(`${O} static LIST_HEAD(head);
void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL); list_add(&a->node, &head); list_add(&a->node, &head); pr_info("%d\\n", lab_list_len(&head)); }`);
    expect(r.reports.map((x) => x.kind)).toEqual(['list-corruption']);
    expect(r.reports[0]!.lines[1]).toMatch(/^list_add double add: new=ffff8881[0-9a-f]{8}, prev=ffffffff[0-9a-f]{8}, next=ffff8881[0-9a-f]{8}\.$/);
    expect(r.text.trim().split('\n').at(-1)).toBe('1');
  });

  it('list_del of an already deleted entry: LIST_POISON1', () => {
    const { r } = record(`${O} static LIST_HEAD(head);
void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL); list_add(&a->node, &head); list_del(&a->node); list_del(&a->node); }`);
    expect(r.reports[0]!.lines[1]).toMatch(/^list_del corruption, ffff8881[0-9a-f]{8}->next is LIST_POISON1 \(dead000000000100\)$/);
  });

  it('a corrupted neighbour: prev->next should be next', () => {
    const { r } = record(`${O} static LIST_HEAD(head);
void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL), *b = kzalloc(sizeof(*b), GFP_KERNEL);
  list_add(&a->node, &head); a->node.next = &b->node; list_add_tail(&b->node, &head); }`);
    expect(r.reports[0]!.lines[1]).toMatch(/^list_add corruption\. prev->next should be next \(ffffffff[0-9a-f]{8}\), but was ffff8881[0-9a-f]{8}\. \(prev=ffff8881[0-9a-f]{8}\)\.$/);
  });

  it('list operations emit ListEvents naming the head as written', () => {
    const { events } = record(`${O} static LIST_HEAD(head);
void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL), *it; list_add_rcu(&a->node, &head); list_for_each_entry_rcu(it, &head, node) it->v++; list_del_rcu(&a->node); }`);
    const ops = events.flatMap((e) => (e.kind === 'list' ? [`${e.op} ${e.head.label}`] : []));
    expect(ops).toEqual(['list_add_rcu &head', 'list_iter_rcu &head', 'list_del_rcu &a->node']);
  });
});

describe('slab allocator and KASAN-style checks', () => {
  it('kfree sends the freed range to lockdep (held lock freed)', () => {
    const { r } = record(`struct k { spinlock_t l; }; void main(void) { struct k *p = kzalloc(sizeof(*p), GFP_KERNEL); spin_lock_init(&p->l); spin_lock(&p->l); kfree(p); }`, { lockdep: true });
    expect(r.reports[0]!.kind).toBe('held-lock-freed');
  });

  it('use after free and double free are reported (KASAN reports only its first)', () => {
    const uaf = record(`${O} void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL); kfree(a); a->v = 1; a->v = 2; }`).r;
    expect(uaf.reports.map((x) => x.header)).toEqual([expect.stringMatching(/^BUG: KASAN: slab-use-after-free in main\+0x[0-9a-f]+\/0x[0-9a-f]+$/)]);
    expect(uaf.reports[0]!.lines).toContain('Write of size 4 at addr ' + uaf.reports[0]!.lines[2]!.split('addr ')[1]);
    const df = record(`${O} void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL); kfree(a); kfree(a); }`).r;
    expect(df.reports[0]!.kind).toBe('double-free');
    expect(df.reports[0]!.header).toMatch(/^BUG: KASAN: double-free in main\+/);
  });

  it('kfree_rcu frees only after a grace period (the next scheduling point)', () => {
    const { r } = record(`struct obj { int v; struct rcu_head rcu; }; static struct obj *saved;
static int reader(void *d) { pr_info("reader: freed=%d\\n", lab_is_freed(saved)); return 0; }
void main(void) { saved = kzalloc(sizeof(*saved), GFP_KERNEL); kfree_rcu(saved); pr_info("main: freed=%d\\n", lab_is_freed(saved)); kthread_run(reader, NULL, "r"); }`);
    expect(r.text).toBe('main: freed=0\nreader: freed=1\n');
  });

  it('call_rcu runs the callback later in softirq context', () => {
    const { r } = record(`struct obj { int v; struct rcu_head rcu; };
static void free_obj(struct rcu_head *h) { struct obj *o = container_of(h, struct obj, rcu); pr_info("cb v=%d softirq=%d\\n", o->v, in_serving_softirq()); kfree(o); }
void main(void) { struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL); o->v = 7; call_rcu(&o->rcu, free_obj); pr_info("queued\\n"); msleep(1); }`);
    expect(r.text).toBe('queued\ncb v=7 softirq=1\n');
  });

  it('GFP_KERNEL allocations may sleep: the might_sleep BUG under a spinlock, none with GFP_ATOMIC', () => {
    const bad = record(`static DEFINE_SPINLOCK(a); void main(void) { spin_lock(&a); kmalloc(8, GFP_KERNEL); spin_unlock(&a); }`).r;
    expect(bad.reports[0]!.lines[0]).toBe('BUG: sleeping function called from invalid context at include/linux/sched/mm.h:321');
    const ok = record(`static DEFINE_SPINLOCK(a); void main(void) { spin_lock(&a); kmalloc(8, GFP_ATOMIC); spin_unlock(&a); }`).r;
    expect(ok.reports).toEqual([]);
  });
});

describe('refcount_t, atomics, marked accesses', () => {
  it('refcount_t saturation warnings use the kernel messages', () => {
    const { r } = record(`${O} void main(void) { struct obj *a = kzalloc(sizeof(*a), GFP_KERNEL);
  refcount_inc(&a->ref); refcount_set(&a->ref, 1); pr_info("%d\\n", refcount_dec_and_test(&a->ref)); refcount_dec(&a->ref); }`);
    expect(r.reports.map((x) => [x.kind, x.lines[1]])).toEqual([
      ['refcount', 'refcount_t: addition on 0; use-after-free.'],
      ['refcount', 'refcount_t: underflow; use-after-free.'],
    ]);
  });

  it('atomics compute and READ_ONCE/WRITE_ONCE/atomic_* are marked AccessEvents', () => {
    const { r, events } = record(`struct s { atomic_t n; int plain; int once; }; static struct s g;
void main(void) { atomic_set(&g.n, 5); pr_info("%d %d %d\\n", atomic_inc_return(&g.n), atomic_dec_and_test(&g.n), atomic_cmpxchg(&g.n, 5, 9));
  g.plain = 1; WRITE_ONCE(g.once, 2); pr_info("%d\\n", READ_ONCE(g.once) + atomic_read(&g.n)); }`);
    expect(r.text).toBe('6 0 5\n11\n');
    const acc = events.flatMap((e) => (e.kind === 'access' ? [`${e.write ? 'W' : 'R'}${e.marked ? 'm' : ''} ${e.loc.field}`] : []));
    expect(acc).toContain('W plain');
    expect(acc).toContain('Wm once');
    expect(acc).toContain('Rm once');
    expect(acc.filter((a) => a.endsWith('n.counter')).every((a) => a.includes('m'))).toBe(true);
  });
});

describe('RCU lockdep checks (suspicious RCU usage)', () => {
  const P = `struct item { int v; struct list_head node; }; static LIST_HEAD(items); static struct item __rcu *gp; static DEFINE_SPINLOCK(lock);`;

  it('rcu_dereference outside a reader, and an RCU list walk outside a reader, are reported once per site', () => {
    const { r } = record(`${P}
void main(void) { struct item *it = kzalloc(sizeof(*it), GFP_KERNEL), *p; list_add_rcu(&it->node, &items); rcu_assign_pointer(gp, it);
  rcu_read_lock(); p = rcu_dereference(gp); list_for_each_entry_rcu(p, &items, node) p->v++; rcu_read_unlock();
  for (int i = 0; i < 2; i++) p = rcu_dereference(gp);
  spin_lock(&lock); p = rcu_dereference_protected(gp, lockdep_is_held(&lock)); spin_unlock(&lock);
  spin_lock(&lock); list_for_each_entry_rcu(p, &items, node, lockdep_is_held(&lock)) p->v++; spin_unlock(&lock);
  list_for_each_entry_rcu(p, &items, node) p->v++; }`, { lockdep: true });
    expect(r.reports.map((x) => [x.kind, x.source, x.lines[5]])).toEqual([
      ['suspicious-rcu', 'lockdep', 't.c:4 suspicious rcu_dereference_check() usage!'],
      ['suspicious-rcu', 'lockdep', 't.c:7 RCU-list traversed in non-reader section!!'],
    ]);
    expect(r.reports[0]!.lines.slice(0, 5)).toEqual(['', '=============================', 'WARNING: suspicious RCU usage', '6.18.0-lockdep-lab #1 Not tainted', '-----------------------------']);
    expect(r.reports[0]!.lines).toContain('rcu_scheduler_active = 2, debug_locks = 1');
  });

  it('rcu_dereference_protected without its lock, and synchronize_rcu inside a reader', () => {
    const { r } = record(`${P}
void main(void) { struct item *p = rcu_dereference_protected(gp, lockdep_is_held(&lock));
  rcu_read_lock(); synchronize_rcu(); rcu_read_unlock(); }`, { lockdep: true });
    expect(r.reports.map((x) => x.kind)).toEqual(['suspicious-rcu', 'suspicious-rcu', 'sleeping-in-atomic']);
    expect(r.reports.slice(0, 2).map((x) => x.lines[5])).toEqual([
      't.c:2 suspicious rcu_dereference_protected() usage!',
      't.c:3 Illegal synchronize_rcu() in RCU read-side critical section!',
    ]);
    expect(r.reports[2]!.lines[3]).toBe('RCU nest depth: 1, expected: 0');
  });
});
