// SPDX-License-Identifier: GPL-2.0
/*
 * The device interrupts on CPU 0, userspace reconfigures it, then a
 * suspend runs; the device interrupts once more at the end.
 */

#include "mydev.h"

static struct mydev dev;

static int userspace(void *arg)
{
	int cpu = smp_processor_id();
	unsigned long flags;
	unsigned int count;
	u32 third;

	lab_raise_irq(cpu, MYDEV_IRQ);
	mydev_reconfigure(&dev, 0x3);
	mydev_suspend(&dev);
	lab_check(dev.irqs_off_after_log, "mydev_suspend() still has IRQs off after evlog_add()");
	lab_check(!irqs_disabled(), "IRQs are on again after mydev_suspend()");
	lab_raise_irq(cpu, MYDEV_IRQ);
	/* The handler writes the log too: read it under its lock. */
	spin_lock_irqsave(&dev.log.lock, flags);
	count = dev.log.count;
	third = dev.log.events[2];
	spin_unlock_irqrestore(&dev.log.lock, flags);
	lab_check(count == 4, "all four events are logged");
	lab_check(third == EV_SUSPEND, "the suspend event is logged third");
	return 0;
}

void main(void)
{
	mydev_init(&dev);
	request_irq(MYDEV_IRQ, mydev_irq, 0, "mydev", &dev);
	kthread_run(userspace, NULL, "mydevctl");
}
