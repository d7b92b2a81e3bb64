/**
 * The course's real splats, reproduced from hand-built event sequences and
 * compared with the seed's dmesg (structure, line for line) and with golden
 * files (whole text).
 */
import { describe, expect, it } from 'vitest';
import { golden, normalise, readGolden } from './golden.ts';
import { seed000, seed001 } from './seed-scenarios.ts';

describe('seed 001: klist k_lock from the DMAR fault hardirq', () => {
  const { sim, kLock } = seed001();
  const r = sim.reports[0];

  it('prints exactly one inconsistent-lock-state report and turns lockdep off', () => {
    expect(sim.reports.map((x) => x.kind)).toEqual(['inconsistent']);
    expect(sim.lockdep.debugLocks()).toBe(false);
    expect(sim.lockdep.lockIsHeld(sim.task, kLock, -1)).toBe(-1);
    expect(sim.lockdep.heldLocksLines(sim.task)).toEqual(['INFO: lockdep is turned off.']);
  });

  it('matches the real splat line for line up to the stack backtrace', () => {
    const end = r.lines.indexOf('stack backtrace:');
    expect(normalise(r.lines.slice(1, end + 1))).toEqual(normalise(readGolden('seed001-dmesg-excerpt.txt')));
  });

  it('has the seed key lines verbatim', () => {
    expect(r.header).toBe('WARNING: inconsistent lock state');
    expect(r.lines).toContain('inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.');
    expect(r.lines).toContain('rngd/1006 [HC1[1]:SC0[0]:HE0:SE1] takes:');
    expect(r.lines.some((l) => l.endsWith(' (&k->k_lock){?.+.}-{2:2}, at: klist_next+0x1b/0x160'))).toBe(true);
    expect(r.lines).toContain('no locks held by rngd/1006.');
  });

  it('prints the kernel backtrace frames of the seed (lockdep internals on top)', () => {
    const start = r.lines.indexOf('Call Trace:');
    const frames = r.lines.slice(start + 2, -1).map((l) => l.trim().replace(/\+.*$/, ''));
    expect(frames).toEqual([
      'dump_stack_lvl',
      'mark_lock.cold',
      '__lock_acquire',
      'lock_acquire',
      '_raw_spin_lock_irqsave',
      'klist_next',
      'bus_find_device',
      'pci_get_domain_bus_and_slot',
      'dmar_fault_dump_ptes',
      'dmar_fault.cold',
      '__handle_irq_event_percpu',
      'handle_irq_event',
      'handle_edge_irq',
      '__common_interrupt',
      'common_interrupt',
      'asm_common_interrupt',
    ]);
  });

  it('matches the golden text', () => {
    expect(r.lines).toEqual(golden('seed001-inconsistent.txt', r.lines));
  });

  it('prints {3:3} with PROVE_RAW_LOCK_NESTING on (handler that would be threaded on RT)', () => {
    const on = seed001({ proveRawLockNesting: true }, true).sim.reports;
    expect(on.map((x) => x.kind)).toEqual(['inconsistent']);
    expect(on[0].lines.some((l) => l.includes('(&k->k_lock){?.+.}-{3:3}'))).toBe(true);
  });

  it('with PROVE_RAW_LOCK_NESTING on, a spinlock_t in a non-threaded hardirq is first an invalid wait context', () => {
    const on = seed001({ proveRawLockNesting: true }, false).sim.reports;
    expect(on.map((x) => x.kind)).toEqual(['invalid-wait-context']);
    expect(on[0].lines).toEqual(golden('seed001-nesting-wait-context.txt', on[0].lines));
    expect(on[0].lines).toContain('context-{2:2}');
  });

  it('gives structured data: the lock, and markers on both acquisition sites', () => {
    expect(r.locks[0]).toMatchObject({ name: '&k->k_lock', usage: '?.+.', waitType: '2:2' });
    expect(r.sites.map((s) => `${s.pos.file}:${s.pos.line}`)).toEqual(['lib/klist.c:382', 'lib/klist.c:133']);
    expect(r.sites[0].message).toContain('IN-HARDIRQ-W');
  });
});

describe('seed 000: KVM VMX posted-interrupt wakeup', () => {
  it('reports the circular dependency pi_lock --> rq->__lock --> wakeup lock', () => {
    const { sim } = seed000(false);
    expect(sim.reports.map((x) => x.kind)).toEqual(['circular']);
    const r = sim.reports[0];
    expect(r.chain).toEqual(['&p->pi_lock', '&rq->__lock', '&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)']);
    expect(r.lines).toContain('  &p->pi_lock --> &rq->__lock --> &per_cpu(wakeup_vcpus_on_cpu_lock, cpu)');
    expect(r.lines).toEqual(golden('seed000-circular.txt', r.lines));
    expect(r.sites.map((s) => s.pos.file + ':' + s.pos.line)).toEqual([
      'kernel/sched/core.c:4195',
      'arch/x86/kvm/vmx/posted_intr.c:231',
      'arch/x86/kvm/vmx/posted_intr.c:160',
      'kernel/sched/core.c:640',
    ]);
  });

  it('is silenced by the PI_LOCK_SCHED_OUT subclass fix, which keeps sched-in checked against sched-out', () => {
    const { sim } = seed000(true);
    expect(sim.reports).toEqual([]);
    expect(sim.lockdep.debugLocks()).toBe(true);
    const g = sim.lockdep.graph();
    const name = (id: number) => g.classes.find((c) => c.id === id)!.name;
    const edges = g.edges.map((e) => `${name(e.from)} -> ${name(e.to)}`);
    expect(edges).toContain('&rq->__lock -> &per_cpu(wakeup_vcpus_on_cpu_lock, cpu)/1');
    expect(edges).toContain('&per_cpu(wakeup_vcpus_on_cpu_lock, cpu) -> &per_cpu(wakeup_vcpus_on_cpu_lock, cpu)/1');
    expect(edges).toContain('&per_cpu(wakeup_vcpus_on_cpu_lock, cpu) -> &p->pi_lock');
  });
});
