// SPDX-License-Identifier: GPL-2.0-only
/*
 * The other side of the vgic: the ITS that maps and discards LPIs, and the
 * irqfd resampler that kvm_notify_acked_irq() signals through an eventfd
 * (virt/kvm/eventfd.c, fs/eventfd.c, trimmed).
 */
#include "vgic.h"

/* MAPTI: a new LPI targeting @vcpu; the ITS mapping holds one reference. */
struct vgic_irq *vgic_its_map_lpi(struct kvm *kvm, u32 intid, struct kvm_vcpu *vcpu)
{
	struct vgic_dist *dist = &kvm->arch.vgic;
	struct vgic_irq *irq = kzalloc(sizeof(*irq), GFP_KERNEL);
	unsigned long flags;

	raw_spin_lock_init(&irq->irq_lock);
	INIT_LIST_HEAD(&irq->ap_list);
	irq->intid = intid;
	irq->target_vcpu = vcpu;
	refcount_set(&irq->refcount, 1);

	spin_lock_irqsave(&dist->lpi_xa.xa_lock, flags);
	for (int i = 0; i < VGIC_NR_LPIS; i++) {
		if (!dist->lpi_xa.slot[i]) {
			WRITE_ONCE(dist->lpi_xa.slot[i], irq);
			break;
		}
	}
	spin_unlock_irqrestore(&dist->lpi_xa.xa_lock, flags);
	return irq;
}

/* DISCARD: the ITS drops its mapping; the last reference frees the LPI. */
void vgic_its_discard(struct kvm *kvm, struct vgic_irq *irq)
{
	vgic_put_irq(kvm, irq);
}

/*
 * INV: re-read an LPI's pending state and queue it, holding the LPI table
 * lock across the queueing (lpi_xa -> ap_list_lock, the documented order).
 */
void vgic_its_inv_lpi(struct kvm *kvm, u32 intid)
{
	struct vgic_dist *dist = &kvm->arch.vgic;
	unsigned long flags, irqflags;
	struct vgic_irq *irq;

	spin_lock_irqsave(&dist->lpi_xa.xa_lock, flags);
	irq = lpi_xa_load(dist, intid);
	if (irq) {
		raw_spin_lock_irqsave(&irq->irq_lock, irqflags);
		irq->pending_latch = true;
		vgic_queue_irq_unlock(kvm, irq, irqflags);
	}
	spin_unlock_irqrestore(&dist->lpi_xa.xa_lock, flags);
}

void eventfd_ctx_init(struct eventfd_ctx *ctx)
{
	spin_lock_init(&ctx->wqh.lock);
	ctx->count = 0;
}

void eventfd_signal(struct eventfd_ctx *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->wqh.lock, flags);
	ctx->count++;
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
}

/*
 * The guest EOI'd a level-triggered SPI: signal the irqfd resampler, which
 * re-injects the line if the device still asserts it (kvm_set_irq() ->
 * vgic_queue_irq_unlock(), which takes the target's ap_list_lock).
 */
void kvm_notify_acked_irq(struct kvm *kvm, unsigned irqchip, unsigned pin)
{
	kvm->acked[pin]++;
	if (kvm->resamplefd && kvm->resample_pin == pin) {
		eventfd_signal(kvm->resamplefd);
		if (kvm->line_high)
			kvm_vgic_inject_irq(kvm, pin + VGIC_NR_PRIVATE_IRQS, true);
	}
}

/* The guest handles and EOIs what it was given: LRs drop their state, @extra EOIs count past them. */
void guest_eoi_all(struct kvm_vcpu *vcpu, u32 extra)
{
	struct vgic_v3_cpu_if *cpuif = &vcpu->arch.vgic_cpu.vgic_v3;

	for (int lr = 0; lr < cpuif->used_lrs; lr++)
		cpuif->vgic_lr[lr] &= ~(ICH_LR_ACTIVE_BIT | ICH_LR_PENDING_BIT);
	cpuif->eoicount = extra;
}
