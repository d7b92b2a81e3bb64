// SPDX-License-Identifier: GPL-2.0
/*
 * Boot adds the PCI devices (kernel_init); later an I/O page fault
 * interrupts rngd on its CPU; then a device is hot-unplugged.
 */

#include "dmar.h"

extern struct bus_type pci_bus_type;

static struct intel_iommu dmar0 = { .name = "dmar0" };
static struct device usb = { .name = "0000:00:1a.0", .source_id = 0x00d0, .pgd = 0x127f42000 };
static struct device sata = { .name = "0000:00:1f.2", .source_id = 0x00fa, .pgd = 0x12d8ab000 };

static int kernel_init(void *arg)
{
	bus_register(&pci_bus_type);
	bus_add_device(&usb);
	bus_add_device(&sata);
	dmar0.context_pgd[0xd0] = usb.pgd;
	dmar0.context_pgd[0xfa] = sata.pgd;
	request_irq(DMAR_IRQ, dmar_fault, 0, "dmar0", &dmar0);
	return 0;
}

static int rngd(void *arg)
{
	lab_raise_irq(smp_processor_id(), DMAR_IRQ);	/* the I/O page fault */
	flush_scheduled_work();		/* a dump deferred to a workqueue has run by now */
	lab_check(READ_ONCE(dmar0.ptes_dumped) == 4, "the fault dump still prints the PTEs");
	return 0;
}

static int hotplug(void *arg)
{
	bus_remove_device(&sata);
	lab_check(bus_nr_devices() == 1, "unplugging a device removes it from the bus");
	return 0;
}

void main(void)
{
	kthread_run(kernel_init, NULL, "swapper/0");
	kthread_run(rngd, NULL, "rngd");
	kthread_run(hotplug, NULL, "kworker/u16:2");
}
