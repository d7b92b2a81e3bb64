// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU 0 halts, is scheduled out, is woken by a posted interrupt on its
 * CPU and is scheduled back in on another CPU. vCPU 1 halts and leaves
 * KVM_RUN through vcpu_put(). An ordinary wakeup elsewhere shows lockdep
 * that try_to_wake_up() nests the runqueue lock inside p->pi_lock.
 */

#include "vmx.h"

#define PI_WAKEUP_IRQ	POSTED_INTR_WAKEUP_VECTOR

static struct vcpu_vmx vmx0, vmx1;
static struct lab_task vcpu_thread0, vcpu_thread1, sleeper;

static irqreturn_t pi_wakeup_irq(int irq, void *data)
{
	pi_wakeup_handler();
	return IRQ_HANDLED;
}

static int vcpu0_run(void *arg)
{
	int cpu = smp_processor_id();
	int next_cpu = (cpu + 1) % num_possible_cpus();
	struct kvm_vcpu *vcpu = &vmx0.vcpu;
	unsigned long flags;
	int state;

	lab_task_init(&vcpu_thread0, cpu);
	vcpu_thread0.vcpu = vcpu;
	vcpu->task = &vcpu_thread0;
	vcpu->cpu = cpu;
	vmx0.pi_desc.nv = POSTED_INTR_VECTOR;

	/* Somebody wakes an ordinary task: p->pi_lock -> rq->__lock. */
	lab_task_init(&sleeper, cpu);
	sleeper.state = TASK_INTERRUPTIBLE;
	try_to_wake_up(&sleeper);

	/* vcpu_block(): the vCPU halts and schedules out. */
	vcpu->blocking = true;
	vcpu_thread0.state = TASK_INTERRUPTIBLE;
	schedule_out(&vcpu_thread0);
	lab_check(vmx0.pi_desc.nv == POSTED_INTR_WAKEUP_VECTOR, "sched-out arms the wakeup vector");

	/* A device posts an interrupt for the vCPU; the wakeup vector fires here. */
	vmx0.pi_desc.on = 1;
	lab_raise_irq(cpu, PI_WAKEUP_IRQ);
	raw_spin_lock_irqsave(&vcpu_thread0.pi_lock, flags);	/* the waker writes state under it */
	state = vcpu_thread0.state;
	raw_spin_unlock_irqrestore(&vcpu_thread0.pi_lock, flags);
	lab_check(state == TASK_RUNNING, "the posted interrupt wakes the blocked vCPU");

	/* The vCPU runs again, migrated to another CPU. */
	vcpu->blocking = false;
	schedule_in(&vcpu_thread0, next_cpu);
	lab_check(vcpu->pi_sched_in == 1, "sched-in takes the vCPU off the old CPU's wakeup list");
	lab_check(vmx0.pi_desc.nv == POSTED_INTR_VECTOR && vmx0.pi_desc.ndst == next_cpu,
		  "sched-in points notifications at the new CPU");

	/* A stray wakeup vector on the old CPU must not find the vCPU any more. */
	lab_raise_irq(cpu, PI_WAKEUP_IRQ);
	lab_check(vcpu->wakeups == 1, "the vCPU is woken exactly once");
	return 0;
}

static int vcpu1_run(void *arg)
{
	int cpu = smp_processor_id();
	struct kvm_vcpu *vcpu = &vmx1.vcpu;

	lab_task_init(&vcpu_thread1, cpu);
	vcpu_thread1.vcpu = vcpu;
	vcpu->task = &vcpu_thread1;
	vcpu->cpu = cpu;

	/* KVM_RUN returns to userspace while the vCPU is halted. */
	vcpu->blocking = true;
	vcpu_put(vcpu);
	lab_check(vmx1.pi_desc.nv == POSTED_INTR_WAKEUP_VECTOR, "a halted vCPU leaving KVM_RUN waits for the wakeup vector");
	lab_check(!irqs_disabled(), "vcpu_put() returns with IRQs on");
	return 0;
}

void main(void)
{
	int cpu;

	sched_init();
	for_each_possible_cpu(cpu)
		pi_init_cpu(cpu);
	request_irq(PI_WAKEUP_IRQ, pi_wakeup_irq, 0, "pi_wakeup", NULL);

	kthread_run(vcpu0_run, NULL, "qemu-kvm");
	kthread_run(vcpu1_run, NULL, "qemu-kvm");
}
