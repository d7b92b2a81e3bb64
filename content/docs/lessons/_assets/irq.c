/*
 * A statistics counter updated from process context and from an
 * interrupt handler on the same CPU. Process context forgets
 * that the interrupt can arrive while it holds the lock.
 */
DEFINE_SPINLOCK(stats_lock);
static unsigned long rx_packets;

static void rx_irq_handler(void)	/* runs in hardirq context */
{
	spin_lock(&stats_lock);
	rx_packets++;
	spin_unlock(&stats_lock);
}

/* process context, IRQs on */
static void stats_reset(void)
{
	spin_lock(&stats_lock);	/* fix: spin_lock_irqsave() */
	rx_packets = 0;
	spin_unlock(&stats_lock);
}

void main(void)
{
	stats_reset();

	hardirq_enter();		/* the NIC interrupt arrives */
	rx_irq_handler();
	hardirq_exit();
}
