import { describe, expect, it } from 'vitest';
import { record, summary } from './helpers.ts';

/**
 * One row per lock API: the statement(s) and the exact events, in the kernel's
 * order (facts §f). Globals: spinlock s, raw r, rwlock rw, mutex m, rwsem sem,
 * rt_mutex rt, per-CPU local_lock pcp.l, flags f.
 */
const G = `static DEFINE_SPINLOCK(s); static DEFINE_RAW_SPINLOCK(r); static DEFINE_RWLOCK(rw); static DEFINE_MUTEX(m);
static DECLARE_RWSEM(sem); static struct rt_mutex rt; struct pcpu { local_lock_t l; }; DEFINE_PER_CPU(struct pcpu, pcp);`;

const ROWS: Array<[string, string[]]> = [
  ['spin_lock_irq(&s); spin_unlock_irq(&s);', ['hardirqs_off _raw_spin_lock_irq', 'acquire spin_lock_irq s r0', 'release spin_unlock_irq s', 'hardirqs_on _raw_spin_unlock_irq']],
  ['raw_spin_lock_bh(&r); raw_spin_unlock_bh(&r);', ['softirqs_off _raw_spin_lock_bh', 'acquire raw_spin_lock_bh r r0', 'release raw_spin_unlock_bh r', 'hardirqs_off __local_bh_enable_ip', 'softirqs_on _raw_spin_unlock_bh', 'hardirqs_on __local_bh_enable_ip']],
  ['raw_spin_lock_irqsave(&r, f); raw_spin_unlock_irqrestore(&r, f);', ['hardirqs_off _raw_spin_lock_irqsave', 'acquire raw_spin_lock_irqsave r r0', 'release raw_spin_unlock_irqrestore r', 'hardirqs_on _raw_spin_unlock_irqrestore']],
  ['raw_spin_lock_nested(&r, 2); raw_spin_unlock(&r);', ['acquire raw_spin_lock_nested r r0 sub2', 'release raw_spin_unlock r']],
  ['if (spin_trylock_bh(&s)) spin_unlock_bh(&s);', ['softirqs_off _raw_spin_trylock_bh', 'acquire spin_trylock_bh s r0 try', 'release spin_unlock_bh s', 'hardirqs_off __local_bh_enable_ip', 'softirqs_on _raw_spin_unlock_bh', 'hardirqs_on __local_bh_enable_ip']],
  ['if (raw_spin_trylock(&r)) raw_spin_unlock(&r);', ['acquire raw_spin_trylock r r0 try', 'release raw_spin_unlock r']],
  ['read_lock_irqsave(&rw, f); read_unlock_irqrestore(&rw, f);', ['hardirqs_off _raw_read_lock_irqsave', 'acquire read_lock_irqsave rw r1', 'release read_unlock_irqrestore rw', 'hardirqs_on _raw_read_unlock_irqrestore']],
  ['read_lock_bh(&rw); read_unlock_bh(&rw);', ['softirqs_off _raw_read_lock_bh', 'acquire read_lock_bh rw r2', 'release read_unlock_bh rw', 'hardirqs_off __local_bh_enable_ip', 'softirqs_on _raw_read_unlock_bh', 'hardirqs_on __local_bh_enable_ip']],
  ['write_lock_bh(&rw); write_unlock_bh(&rw);', ['softirqs_off _raw_write_lock_bh', 'acquire write_lock_bh rw r0', 'release write_unlock_bh rw', 'hardirqs_off __local_bh_enable_ip', 'softirqs_on _raw_write_unlock_bh', 'hardirqs_on __local_bh_enable_ip']],
  ['if (read_trylock(&rw)) read_unlock(&rw); if (write_trylock(&rw)) write_unlock(&rw);', ['acquire read_trylock rw r1 try', 'release read_unlock rw', 'acquire write_trylock rw r0 try', 'release write_unlock rw']],
  ['if (!mutex_lock_interruptible(&m)) mutex_unlock(&m); if (!mutex_lock_killable(&m)) mutex_unlock(&m);', ['acquire mutex_lock_interruptible m r0', 'release mutex_unlock m', 'acquire mutex_lock_killable m r0', 'release mutex_unlock m']],
  ['mutex_lock_nest_lock(&m, &r); mutex_unlock(&m);', ['acquire mutex_lock_nest_lock m r0 nest=r', 'release mutex_unlock m']],
  ['if (down_read_trylock(&sem)) up_read(&sem); if (down_write_trylock(&sem)) up_write(&sem);', ['acquire down_read_trylock sem r1 try', 'release up_read sem', 'acquire down_write_trylock sem r0 try', 'release up_write sem']],
  ['down_read_nested(&sem, 1); up_read(&sem);', ['acquire down_read_nested sem r1 sub1', 'release up_read sem']],
  ['rt_mutex_init(&rt); rt_mutex_lock(&rt); rt_mutex_unlock(&rt); if (rt_mutex_trylock(&rt)) rt_mutex_unlock(&rt);', ['lock_init &rt site:t.c:4:2', 'acquire rt_mutex_lock &rt r0', 'release rt_mutex_unlock &rt', 'acquire rt_mutex_trylock &rt r0 try', 'release rt_mutex_unlock &rt']],
  ['local_lock(&pcp.l); local_unlock(&pcp.l); local_lock_irq(&pcp.l); local_unlock_irq(&pcp.l);', ['acquire local_lock pcp.l r0', 'release local_unlock pcp.l', 'hardirqs_off local_lock_irq', 'acquire local_lock_irq pcp.l r0', 'release local_unlock_irq pcp.l', 'hardirqs_on local_unlock_irq']],
  ['spin_lock(&s); spin_release(&s.dep_map, _RET_IP_); spin_acquire(&s.dep_map, 0, 1, _RET_IP_); spin_unlock(&s);', ['acquire spin_lock s r0', 'release spin_release s', 'acquire spin_acquire s r0 try', 'release spin_unlock s']],
  ['mutex_acquire(&m.dep_map, 1, 0, _RET_IP_); mutex_release(&m.dep_map, _RET_IP_); rwsem_acquire_read(&sem.dep_map, 0, 0, _RET_IP_); rwsem_release(&sem.dep_map, _RET_IP_);', ['acquire mutex_acquire m r0 sub1', 'release mutex_release m', 'acquire rwsem_acquire_read sem r1', 'release rwsem_release sem']],
  ['lock_map_acquire(&m.dep_map); lock_map_release(&m.dep_map); lock_map_acquire_try(&m.dep_map); lock_map_release(&m.dep_map);', ['acquire lock_map_acquire m r0', 'release lock_map_release m', 'acquire lock_map_acquire_try m r0 try', 'release lock_map_release m']],
  ['might_lock_read(&sem);', ['acquire might_lock_read sem r1', 'release might_lock_read sem']],
];

describe('every lock API, one row each', () => {
  for (const [stmts, want] of ROWS) {
    it(stmts, () => {
      const { events, r } = record(`${G}\nvoid main(void) { unsigned long f;\n ${stmts}\n}`);
      expect(r.diagnostics).toEqual([]);
      expect(summary(events).filter((l) => l !== 'return_to_user')).toEqual(want);
    });
  }
});
