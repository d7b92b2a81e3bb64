// SPDX-License-Identifier: GPL-2.0
/*
 * Packets arrive in the NET_RX softirq (softirq_enter()/softirq_exit() step
 * into softirq context exactly as the kernel's locking self-test does);
 * a reader thread drains the ring between the two bursts.
 */

static struct rx_ring ring;
static struct pkt pkts[4];
static int popped;

static void net_rx_action(int first, int n)
{
	softirq_enter();
	for (int i = first; i < first + n; i++) {
		pkts[i].len = 64 * (i + 1);
		rx_ring_push(&ring, &pkts[i]);
	}
	softirq_exit();
}

static int reader(void *arg)
{
	struct pkt *p;
	unsigned int len;

	while ((p = rx_ring_pop(&ring)))
		popped++;
	lab_check(popped == 2, "the reader gets the first burst of two packets");

	net_rx_action(2, 2);
	while ((p = rx_ring_pop(&ring)))
		popped++;
	lab_check(popped == 4, "the reader gets all four packets");
	spin_lock_bh(&ring.lock);	/* ring.len is the ring lock's to guard */
	len = ring.len;
	spin_unlock_bh(&ring.lock);
	lab_check(len == 0, "the ring is empty afterwards");
	return 0;
}

void main(void)
{
	rx_ring_init(&ring);
	net_rx_action(0, 2);
	kthread_run(reader, NULL, "reader");
}
