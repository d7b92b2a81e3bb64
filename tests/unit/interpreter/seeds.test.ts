import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';

/**
 * Reduced versions of the seed threads' post-patch code (002: vgic fold under
 * ap_list_lock with deferred SPI notification), run end to end.
 */
const VGIC = `
#define VGIC_NR_PRIVATE_IRQS 32
#define VGIC_MAX_SPI 1019
#define ICH_HCR_EL2_EOIcount GENMASK_ULL(31, 27)
#define ICH_LR_VIRTUAL_ID_MASK GENMASK_ULL(31, 0)
#define ICH_LR_STATE (BIT_ULL(62) | BIT_ULL(63))
#define ICH_LR_HW BIT_ULL(61)

struct kvm { spinlock_t irqfds_lock; int acked; };
struct vgic_irq {
	raw_spinlock_t irq_lock;
	struct list_head ap_list;
	struct kvm_vcpu *vcpu;
	u32 intid;
	bool active;
	refcount_t refcount;
};
struct vgic_v3_cpu_if { u64 vgic_hcr; u64 vgic_lr[4]; int used_lrs; };
struct vgic_cpu {
	raw_spinlock_t ap_list_lock;
	struct list_head ap_list_head;
	struct vgic_v3_cpu_if vgic_v3;
};
struct kvm_vcpu { struct kvm *kvm; struct vgic_cpu vgic_cpu; struct vgic_irq *last_lr_irq; };

static struct kvm the_kvm;
static struct kvm_vcpu vcpu0;

static void kvm_notify_acked_irq(struct kvm *kvm, unsigned int irqchip, unsigned int pin)
{
	unsigned long flags;

	spin_lock_irqsave(&kvm->irqfds_lock, flags);	/* eventfd_signal(): a regular spinlock */
	kvm->acked++;
	spin_unlock_irqrestore(&kvm->irqfds_lock, flags);
}

static __must_check bool vgic_put_irq_norelease(struct kvm *kvm, struct vgic_irq *irq)
{
	return refcount_dec_and_test(&irq->refcount);
}

static bool vgic_v3_fold_lr(struct kvm_vcpu *vcpu, u64 val, unsigned long *eoi_spis)
{
	u32 intid = FIELD_GET(ICH_LR_VIRTUAL_ID_MASK, val);
	struct vgic_irq *irq;
	bool deleted = false;

	list_for_each_entry(irq, &vcpu->vgic_cpu.ap_list_head, ap_list) {
		if (irq->intid != intid)
			continue;
		raw_spin_lock(&irq->irq_lock);
		irq->active = !!(val & ICH_LR_STATE);
		if (!irq->active && intid >= VGIC_NR_PRIVATE_IRQS && eoi_spis)
			__set_bit(intid - VGIC_NR_PRIVATE_IRQS, eoi_spis);
		raw_spin_unlock(&irq->irq_lock);
		break;
	}
	return deleted;
}

bool vgic_v3_fold_lr_state(struct kvm_vcpu *vcpu, unsigned long *eoi_spis)
{
	struct vgic_cpu *vgic_cpu = &vcpu->vgic_cpu;
	struct vgic_v3_cpu_if *cpuif = &vgic_cpu->vgic_v3;
	u32 eoicount = FIELD_GET(ICH_HCR_EL2_EOIcount, cpuif->vgic_hcr);
	struct vgic_irq *last = vcpu->last_lr_irq;
	struct vgic_irq *irq = last;
	bool deleted = false;

	lockdep_assert_held(&vgic_cpu->ap_list_lock);

	for (int lr = 0; lr < cpuif->used_lrs; lr++)
		deleted |= vgic_v3_fold_lr(vcpu, cpuif->vgic_lr[lr], eoi_spis);

	if (!last || last->vcpu != vcpu)
		goto done;

	list_for_each_entry_continue(irq, &vgic_cpu->ap_list_head, ap_list) {
		if (!eoicount)
			break;
		deleted |= vgic_v3_fold_lr(vcpu, irq->intid, eoi_spis);
		eoicount--;
	}
done:
	if (last)
		deleted |= vgic_put_irq_norelease(vcpu->kvm, last);
	cpuif->used_lrs = 0;
	return deleted;
}

static void vgic_fold_state(struct kvm_vcpu *vcpu)
{
	struct vgic_cpu *vgic_cpu = &vcpu->vgic_cpu;
	DECLARE_BITMAP(eoi_spis, VGIC_MAX_SPI - VGIC_NR_PRIVATE_IRQS + 1);
	bool deleted = false;
	int spi;

	bitmap_zero(eoi_spis, VGIC_MAX_SPI - VGIC_NR_PRIVATE_IRQS + 1);
	scoped_guard(raw_spinlock, &vgic_cpu->ap_list_lock) {
		deleted = vgic_v3_fold_lr_state(vcpu, eoi_spis);
	}
#ifdef NOTIFY_UNDER_LOCK
	raw_spin_lock(&vgic_cpu->ap_list_lock);
#endif
	for_each_set_bit(spi, eoi_spis, VGIC_MAX_SPI - VGIC_NR_PRIVATE_IRQS + 1)
		kvm_notify_acked_irq(vcpu->kvm, 0, spi);
#ifdef NOTIFY_UNDER_LOCK
	raw_spin_unlock(&vgic_cpu->ap_list_lock);
#endif
	pr_info("folded: deleted=%d acked=%d\\n", deleted, vcpu->kvm->acked);
}

void main(void)
{
	struct vgic_cpu *vgic_cpu = &vcpu0.vgic_cpu;

	spin_lock_init(&the_kvm.irqfds_lock);
	raw_spin_lock_init(&vgic_cpu->ap_list_lock);
	INIT_LIST_HEAD(&vgic_cpu->ap_list_head);
	vcpu0.kvm = &the_kvm;
	for (u32 intid = 40; intid < 44; intid++) {
		struct vgic_irq *irq = kzalloc(sizeof(*irq), GFP_KERNEL);

		raw_spin_lock_init(&irq->irq_lock);
		irq->intid = intid;
		irq->vcpu = &vcpu0;
		refcount_set(&irq->refcount, 2);
		list_add_tail(&irq->ap_list, &vgic_cpu->ap_list_head);
		if (intid == 41)
			vcpu0.last_lr_irq = irq;
	}
	vgic_cpu->vgic_v3.used_lrs = 2;
	vgic_cpu->vgic_v3.vgic_lr[0] = 40;
	vgic_cpu->vgic_v3.vgic_lr[1] = 41 | ICH_LR_HW;
	vgic_cpu->vgic_v3.vgic_hcr = FIELD_PREP(ICH_HCR_EL2_EOIcount, 2);
	local_irq_disable();
	vgic_fold_state(&vcpu0);
	local_irq_enable();
}
`;

describe('seed code runs', () => {
  it('vgic fold (thread 002, post-patch): notifications after unlock are clean', () => {
    const r = runProgram([{ path: 'vgic.c', text: VGIC }], { races: false });
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toBe('folded: deleted=0 acked=4\n');
    expect(r.status).toBe('clean');
  });

  it('vgic fold with the notification under the raw ap_list_lock: invalid wait context', () => {
    const r = runProgram([{ path: 'vgic.c', text: '#define NOTIFY_UNDER_LOCK\n' + VGIC }], { races: false });
    expect(r.reports[0]!.kind).toBe('invalid-wait-context');
    expect(r.reports[0]!.lines).toContain('[ BUG: Invalid wait context ]');
    expect(r.reports[0]!.lines.some((l) => l.includes('(&the_kvm.irqfds_lock){....}-{3:3}'))).toBe(true);
  });
});
