/*
 * The vgic ap_list bug in miniature: one vCPU walks its ap_list
 * without ap_list_lock while another vCPU removes entries under
 * the lock. No lock is ever taken in the wrong order, so lockdep
 * has nothing to say.
 */
struct vgic_irq {
	struct list_head ap_list;
	u32 intid;
};

struct vgic_cpu {
	raw_spinlock_t ap_list_lock;
	struct list_head ap_list_head;
};

static struct vgic_cpu vcpu0_if;
static struct vgic_irq lpis[3];

static void vgic_cpu_init(struct vgic_cpu *vgic_cpu)
{
	INIT_LIST_HEAD(&vgic_cpu->ap_list_head);
	raw_spin_lock_init(&vgic_cpu->ap_list_lock);
}

/* vCPU 0 after a guest exit: vgic_v3_fold_lr_state(), no lock. */
static int vcpu0_fold(void *arg)
{
	struct vgic_irq *irq;
	int active = 0;

	list_for_each_entry(irq, &vcpu0_if.ap_list_head, ap_list)
		active++;
	pr_info("fold: %d interrupts on the ap_list\n", active);
	return 0;
}

/* vCPU 1 clears EnableLPIs: vgic_flush_pending_lpis(). */
static int vcpu1_disable_lpis(void *arg)
{
	struct vgic_irq *irq, *tmp;
	unsigned long flags;

	raw_spin_lock_irqsave(&vcpu0_if.ap_list_lock, flags);
	list_for_each_entry_safe(irq, tmp, &vcpu0_if.ap_list_head,
				 ap_list)
		list_del(&irq->ap_list);
	raw_spin_unlock_irqrestore(&vcpu0_if.ap_list_lock, flags);
	return 0;
}

void main(void)
{
	unsigned long flags;
	int i;

	vgic_cpu_init(&vcpu0_if);
	raw_spin_lock_irqsave(&vcpu0_if.ap_list_lock, flags);
	for (i = 0; i < 3; i++) {
		lpis[i].intid = 8192 + i;
		list_add_tail(&lpis[i].ap_list, &vcpu0_if.ap_list_head);
	}
	raw_spin_unlock_irqrestore(&vcpu0_if.ap_list_lock, flags);

	kthread_run(vcpu0_fold, NULL, "vcpu0");
	kthread_run(vcpu1_disable_lpis, NULL, "vcpu1");
}
