/**
 * Semantics beyond the self-test matrix: one-shot vs keepGoing, the queries
 * the simulated kernel asks, trylocks, out-of-order unlock, irq-context
 * chains, check=0 maps, lockdep_off(), downgrade, class keys and names.
 */
import { describe, expect, it } from 'vitest';
import { createSim, mkLock } from './dsl.ts';

const spin = (name: string, key = `static:${name}`) => mkLock(name, 'spinlock_t', key);

function edgeNames(s: ReturnType<typeof createSim>): string[] {
  const g = s.lockdep.graph();
  const name = (id: number) => g.classes.find((c) => c.id === id)!.name;
  return g.edges.map((e) => `${name(e.from)} ${e.depTypes.join('')} ${name(e.to)}`);
}

function abba(s: ReturnType<typeof createSim>, a = spin('A'), b = spin('B')) {
  s.acquire(a), s.acquire(b), s.release(b), s.release(a);
  s.acquire(b), s.acquire(a), s.release(a), s.release(b);
}

describe('one-shot', () => {
  it('only the first report is printed; afterwards events are ignored and queries say "unknown"', () => {
    const s = createSim();
    const a = spin('A');
    abba(s, a);
    abba(s, spin('C'), spin('D'));
    expect(s.reports.map((r) => r.kind)).toEqual(['circular']);
    expect(s.lockdep.debugLocks()).toBe(false);
    s.acquire(a);
    expect(s.lockdep.lockIsHeld(s.task, a, -1)).toBe(-1);
    expect(s.lockdep.heldLocksLines(s.task)).toEqual(['INFO: lockdep is turned off.']);
  });

  it('keepGoing (teaching knob) reports every problem and keeps answering queries', () => {
    const s = createSim({ keepGoing: true });
    abba(s);
    abba(s, spin('C'), spin('D'));
    expect(s.reports.map((r) => r.kind)).toEqual(['circular', 'circular']);
    expect(s.lockdep.debugLocks()).toBe(true);
    // The same cycle again: the chain is cached, so it is not reported twice.
    abba(s);
    expect(s.reports).toHaveLength(2);
  });

  it('keepGoing prints a repeated uncached problem (wait context in a loop) once', () => {
    const s = createSim({ keepGoing: true });
    const [sl, m] = [spin('sl'), mkLock('m', 'mutex')];
    for (let i = 0; i < 3; i++) s.acquire(sl), s.acquire(m, { api: 'mutex_lock' }), s.release(m), s.release(sl);
    expect(s.reports.map((r) => r.kind)).toEqual(['invalid-wait-context']);
  });
});

