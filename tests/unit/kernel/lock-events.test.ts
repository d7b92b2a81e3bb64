import { describe, expect, it } from 'vitest';
import { record, summary } from './helpers.ts';

const S = (src: string) => summary(record(src).events, true);
const N = (src: string) => summary(record(src).events, false);

describe('lock APIs emit the kernel order of events', () => {
  it('spin_lock_irqsave: IRQs off, then preempt and acquire; release before IRQs come back', () => {
    expect(
      S(`struct k { spinlock_t l; };
void main(void) { struct k *p = kzalloc(sizeof(*p), GFP_ATOMIC); unsigned long f;
  spin_lock_init(&p->l); spin_lock_irqsave(&p->l, f); spin_unlock_irqrestore(&p->l, f); }`),
    ).toEqual([
      'lock_init &p->l site:t.c:3:3 cpu0 main HE1 SE1 HC0 SC0 P0',
      'hardirqs_off _raw_spin_lock_irqsave cpu0 main HE0 SE1 HC0 SC0 P0',
      'acquire spin_lock_irqsave &p->l r0 cpu0 main HE0 SE1 HC0 SC0 P1',
      'release spin_unlock_irqrestore &p->l cpu0 main HE0 SE1 HC0 SC0 P1',
      'hardirqs_on _raw_spin_unlock_irqrestore cpu0 main HE1 SE1 HC0 SC0 P1',
      'return_to_user cpu0 main HE1 SE1 HC0 SC0 P0',
    ]);
  });

  it('spin_lock_irqsave with IRQs already off saves and restores the off state (no transitions)', () => {
    expect(
      N(`static DEFINE_SPINLOCK(a);
void main(void) { unsigned long f; local_irq_disable(); spin_lock_irqsave(&a, f); spin_unlock_irqrestore(&a, f); local_irq_enable(); }`),
    ).toEqual([
      'hardirqs_off local_irq_disable',
      'acquire spin_lock_irqsave a r0',
      'release spin_unlock_irqrestore a',
      'hardirqs_on local_irq_enable',
      'return_to_user',
    ]);
  });

  it('spin_lock_bh disables BH first; spin_unlock_bh releases, then BH on with IRQs briefly off', () => {
    expect(S(`static DEFINE_SPINLOCK(s); void main(void) { spin_lock_bh(&s); spin_unlock_bh(&s); }`)).toEqual([
      'softirqs_off _raw_spin_lock_bh cpu0 main HE1 SE0 HC0 SC2 P0',
      'acquire spin_lock_bh s r0 cpu0 main HE1 SE0 HC0 SC2 P1',
      'release spin_unlock_bh s cpu0 main HE1 SE0 HC0 SC2 P1',
      'hardirqs_off __local_bh_enable_ip cpu0 main HE0 SE0 HC0 SC2 P1',
      'softirqs_on _raw_spin_unlock_bh cpu0 main HE0 SE1 HC0 SC0 P1',
      'hardirqs_on __local_bh_enable_ip cpu0 main HE1 SE1 HC0 SC0 P1',
      'return_to_user cpu0 main HE1 SE1 HC0 SC0 P0',
    ]);
  });

  it('raw_spin_lock_irq and the per-CPU class', () => {
    expect(
      N(`static DEFINE_RAW_SPINLOCK(r); DEFINE_PER_CPU(raw_spinlock_t, pcl);
void main(void) { raw_spin_lock_irq(&r); raw_spin_unlock_irq(&r); raw_spin_lock(&per_cpu(pcl, 3)); raw_spin_unlock(&per_cpu(pcl, 3)); }`),
    ).toEqual([
      'hardirqs_off _raw_spin_lock_irq',
      'acquire raw_spin_lock_irq r r0',
      'release raw_spin_unlock_irq r',
      'hardirqs_on _raw_spin_unlock_irq',
      'acquire raw_spin_lock pcl r0',
      'release raw_spin_unlock pcl',
      'return_to_user',
    ]);
  });

  it('nested, nest_lock and trylock variants carry subclass, nest lock and trylock', () => {
    expect(
      N(`static DEFINE_SPINLOCK(a); static DEFINE_SPINLOCK(b); static DEFINE_MUTEX(m);
void main(void) { unsigned long f;
  spin_lock_nested(&a, 1); spin_unlock(&a);
  spin_lock_irqsave_nested(&a, f, 2); spin_unlock_irqrestore(&a, f);
  spin_lock(&b); spin_lock_nest_lock(&a, &b); spin_unlock(&a); spin_unlock(&b);
  if (spin_trylock(&a)) spin_unlock(&a);
  mutex_lock(&m); if (!mutex_trylock(&m)) pr_info("busy\\n"); mutex_unlock(&m); }`),
    ).toEqual([
      'acquire spin_lock_nested a r0 sub1',
      'release spin_unlock a',
      'hardirqs_off _raw_spin_lock_irqsave_nested',
      'acquire spin_lock_irqsave_nested a r0 sub2',
      'release spin_unlock_irqrestore a',
      'hardirqs_on _raw_spin_unlock_irqrestore',
      'acquire spin_lock b r0',
      'acquire spin_lock_nest_lock a r0 nest=b',
      'release spin_unlock a',
      'release spin_unlock b',
      'acquire spin_trylock a r0 try',
      'release spin_unlock a',
      'acquire mutex_lock m r0',
      'release mutex_unlock m',
      'return_to_user',
    ]);
  });

  it('a failed trylock emits nothing and restores IRQs', () => {
    const { events, r } = record(`static DEFINE_SPINLOCK(a);
void main(void) { unsigned long f; spin_lock(&a); pr_info("%d\\n", spin_trylock_irqsave(&a, f)); spin_unlock(&a); }`);
    expect(summary(events)).toEqual([
      'acquire spin_lock a r0',
      'hardirqs_off _raw_spin_trylock',
      'hardirqs_on _raw_spin_trylock',
      'release spin_unlock a',
      'return_to_user',
    ]);
    expect(r.text).toBe('0\n');
  });

  it('rwlock readers are non-recursive in task context and recursive in interrupts', () => {
    expect(
      N(`static DEFINE_RWLOCK(rw);
static irqreturn_t h(int irq, void *d) { read_lock(&rw); read_unlock(&rw); return IRQ_HANDLED; }
void main(void) { request_irq(3, h, 0, "h", NULL); read_lock(&rw); read_unlock(&rw); write_lock_irq(&rw); write_unlock_irq(&rw); lab_raise_irq(0, 3); }`),
    ).toEqual([
      'acquire read_lock rw r1',
      'release read_unlock rw',
      'hardirqs_off _raw_write_lock_irq',
      'acquire write_lock_irq rw r0',
      'release write_unlock_irq rw',
      'hardirqs_on _raw_write_unlock_irq',
      'hardirqs_off irqentry_enter',
      'hardirq_enter',
      'acquire read_lock rw r2',
      'release read_unlock rw',
      'hardirq_exit',
      'hardirqs_on asm_common_interrupt',
      'return_to_user',
    ]);
  });

  it('rwsem: readers are read=1, downgrade_write turns the writer into a reader', () => {
    expect(
      N(`static DECLARE_RWSEM(sem);
void main(void) { down_read(&sem); up_read(&sem); down_write(&sem); downgrade_write(&sem); up_read(&sem); down_write_nested(&sem, 1); up_write(&sem); }`),
    ).toEqual([
      'acquire down_read sem r1',
      'release up_read sem',
      'acquire down_write sem r0',
      'downgrade sem',
      'release up_read sem',
      'acquire down_write_nested sem r0 sub1',
      'release up_write sem',
      'return_to_user',
    ]);
  });

  it('rcu_read_lock family: check=0 recursive reads on global maps, with BH/preempt side effects', () => {
    const { events } = record(`void main(void) { rcu_read_lock(); rcu_read_unlock(); rcu_read_lock_bh(); rcu_read_unlock_bh(); rcu_read_lock_sched(); rcu_read_unlock_sched(); }`);
    expect(summary(events)).toEqual([
      'acquire rcu_read_lock rcu_read_lock r2 nocheck',
      'release rcu_read_unlock rcu_read_lock',
      'softirqs_off rcu_read_lock_bh',
      'acquire rcu_read_lock_bh rcu_read_lock_bh r2 nocheck',
      'release rcu_read_unlock_bh rcu_read_lock_bh',
      'hardirqs_off __local_bh_enable_ip',
      'softirqs_on rcu_read_unlock_bh',
      'hardirqs_on __local_bh_enable_ip',
      'acquire rcu_read_lock_sched rcu_read_lock_sched r2 nocheck',
      'release rcu_read_unlock_sched rcu_read_lock_sched',
      'return_to_user',
    ]);
    const maps = events.filter((e) => e.kind === 'acquire').map((e) => (e.kind === 'acquire' ? [e.lock.key, e.lock.waitOuter, e.lock.waitInner] : []));
    expect(maps).toEqual([
      ['map:rcu_read_lock', 'FREE', 'CONFIG'],
      ['map:rcu_read_lock_bh', 'FREE', 'CONFIG'],
      ['map:rcu_read_lock_sched', 'FREE', 'SPIN'],
    ]);
  });

  it('lockdep annotations: spin_acquire/spin_release on dep_map name the same instance as the lock', () => {
    const { events } = record(`struct pi { raw_spinlock_t lock; };
DEFINE_PER_CPU(struct pi, wake);
void main(void) { raw_spinlock_t *l = &per_cpu(wake, 2).lock;
  raw_spin_lock_init(&per_cpu(wake, 2).lock);
  raw_spin_lock(l); spin_acquire(&l->dep_map, SINGLE_DEPTH_NESTING, 0, _RET_IP_); spin_release(&l->dep_map, _RET_IP_); raw_spin_unlock(l);
  lock_map_acquire_read(&l->dep_map); lock_map_release(&l->dep_map);
  lock_acquire(&l->dep_map, 0, 1, 2, 0, NULL, _RET_IP_); lock_release(&l->dep_map, _RET_IP_); }`);
    expect(summary(events)).toEqual([
      'lock_init &per_cpu(wake, 2).lock site:t.c:4:3',
      'acquire raw_spin_lock &per_cpu(wake, 2).lock r0',
      'acquire spin_acquire &per_cpu(wake, 2).lock r0 sub1',
      'release spin_release &per_cpu(wake, 2).lock',
      'release raw_spin_unlock &per_cpu(wake, 2).lock',
      'acquire lock_map_acquire_read &per_cpu(wake, 2).lock r2',
      'release lock_map_release &per_cpu(wake, 2).lock',
      'acquire lock_acquire &per_cpu(wake, 2).lock r2 try nocheck',
      'release lock_release &per_cpu(wake, 2).lock',
      'return_to_user',
    ]);
    const ids = new Set(events.flatMap((e) => ('lock' in e ? [e.lock.id] : [])));
    expect(ids.size).toBe(1);
  });

  it('lock classes are keyed as the kernel keys them', () => {
    const { events } = record(`struct k { spinlock_t l; };
static DEFINE_SPINLOCK(st);
DEFINE_PER_CPU(spinlock_t, pc);
static void init_one(struct k *k) { spin_lock_init(&k->l); }
void main(void) {
  struct k *x = kzalloc(sizeof(*x), GFP_ATOMIC), *y = kzalloc(sizeof(*y), GFP_ATOMIC), *z = kzalloc(sizeof(*z), GFP_ATOMIC);
  init_one(x); init_one(y);
  spin_lock(&x->l); spin_unlock(&x->l); spin_lock(&y->l); spin_unlock(&y->l);
  spin_lock(&st); spin_unlock(&st);
  spin_lock(&per_cpu(pc, 0)); spin_unlock(&per_cpu(pc, 0)); spin_lock(&per_cpu(pc, 5)); spin_unlock(&per_cpu(pc, 5));
  spin_lock(&z->l); spin_unlock(&z->l); }`);
    const acq = events.filter((e) => e.kind === 'acquire').map((e) => (e.kind === 'acquire' ? `${e.lock.id} ${e.lock.key} ${e.lock.name} ${e.lock.lockType} ${e.lock.waitInner}` : ''));
    expect(acq).toEqual([
      '1 site:t.c:4:37 &k->l spinlock_t CONFIG',
      '2 site:t.c:4:37 &k->l spinlock_t CONFIG',
      '3 static:st st spinlock_t CONFIG',
      '4 percpu:pc pc spinlock_t CONFIG',
      '5 percpu:pc pc spinlock_t CONFIG',
      '6 none &z->l spinlock_t CONFIG',
    ]);
  });

  it('lockdep_set_class / _and_name / _subclass / novalidate send set_class', () => {
    expect(
      N(`struct k { struct mutex m; }; static struct lock_class_key my_key;
void main(void) { struct k *p = kzalloc(sizeof(*p), GFP_KERNEL); mutex_init(&p->m);
  lockdep_set_class(&p->m, &my_key); lockdep_set_class_and_name(&p->m, &my_key, "my_mutex");
  lockdep_set_subclass(&p->m, 3); lockdep_set_novalidate_class(&p->m); }`).filter((l) => l.startsWith('set_class')),
    ).toEqual([
      'set_class &p->m -> key:my_key &my_key sub0',
      'set_class &p->m -> key:my_key my_mutex sub0',
      'set_class &p->m -> site:t.c:2:66 &p->m sub3',
      'set_class &p->m -> key:__lockdep_no_validate__ &p->m sub0 novalidate',
    ]);
  });

  it('lockdep_off/on and might_lock', () => {
    expect(N(`static DEFINE_MUTEX(m); void main(void) { lockdep_off(); lockdep_on(); might_lock(&m); }`)).toEqual([
      'lockdep_off',
      'lockdep_on',
      'acquire might_lock m r0',
      'release might_lock m',
      'return_to_user',
    ]);
  });

  it('local_lock_irqsave disables IRQs (no preempt count), then acquires the this-CPU map', () => {
    const { events } = record(`struct pcp { local_lock_t lock; int n; };
DEFINE_PER_CPU(struct pcp, stats);
void main(void) { unsigned long f; local_lock_irqsave(&stats.lock, f); this_cpu_ptr(&stats)->n++; local_unlock_irqrestore(&stats.lock, f); }`);
    expect(summary(events, true)).toEqual([
      'hardirqs_off local_lock_irqsave cpu0 main HE0 SE1 HC0 SC0 P0',
      'acquire local_lock_irqsave stats.lock r0 cpu0 main HE0 SE1 HC0 SC0 P0',
      'release local_unlock_irqrestore stats.lock cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirqs_on local_unlock_irqrestore cpu0 main HE1 SE1 HC0 SC0 P0',
      'return_to_user cpu0 main HE1 SE1 HC0 SC0 P0',
    ]);
    expect(events.find((e) => e.kind === 'acquire' && e.lock.lockType === 'local_lock_t')).toBeTruthy();
  });

  it('the acquire stack has the API as the kernel names it on top of the caller', () => {
    const { events } = record(`static DEFINE_SPINLOCK(a); static DEFINE_MUTEX(m);
static void take(void) { unsigned long f; spin_lock_irqsave(&a, f); spin_unlock_irqrestore(&a, f); mutex_lock(&m); mutex_unlock(&m); }
void main(void) { take(); }`);
    const stacks = events.filter((e) => e.kind === 'acquire').map((e) => e.ctx.stack.map((f) => f.fn));
    expect(stacks).toEqual([
      ['_raw_spin_lock_irqsave', 'take', 'main', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
      ['mutex_lock_nested', 'take', 'main', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
    ]);
    const take = events.find((e) => e.kind === 'acquire')!.ctx.stack[1]!;
    expect(take.pos).toEqual({ file: 't.c', line: 2, col: 43 });
    expect(take.offset).toBeLessThan(take.size);
  });
});

describe('lockdep_assert_* and might_sleep', () => {
  it('lockdep_assert_held warns only when the lock is not held', () => {
    const { r } = record(`static DEFINE_SPINLOCK(a);
static void needs_a(void) { lockdep_assert_held(&a); }
void main(void) { spin_lock(&a); needs_a(); spin_unlock(&a); needs_a(); }`, { lockdep: true });
    expect(r.reports.map((x) => x.kind)).toEqual(['warning']);
    expect(r.reports[0]!.lines[0]).toBe('------------[ cut here ]------------');
    expect(r.reports[0]!.lines[1]).toMatch(/^WARNING: CPU: 0 PID: 1006 at t\.c:2 needs_a\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
    expect(r.reports[0]!.lines.at(-1)).toBe('---[ end trace 0000000000000000 ]---');
  });

  it('lockdep_assert_not_held and lockdep_assert_irqs_disabled (once per site)', () => {
    const { r } = record(`static DEFINE_MUTEX(m);
static void f(void) { lockdep_assert_irqs_disabled(); }
void main(void) { mutex_lock(&m); lockdep_assert_not_held(&m); mutex_unlock(&m); f(); f(); local_irq_disable(); f(); local_irq_enable(); }`, { lockdep: true });
    expect(r.reports.map((x) => x.kind)).toEqual(['warning', 'warning']);
    expect(r.reports[1]!.sites[0]!.pos.line).toBe(2);
  });

  it('mutex_lock under a spinlock: the kernel BUG from might_sleep', () => {
    const { r } = record(`static DEFINE_SPINLOCK(a); static DEFINE_MUTEX(m);
void main(void) { lab_set_comm("rngd"); spin_lock(&a); mutex_lock(&m); mutex_unlock(&m); spin_unlock(&a); }`);
    const rep = r.reports[0]!;
    expect(rep.kind).toBe('sleeping-in-atomic');
    expect(rep.source).toBe('kernel');
    expect(rep.lines.slice(0, 4)).toEqual([
      'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283',
      'in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1006, name: rngd',
      'preempt_count: 1, expected: 0',
      'RCU nest depth: 0, expected: 0',
    ]);
    expect(rep.lines).toContain('Hardware name: Lockdep Lab simulated machine');
    const at = rep.lines.indexOf('Preemption disabled at:');
    expect(at).toBeGreaterThan(3);
    expect(rep.lines[at + 1]).toMatch(/^\[<ffffffff[0-9a-f]{8}>\] main\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
  });

  it('with IRQs off the BUG adds the irq event stamp of the task', () => {
    const { r } = record(`static DEFINE_SPINLOCK(a);
static void f(void) { unsigned long fl; local_bh_disable(); local_bh_enable(); spin_lock_irqsave(&a, fl); might_sleep(); spin_unlock_irqrestore(&a, fl); }
void main(void) { f(); }`);
    const l = r.reports[0]!.lines;
    const at = l.findIndex((x) => x.startsWith('irq event stamp:'));
    expect(l.slice(at, at + 5).map((x) => x.replace(/\[<[0-9a-f]+>\] /, '').replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/, ''))).toEqual([
      'irq event stamp: 7',
      'hardirqs last  enabled at (6): __local_bh_enable_ip',
      'hardirqs last disabled at (7): _raw_spin_lock_irqsave',
      'softirqs last  enabled at (5): f',
      'softirqs last disabled at (3): f',
    ]);
  });

  it('might_sleep inside rcu_read_lock reports the RCU nest depth', () => {
    const { r } = record(`void main(void) { rcu_read_lock(); might_sleep(); rcu_read_unlock(); might_sleep(); }`);
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0]!.lines[0]).toBe('BUG: sleeping function called from invalid context at t.c:1');
    expect(r.reports[0]!.lines[3]).toBe('RCU nest depth: 1, expected: 0');
  });
});
