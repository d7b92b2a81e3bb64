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

	dev = pci_get_domain_bus_and_slot(0, bus, devfn);
	if (!dev) {
		pr_info("DMAR: no device for %02x:%02x.%d\n", bus, devfn >> 3, devfn & 7);
		return;
	}
	pgtable_walk(iommu, dev->pgd, addr);
}

/*
 * The bus lookup walks a klist whose lock the add and remove paths take
 * with IRQs on, so it must not run in the fault interrupt: defer the dump
 * to process context, where taking k_lock is fine.
 */
struct dmar_dump_work {
	struct work_struct work;
	struct intel_iommu *iommu;
	u16 source_id;
	u64 addr;
};

static struct dmar_dump_work dump_work;
static bool dump_work_ready;

static void dmar_dump_work_fn(struct work_struct *work)
{
	struct dmar_dump_work *dw = container_of(work, struct dmar_dump_work, work);

	dmar_fault_dump_ptes(dw->iommu, dw->source_id, dw->addr);
}

irqreturn_t dmar_fault(int irq, void *dev_id)
{
	struct intel_iommu *iommu = dev_id;

	pr_info("DMAR: DRHD: handling fault status reg 3\n");
	pr_info("DMAR: [DMA Write NO_PASID] Request device [00:1a.0] fault addr 0x0 [fault reason 0x05] PTE Write access is not set\n");
	if (!dump_work_ready) {
		INIT_WORK(&dump_work.work, dmar_dump_work_fn);
		dump_work_ready = true;
	}
	dump_work.iommu = iommu;
	dump_work.source_id = 0x00d0;
	dump_work.addr = 0x0;
	schedule_work(&dump_work.work);
	return IRQ_HANDLED;
}
