// SPDX-License-Identifier: GPL-2.0
/*
 * A receive ring: the NET_RX softirq pushes packets, a reader thread in
 * process context pops them. Both sides hold ring->lock for the list.
 */

struct pkt {
	struct list_head node;
	int len;
};

struct rx_ring {
	spinlock_t lock;
	struct list_head queue;
	unsigned int len;
};

void rx_ring_init(struct rx_ring *ring)
{
	spin_lock_init(&ring->lock);
	INIT_LIST_HEAD(&ring->queue);
	ring->len = 0;
}

/* Softirq context (NET_RX). */
void rx_ring_push(struct rx_ring *ring, struct pkt *p)
{
	spin_lock(&ring->lock);
	list_add_tail(&p->node, &ring->queue);
	ring->len++;
	spin_unlock(&ring->lock);
}

/* Process context. */
struct pkt *rx_ring_pop(struct rx_ring *ring)
{
	struct pkt *p = NULL;

	spin_lock_irq(&ring->lock);
	if (!list_empty(&ring->queue)) {
		p = list_first_entry(&ring->queue, struct pkt, node);
		list_del(&p->node);
		ring->len--;
	}
	spin_unlock_irq(&ring->lock);
	return p;
}
