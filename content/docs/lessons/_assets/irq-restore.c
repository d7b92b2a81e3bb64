/*
 * stats_reset() uses spin_lock_irq(), which assumes IRQs were on.
 * nic_reconfigure() calls it with IRQs off and nic->hw_lock held,
 * and spin_unlock_irq() turns IRQs back on behind its back.
 */
struct nic {
	spinlock_t hw_lock;	/* also taken by the NIC interrupt */
	int regs;
};

static struct nic nic0;
DEFINE_SPINLOCK(stats_lock);
static unsigned long rx_packets;

static void nic_irq(struct nic *nic)	/* hardirq context */
{
	spin_lock(&nic->hw_lock);
	nic->regs++;
	spin_unlock(&nic->hw_lock);
}

static void stats_reset(void)
{
	spin_lock_irq(&stats_lock);
	rx_packets = 0;
	spin_unlock_irq(&stats_lock);	/* IRQs are now ON */
}

static void nic_reconfigure(struct nic *nic)
{
	unsigned long flags;

	spin_lock_irqsave(&nic->hw_lock, flags);
	stats_reset();
	/* the NIC interrupt can arrive here and spin on hw_lock */
	nic->regs = 0;
	spin_unlock_irqrestore(&nic->hw_lock, flags);
}

static void nic_init(struct nic *nic)
{
	spin_lock_init(&nic->hw_lock);
}

void main(void)
{
	nic_init(&nic0);

	hardirq_enter();
	nic_irq(&nic0);
	hardirq_exit();

	nic_reconfigure(&nic0);
}
