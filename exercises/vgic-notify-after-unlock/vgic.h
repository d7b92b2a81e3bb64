/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vgic's data structures (include/kvm/arm_vgic.h and
 * arch/arm64/kvm/vgic/vgic.h, trimmed to one GICv3 and its LRs).
 *
 * Locking order is always:
 *   vgic_dist->lpi_xa.xa_lock
 *     vgic_cpu->ap_list_lock		must be taken with IRQs disabled
 *       vgic_irq->irq_lock		must be taken with IRQs disabled
 */
#ifndef __KVM_ARM_VGIC_H__
#define __KVM_ARM_VGIC_H__

#define VGIC_NR_PRIVATE_IRQS	32
#define VGIC_NR_SPIS		32
#define VGIC_MAX_SPI		(VGIC_NR_PRIVATE_IRQS + VGIC_NR_SPIS - 1)
#define VGIC_MIN_LPI		8192
#define VGIC_NR_LPIS		8
#define VGIC_NR_LR		2

#define ICH_LR_VIRTUAL_ID_MASK	((1ULL << 32) - 1)
#define ICH_LR_EOI		BIT_ULL(41)
#define ICH_LR_PENDING_BIT	BIT_ULL(62)
#define ICH_LR_ACTIVE_BIT	BIT_ULL(63)
#define ICH_LR_STATE		GENMASK_ULL(63, 62)

/* The kernel's host_data_ptr() reaches a field of this CPU's kvm_host_data. */
#define host_data_ptr(f)	(&this_cpu_ptr(&kvm_host_data)->f)

struct kvm;
struct kvm_vcpu;

struct vgic_irq {
	raw_spinlock_t irq_lock;	/* Protects the content of the struct */
	struct list_head ap_list;
	struct kvm_vcpu *vcpu;		/* The vCPU whose ap_list this IRQ is on, or NULL */
	struct kvm_vcpu *target_vcpu;	/* The vCPU this IRQ targets */
	u32 intid;
	bool pending_latch;
	bool active;
	bool level;			/* level-triggered: an EOI is signalled */
	bool on_lr;
	bool pending_release;		/* refcount hit zero; free after unlocking */
	refcount_t refcount;
};

/* The LPI table (an xarray in the kernel): a lock and the mapped LPIs. */
struct lpi_xarray {
	spinlock_t xa_lock;
	struct vgic_irq *slot[VGIC_NR_LPIS];
};

struct vgic_v3_cpu_if {
	u64 vgic_lr[VGIC_NR_LR];
	unsigned int used_lrs;
	u32 eoicount;			/* ICH_HCR_EL2.EOIcount */
};

struct vgic_cpu {
	struct vgic_v3_cpu_if vgic_v3;
	raw_spinlock_t ap_list_lock;	/* Protects the ap_list */
	struct list_head ap_list_head;
};

struct kvm_vcpu_arch {
	struct vgic_cpu vgic_cpu;
};

struct kvm_vcpu {
	struct kvm *kvm;
	int vcpu_id;
	struct kvm_vcpu_arch arch;
};

struct vgic_dist {
	struct lpi_xarray lpi_xa;
	struct vgic_irq *spis;		/* nr_spis of them */
	int nr_spis;
};

struct kvm_arch {
	struct vgic_dist vgic;
};

struct eventfd_wqh {
	spinlock_t lock;
};

struct eventfd_ctx {
	struct eventfd_wqh wqh;
	u64 count;
};

struct kvm {
	struct kvm_arch arch;
	int acked[VGIC_NR_SPIS];	/* kvm_notify_acked_irq() calls per SPI */
	struct eventfd_ctx *resamplefd;	/* irqfd resampler, if any */
	u32 resample_pin;
	bool line_high;			/* the resampled device still asserts its line */
};

struct vgic_global {
	int nr_lr;
};

struct kvm_host_data {
	struct vgic_irq *last_lr_irq;
};

#endif /* __KVM_ARM_VGIC_H__ */
