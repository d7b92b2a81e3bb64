// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-vCPU ap_list (arch/arm64/kvm/vgic/vgic.c, trimmed): flushed into
 * the list registers before a guest run, folded back after it.
 */
#include "vgic.h"

/* GICR_CTLR.EnableLPIs cleared: drop every LPI queued on the vCPU. */
void vgic_flush_pending_lpis(struct kvm_vcpu *vcpu)
{
	struct vgic_cpu *vgic_cpu = &vcpu->arch.vgic_cpu;
	struct vgic_irq *irq, *tmp;
	bool deleted = false;
	unsigned long flags;

	raw_spin_lock_irqsave(&vgic_cpu->ap_list_lock, flags);

	list_for_each_entry_safe(irq, tmp, &vgic_cpu->ap_list_head, ap_list) {
		if (irq->intid >= VGIC_MIN_LPI) {
			raw_spin_lock(&irq->irq_lock);
			list_del_rcu(&irq->ap_list);
			irq->vcpu = NULL;
			raw_spin_unlock(&irq->irq_lock);
			deleted |= vgic_put_irq_norelease(vcpu->kvm, irq);
		}
	}

	raw_spin_unlock_irqrestore(&vgic_cpu->ap_list_lock, flags);

	if (deleted)
		vgic_release_deleted_lpis(vcpu->kvm);
}

/* Requires the ap_list_lock to be held. */
static void vgic_flush_lr_state(struct kvm_vcpu *vcpu)
{
	struct vgic_cpu *vgic_cpu = &vcpu->arch.vgic_cpu;
	struct vgic_irq *irq, *last = NULL;
	int count = 0;

	lockdep_assert_held(&vgic_cpu->ap_list_lock);

	list_for_each_entry(irq, &vgic_cpu->ap_list_head, ap_list) {
		if (count == kvm_vgic_global_state.nr_lr)
			break;
		scoped_guard(raw_spinlock, &irq->irq_lock) {
			vgic_v3_populate_lr(vcpu, irq, count++);
		}
		last = irq;
	}

	*host_data_ptr(last_lr_irq) = last;

	vgic_cpu->vgic_v3.used_lrs = count;
}

static void vgic_fold_state(struct kvm_vcpu *vcpu)
{
	if (!*host_data_ptr(last_lr_irq))
		return;

	vgic_v3_fold_lr_state(vcpu);
}

/* Before entering the guest, with IRQs off. */
void kvm_vgic_flush_hwstate(struct kvm_vcpu *vcpu)
{
	scoped_guard(raw_spinlock, &vcpu->arch.vgic_cpu.ap_list_lock) {
		vgic_flush_lr_state(vcpu);
	}
}

/* After the guest exits, with IRQs still off. */
void kvm_vgic_sync_hwstate(struct kvm_vcpu *vcpu)
{
	vgic_fold_state(vcpu);
}
