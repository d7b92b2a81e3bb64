// SPDX-License-Identifier: GPL-2.0-only
/*
 * Posted-interrupt wakeup (arch/x86/kvm/vmx/posted_intr.c, trimmed).
 *
 * A blocking vCPU is put on the wakeup list of the CPU it ran on and its
 * notification vector is switched to the wakeup vector; when a device
 * posts an interrupt for it, pi_wakeup_handler() runs in hardirq context
 * on that CPU and wakes it.
 */

#include "vmx.h"

/*
 * Per-CPU list of vCPUs to wake when a wakeup vector arrives, and the raw
 * spinlock that protects it (IRQs must be off while holding it).
 */
static DEFINE_PER_CPU(struct list_head, wakeup_vcpus_on_cpu);
/* Not static (upstream's is): the lab's kvm.c checks who holds it. */
DEFINE_PER_CPU(raw_spinlock_t, wakeup_vcpus_on_cpu_lock);

void vmx_vcpu_pi_load(struct kvm_vcpu *vcpu, int cpu)
{
	struct pi_desc *pi_desc = vcpu_to_pi_desc(vcpu);
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	unsigned long flags;

	local_irq_save(flags);

	/*
	 * If the vCPU was waiting for wakeup, remove the vCPU from the wakeup
	 * list of the _previous_ pCPU, which will not be the same as the
	 * current pCPU if the task was migrated.
	 */
	if (pi_desc->nv == POSTED_INTR_WAKEUP_VECTOR) {
		raw_spinlock_t *spinlock = &per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu);

		raw_spin_lock(spinlock);
		list_del(&vmx->pi_wakeup_list);
		kvm_pi_sched_in_notify(vcpu);
		raw_spin_unlock(spinlock);
	}

	pi_desc->ndst = cpu;
	pi_desc->nv = POSTED_INTR_VECTOR;

	local_irq_restore(flags);
}

static void pi_enable_wakeup_handler(struct kvm_vcpu *vcpu)
{
	struct pi_desc *pi_desc = vcpu_to_pi_desc(vcpu);
	struct vcpu_vmx *vmx = to_vmx(vcpu);
	unsigned long flags;

	local_irq_save(flags);

	raw_spin_lock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));
	list_add_tail(&vmx->pi_wakeup_list,
		      &per_cpu(wakeup_vcpus_on_cpu, vcpu->cpu));
	raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));

	pi_desc->nv = POSTED_INTR_WAKEUP_VECTOR;

	local_irq_restore(flags);
}

void vmx_vcpu_pi_put(struct kvm_vcpu *vcpu)
{
	if (kvm_vcpu_is_blocking(vcpu))
		pi_enable_wakeup_handler(vcpu);
}

/*
 * Handler for POSTED_INTERRUPT_WAKEUP_VECTOR.
 */
void pi_wakeup_handler(void)
{
	int cpu = smp_processor_id();
	struct list_head *wakeup_list = &per_cpu(wakeup_vcpus_on_cpu, cpu);
	raw_spinlock_t *spinlock = &per_cpu(wakeup_vcpus_on_cpu_lock, cpu);
	struct vcpu_vmx *vmx;

	/* Step out of the interrupt while waking, so lockdep stops pairing the wakeup with sched-out. */
	hardirq_exit();
	raw_spin_lock(spinlock);
	list_for_each_entry(vmx, wakeup_list, pi_wakeup_list) {
		if (pi_test_on(&vmx->pi_desc))
			kvm_vcpu_wake_up(&vmx->vcpu);
	}
	raw_spin_unlock(spinlock);
	hardirq_enter();
}

void pi_init_cpu(int cpu)
{
	INIT_LIST_HEAD(&per_cpu(wakeup_vcpus_on_cpu, cpu));
	raw_spin_lock_init(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
}
