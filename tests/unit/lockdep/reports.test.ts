/**
 * Every lockdep report kind in the kernel's layout (golden texts reviewed
 * against lockdep-facts.md §e), plus the structured data the site uses.
 */
import { describe, expect, it } from 'vitest';
import { golden } from './golden.ts';
import { createSim, fr, mkLock, type Sim } from './dsl.ts';

const spin = (name: string, key = `static:${name}`) => mkLock(name, 'spinlock_t', key);

function lines(s: Sim): string[] {
  expect(s.reports).toHaveLength(1);
  return s.reports[0].lines;
}

/** Banner: empty line, '=' x n, header, ident, '-' x n. */
function expectBanner(l: string[], header: string, n = header.length) {
  expect(l.slice(0, 5)).toEqual(['', '='.repeat(n), header, '6.18.0-lab #1 Not tainted', '-'.repeat(n)]);
}

describe('possible recursive locking', () => {
  it('two instances of one class (same init site) is an A-A deadlock', () => {
    const s = createSim();
    const a1 = spin('&dev->lock', 'site:drv.c:10:2');
    const a2 = spin('&dev->lock', 'site:drv.c:10:2');
    s.call(fr('dev_pair_lock', 20, 'drv.c'), () => {
      s.acquire(a1, { api: 'spin_lock' });
      s.call(fr('dev_lock_other', 31, 'drv.c'), () => s.acquire(a2, { api: 'spin_lock' }));
    });
    const l = lines(s);
    expectBanner(l, 'WARNING: possible recursive locking detected', 44);
    expect(l).toEqual(golden('recursive.txt', l));
    expect(s.reports[0].sites.map((x) => x.pos.line)).toEqual([31, 20]);
  });

  it('spin_lock_nested() with SINGLE_DEPTH_NESTING is a different class: no report, but a real A -> A/1 edge', () => {
    const s = createSim();
    const a1 = spin('&dev->lock', 'site:drv.c:10:2');
    const a2 = spin('&dev->lock', 'site:drv.c:10:2');
    s.acquire(a1, { api: 'spin_lock' });
    s.acquire(a2, { subclass: 1, api: 'spin_lock_nested' });
    s.release(a2), s.release(a1);
    expect(s.reports).toEqual([]);
    const g = s.lockdep.graph();
    expect(g.classes.map((c) => c.name)).toEqual(['&dev->lock', '&dev->lock/1']);
    // ...so the inverted nesting closes a cycle.
    s.acquire(a2, { subclass: 1, api: 'spin_lock_nested' });
    s.acquire(a1, { api: 'spin_lock' });
    expect(s.reports.map((r) => r.kind)).toEqual(['circular']);
    expect(s.reports[0].lines).toContain('  lock(&dev->lock/1);');
  });

  it('nest_lock: same-class locks under their nest lock merge and release by reference count', () => {
    const s = createSim();
    const big = mkLock('&mm->mmap_lock', 'rw_semaphore');
    const p1 = spin('&pt->lock', 'site:mm.c:5:2');
    const p2 = spin('&pt->lock', 'site:mm.c:5:2');
    s.acquire(big, { api: 'down_write' });
    s.acquire(p1, { nest: big, api: 'spin_lock_nest_lock' });
    s.acquire(p2, { nest: big, api: 'spin_lock_nest_lock' });
    expect(s.lockdep.heldLocksLines(s.task)[0]).toBe('2 locks held by swapper/0/1:');
    s.release(p2), s.release(p1), s.release(big);
    expect(s.reports).toEqual([]);
    expect(s.lockdep.heldLocksLines(s.task)).toEqual(['no locks held by swapper/0/1.']);
  });
});

