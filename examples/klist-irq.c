/*
 * The klist case (seed thread 001): klist_next() takes k->k_lock with
 * spin_lock_irqsave(), but klist_add_tail() uses plain spin_lock(). The DMAR
 * fault handler walks the klist in hardirq context, so the lock class is both
 * irq-safe and irq-unsafe.
 * Run:  npx lockdep-lab run examples/klist-irq.c
 * Expect: WARNING: inconsistent lock state, {HARDIRQ-ON-W} -> {IN-HARDIRQ-W}.
 */
struct klist {
	spinlock_t		k_lock;
	struct list_head	k_list;
};

struct klist_node {
	struct list_head	n_node;
	struct klist		*n_klist;
};

struct device {
	struct klist_node	knode_bus;
	int			devfn;
};

static struct klist bus_devices;

static void klist_init(struct klist *k)
{
	INIT_LIST_HEAD(&k->k_list);
	spin_lock_init(&k->k_lock);
}

static void klist_add_tail(struct klist_node *n, struct klist *k)
{
	spin_lock(&k->k_lock);
	list_add_tail(&n->n_node, &k->k_list);
	n->n_klist = k;
	spin_unlock(&k->k_lock);
}

static struct device *bus_find_device(struct klist *k, int devfn)
{
	struct klist_node *n;
	struct device *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&k->k_lock, flags);
	list_for_each_entry(n, &k->k_list, n_node) {
		struct device *dev = container_of(n, struct device, knode_bus);

		if (dev->devfn == devfn) {
			found = dev;
			break;
		}
	}
	spin_unlock_irqrestore(&k->k_lock, flags);
	return found;
}

static irqreturn_t dmar_fault(int irq, void *dev_id)
{
	struct device *dev = bus_find_device(&bus_devices, 0xd0);

	pr_err("DMAR: [DMA Write NO_PASID] Request device [00:1a.0] fault addr 0x0\n");
	if (dev)
		pr_info("DMAR: Dump dmar0 table entries for devfn %#x\n", dev->devfn);
	return IRQ_HANDLED;
}

void main(void)
{
	int devfn;

	lab_set_comm("rngd");
	klist_init(&bus_devices);
	for (devfn = 0xc8; devfn <= 0xd8; devfn += 8) {
		struct device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

		dev->devfn = devfn;
		klist_add_tail(&dev->knode_bus, &bus_devices);
	}
	request_irq(16, dmar_fault, 0, "dmar0", NULL);
	lab_raise_irq(0, 16);
}
