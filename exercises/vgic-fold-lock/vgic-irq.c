// SPDX-License-Identifier: GPL-2.0-only
/*
 * Looking up, referencing and queueing virtual interrupts
 * (arch/arm64/kvm/vgic/vgic.c, the parts this exercise does not edit).
 */
#include "vgic.h"

struct vgic_global kvm_vgic_global_state = { .nr_lr = VGIC_NR_LR };
DEFINE_PER_CPU(struct kvm_host_data, kvm_host_data);

void kvm_vgic_init(struct kvm *kvm)
{
	struct vgic_dist *dist = &kvm->arch.vgic;

	spin_lock_init(&dist->lpi_xa.xa_lock);
	dist->nr_spis = VGIC_NR_SPIS;
	dist->spis = kcalloc(dist->nr_spis, sizeof(struct vgic_irq), GFP_KERNEL);
	for (int i = 0; i < VGIC_NR_SPIS; i++) {
		struct vgic_irq *irq = &dist->spis[i];

		raw_spin_lock_init(&irq->irq_lock);
		INIT_LIST_HEAD(&irq->ap_list);
		irq->intid = i + VGIC_NR_PRIVATE_IRQS;
		refcount_set(&irq->refcount, 0);
	}
}

void kvm_vgic_vcpu_init(struct kvm *kvm, struct kvm_vcpu *vcpu, int id)
{
	struct vgic_cpu *vgic_cpu = &vcpu->arch.vgic_cpu;

	vcpu->kvm = kvm;
	vcpu->vcpu_id = id;
	raw_spin_lock_init(&vgic_cpu->ap_list_lock);
	INIT_LIST_HEAD(&vgic_cpu->ap_list_head);
}

bool vgic_valid_spi(struct kvm *kvm, int intid)
{
	return intid >= VGIC_NR_PRIVATE_IRQS &&
	       intid < (kvm->arch.vgic.nr_spis + VGIC_NR_PRIVATE_IRQS);
}

/* xa_load(): RCU readers find an LPI without the table lock. */
struct vgic_irq *lpi_xa_load(struct vgic_dist *dist, u32 intid)
{
	for (int i = 0; i < VGIC_NR_LPIS; i++) {
		struct vgic_irq *irq = READ_ONCE(dist->lpi_xa.slot[i]);

		if (irq && irq->intid == intid)
			return irq;
	}
	return NULL;
}

bool vgic_try_get_irq_ref(struct vgic_irq *irq)
{
	if (irq->intid < VGIC_MIN_LPI)
		return true;
	return refcount_inc_not_zero(&irq->refcount);
}

void vgic_get_irq_ref(struct vgic_irq *irq)
{
	WARN_ON_ONCE(!vgic_try_get_irq_ref(irq));
}

struct vgic_irq *vgic_get_irq(struct kvm *kvm, u32 intid)
{
	struct vgic_dist *dist = &kvm->arch.vgic;
	struct vgic_irq *irq;

	if (vgic_valid_spi(kvm, intid))
		return &dist->spis[intid - VGIC_NR_PRIVATE_IRQS];
	if (intid < VGIC_MIN_LPI)
		return NULL;

	rcu_read_lock();
	irq = lpi_xa_load(dist, intid);
	if (irq && !vgic_try_get_irq_ref(irq))
		irq = NULL;
	rcu_read_unlock();
	return irq;
}

struct vgic_irq *vgic_get_vcpu_irq(struct kvm_vcpu *vcpu, u32 intid)
{
	return vgic_get_irq(vcpu->kvm, intid);
}

static bool __vgic_put_irq(struct kvm *kvm, struct vgic_irq *irq)
{
	if (irq->intid < VGIC_MIN_LPI)
		return false;
	return refcount_dec_and_test(&irq->refcount);
}

/* Requires lpi_xa.xa_lock. kfree_rcu() in the kernel; a guest run outlasts its grace period. */
static void vgic_release_lpi_locked(struct vgic_dist *dist, struct vgic_irq *irq)
{
	lockdep_assert_held(&dist->lpi_xa.xa_lock);
	for (int i = 0; i < VGIC_NR_LPIS; i++)
		if (dist->lpi_xa.slot[i] == irq)
			WRITE_ONCE(dist->lpi_xa.slot[i], NULL);
	kfree(irq);
}

