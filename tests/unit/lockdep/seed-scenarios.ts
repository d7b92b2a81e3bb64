/**
 * Hand-built event sequences modelled on the course's real splats:
 * seed 001 (klist k_lock: plain spin_lock at boot, spin_lock_irqsave from
 * the DMAR fault hardirq) and seed 000 (KVM VMX posted-interrupt wakeup:
 * pi_lock -> rq->__lock -> per-CPU wakeup lock, closed by the wakeup IRQ),
 * with and without the PI_LOCK_SCHED_OUT subclass fix.
 */
import type { Frame, LockdepConfig, LockdepMap } from '../../../src/events/types.ts';
import { createSim, mkLock, type Sim } from './dsl.ts';

/** A frame with the offsets the real splat printed, so output can be laid over the seed. */
function kf(fn: string, offset: number, size: number, file: string, line: number): Frame {
  return { fn, offset, size, pos: { file, line, col: 2 } };
}

/** The interrupt entry frames: kernel code, not the learner's, so no source link. */
function entry(fn: string, offset: number, size: number): Frame {
  return { fn, offset, size, synthetic: true };
}

export interface Seed001 {
  sim: Sim;
  kLock: LockdepMap;
}

/**
 * Seed 001: the boot-time klist_add_tail() marks &k->k_lock HARDIRQ-ON-W;
 * rngd/1006 is then interrupted by the DMAR fault, whose handler walks a
 * klist with spin_lock_irqsave() — IN-HARDIRQ-W.
 */
export function seed001(config: Partial<LockdepConfig> = { proveRawLockNesting: false }, threadedHandler = false): Seed001 {
  const s = createSim(config, {
    ident: () => '5.20.0-0.rc0.20220812git7ebfc85e2cd7.10.fc38.x86_64 #1 Not tainted',
    dumpStack: (ctx) => [
      `CPU: ${ctx.cpu} PID: ${ctx.task.pid} Comm: ${ctx.task.comm} Not tainted 5.20.0-0.rc0.20220812git7ebfc85e2cd7.10.fc38.x86_64 #1`,
      'Hardware name: Intel Corporation Idaville/Unknown, BIOS SB_IDVH .001.001.000.000.008.00006.D-569F2C6B571C2177 Aug 11 2022',
      'Call Trace:',
      ' <TASK>',
      ...ctx.stack.map((f) => ` ${f.fn}+0x${f.offset.toString(16)}/0x${f.size.toString(16)}`),
      ' </TASK>',
    ],
  });
  const kLock = mkLock('&k->k_lock', 'spinlock_t', 'site:lib/klist.c:85:2', undefined, { file: 'lib/klist.c', line: 85, col: 2 });
  const dev = mkLock('&dev->mutex', 'mutex', 'site:drivers/base/core.c:2950:2');

  // Boot: swapper/0 (pid 1) registers memory block devices.
  s.switchTo({ pid: 1, comm: 'swapper/0' }, 0);
  s.stack = [
    kf('klist_add_tail', 0x46, 0x80, 'lib/klist.c', 133),
    kf('bus_add_device', 0xee, 0x150, 'drivers/base/bus.c', 472),
    kf('device_add', 0x39d, 0x9a0, 'drivers/base/core.c', 3479),
    kf('add_memory_block', 0x108, 0x1d0, 'drivers/base/memory.c', 798),
    kf('memory_dev_init', 0xe1, 0x117, 'drivers/base/memory.c', 964),
    kf('driver_init', 0x43, 0x4d, 'drivers/base/init.c', 37),
    kf('kernel_init_freeable', 0x1c2, 0x2cc, 'init/main.c', 1610),
    kf('kernel_init', 0x16, 0x140, 'init/main.c', 1493),
    entry('ret_from_fork', 0x1f, 0x30),
  ];
  s.init(kLock);
  s.acquire(dev, { api: 'mutex_lock' });
  s.preemptDisable();
  s.acquire(kLock, { api: 'spin_lock' });
  s.release(kLock, 'spin_unlock');
  s.preemptEnable();
  s.release(dev, 'mutex_unlock');
  s.taskExit();

  // rngd/1006 in user space; a softirq ran on irq exit, then a timer tick.
  s.switchTo({ pid: 1006, comm: 'rngd' }, 0);
  s.stack = [entry('__irq_exit_rcu', 0xf9, 0x170)];
  s.bhDisable('__irq_exit_rcu');
  s.bhEnable('__irq_exit_rcu');
  s.stack = [entry('irqentry_enter', 0x54, 0x60)];
  s.irqDisable('irqentry_enter');
  s.stack = [entry('asm_sysvec_apic_timer_interrupt', 0x16, 0x20)];
  s.irqEnable('asm_sysvec_apic_timer_interrupt');

  // The DMAR fault interrupt.
  s.stack = [entry('irqentry_enter', 0x54, 0x60)];
  s.irqDisable('irqentry_enter');
  s.hardirqCount++;
  s.threaded = threadedHandler;
  s.emit({ kind: 'hardirq_enter', ctx: s.ctx() });
  s.stack = [
    kf('klist_next', 0x1b, 0x160, 'lib/klist.c', 382),
    kf('bus_find_device', 0x52, 0xa0, 'drivers/base/bus.c', 366),
    kf('pci_get_domain_bus_and_slot', 0x70, 0xf0, 'drivers/pci/search.c', 241),
    kf('dmar_fault_dump_ptes', 0xf5, 0x28f, 'drivers/iommu/intel/iommu.c', 1011),
    kf('dmar_fault.cold', 0xf2, 0x1e6, 'drivers/iommu/intel/dmar.c', 1952),
    entry('__handle_irq_event_percpu', 0x90, 0x330),
    entry('handle_irq_event', 0x34, 0x70),
    entry('handle_edge_irq', 0x9f, 0x240),
    entry('__common_interrupt', 0x6e, 0x150),
    entry('common_interrupt', 0x5c, 0xd0),
    entry('asm_common_interrupt', 0x22, 0x40),
  ];
  s.preemptDisable();
  s.acquire(kLock, { api: 'spin_lock_irqsave' });
  return { sim: s, kLock };
}

