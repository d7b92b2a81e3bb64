// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parts of KVM and VMX the posted-interrupt wakeup code uses: the
 * vCPU, its posted-interrupt descriptor, waking a vCPU, and the preempt
 * notifiers that call into posted_intr.c.
 */

#include "vmx.h"

struct pi_desc {
	u32 on;		/* an interrupt is posted */
	u32 sn;		/* suppress notification */
	u32 nv;		/* notification vector */
	u32 ndst;	/* notification destination */
};

struct kvm_vcpu {
	int			cpu;		/* the CPU it last ran on */
	int			vcpu_id;
	bool			blocking;
	struct lab_task		*task;
	int			wakeups;
	int			pi_sched_in;	/* times sched-in left a wakeup list */
};

struct vcpu_vmx {
	struct kvm_vcpu		vcpu;
	struct pi_desc		pi_desc;
	struct list_head	pi_wakeup_list;
};

struct vcpu_vmx *to_vmx(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct vcpu_vmx, vcpu);
}

struct pi_desc *vcpu_to_pi_desc(struct kvm_vcpu *vcpu)
{
	return &(to_vmx(vcpu)->pi_desc);
}

bool pi_test_on(struct pi_desc *pi_desc)
{
	return pi_desc->on != 0;
}

bool kvm_vcpu_is_blocking(struct kvm_vcpu *vcpu)
{
	return vcpu->blocking;
}

void kvm_vcpu_wake_up(struct kvm_vcpu *vcpu)
{
	if (try_to_wake_up(vcpu->task))
		vcpu->wakeups++;
}

/*
 * Called by vmx_vcpu_pi_load() right after it took the vCPU off the
 * previous CPU's wakeup list, with that list's lock held.
 */
void kvm_pi_sched_in_notify(struct kvm_vcpu *vcpu)
{
	vcpu->pi_sched_in++;
}

void vmx_vcpu_pi_load(struct kvm_vcpu *vcpu, int cpu);
void vmx_vcpu_pi_put(struct kvm_vcpu *vcpu);

/* Preempt notifiers. */
void kvm_sched_out(struct lab_task *prev)
{
	vmx_vcpu_pi_put(prev->vcpu);
}

void kvm_sched_in(struct lab_task *next, int cpu)
{
	struct kvm_vcpu *vcpu = next->vcpu;

	vmx_vcpu_pi_load(vcpu, cpu);
	vcpu->cpu = cpu;
}

/* vcpu_put() on the way out of KVM_RUN: preemption off, IRQs on. */
void vcpu_put(struct kvm_vcpu *vcpu)
{
	preempt_disable();
	vmx_vcpu_pi_put(vcpu);
	preempt_enable();
}