describe('irq-safe -> irq-unsafe and irq inversion', () => {
  function safeUnsafeChain(s: Sim, withMiddle: boolean) {
    const A = spin('safe_lock');
    const M = spin('middle_lock');
    const B = spin('unsafe_lock');
    s.call(fr('unsafe_user', 40), () => (s.acquire(B, { api: 'spin_lock' }), s.release(B)));
    s.call(fr('irq_handler', 50), () => {
      s.HARDIRQ_ENTER();
      s.acquire(A, { api: 'spin_lock' });
      s.release(A);
      s.HARDIRQ_EXIT();
    });
    s.call(fr('ordered_path', 60), () => {
      s.irqDisable();
      s.acquire(A, { api: 'spin_lock' });
      if (withMiddle) {
        s.acquire(M, { api: 'spin_lock' });
        s.release(M);
        s.release(A);
        s.acquire(M, { api: 'spin_lock' });
        s.call(fr('take_unsafe', 70), () => s.acquire(B, { api: 'spin_lock' }));
      } else {
        s.call(fr('take_unsafe', 70), () => s.acquire(B, { api: 'spin_lock' }));
      }
    });
  }

  it('a new edge from a HARDIRQ-safe lock to a HARDIRQ-unsafe one', () => {
    const s = createSim();
    safeUnsafeChain(s, false);
    const l = lines(s);
    expectBanner(l, 'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected', 53);
    expect(l).toContain('swapper/0/1 [HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:');
    expect(l).not.toContain('Chain exists of:');
    expect(l).toEqual(golden('irq-safe-unsafe.txt', l));
    expect(s.reports[0].locks.map((x) => `${x.role}:${x.name}`)).toEqual(['acquiring:unsafe_lock', 'holding:safe_lock', 'safe:safe_lock', 'unsafe:unsafe_lock']);
  });

  it('through a middle lock: "Chain exists of" and the backward path', () => {
    const s = createSim();
    safeUnsafeChain(s, true);
    const l = lines(s);
    expect(l).toContain('  safe_lock --> middle_lock --> unsafe_lock');
    expect(l).toEqual(golden('irq-safe-unsafe-chain.txt', l));
    // Markers: the new acquisition, where each lock got its irq state, the held lock, the path edge.
    expect(s.reports[0].sites.map((x) => `${x.pos.line} ${x.message}`)).toEqual([
      '70 acquires unsafe_lock while holding middle_lock: connects HARDIRQ-safe safe_lock to HARDIRQ-unsafe unsafe_lock',
      '50 safe_lock became HARDIRQ-irq-safe here (IN-HARDIRQ-W)',
      '40 unsafe_lock became HARDIRQ-irq-unsafe here (HARDIRQ-ON-W)',
      '60 middle_lock is held here',
      '60 dependency safe_lock -> middle_lock recorded here',
    ]);
  });

  it('a lock becoming HARDIRQ-safe after it took a HARDIRQ-unsafe lock: irq lock inversion', () => {
    const s = createSim();
    const A = spin('lock_A');
    const B = spin('lock_B');
    s.call(fr('path_ab', 10), () => {
      s.irqDisable();
      s.acquire(A, { api: 'spin_lock' });
      s.acquire(B, { api: 'spin_lock' });
      s.release(B), s.release(A);
      s.irqEnable();
    });
    s.call(fr('path_b', 20), () => (s.acquire(B, { api: 'spin_lock' }), s.release(B)));
    s.call(fr('handler_a', 30), () => {
      s.HARDIRQ_ENTER();
      s.acquire(A, { api: 'spin_lock' });
    });
    const l = lines(s);
    expectBanner(l, 'WARNING: possible irq lock inversion dependency detected', 56);
    expect(l).toContain('but this lock took another, HARDIRQ-unsafe lock in the past:');
    expect(l).toEqual(golden('irq-inversion.txt', l));
  });

  it('enabling irqs while holding a softirq-safe lock is inconsistent (local_irq_enable marks held locks)', () => {
    const s = createSim();
    const A = spin('lock_A');
    s.SOFTIRQ_ENTER();
    s.acquire(A, { api: 'spin_lock' });
    s.release(A);
    s.SOFTIRQ_EXIT();
    s.irqDisable();
    s.acquire(A, { api: 'spin_lock' });
    s.call(fr('enable_early', 99), () => s.irqEnable());
    const l = lines(s);
    expect(l).toContain('inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.');
    // The report is raised before lockdep records irqs as on.
    expect(l).toContain('swapper/0/1 [HC0[0]:SC0[0]:HE0:SE1] takes:');
    expect(l).toContain(' mark_held_locks+0x4f/0x70');
  });
});

