/*
 * counter_add() calls counter_reset() with d->lock held, and
 * counter_reset() takes d->lock again. Spinlocks do not nest.
 */
struct counter_dev {
	spinlock_t lock;
	int value;
};

static struct counter_dev dev;

static void counter_reset(struct counter_dev *d)
{
	spin_lock(&d->lock);
	d->value = 0;
	spin_unlock(&d->lock);
}

static void counter_add(struct counter_dev *d, int n)
{
	spin_lock(&d->lock);
	d->value += n;
	if (d->value > 100)
		counter_reset(d);	/* d->lock is held! */
	spin_unlock(&d->lock);
}

void main(void)
{
	spin_lock_init(&dev.lock);
	counter_add(&dev, 60);
	counter_add(&dev, 60);
	pr_info("value=%d\n", dev.value);
}
