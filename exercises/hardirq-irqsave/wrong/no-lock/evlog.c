// SPDX-License-Identifier: GPL-2.0
/*
 * A small ring of device events. Callers: the device's interrupt handler
 * (hardirq), mydev_reconfigure() (process context, IRQs on) and
 * mydev_suspend() (process context, IRQs off under dev->hw_lock).
 */

#define EVLOG_SIZE 16

struct evlog {
	spinlock_t lock;
	u32 events[EVLOG_SIZE];
	unsigned int head;
	unsigned int count;
};

void evlog_init(struct evlog *log)
{
	spin_lock_init(&log->lock);
	log->head = 0;
	log->count = 0;
}

void evlog_add(struct evlog *log, u32 event)
{
	/* A few stores: too short to need a lock. */
	log->events[log->head] = event;
	log->head = (log->head + 1) % EVLOG_SIZE;
	log->count++;
}