describe('other reports', () => {
  it('invalid wait context: mutex under a spinlock', () => {
    const s = createSim();
    const sl = spin('&q->lock', 'site:q.c:3:2');
    const m = mkLock('&q->mutex', 'mutex', 'site:q.c:4:2');
    s.call(fr('q_flush', 12, 'q.c'), () => {
      s.acquire(sl, { api: 'spin_lock' });
      s.acquire(m, { api: 'mutex_lock' });
    });
    const l = lines(s);
    expectBanner(l, '[ BUG: Invalid wait context ]', 29);
    expect(l).toEqual(golden('wait-context.txt', l));
    expect(l).toContain('context-{5:5}');
  });

  it('invalid wait context: spinlock_t under raw_spinlock_t only with PROVE_RAW_LOCK_NESTING', () => {
    for (const nesting of [true, false]) {
      const s = createSim({ proveRawLockNesting: nesting });
      s.acquire(mkLock('raw', 'raw_spinlock_t'), { api: 'raw_spin_lock' });
      s.acquire(spin('sl'), { api: 'spin_lock' });
      expect(s.reports.map((r) => r.kind)).toEqual(nesting ? ['invalid-wait-context'] : []);
    }
  });

  it('bad unlock balance', () => {
    const s = createSim();
    const a = spin('lock_A');
    s.call(fr('double_release', 7), () => {
      s.acquire(a, { api: 'spin_lock' });
      s.release(a, 'spin_unlock');
      s.release(a, 'spin_unlock');
    });
    const l = lines(s);
    expectBanner(l, 'WARNING: bad unlock balance detected!', 37);
    expect(l).toEqual(golden('bad-unlock.txt', l));
  });

  it('unlocking a lock taken in another irq context is a bad unlock', () => {
    const s = createSim();
    const a = spin('lock_A');
    s.acquire(a, { api: 'spin_lock' });
    s.HARDIRQ_ENTER();
    s.acquire(spin('lock_B'), { api: 'spin_lock' });
    s.release(a);
    expect(s.reports.map((r) => r.kind)).toEqual(['bad-unlock-balance']);
  });

  it('held lock freed', () => {
    const s = createSim();
    const a = spin('&obj->lock', 'site:o.c:1:1');
    s.acquire(a, { api: 'spin_lock' });
    s.call(fr('obj_release', 44, 'o.c'), () => s.free(a.addr - 0x10n, a.addr + 0x30n));
    const l = lines(s);
    expectBanner(l, 'WARNING: held lock freed!', 25);
    expect(l).toEqual(golden('held-lock-freed.txt', l));
  });

  it('lock held when returning to user space, and at task exit', () => {
    const s = createSim();
    s.call(fr('sys_frob', 3), () => s.acquire(mkLock('frob_mutex', 'mutex'), { api: 'mutex_lock' }));
    s.returnToUser();
    const l = lines(s);
    expectBanner(l, 'WARNING: lock held when returning to user space!', 48);
    expect(l.slice(5)).toEqual([
      'swapper/0/1 is leaving the kernel with locks still held!',
      expect.stringMatching(/^1 lock held by swapper\/0\/1:$/),
      expect.stringMatching(/^ #0: [0-9a-f]{16} \(frob_mutex\)\{\+\.\+\.\}-\{4:4\}, at: sys_frob\+0x[0-9a-f]+\/0x[0-9a-f]+$/),
    ]);
    const t = createSim();
    t.acquire(spin('k'), { api: 'spin_lock' });
    t.taskExit();
    expect(t.reports[0].header).toBe('WARNING: swapper/0/1 still has locks held!');
    expect(t.reports[0].lines[1]).toBe('='.repeat(36));
  });

  it('nested lock was not taken (the stack is dumped twice, as in the kernel)', () => {
    const s = createSim();
    const nest = mkLock('&ctx->mutex', 'mutex');
    s.acquire(spin('&obj->lock', 'site:x.c:1:1'), { nest, api: 'spin_lock_nest_lock' });
    const l = lines(s);
    expectBanner(l, 'WARNING: Nested lock was not taken', 34);
    expect(l.filter((x) => x === 'stack backtrace:')).toHaveLength(2);
    expect(l).toContain('&ctx->mutex');
  });

  it('MAX_LOCK_DEPTH, invalid subclass and non-static keys turn lockdep off', () => {
    const s = createSim();
    for (let i = 0; i < 48; i++) s.acquire(spin(`l${i}`), { api: 'spin_lock' });
    expect(s.reports.map((r) => r.kind)).toEqual(['lockdep-internal']);
    expect(s.reports[0].lines.slice(0, 3)).toEqual(['BUG: MAX_LOCK_DEPTH too low!', 'turning off the locking correctness validator.', 'depth: 48  max: 48!']);

    const t = createSim();
    t.acquire(spin('x'), { subclass: 8, api: 'spin_lock_nested' });
    expect(t.reports[0].lines[0]).toBe('BUG: looking up invalid subclass: 8');

    const u = createSim();
    u.acquire(mkLock('&p->lock', 'spinlock_t', 'none'), { api: 'spin_lock' });
    expect(u.reports[0].lines.slice(0, 4)).toEqual([
      'INFO: trying to register non-static key.',
      'The code is fine but needs lockdep annotation, or maybe',
      "you didn't initialize this object before use?",
      'turning off the locking correctness validator.',
    ]);
    expect(u.lockdep.debugLocks()).toBe(false);
  });

  it('an NMI taking a lock used outside NMI: {INITIAL USE} -> {IN-NMI}', () => {
    const s = createSim();
    const a = spin('lock_A');
    s.acquire(a, { api: 'spin_lock' });
    s.release(a);
    s.emit({ kind: 'acquire', ctx: { ...s.ctx(), nmi: true, hardirqsEnabled: false }, lock: a, subclass: 0, read: 0, trylock: false, check: true, api: 'spin_lock' });
    expect(s.reports[0].lines).toContain('inconsistent {INITIAL USE} -> {IN-NMI} usage.');
  });
});
