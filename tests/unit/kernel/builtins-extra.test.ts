import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../../src/events/types.ts';
import { record } from './helpers.ts';
import { out, run } from '../interpreter/helpers.ts';

const acquires = (events: KernelEvent[]) => events.flatMap((e) => (e.kind === 'acquire' ? [e] : []));

describe('kernel APIs added for the seeds and issue 3', () => {
  it('atomic_dec_if_positive() decrements only while the result stays >= 0 and returns the decremented value', () => {
    expect(out(`static atomic_t a = ATOMIC_INIT(2);
void main(void)
{
	int x = atomic_dec_if_positive(&a);
	int y = atomic_dec_if_positive(&a);
	int z = atomic_dec_if_positive(&a);
	pr_info("%d %d %d %d\\n", x, y, z, atomic_read(&a));
}`)).toBe('1 0 -1 0\n');
  });

  it('__acquire()/__release() are sparse annotations: no lock events, nothing evaluated', () => {
    const { r, events } = record(`static DEFINE_SPINLOCK(l);
static int n;
static void take(void) __acquires(l) { spin_lock(&l); __acquire(n++); }
static void drop(void) __releases(l) { __release(n++); spin_unlock(&l); }
void main(void) { take(); drop(); pr_info("%d\\n", n); }`);
    expect(r.text).toBe('0\n');
    expect(events.filter((e) => e.kind === 'acquire' || e.kind === 'release')).toHaveLength(2);
  });

  it('BUILD_BUG_ON() with a true constant condition is gcc\'s compile error: nothing runs', () => {
    const r = run(`struct s { long a, b; };
void main(void)
{
	pr_info("ran\\n");
	BUILD_BUG_ON(sizeof(int) != 4);
	BUILD_BUG_ON(sizeof(struct s) > 8);
}`);
    expect(r.status).toBe('invalid');
    expect(r.text).toBe('');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ file: 't.c', line: 6, col: 2, severity: 'error', message: "call to '__compiletime_assert_6' declared with attribute error: BUILD_BUG_ON failed: sizeof(struct s) > 8" }),
    ]);
  });

  it('BUILD_BUG_ON() of a value known only when it runs is checked when reached; a false one does nothing', () => {
    expect(out(`static int f(void) { return 0; }\nvoid main(void) { BUILD_BUG_ON(f()); BUILD_BUG_ON(sizeof(long) != 8); pr_info("ok\\n"); }`)).toBe('ok\n');
    const r = run(`static int f(void) { pr_info("f\\n"); return 1; }\nvoid main(void) { pr_info("before\\n"); BUILD_BUG_ON(f()); }`);
    expect(r.status).toBe('invalid');
    expect(r.text).toBe('before\nf\n');
    expect(r.diagnostics[0]).toMatchObject({ line: 2, message: expect.stringContaining('BUILD_BUG_ON failed: f()') });
  });

  it('lockdep_hardirq_threaded() marks the hard IRQ being served as threaded (IRQF_NO_THREAD handler otherwise is not)', () => {
    const { events } = record(`static DEFINE_SPINLOCK(a);
static irqreturn_t h(int irq, void *dev) { spin_lock(&a); spin_unlock(&a); lockdep_hardirq_threaded(); spin_lock(&a); spin_unlock(&a); return IRQ_HANDLED; }
void main(void) { lockdep_hardirq_threaded(); request_irq(5, h, IRQF_NO_THREAD, "x", NULL); lab_raise_irq(1, 5); spin_lock(&a); spin_unlock(&a); }`);
    expect(acquires(events).map((e) => e.ctx.hardirqThreaded)).toEqual([false, true, undefined]);
  });

  it('refcount_read() is a marked read; refcount_inc() a marked write', () => {
    const { events, r } = record(`struct obj { refcount_t ref; };
void main(void) { struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL); refcount_set(&o->ref, 1); refcount_inc(&o->ref); pr_info("%u\\n", refcount_read(&o->ref)); }`);
    expect(r.text).toBe('2\n');
    const acc = events.flatMap((e) => (e.kind === 'access' ? [`${e.write ? 'W' : 'R'} ${e.marked ? 'marked' : 'plain'}`] : []));
    expect(acc).toEqual(['W marked', 'W marked', 'R marked']);
  });

  it('STATIC_LOCKDEP_MAP_INIT() names and keys a static map; INIT_LOCAL_LOCK() names a per-CPU local lock, keyed by the static', () => {
    const { events, r } = record(`struct pcp { local_lock_t lock; int n; };
static DEFINE_PER_CPU(struct pcp, pcp) = { .lock = INIT_LOCAL_LOCK(lock) };
static struct lockdep_map map = STATIC_LOCKDEP_MAP_INIT("mymap", &map);
static struct lock_class_key k1;
static struct lockdep_map map2 = STATIC_LOCKDEP_MAP_INIT("other", &k1);
void main(void)
{
	local_lock(&pcp.lock);
	local_unlock(&pcp.lock);
	lock_map_acquire(&map);
	lock_map_release(&map);
	lock_map_acquire(&map2);
	lock_map_release(&map2);
}`);
    expect(r.diagnostics).toEqual([]);
    expect(acquires(events).map((e) => `${e.lock.name} ${e.lock.key} ${e.lock.lockType}`)).toEqual([
      'lock percpu:pcp.lock local_lock_t',
      'mymap key:map lockdep_map',
      'other key:k1 lockdep_map',
    ]);
  });

  it('kfree_rcu(p, rcu_head_field) frees after a grace period', () => {
    expect(out(`struct n { int v; struct rcu_head rcu; };
void main(void)
{
	struct n *p = kzalloc(sizeof(*p), GFP_KERNEL);
	kfree_rcu(p, rcu);
	pr_info("%d\\n", lab_is_freed(p));
	rcu_barrier();
	pr_info("%d\\n", lab_is_freed(p));
}`)).toBe('0\n1\n');
  });

  it('__this_cpu_*() and raw_cpu_*() work on this CPU\'s copy like this_cpu_*()', () => {
    expect(out(`static DEFINE_PER_CPU(int, cnt);
void main(void)
{
	__this_cpu_inc(cnt);
	__this_cpu_add(cnt, 5);
	this_cpu_sub(cnt, 2);
	raw_cpu_dec(cnt);
	__this_cpu_write(cnt, __this_cpu_read(cnt) * 10);
	pr_info("%d %d\\n", this_cpu_read(cnt), per_cpu(cnt, 1));
}`)).toBe('30 0\n');
  });
});

