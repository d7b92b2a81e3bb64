/*
 * The klist splat in miniature: the list is filled at boot with
 * plain spin_lock(), and walked from the DMAR fault interrupt
 * with spin_lock_irqsave(). Same class, two incompatible uses.
 */
struct klist {
	spinlock_t k_lock;
	struct list_head k_list;
};

struct klist_node {
	struct list_head n_node;
	int devfn;
};

static struct klist bus_devices;
static struct klist_node dev_1a, dev_1f;

static void klist_init(struct klist *k)
{
	INIT_LIST_HEAD(&k->k_list);
	/* class &k->k_lock: every klist */
	spin_lock_init(&k->k_lock);
}

static void klist_add_tail(struct klist_node *n, struct klist *k)
{
	spin_lock(&k->k_lock);	/* IRQs on: HARDIRQ-ON-W */
	list_add_tail(&n->n_node, &k->k_list);
	spin_unlock(&k->k_lock);
}

/* Stands for klist_next() under bus_find_device(). */
static struct klist_node *klist_find(struct klist *k, int devfn)
{
	struct klist_node *n, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&k->k_lock, flags);
	list_for_each_entry(n, &k->k_list, n_node) {
		if (n->devfn == devfn) {
			found = n;
			break;
		}
	}
	spin_unlock_irqrestore(&k->k_lock, flags);
	return found;
}

static void dmar_fault(void)		/* hardirq: IN-HARDIRQ-W */
{
	struct klist_node *n = klist_find(&bus_devices, 0xd0);

	pr_info("DMAR: fault on device %x\n", n ? n->devfn : -1);
}

void main(void)
{
	klist_init(&bus_devices);
	dev_1a.devfn = 0xd0;
	dev_1f.devfn = 0xf8;
	/* boot: driver_init() ... bus_add_device() */
	klist_add_tail(&dev_1a, &bus_devices);
	klist_add_tail(&dev_1f, &bus_devices);

	hardirq_enter();	/* the I/O page fault */
	dmar_fault();
	hardirq_exit();
}