/* Drop a reference without releasing: the caller releases after unlocking. */
bool vgic_put_irq_norelease(struct kvm *kvm, struct vgic_irq *irq)
{
	if (!__vgic_put_irq(kvm, irq))
		return false;
	irq->pending_release = true;
	return true;
}

void vgic_put_irq(struct kvm *kvm, struct vgic_irq *irq)
{
	struct vgic_dist *dist = &kvm->arch.vgic;
	unsigned long flags;

	if (irq->intid < VGIC_MIN_LPI)
		return;

	/*
	 * The last put releases the LPI under lpi_xa. That is rare, so tell
	 * lockdep on every put that this function may take the lock.
	 */
	might_lock(&dist->lpi_xa.xa_lock);

	if (!__vgic_put_irq(kvm, irq))
		return;

	spin_lock_irqsave(&dist->lpi_xa.xa_lock, flags);
	vgic_release_lpi_locked(dist, irq);
	spin_unlock_irqrestore(&dist->lpi_xa.xa_lock, flags);
}

void vgic_release_deleted_lpis(struct kvm *kvm)
{
	struct vgic_dist *dist = &kvm->arch.vgic;
	unsigned long flags;

	spin_lock_irqsave(&dist->lpi_xa.xa_lock, flags);
	for (int i = 0; i < VGIC_NR_LPIS; i++) {
		struct vgic_irq *irq = dist->lpi_xa.slot[i];

		if (irq && irq->pending_release)
			vgic_release_lpi_locked(dist, irq);
	}
	spin_unlock_irqrestore(&dist->lpi_xa.xa_lock, flags);
}

/*
 * Queue an IRQ on its target vCPU's ap_list. Called with irq_lock held
 * (taken with raw_spin_lock_irqsave(..., flags)); drops it, then takes the
 * vCPU's ap_list_lock and the irq_lock again, in the documented order.
 */
bool vgic_queue_irq_unlock(struct kvm *kvm, struct vgic_irq *irq, unsigned long flags)
{
	struct kvm_vcpu *vcpu = irq->target_vcpu;

	lockdep_assert_held(&irq->irq_lock);

	if (irq->vcpu || !vcpu || !(irq->pending_latch || irq->active)) {
		raw_spin_unlock_irqrestore(&irq->irq_lock, flags);
		return false;
	}
	raw_spin_unlock_irqrestore(&irq->irq_lock, flags);

	raw_spin_lock_irqsave(&vcpu->arch.vgic_cpu.ap_list_lock, flags);
	raw_spin_lock(&irq->irq_lock);

	if (irq->vcpu || !(irq->pending_latch || irq->active)) {
		raw_spin_unlock(&irq->irq_lock);
		raw_spin_unlock_irqrestore(&vcpu->arch.vgic_cpu.ap_list_lock, flags);
		return false;
	}

	vgic_get_irq_ref(irq);
	list_add_tail(&irq->ap_list, &vcpu->arch.vgic_cpu.ap_list_head);
	irq->vcpu = vcpu;

	raw_spin_unlock(&irq->irq_lock);
	raw_spin_unlock_irqrestore(&vcpu->arch.vgic_cpu.ap_list_lock, flags);
	return true;
}

int kvm_vgic_inject_irq(struct kvm *kvm, u32 intid, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(kvm, intid);
	unsigned long flags;

	if (!irq)
		return -EINVAL;

	raw_spin_lock_irqsave(&irq->irq_lock, flags);
	irq->pending_latch = true;
	vgic_queue_irq_unlock(kvm, irq, flags);
	vgic_put_irq(kvm, irq);
	return 0;
}

/* The LR encoding of an IRQ (vgic_v3_populate_lr()/compute_lr()). */
u64 vgic_v3_compute_lr(struct kvm_vcpu *vcpu, struct vgic_irq *irq)
{
	u64 val = irq->intid;

	if (irq->pending_latch)
		val |= ICH_LR_PENDING_BIT;
	if (irq->active)
		val |= ICH_LR_ACTIVE_BIT;
	if (irq->level)
		val |= ICH_LR_EOI;
	return val;
}

void vgic_v3_populate_lr(struct kvm_vcpu *vcpu, struct vgic_irq *irq, int lr)
{
	vcpu->arch.vgic_cpu.vgic_v3.vgic_lr[lr] = vgic_v3_compute_lr(vcpu, irq);
	irq->on_lr = true;
}

bool lr_signals_eoi_mi(u64 lr_val)
{
	return !(lr_val & ICH_LR_STATE) && (lr_val & ICH_LR_EOI);
}