describe('queries', () => {
  it('lockIsHeld distinguishes readers and writers, per task', () => {
    const s = createSim();
    const rw = mkLock('&sem', 'rw_semaphore');
    const other = { pid: 9, comm: 'other' };
    s.acquire(rw, { read: 1, api: 'down_read' });
    expect(s.lockdep.lockIsHeld(s.task, rw, -1)).toBe(1);
    expect(s.lockdep.lockIsHeld(s.task, rw, 1)).toBe(1);
    expect(s.lockdep.lockIsHeld(s.task, rw, 0)).toBe(0);
    expect(s.lockdep.lockIsHeld(other, rw, -1)).toBe(0);
    s.release(rw);
    expect(s.lockdep.lockIsHeld(s.task, rw, -1)).toBe(0);
  });

  it('downgrade_write() turns the held writer into a reader', () => {
    const s = createSim();
    const rw = mkLock('&sem', 'rw_semaphore');
    s.acquire(rw, { api: 'down_write' });
    s.downgrade(rw);
    expect(s.lockdep.lockIsHeld(s.task, rw, 1)).toBe(1);
    expect(s.lockdep.lockIsHeld(s.task, rw, 0)).toBe(0);
    expect(s.reports).toEqual([]);
  });

  it('heldLocksLines prints lockdep_print_held_locks()', () => {
    const s = createSim();
    s.acquire(spin('A'), { api: 'spin_lock' });
    s.acquire(mkLock('rcu_read_lock', 'rcu', 'map:rcu_read_lock'), { read: 2, check: false, api: 'rcu_read_lock' });
    const l = s.lockdep.heldLocksLines(s.task);
    expect(l[0]).toBe('2 locks held by swapper/0/1:');
    expect(l[1]).toMatch(/^ #0: ffff[0-9a-f]{12} \(A\)\{\+\.\+\.\}-\{3:3\}, at: selftest_fn\+0x19\/0xe0$/);
    expect(l[2]).toMatch(/ \(rcu_read_lock\)\{\.\.\.\.\}-\{1:3\}, at: /);
  });
});

describe('graph construction', () => {
  it('trylocks get no edges in, but give edges out; the walk passes through them to the first non-trylock', () => {
    const s = createSim();
    const [a, b, c] = [spin('A'), spin('B'), spin('C')];
    s.acquire(a);
    s.acquire(b, { trylock: true, api: 'spin_trylock' });
    s.acquire(c);
    expect(edgeNames(s).sort()).toEqual(['A -(EN)-> C', 'B -(EN)-> C']);
  });

  it('out-of-order unlock re-acquires the locks above, adding A -> C', () => {
    const s = createSim();
    const [a, b, c] = [spin('A'), spin('B'), spin('C')];
    s.acquire(a), s.acquire(b), s.acquire(c);
    expect(edgeNames(s)).toEqual(['A -(EN)-> B', 'B -(EN)-> C']);
    s.release(b);
    expect(edgeNames(s)).toEqual(['A -(EN)-> B', 'A -(EN)-> C', 'B -(EN)-> C']);
    expect(s.lockdep.heldLocksLines(s.task)[0]).toBe('2 locks held by swapper/0/1:');
  });

  it('read modes are dependency types; a second mode ORs into the same edge', () => {
    const s = createSim({ forceReadLockRecursive: true });
    const [x, y] = [mkLock('X', 'rwlock_t'), mkLock('Y', 'rwlock_t')];
    s.acquire(x, { read: 1, api: 'read_lock' }), s.acquire(y, { api: 'write_lock' }), s.release(y), s.release(x);
    s.acquire(x, { api: 'write_lock' }), s.acquire(y, { read: 1, api: 'read_lock' }), s.release(y), s.release(x);
    expect(edgeNames(s)).toEqual(['X -(ER)->-(SN)-> Y']);
  });

  it('locks taken in a hardirq start a new chain: no edge from the interrupted task’s locks', () => {
    const s = createSim();
    const [a, b] = [spin('A'), spin('B')];
    s.irqDisable(), s.acquire(a);
    s.HARDIRQ_ENTER(), s.acquire(b), s.release(b), s.HARDIRQ_EXIT();
    expect(edgeNames(s)).toEqual([]);
  });

  it('but the recursion check spans contexts (on a chain-cache miss)', () => {
    const s = createSim();
    const [a, b] = [spin('A'), spin('B')];
    s.irqDisable(), s.acquire(a);
    s.HARDIRQ_ENTER(), s.acquire(b), s.acquire(a);
    expect(s.reports.map((r) => r.kind)).toEqual(['recursive']);
  });

  it('the chain key ignores the irq context: [A] in a hardirq hits the cache built in task context', () => {
    const s = createSim();
    const a = spin('A');
    s.irqDisable(), s.acquire(a);
    s.HARDIRQ_ENTER(), s.acquire(a);
    expect(s.reports).toEqual([]);
  });

  it('check=0 maps (rcu_read_lock) make no edges but constrain the wait context', () => {
    const s = createSim();
    const rcu = mkLock('rcu_read_lock', 'rcu', 'map:rcu_read_lock');
    s.acquire(rcu, { read: 2, check: false, api: 'rcu_read_lock' });
    s.acquire(spin('A'));
    expect(edgeNames(s)).toEqual([]);
    s.acquire(mkLock('M', 'mutex'), { api: 'mutex_lock' });
    expect(s.reports.map((r) => r.kind)).toEqual(['invalid-wait-context']);
  });

  it('process-context read_lock() is a non-recursive reader (queued rwlocks); in softirq it is recursive', () => {
    const s = createSim();
    const x = mkLock('X', 'rwlock_t');
    s.SOFTIRQ_ENTER();
    s.acquire(x, { read: 1, api: 'read_lock' }), s.acquire(x, { read: 1, api: 'read_lock' });
    s.release(x), s.release(x);
    s.SOFTIRQ_EXIT();
    expect(s.reports).toEqual([]);
    s.acquire(x, { read: 1, api: 'read_lock' }), s.acquire(x, { read: 1, api: 'read_lock' });
    expect(s.reports.map((r) => r.kind)).toEqual(['recursive']);
  });

  it('lockdep_off() hides a task’s acquisitions (and then its release is unbalanced)', () => {
    const s = createSim();
    const a = spin('A');
    s.emit({ kind: 'lockdep_off', ctx: s.ctx() });
    abba(s);
    s.acquire(a);
    s.emit({ kind: 'lockdep_on', ctx: s.ctx() });
    expect(s.reports).toEqual([]);
    s.release(a);
    expect(s.reports.map((r) => r.kind)).toEqual(['bad-unlock-balance']);
  });
});

describe('classes and names', () => {
  it('same name, different keys: name#2; static locks are their own class', () => {
    const s = createSim();
    const a = mkLock('&ops->lock', 'spinlock_t', 'site:a.c:1:1');
    const b = mkLock('&ops->lock', 'spinlock_t', 'site:b.c:1:1');
    s.acquire(a), s.acquire(b);
    expect(s.lockdep.graph().classes.map((c) => c.name)).toEqual(['&ops->lock', '&ops->lock#2']);
  });

  it('lockdep_set_class() re-keys an instance; lock init while held is "held lock freed"', () => {
    const s = createSim();
    const a = spin('&inode->i_lock', 'site:fs.c:1:1');
    s.setClass(a, 'key:i_lock_key', '&sb->s_type->i_lock_key', 0);
    s.acquire(a);
    expect(s.lockdep.graph().classes.map((c) => c.name)).toEqual(['&sb->s_type->i_lock_key']);
    s.init(a);
    expect(s.reports.map((r) => r.kind)).toEqual(['held-lock-freed']);
  });
});

describe('configuration and internal warnings', () => {
  it('PREEMPT_RT: rwlock_t readers are always recursive', () => {
    for (const preemptRt of [false, true]) {
      const s = createSim({ preemptRt });
      const x = mkLock('X', 'rwlock_t');
      s.acquire(x, { read: 1, api: 'read_lock' }), s.acquire(x, { read: 1, api: 'read_lock' });
      expect(s.reports.map((r) => r.kind)).toEqual(preemptRt ? [] : ['recursive']);
    }
  });

  it('enabling irqs inside a hardirq handler is DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())', () => {
    const s = createSim();
    s.HARDIRQ_ENTER();
    s.irqEnable();
    expect(s.reports.map((r) => r.kind)).toEqual(['lockdep-internal']);
    const l = s.reports[0].lines;
    expect(l.slice(0, 2)).toEqual(['------------[ cut here ]------------', 'DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())']);
    expect(l[2]).toMatch(/^WARNING: CPU: 0 PID: 1 at kernel\/locking\/lockdep\.c:\d+ lockdep_hardirqs_on_prepare\+0x/);
    expect(l.at(-1)).toBe('---[ end trace 0000000000000000 ]---');
    expect(s.lockdep.debugLocks()).toBe(false);
  });
});


describe('work done (deterministic, no timing)', () => {
  it('cached chains run no graph search at all', () => {
    const s = createSim();
    const [a, b, c] = [spin('A'), spin('B'), spin('C')];
    const once = () => (s.acquire(a), s.acquire(b), s.acquire(c), s.release(c), s.release(b), s.release(a));
    once();
    const after = s.lockdep.stats();
    for (let i = 0; i < 100; i++) once();
    expect(s.lockdep.stats()).toEqual(after);
    expect(after).toMatchObject({ classes: 3, edges: 2, chains: 3 });
  });

  it('a new dependency visits each graph entry at most a bounded number of times (linear, not quadratic)', () => {
    const perCheck = (n: number) => {
      const s = createSim();
      const ls = Array.from({ length: n }, (_, i) => spin(`L${i}`));
      for (let i = 1; i < n; i++) s.acquire(ls[i - 1]), s.acquire(ls[i]), s.release(ls[i]), s.release(ls[i - 1]);
      const v0 = s.lockdep.stats().bfsVisits;
      const x = spin('X');
      s.acquire(x), s.acquire(ls[0]);
      return s.lockdep.stats().bfsVisits - v0;
    };
    const small = perCheck(200);
    const big = perCheck(800);
    expect(small).toBeGreaterThanOrEqual(200);
    expect(big).toBeLessThanOrEqual(4 * small + 10);
  });
});
