// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware loading: one load at a time may talk to the device; a second
 * loader that finds one in flight gets -EBUSY.
 */

struct fw_loader {
	spinlock_t lock;
	bool busy;
	u8 *buf;
	int loads;
};

void fw_init(struct fw_loader *ld)
{
	spin_lock_init(&ld->lock);
	ld->busy = false;
	ld->loads = 0;
}

int fw_load(struct fw_loader *ld, size_t size)
{
	spin_lock(&ld->lock);
	if (ld->busy) {
		spin_unlock(&ld->lock);
		return -EBUSY;
	}
	ld->busy = true;

	preempt_enable();
	ld->buf = kzalloc(size, GFP_KERNEL);
	fw_device_write(ld->buf, size);		/* waits for the device */
	kfree(ld->buf);
	ld->buf = NULL;
	ld->loads++;

	preempt_disable();
	ld->busy = false;
	spin_unlock(&ld->lock);
	return 0;
}

/* Completed loads, read under the lock that guards the count. */
int fw_loads(struct fw_loader *ld)
{
	int n;

	spin_lock(&ld->lock);
	n = ld->loads;
	spin_unlock(&ld->lock);
	return n;
}
