// SPDX-License-Identifier: GPL-2.0
/*
 * A simulated scheduler: only the locking that matters here.
 * try_to_wake_up() takes p->pi_lock, then the runqueue lock;
 * __schedule() runs the sched-out preempt notifiers with the runqueue
 * lock held and IRQs off; the sched-in notifiers run after it is dropped.
 */

struct kvm_vcpu;

struct lab_task {
	raw_spinlock_t		pi_lock;
	unsigned int		state;
	int			cpu;
	struct kvm_vcpu		*vcpu;		/* set for a vCPU thread */
};

struct rq {
	raw_spinlock_t		__lock;
	int			cpu;
	unsigned long		nr_switches;
};

static DEFINE_PER_CPU(struct rq, runqueues);

void kvm_sched_out(struct lab_task *prev);
void kvm_sched_in(struct lab_task *next, int cpu);

void sched_init(void)
{
	int i;

	for_each_possible_cpu(i) {
		struct rq *rq = &per_cpu(runqueues, i);

		raw_spin_lock_init(&rq->__lock);
		rq->cpu = i;
	}
}

void lab_task_init(struct lab_task *p, int cpu)
{
	raw_spin_lock_init(&p->pi_lock);
	p->state = TASK_RUNNING;
	p->cpu = cpu;
}

int try_to_wake_up(struct lab_task *p)
{
	unsigned long flags;
	int success = 0;

	raw_spin_lock_irqsave(&p->pi_lock, flags);
	if (p->state != TASK_RUNNING) {
		struct rq *rq = &per_cpu(runqueues, p->cpu);

		raw_spin_lock(&rq->__lock);
		p->state = TASK_RUNNING;
		success = 1;
		raw_spin_unlock(&rq->__lock);
	}
	raw_spin_unlock_irqrestore(&p->pi_lock, flags);
	return success;
}

/* __schedule() switching away from @prev, which has set its state to sleep. */
void schedule_out(struct lab_task *prev)
{
	struct rq *rq = &per_cpu(runqueues, prev->cpu);

	local_irq_disable();
	raw_spin_lock(&rq->__lock);
	rq->nr_switches++;
	if (prev->vcpu)
		kvm_sched_out(prev);	/* prepare_task_switch(): preempt notifiers */
	raw_spin_unlock(&rq->__lock);
	local_irq_enable();
}

/* finish_task_switch(): @next runs again, on @cpu, runqueue lock dropped. */
void schedule_in(struct lab_task *next, int cpu)
{
	unsigned long flags;

	/* set_task_cpu(): a wakeup reads p->cpu under p->pi_lock. */
	raw_spin_lock_irqsave(&next->pi_lock, flags);
	next->cpu = cpu;
	raw_spin_unlock_irqrestore(&next->pi_lock, flags);
	if (next->vcpu)
		kvm_sched_in(next, cpu);
}
