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

/*
 * The wakeup lock is taken in two contexts that can never overlap on one
 * CPU (sched-out runs with IRQs off, the wakeup handler is the IRQ); give
 * the sched-out context its own lockdep subclass.
 */
#define PI_LOCK_SCHED_OUT SINGLE_DEPTH_NESTING

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

		/*
		 * In addition to taking the wakeup lock for the regular/IRQ
		 * context, tell lockdep it is being taken for the "sched out"
		 * context as well. vCPU loads happen in task context, and this
		 * is taking the lock of the *previous* CPU, i.e. can race with
		 * both the scheduler and the wakeup handler.
		 */
		raw_spin_lock(spinlock);
		spin_acquire(&spinlock->dep_map, PI_LOCK_SCHED_OUT, 0, _RET_IP_);
		list_del(&vmx->pi_wakeup_list);
		kvm_pi_sched_in_notify(vcpu);
		spin_release(&spinlock->dep_map, _RET_IP_);
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
	/*
	 * Acquire the wakeup lock using the "sched out" context to work around
	 * a lockdep false positive. When this is called, schedule() holds
	 * various per-CPU scheduler locks. When the wakeup handler runs, it
	 * holds this CPU's wakeup lock while calling try_to_wake_up(), which
	 * can eventually take the aforementioned scheduler locks, which causes
	 * lockdep to assume there is deadlock.
	 *
	 * Deadlock can't actually occur because IRQs are disabled for the
	 * entirety of the sched_out critical section, i.e. the wakeup handler
	 * can't run while the scheduler locks are held.
	 */
	raw_spin_lock_nested(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu),
			     PI_LOCK_SCHED_OUT);
	list_add_tail(&vmx->pi_wakeup_list,
		      &per_cpu(wakeup_vcpus_on_cpu, vcpu->cpu));
	raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));

	pi_desc->nv = POSTED_INTR_WAKEUP_VECTOR;

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

	raw_spin_lock(spinlock);
	list_for_each_entry(vmx, wakeup_list, pi_wakeup_list) {
		if (pi_test_on(&vmx->pi_desc))
			kvm_vcpu_wake_up(&vmx->vcpu);
	}
	raw_spin_unlock(spinlock);
}

void pi_init_cpu(int cpu)
{
	INIT_LIST_HEAD(&per_cpu(wakeup_vcpus_on_cpu, cpu));
	raw_spin_lock_init(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
}
