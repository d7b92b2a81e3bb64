/*
 * KVM's posted-interrupt wakeup, reduced to its locks. Three
 * paths, each correct on its own; lockdep sees a cycle through
 * one per-CPU class.
 */
struct task {
	raw_spinlock_t pi_lock;
	int on_rq;
};

struct rq {
	raw_spinlock_t __lock;
};

static struct task vcpu_task;
static struct rq runqueue;
DEFINE_PER_CPU(raw_spinlock_t, wakeup_vcpus_on_cpu_lock);

static void task_init(struct task *p)
{
	raw_spin_lock_init(&p->pi_lock);
}

static void rq_init(struct rq *rq)
{
	raw_spin_lock_init(&rq->__lock);
}

/* The scheduler's wakeup: p->pi_lock, then the runqueue lock. */
static void try_to_wake_up(struct task *p, struct rq *rq)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&p->pi_lock, flags);
	raw_spin_lock(&rq->__lock);
	p->on_rq = 1;
	raw_spin_unlock(&rq->__lock);
	raw_spin_unlock_irqrestore(&p->pi_lock, flags);
}

/*
 * schedule() -> kvm_sched_out() -> vmx_vcpu_pi_put() -> here,
 * with rq->__lock held and IRQs off.
 */
static void pi_enable_wakeup_handler(int cpu)
{
	raw_spin_lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
	/* list_add_tail(&vmx->pi_wakeup_list, ...); */
	raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
}

static void schedule_out(struct rq *rq, int cpu)
{
	local_irq_disable();
	raw_spin_lock(&rq->__lock);
	pi_enable_wakeup_handler(cpu);
	raw_spin_unlock(&rq->__lock);
	local_irq_enable();
}

/*
 * The wakeup vector: kvm_vcpu_wake_up() -> try_to_wake_up()
 * under the per-CPU lock.
 */
static void pi_wakeup_handler(int cpu)
{
	raw_spin_lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
	try_to_wake_up(&vcpu_task, &runqueue);
	raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
}

void main(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		raw_spin_lock_init(
			&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
	task_init(&vcpu_task);
	rq_init(&runqueue);

	/* &p->pi_lock -> &rq->__lock */
	try_to_wake_up(&vcpu_task, &runqueue);
	/* &rq->__lock -> wakeup lock */
	schedule_out(&runqueue, 0);

	hardirq_enter();	/* POSTED_INTR_WAKEUP_VECTOR */
	/* wakeup lock -> &p->pi_lock */
	pi_wakeup_handler(0);
	hardirq_exit();
}