describe('__local_bh_enable_ip() checks (QA F24)', () => {
  it('spin_unlock_bh() with hard IRQs disabled warns in __local_bh_enable_ip, once', () => {
    const r = run(`static DEFINE_SPINLOCK(outer);
static DEFINE_SPINLOCK(inner);
void main(void)
{
	unsigned long flags;
	for (int i = 0; i < 2; i++) {
		spin_lock_irqsave(&outer, flags);
		spin_lock_bh(&inner);
		spin_unlock_bh(&inner);
		spin_unlock_irqrestore(&outer, flags);
	}
	pr_info("done\\n");
}`);
    expect(r.reports.map((x) => x.header)).toEqual([expect.stringMatching(/^WARNING: CPU: 0 PID: 1006 at kernel\/softirq\.c:\d+ __local_bh_enable_ip\+0x[0-9a-f]+\/0x[0-9a-f]+$/)]);
    const l = r.reports[0]!.lines;
    expect(l.slice(l.indexOf('Call Trace:') + 2, l.indexOf('Call Trace:') + 5).map((x) => x.trim().replace(/\+.*/, ''))).toEqual(['__local_bh_enable_ip', '_raw_spin_unlock_bh', 'main']);
    expect(r.reports[0]!.sites[0]!.pos).toMatchObject({ file: 't.c', line: 9 });
    expect(r.text).toContain('done');
  });

  it('local_bh_enable() with IRQs on, and the softirq self-test helpers, do not warn', () => {
    const r = run(`void main(void) { local_bh_disable(); local_bh_enable(); softirq_enter(); softirq_exit(); local_irq_disable(); local_irq_enable(); pr_info("ok\\n"); }`);
    expect(r.reports).toEqual([]);
    expect(r.text).toBe('ok\n');
  });
});

describe('sleeping inside rcu_read_lock() (QA F14)', () => {
  it('msleep() and schedule() in an RCU reader give rcu_note_context_switch()\'s WARN_ONCE; outside a reader nothing', () => {
    for (const sleep of ['msleep(1);', 'schedule();']) {
      const r = run(`void main(void)\n{\n\trcu_read_lock();\n\t${sleep}\n\trcu_read_unlock();\n\t${sleep}\n\trcu_read_lock();\n\t${sleep}\n\trcu_read_unlock();\n\tpr_info("done\\n");\n}`);
      expect(r.reports.map((x) => x.header)).toEqual([expect.stringMatching(/^WARNING: CPU: 0 PID: 1006 at kernel\/rcu\/tree_plugin\.h:\d+ rcu_note_context_switch\+/)]);
      expect(r.reports[0]!.lines[1]).toBe('Voluntary context switch within RCU read-side critical section!');
      expect(r.reports[0]!.sites[0]!.pos.line).toBe(4);
      expect(r.text).toContain('done');
    }
    expect(run(`void main(void) { rcu_read_lock(); rcu_read_unlock(); msleep(1); schedule(); }`).reports).toEqual([]);
  });
});

describe('timer lockdep map (QA F19)', () => {
  const prog = (del: string, locked: boolean) => `static DEFINE_SPINLOCK(l);
static struct timer_list t;
static void tfn(struct timer_list *tl) { spin_lock(&l); pr_info("timer ran\\n"); spin_unlock(&l); }
void main(void)
{
	timer_setup(&t, tfn, 0);
	mod_timer(&t, jiffies + 1);
	msleep(20);
	mod_timer(&t, jiffies + 1);
	${locked ? 'spin_lock_bh(&l);' : ''}
	${del}(&t);
	${locked ? 'spin_unlock_bh(&l);' : ''}
	pr_info("done\\n");
}`;
  it('del_timer_sync()/timer_delete_sync() under a lock the callback takes is a circular dependency on ((&t))', () => {
    for (const del of ['del_timer_sync', 'timer_delete_sync']) {
      const r = run(prog(del, true), { lockdep: true });
      expect(r.reports.map((x) => x.header)).toEqual(['WARNING: possible circular locking dependency detected']);
      expect(r.text).toMatch(/^ffffffff[0-9a-f]+ \(\(&t\)\)\{/m);
      expect(r.text).toMatch(/^ +call_timer_fn\+/m);
      expect(r.text).toMatch(/^ +__timer_delete_sync\+/m);
    }
  });

  it('no report when deleting outside the lock, or with plain del_timer()', () => {
    expect(run(prog('del_timer_sync', false), { lockdep: true }).reports).toEqual([]);
    expect(run(prog('del_timer', true), { lockdep: true }).reports).toEqual([]);
  });
});
