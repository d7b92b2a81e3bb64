import { describe, expect, it } from 'vitest';
import { blindingObserver, codeOnly, labChecksIn, posAt, scanSource } from '../../../src/grader/blinding.ts';
import type { AcquireEvent, EventContext, LockdepMap } from '../../../src/events/types.ts';

const ctx = (line: number): EventContext => ({
  cpu: 0,
  task: { pid: 1, comm: 't' },
  stack: [{ fn: '_raw_spin_lock', offset: 0, size: 1, synthetic: true }, { fn: 'f', pos: { file: 'a.c', line, col: 2 }, offset: 0, size: 1 }],
  hardirqCount: 0,
  softirqCount: 0,
  preemptCount: 0,
  nmi: false,
  hardirqsEnabled: true,
  softirqsEnabled: true,
});
const lock = (name: string): LockdepMap => ({ id: 1, addr: 0n, key: `static:${name}`, name, lockType: 'spin' as never, waitInner: 2 as never, waitOuter: 0 as never });
const acq = (name: string, subclass: number, line: number, check = true): AcquireEvent => ({ kind: 'acquire', ctx: ctx(line), lock: lock(name), subclass, read: 0, trylock: false, check, api: 'spin_lock_nested' });

describe('source scan', () => {
  it('finds blinding calls in code but not in comments or strings, at the right line and column', () => {
    const text = '/* lockdep_off() */\nvoid f(void)\n{\n\tpr_info("lockdep_off()");\n\t  lockdep_off();\n}\n';
    const found = scanSource([{ path: 'a.c', text }]);
    expect(found).toHaveLength(1);
    expect(found[0].pos).toEqual({ file: 'a.c', line: 5, col: 4 });
  });

  it('keeps offsets when blanking comments', () => {
    const t = 'a /* x\ny */ b // c\nd';
    expect(codeOnly(t)).toHaveLength(t.length);
    expect(codeOnly(t).split('\n')).toHaveLength(3);
    expect(posAt('f', t, t.indexOf('d'))).toEqual({ file: 'f', line: 3, col: 1 });
  });

  it('collects lab_check messages, skipping commented-out ones', () => {
    const text = 'lab_check(a == 1, "one");\n// lab_check(b, "two");\nlab_check(f("x"), "three \\"q\\"");';
    expect(labChecksIn([{ path: 'h.c', text }]).map((c) => [c.message, c.pos.line])).toEqual([
      ['one', 1],
      ['three "q"', 3],
    ]);
  });
});

describe('blinding observer', () => {
  it('reports lockdep_off and novalidate classes at the first non-synthetic frame', () => {
    const o = blindingObserver();
    o.event({ kind: 'lockdep_off', ctx: ctx(4) });
    o.event({ kind: 'set_class', ctx: ctx(9), lock: lock('x'), key: '__lockdep_no_validate__', name: 'x', subclass: 0, novalidate: true });
    const f = o.findings({});
    expect(f.map((x) => x.pos?.line)).toEqual([4, 9]);
    expect(f[1].message).toContain('novalidate');
  });

  it("flags lockdep_set_class() in the learner's files only", () => {
    const o = blindingObserver(new Set(['a.c']));
    o.event({ kind: 'set_class', ctx: ctx(2), lock: lock('&k->k_lock'), key: 'key:my_key', name: 'my_key', subclass: 0 });
    expect(o.findings({}).map((x) => x.pos?.line)).toEqual([2]);
    const env = blindingObserver(new Set(['other.c']));
    env.event({ kind: 'set_class', ctx: ctx(2), lock: lock('&k->k_lock'), key: 'key:my_key', name: 'my_key', subclass: 0 });
    expect(env.findings({})).toEqual([]);
  });

  it('flags subclasses unless allowed for that class, and ignores check=0 maps', () => {
    const o = blindingObserver();
    o.event(acq('&rq->__lock', 1, 3));
    o.event(acq('w', 1, 5));
    o.event(acq('w', 2, 6));
    o.event(acq('rcu_read_lock', 3, 7, false));
    const f = o.findings({ w: [1] });
    expect(f.map((x) => x.pos?.line)).toEqual([3, 6]);
  });
});

