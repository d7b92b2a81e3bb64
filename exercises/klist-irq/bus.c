// SPDX-License-Identifier: GPL-2.0
/* The PCI bus: devices on a klist, and the lookup the IOMMU driver uses. */

struct device {
	const char		*name;
	u16			source_id;	/* bus << 8 | devfn */
	u64			pgd;		/* root of the device's IOMMU page table */
	struct klist_node	knode_bus;
};

struct bus_type {
	const char		*name;
	struct klist		klist_devices;
};

struct bus_type pci_bus_type = { .name = "pci" };

void bus_register(struct bus_type *bus)
{
	klist_init(&bus->klist_devices);
}

int bus_add_device(struct device *dev)
{
	klist_add_tail(&dev->knode_bus, &pci_bus_type.klist_devices);
	return 0;
}

void bus_remove_device(struct device *dev)
{
	klist_del(&dev->knode_bus);
}

struct device *bus_find_device(struct bus_type *bus, u16 source_id)
{
	struct klist_iter i;
	struct klist_node *n;
	struct device *dev = NULL;

	klist_iter_init(&bus->klist_devices, &i);
	while ((n = klist_next(&i))) {
		struct device *d = container_of(n, struct device, knode_bus);

		if (d->source_id == source_id) {
			dev = d;
			break;
		}
	}
	klist_iter_exit(&i);
	return dev;
}

struct device *pci_get_domain_bus_and_slot(int domain, unsigned int bus, unsigned int devfn)
{
	return bus_find_device(&pci_bus_type, (bus << 8) | devfn);
}

int bus_nr_devices(void)
{
	struct klist_iter i;
	int n = 0;

	klist_iter_init(&pci_bus_type.klist_devices, &i);
	while (klist_next(&i))
		n++;
	klist_iter_exit(&i);
	return n;
}

/*
 * The IOMMU's own tables: the context entry for a source id holds the
 * same page-table root as the device. Reading it takes no lock.
 */
struct intel_iommu {
	const char		*name;
	u64			context_pgd[256];
	int			ptes_dumped;
};

u64 iommu_context_pgd(struct intel_iommu *iommu, u8 bus, u8 devfn)
{
	return iommu->context_pgd[devfn];
}

void pgtable_walk(struct intel_iommu *iommu, u64 pgd, u64 addr)
{
	for (int level = 4; level > 0; level--) {
		pr_info("DMAR: pte level: %d, pte value: 0x%016llx\n", level, pgd + level);
		WRITE_ONCE(iommu->ptes_dumped, iommu->ptes_dumped + 1);
	}
}
