// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 list-register handling (arch/arm64/kvm/vgic/vgic-v3.c, trimmed):
 * after a guest run, fold the LRs' state back into the vgic_irqs.
 */
#include "vgic.h"

static bool vgic_v3_fold_lr(struct kvm_vcpu *vcpu, u64 val)
{
	u32 intid = val & ICH_LR_VIRTUAL_ID_MASK;
	struct vgic_irq *irq;
	bool deactivated;

	irq = vgic_get_vcpu_irq(vcpu, intid);
	if (!irq)	/* An LPI could have been unmapped. */
		return false;

	scoped_guard(raw_spinlock, &irq->irq_lock) {
		/* Note deactivation */
		deactivated = irq->active && !(val & ICH_LR_ACTIVE_BIT);
		irq->active = !!(val & ICH_LR_ACTIVE_BIT);
		irq->on_lr = false;
	}

	/* Notify fds when the guest EOI'ed a level-triggered SPI */
	if (deactivated && lr_signals_eoi_mi(val) && vgic_valid_spi(vcpu->kvm, intid))
	{
		raw_spin_unlock(&vcpu->arch.vgic_cpu.ap_list_lock);
		kvm_notify_acked_irq(vcpu->kvm, 0, intid - VGIC_NR_PRIVATE_IRQS);
		raw_spin_lock(&vcpu->arch.vgic_cpu.ap_list_lock);
	}

	/* lpi_xa ranks above ap_list_lock: the caller releases after unlocking. */
	return vgic_put_irq_norelease(vcpu->kvm, irq);
}

bool vgic_v3_fold_lr_state(struct kvm_vcpu *vcpu)
{
	struct vgic_cpu *vgic_cpu = &vcpu->arch.vgic_cpu;
	struct vgic_v3_cpu_if *cpuif = &vgic_cpu->vgic_v3;
	u32 eoicount = cpuif->eoicount;
	struct vgic_irq *irq = *host_data_ptr(last_lr_irq);
	bool deleted = false;

	WARN_ON_ONCE(!irqs_disabled());
	lockdep_assert_held(&vgic_cpu->ap_list_lock);

	for (int lr = 0; lr < cpuif->used_lrs; lr++)
		deleted |= vgic_v3_fold_lr(vcpu, cpuif->vgic_lr[lr]);

	/*
	 * EOIMode=0: use EOIcount to emulate deactivation. We are
	 * guaranteed to deactivate in reverse order of the activation, so
	 * just pick one active interrupt after the other in the tail part
	 * of the ap_list, past the LRs, and replay the deactivation as if
	 * the CPU was doing it.
	 */
	list_for_each_entry_continue(irq, &vgic_cpu->ap_list_head, ap_list) {
		u64 lr;

		if (!eoicount)
			break;

		/* Only deactivate what is active and not on an LR */
		if (!irq->active || irq->on_lr)
			continue;

		lr = vgic_v3_compute_lr(vcpu, irq) & ~ICH_LR_ACTIVE_BIT;
		deleted |= vgic_v3_fold_lr(vcpu, lr);
		eoicount--;
	}

	cpuif->used_lrs = 0;

	return deleted;
}