describe('faked contexts and hand-made annotations', () => {
  const hardirqCtx = (file: string, line: number, synthetic: boolean): EventContext => ({
    ...ctx(line),
    stack: synthetic
      ? [{ fn: 'asm_common_interrupt', offset: 0, size: 1, synthetic: true }, { fn: 'g', pos: { file, line, col: 2 }, offset: 0, size: 1 }]
      : [{ fn: 'g', pos: { file, line, col: 2 }, offset: 0, size: 1 }],
  });

  it('flags the self-test context helpers in every spelling, but not local_irq_*()', () => {
    const text = 'void f(void)\n{\n\thardirq_exit();\n\tSOFTIRQ_ENTER();\n\tnmi_enter();\n\tlocal_irq_disable();\n\tlocal_bh_disable();\n}\n';
    const found = scanSource([{ path: 'a.c', text }]);
    expect(found.map((f) => f.pos?.line)).toEqual([3, 4, 5]);
    expect(found[0].message).toContain("lib/locking-selftest.c's way to step out of a context");
    expect(found[0].message).toContain('Fix the locking instead');
  });

  it('flags raw annotations in the source only when the exercise allows none', () => {
    const text = 'void f(struct x *x)\n{\n\tspin_acquire(&x->l.dep_map, 1, 0, _RET_IP_);\n\tlock_map_release(&x->map);\n}\n';
    expect(scanSource([{ path: 'a.c', text }]).map((f) => f.pos?.line)).toEqual([3, 4]);
    expect(scanSource([{ path: 'a.c', text }], { annotate: true })).toEqual([]);
  });

  it("flags a context switch made by the learner's own call, not one from a real interrupt or the harness", () => {
    const o = blindingObserver(new Set(['a.c']));
    o.event({ kind: 'hardirq_exit', ctx: hardirqCtx('a.c', 7, false) });
    o.event({ kind: 'hardirq_enter', ctx: hardirqCtx('a.c', 9, true) });
    o.event({ kind: 'softirq_enter', ctx: hardirqCtx('harness.c', 3, false) });
    const f = o.findings({});
    expect(f.map((x) => x.pos?.line)).toEqual([7]);
    expect(f[0].message).toMatch(/^hardirq_exit\(\)/);
  });

  it('flags hand annotations on classes the exercise does not name, in learner files only', () => {
    const o = blindingObserver(new Set(['a.c']));
    o.event({ ...acq('&rq->__lock', 0, 4), api: 'lock_acquire' });
    o.event({ kind: 'release', ctx: ctx(5), lock: lock('w'), api: 'spin_release' });
    const env = { ...acq('&rq->__lock', 0, 6), api: 'lock_map_acquire', ctx: { ...ctx(6), stack: [{ fn: 'h', pos: { file: 'env.c', line: 6, col: 1 }, offset: 0, size: 1 }] } };
    o.event(env);
    expect(o.findings({}).map((x) => x.pos?.line)).toEqual([4, 5]);
    expect(o.findings({ w: [1] }).map((x) => x.pos?.line)).toEqual([4]);
    expect(o.findings({}, { annotate: ['w', '&rq->__lock'] })).toEqual([]);
  });

  it('restricts allowed subclasses and annotations to the listed functions', () => {
    const at = (fn: string, line: number): EventContext => ({ ...ctx(line), stack: [{ fn, pos: { file: 'a.c', line, col: 2 }, offset: 0, size: 1 }] });
    const o = blindingObserver(new Set(['a.c']));
    o.event({ ...acq('w', 1, 3), ctx: at('sched_out', 3) });
    o.event({ ...acq('w', 1, 8), ctx: at('wakeup_handler', 8) });
    o.event({ ...acq('w', 1, 12), ctx: at('sched_in', 12), api: 'spin_acquire' });
    expect(o.findings({ w: [1] })).toEqual([]);
    const f = o.findings({ w: [1] }, { subclassSites: { w: ['sched_out', 'sched_in'] } });
    expect(f.map((x) => x.pos?.line)).toEqual([8]);
    expect(f[0].message).toContain('wakeup_handler()');
    expect(o.findings({ w: [1] }, { subclassSites: { w: ['sched_out', 'wakeup_handler'] } }).map((x) => x.pos?.line)).toEqual([12, 12]);
  });

  it('counts a helper called from a listed function as that function, and not when called from elsewhere', () => {
    const via = (...fns: string[]): EventContext => ({ ...ctx(20), stack: fns.map((fn, i) => ({ fn, pos: { file: 'a.c', line: 20 + i * 10, col: 2 }, offset: 0, size: 1 })) });
    const o = blindingObserver(new Set(['a.c']));
    o.event({ ...acq('w', 1, 20), ctx: via('lock_sched_out', 'sched_out') });
    expect(o.findings({ w: [1] }, { subclassSites: { w: ['sched_out'] } })).toEqual([]);
    o.event({ ...acq('w', 1, 20), ctx: via('lock_sched_out', 'wakeup_handler') });
    const f = o.findings({ w: [1] }, { subclassSites: { w: ['sched_out'] } });
    expect(f.map((x) => x.pos?.line)).toEqual([20]);
    expect(f[0].message).toContain('in lock_sched_out()');
  });
});

