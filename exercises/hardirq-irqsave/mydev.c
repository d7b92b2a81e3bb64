// SPDX-License-Identifier: GPL-2.0
/* The device: its interrupt handler, reconfiguration and suspend. */

#include "mydev.h"

struct mydev {
	spinlock_t hw_lock;	/* device registers; taken by the IRQ handler */
	u32 ctrl;
	bool irqs_off_after_log;
	struct evlog log;
};

void mydev_init(struct mydev *dev)
{
	spin_lock_init(&dev->hw_lock);
	evlog_init(&dev->log);
}

irqreturn_t mydev_irq(int irq, void *data)
{
	struct mydev *dev = data;

	spin_lock(&dev->hw_lock);
	dev->ctrl |= 1;
	evlog_add(&dev->log, EV_IRQ);
	spin_unlock(&dev->hw_lock);
	return IRQ_HANDLED;
}

void mydev_reconfigure(struct mydev *dev, u32 ctrl)
{
	unsigned long flags;

	evlog_add(&dev->log, EV_RECONFIG);
	/* The handler updates ctrl too: the register write is hw_lock's. */
	spin_lock_irqsave(&dev->hw_lock, flags);
	dev->ctrl = ctrl;
	spin_unlock_irqrestore(&dev->hw_lock, flags);
}

void mydev_suspend(struct mydev *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->hw_lock, flags);
	dev->ctrl = 0;
	evlog_add(&dev->log, EV_SUSPEND);
	/* The interrupt handler must not get in while hw_lock is held. */
	dev->irqs_off_after_log = irqs_disabled();
	spin_unlock_irqrestore(&dev->hw_lock, flags);
}