export interface Seed000 {
  sim: Sim;
  piLock: LockdepMap;
  rqLock: LockdepMap;
  wakeupLock: LockdepMap;
}

/**
 * Seed 000: try_to_wake_up() orders pi_lock -> rq->__lock; schedule-out
 * orders rq->__lock -> wakeup lock (kvm_sched_out -> pi_enable_wakeup_handler);
 * the wakeup IRQ takes pi_lock under the wakeup lock. `fixed` applies the
 * 2025 patch: schedule-out takes the lock in subclass PI_LOCK_SCHED_OUT, and
 * schedule-in tells lockdep it holds that subclass too (spin_acquire()).
 */
export function seed000(fixed: boolean, config: Partial<LockdepConfig> = {}): Seed000 {
  const s = createSim(config);
  const PI_LOCK_SCHED_OUT = 1;
  const piLock = mkLock('&p->pi_lock', 'raw_spinlock_t', 'site:kernel/fork.c:2224:2');
  const rqLock = mkLock('&rq->__lock', 'raw_spinlock_t', 'site:kernel/sched/core.c:9963:3');
  const wakeupLock = mkLock('&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)', 'raw_spinlock_t', 'site:arch/x86/kvm/vmx/posted_intr.c:259:2');
  const vcpu = { pid: 4242, comm: 'qemu-kvm' };
  const pv = (fn: string, line: number) => kf(fn, 0x20 + (line % 0x40), 0x100, 'arch/x86/kvm/vmx/posted_intr.c', line);
  const sched = (fn: string, line: number) => kf(fn, 0x30 + (line % 0x50), 0x200, 'kernel/sched/core.c', line);

  // 1. A wakeup from task context: try_to_wake_up() takes pi_lock, then the runqueue lock.
  s.switchTo({ pid: 77, comm: 'kworker/0:1' }, 0);
  s.stack = [sched('try_to_wake_up', 4195), sched('wake_up_process', 4331), kf('worker_fn', 0x19, 0x60, 'lab/harness.c', 12)];
  s.irqDisable('_raw_spin_lock_irqsave');
  s.preemptDisable();
  s.acquire(piLock, { api: 'raw_spin_lock_irqsave' });
  s.call(sched('__task_rq_lock', 640), () => s.acquire(rqLock, { api: 'raw_spin_lock_nested' }));
  s.release(rqLock, 'raw_spin_unlock');
  s.release(piLock, 'raw_spin_unlock_irqrestore');
  s.preemptEnable();
  s.irqEnable('_raw_spin_unlock_irqrestore');

  // 2. The vCPU blocks: schedule-out runs kvm_sched_out() under the runqueue lock.
  s.switchTo(vcpu, 1);
  s.stack = [sched('__schedule', 6551), sched('schedule', 6727), kf('kvm_vcpu_block', 0x3c, 0xa0, 'virt/kvm/kvm_main.c', 3558)];
  s.irqDisable('__schedule');
  s.preemptDisable();
  s.acquire(rqLock, { api: 'raw_spin_lock_nested' });
  s.call(kf('kvm_sched_out', 0x45, 0x80, 'virt/kvm/kvm_main.c', 5951), () =>
    s.call(pv('vmx_vcpu_pi_put', 212), () =>
      s.call(pv('pi_enable_wakeup_handler', 160), () => {
        s.acquire(wakeupLock, fixed ? { subclass: PI_LOCK_SCHED_OUT, api: 'raw_spin_lock_nested' } : { api: 'raw_spin_lock' });
        s.release(wakeupLock, 'raw_spin_unlock');
      }),
    ),
  );
  s.release(rqLock, 'raw_spin_unlock');
  s.preemptEnable();
  s.irqEnable('__schedule');

  // 3. Schedule-in on another CPU removes the vCPU from the previous CPU's list.
  s.switchTo(vcpu, 2);
  s.stack = [pv('vmx_vcpu_pi_load', 90), kf('vmx_vcpu_load', 0x2a, 0x60, 'arch/x86/kvm/vmx/vmx.c', 1475), kf('kvm_sched_in', 0x2e, 0x40, 'virt/kvm/kvm_main.c', 5939)];
  s.irqDisable('finish_task_switch');
  s.preemptDisable();
  s.acquire(wakeupLock, { api: 'raw_spin_lock' });
  if (fixed) s.acquire(wakeupLock, { subclass: PI_LOCK_SCHED_OUT, api: 'spin_acquire' });
  if (fixed) s.release(wakeupLock, 'spin_release');
  s.release(wakeupLock, 'raw_spin_unlock');
  s.preemptEnable();
  s.irqEnable('finish_task_switch');

  // 4. The posted-interrupt wakeup vector fires on CPU 1 and wakes the blocked vCPU.
  s.switchTo({ pid: 0, comm: 'swapper/1' }, 1);
  s.stack = [entry('asm_sysvec_kvm_posted_intr_wakeup_ipi', 0x1a, 0x20)];
  s.irqDisable('irqentry_enter');
  s.hardirqCount++;
  s.emit({ kind: 'hardirq_enter', ctx: s.ctx() });
  s.stack = [pv('pi_wakeup_handler', 231), entry('sysvec_kvm_posted_intr_wakeup_ipi', 0x9c, 0xc0), entry('asm_sysvec_kvm_posted_intr_wakeup_ipi', 0x1a, 0x20)];
  s.preemptDisable();
  s.acquire(wakeupLock, { api: 'raw_spin_lock' });
  s.call(kf('kvm_vcpu_wake_up', 0x19, 0x50, 'virt/kvm/kvm_main.c', 3717), () =>
    s.call(kf('rcuwait_wake_up', 0x2d, 0x70, 'kernel/exit.c', 243), () =>
      s.call(sched('wake_up_process', 4331), () =>
        s.call(sched('try_to_wake_up', 4195), () => {
          s.acquire(piLock, { api: 'raw_spin_lock_irqsave' });
          s.release(piLock, 'raw_spin_unlock_irqrestore');
        }),
      ),
    ),
  );
  s.release(wakeupLock, 'raw_spin_unlock');
  s.preemptEnable();
  s.hardirqCount--;
  s.emit({ kind: 'hardirq_exit', ctx: s.ctx() });
  s.irqEnable('irqentry_exit');
  return { sim: s, piLock, rqLock, wakeupLock };
}