describe('faked preempt count under a spinlock', () => {
  const spin = (kind: 'acquire' | 'release', api: string, preemptCount: number, line: number, pid = 1) => {
    const l = { ...lock('ld->lock'), lockType: 'spinlock_t' as const };
    const c = { ...ctx(line), preemptCount, task: { pid, comm: 't' } };
    return kind === 'acquire'
      ? ({ kind, ctx: c, lock: l, subclass: 0, read: 0, trylock: false, check: true, api } as AcquireEvent)
      : ({ kind, ctx: c, lock: l, api } as const);
  };
  const access = (preemptCount: number, line: number, pid = 1) => ({
    kind: 'access' as const,
    ctx: { ...ctx(line), preemptCount, task: { pid, comm: 't' } },
    loc: { objId: 1, field: 'buf', label: 'ld->buf', addr: 0n, size: 8 },
    write: true,
    marked: false,
  });

  it('flags an event whose preempt count is below the spinlocks the task holds', () => {
    const o = blindingObserver(new Set(['a.c']));
    o.event(spin('acquire', 'spin_lock', 1, 10));
    o.event(access(0, 12)); // preempt_enable_no_resched() ran in between
    o.event(spin('release', 'spin_unlock', 1, 14));
    const f = o.findings({});
    expect(f).toHaveLength(1);
    expect(f[0].pos?.line).toBe(12);
    expect(f[0].message).toContain('preemption was re-enabled by hand');
  });

  it('accepts a balanced section, other tasks, and might_lock()-style annotations that move no count', () => {
    const o = blindingObserver(new Set(['a.c']));
    o.event(spin('acquire', 'spin_lock', 1, 10));
    o.event(access(1, 11));
    o.event(access(0, 11, 2)); // another task, holding nothing
    o.event(spin('release', 'spin_unlock', 1, 12));
    o.event(access(0, 13));
    o.event(spin('acquire', 'might_lock', 0, 20));
    o.event(spin('release', 'might_lock', 0, 20));
    o.event(access(0, 21));
    expect(o.findings({})).toEqual([]);
  });

  it('flags preempt_enable_no_resched() and preempt_count_*() in the source', () => {
    const f = scanSource([{ path: 'a.c', text: 'f() {\n\tpreempt_enable_no_resched();\n\t__preempt_count_sub(1);\n\tpreempt_enable(); /* preempt_count_add(1) */\n}' }]);
    expect(f.map((x) => x.pos?.line)).toEqual([2, 3]);
    expect(f[0].message).toContain('sleep under a spinlock stays a bug');
  });
});
