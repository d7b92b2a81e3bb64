/**
 * The vgic ap_list thread (seed 002) as an event sequence, with switches
 * for each patch discussed there:
 * - `foldLocked`: vgic_fold_state() takes ap_list_lock around the fold
 *   (Oliver Upton's "the real bug is that the fold isn't taking the lock");
 * - `flushDel`: how vgic_flush_pending_lpis() unlinks (`list_del_rcu` is the
 *   first patch);
 * - `foldIter`: the fold's iterator (`list_iter_rcu` = list_for_each_entry_rcu);
 * - `lastLr`: whether the remote flush removes (and drops the last reference
 *   to) the entry last_lr_irq points at, and how the fold copes:
 *   'unpinned' (original code), 'pinned-unchecked' (reference taken at flush,
 *   walk still continues from it), 'fixed' (pinned, and the fold skips the
 *   walk when last->vcpu != vcpu, as in the final patch).
 *
 * Two vCPU threads: vCPU 0 (pid 1001, CPU 0) owns the ap_list; vCPU 1
 * (pid 1002, CPU 1) injects an LPI into it and later disables LPIs
 * (GICR_CTLR), which flushes vCPU 0's pending LPIs.
 */
import type { ListOp } from '../../../src/events/types.ts';
import { world, type World } from './dsl.ts';

export interface VgicOptions {
  foldLocked?: boolean;
  flushDel?: ListOp;
  foldIter?: 'list_iter' | 'list_iter_rcu';
  /** rcu_read_lock() around the fold walk, as a "fix" on top of IRQs off. */
  foldRcuLock?: boolean;
  lastLr?: 'none' | 'unpinned' | 'pinned-unchecked' | 'fixed';
  /** Use the _rcu primitives in every writer (injection and prune too). */
  allWritersRcu?: boolean;
}

export const VGIC = 'arch/arm64/kvm/vgic/vgic.c';
export const VGIC_V3 = 'arch/arm64/kvm/vgic/vgic-v3.c';

export function vgicScenario(o: VgicOptions = {}): World {
  const w = world();
  const vcpu0 = w.task(1001, 'CPU 0/KVM', 0);
  const vcpu1 = w.task(1002, 'CPU 1/KVM', 1);
  const apLock = w.lock('&vgic_cpu->ap_list_lock');
  const head = w.obj('&vgic_cpu->ap_list_head');
  const lastLrIrq = w.obj('host_data.last_lr_irq');
  const [a, b, c, d] = ['vgic_irq(8192)', 'vgic_irq(27)', 'vgic_irq(30)', 'vgic_irq(8193)'].map((l) => w.obj(l, 8));
  const lastLr = o.lastLr ?? 'none';
  const addOp: ListOp = o.allWritersRcu ? 'list_add_tail_rcu' : 'list_add_tail';
  const pruneOp: ListOp = o.allWritersRcu ? 'list_del_rcu' : 'list_del';

  // vCPU 0 initialises its own ap_list when it is created (kvm_vgic_vcpu_init()):
  // from then on the list is vCPU 0's until another vCPU touches it.
  vcpu0.call('kvm_vgic_vcpu_init', VGIC, 300, () => {
    vcpu0.at(310).initListHead(head);
  });
  for (const irq of [a, b, c, d]) vcpu1.alloc(irq);

  // vCPU 1 injects LPI 8192 into vCPU 0, and vCPU 0 queues its own PPIs and LPI 8193.
  vcpu1.call('vgic_queue_irq_unlock', VGIC, 440, () => {
    vcpu1.spinLockIrqsave(apLock);
    vcpu1.at(470).list(addOp, head, a);
    vcpu1.spinUnlockIrqrestore(apLock);
  });
  vcpu0.call('vgic_queue_irq_unlock', VGIC, 440, () => {
    vcpu0.spinLockIrqsave(apLock);
    for (const irq of [b, c, d]) vcpu0.at(470).list(addOp, head, irq);
    vcpu0.spinUnlockIrqrestore(apLock);
  });

  // Entry to the guest: flush the ap_list into the LRs, remember the last one.
  vcpu0.call('kvm_vgic_flush_hwstate', VGIC, 1100, () => {
    vcpu0.irqOff();
    vcpu0.call('vgic_flush_lr_state', VGIC, 1000, () => {
      vcpu0.spinLock(apLock);
      vcpu0.at(1010).walk(head, [a, b]);
      vcpu0.at(1035).write(lastLrIrq, 'last_lr_irq');
      if (lastLr === 'pinned-unchecked' || lastLr === 'fixed') vcpu0.at(1044).write(b, 'refcount', true);
      vcpu0.spinUnlock(apLock);
    });
    vcpu0.irqOn(); // the guest runs with IRQs enabled
  });

  // Meanwhile vCPU 1 clears GICR_CTLR.EnableLPIs: vCPU 0's pending LPIs go away.
  vcpu1.call('vgic_flush_pending_lpis', VGIC, 150, () => {
    vcpu1.spinLockIrqsave(apLock);
    const victim = lastLr === 'none' ? d : b;
    vcpu1.at(160).list(o.flushDel ?? (o.allWritersRcu ? 'list_del_rcu' : 'list_del'), head, victim);
    vcpu1.at(161).write(victim, 'vcpu');
    vcpu1.spinUnlockIrqrestore(apLock);
    if (lastLr === 'unpinned') vcpu1.call('vgic_put_irq', VGIC, 170, () => vcpu1.kfreeRcu(b));
  });

  // Exit from the guest: fold the LR state back, replaying EOIcount from last_lr_irq.
  vcpu0.call('kvm_vgic_sync_hwstate', VGIC, 1120, () => {
    vcpu0.irqOff();
    vcpu0.call('vgic_fold_state', VGIC, 860, () => {
      if (o.foldLocked) vcpu0.spinLock(apLock);
      if (o.foldRcuLock) vcpu0.rcuReadLock();
      vcpu0.call('vgic_v3_fold_lr_state', VGIC_V3, 149, () => {
        vcpu0.at(155).read(lastLrIrq, 'last_lr_irq');
        if (lastLr === 'fixed') {
          vcpu0.at(173).read(b, 'vcpu');
          // last->vcpu != vcpu: the walk is skipped.
        } else if (lastLr !== 'none') {
          // list_for_each_entry_continue(irq = last, ...) first loads last->ap_list.next,
          // as the interpreter does; after list_del() that is LIST_POISON1 and the walk ends there.
          vcpu0.at(176).read(b, 'ap_list.next');
        } else {
          vcpu0.at(176).walk(head, [b, c], (o.foldIter ?? 'list_iter') === 'list_iter_rcu');
        }
        if (lastLr === 'pinned-unchecked' || lastLr === 'fixed') vcpu0.at(203).write(b, 'refcount', true);
      });
      if (o.foldRcuLock) vcpu0.rcuReadUnlock();
      if (o.foldLocked) vcpu0.spinUnlock(apLock);
      if (lastLr === 'fixed') vcpu0.call('vgic_release_deleted_lpis', VGIC, 880, () => vcpu0.kfreeRcu(b));
    });
    // Then prune: vCPU 0 drops the entries that are no longer pending.
    vcpu0.call('vgic_prune_ap_list', VGIC, 700, () => {
      vcpu0.spinLock(apLock);
      vcpu0.at(760).list(pruneOp, head, a);
      vcpu0.spinUnlock(apLock);
    });
    vcpu0.irqOn();
  });
  return w;
}
