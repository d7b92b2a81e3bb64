/*
 * The KVM VMX posted-interrupt wakeup case (seed thread 000), reduced.
 * Schedule-out takes the per-CPU wakeup lock under the runqueue lock; the wakeup
 * interrupt wakes a task (p->pi_lock, then rq->__lock) under the wakeup lock;
 * and try_to_wake_up() orders p->pi_lock before rq->__lock. Lockdep sees the
 * cycle &p->pi_lock --> &rq->__lock --> &per_cpu(wakeup_vcpus_on_cpu_lock, cpu)
 * --> &p->pi_lock, because all CPUs' wakeup locks are one class.
 * Run:  npx lockdep-lab run examples/kvm-pi-wakeup.c
 * The course asks: is it a real deadlock? (It is not: see the thread.)
 */
#define POSTED_INTR_WAKEUP_VECTOR 242

struct task { raw_spinlock_t pi_lock; int on_rq; };
struct rq { raw_spinlock_t __lock; };
struct kvm_vcpu { int cpu; struct list_head blocked_vcpu_list; struct task *task; };

DEFINE_PER_CPU(struct rq, runqueues);
DEFINE_PER_CPU(raw_spinlock_t, wakeup_vcpus_on_cpu_lock);
DEFINE_PER_CPU(struct list_head, wakeup_vcpus_on_cpu);

static struct task vcpu_task;
static struct kvm_vcpu vcpu0;

static void init_rq(struct rq *rq) { raw_spin_lock_init(&rq->__lock); }
static void init_task(struct task *p) { raw_spin_lock_init(&p->pi_lock); }

static void try_to_wake_up(struct task *p)
{
	unsigned long flags;
	struct rq *rq = this_cpu_ptr(&runqueues);

	raw_spin_lock_irqsave(&p->pi_lock, flags);
	raw_spin_lock(&rq->__lock);
	p->on_rq = 1;
	raw_spin_unlock(&rq->__lock);
	raw_spin_unlock_irqrestore(&p->pi_lock, flags);
}

static void pi_enable_wakeup_handler(struct kvm_vcpu *vcpu)
{
	raw_spin_lock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));
	list_add_tail(&vcpu->blocked_vcpu_list, &per_cpu(wakeup_vcpus_on_cpu, vcpu->cpu));
	raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, vcpu->cpu));
}

/* schedule() -> kvm_sched_out() -> vmx_vcpu_pi_put(): IRQs off, rq->__lock held. */
static void schedule_out(struct kvm_vcpu *vcpu)
{
	struct rq *rq = this_cpu_ptr(&runqueues);

	local_irq_disable();
	raw_spin_lock(&rq->__lock);
	pi_enable_wakeup_handler(vcpu);
	raw_spin_unlock(&rq->__lock);
	local_irq_enable();
}

static irqreturn_t pi_wakeup_handler(int irq, void *data)
{
	int cpu = smp_processor_id();
	struct kvm_vcpu *vcpu;

	raw_spin_lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
	list_for_each_entry(vcpu, &per_cpu(wakeup_vcpus_on_cpu, cpu), blocked_vcpu_list)
		try_to_wake_up(vcpu->task);
	raw_spin_unlock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
	return IRQ_HANDLED;
}

static int vcpu_run(void *data)
{
	struct kvm_vcpu *vcpu = data;

	vcpu->cpu = smp_processor_id();
	schedule_out(vcpu);		/* vcpu_block() */
	return 0;
}

void main(void)
{
	int cpu;

	lab_set_comm("qemu-kvm");
	for_each_possible_cpu(cpu) {
		init_rq(&per_cpu(runqueues, cpu));
		raw_spin_lock_init(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));
		INIT_LIST_HEAD(&per_cpu(wakeup_vcpus_on_cpu, cpu));
	}
	init_task(&vcpu_task);
	vcpu0.task = &vcpu_task;
	request_irq(POSTED_INTR_WAKEUP_VECTOR, pi_wakeup_handler, IRQF_NO_THREAD, "pi_wakeup", NULL);

	try_to_wake_up(&vcpu_task);
	kthread_run(vcpu_run, &vcpu0, "vcpu0");
	msleep(1);
	lab_raise_irq(1, POSTED_INTR_WAKEUP_VECTOR);
}
