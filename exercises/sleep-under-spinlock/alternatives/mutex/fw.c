// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware loading: one load at a time may talk to the device. A mutex may
 * be held across a sleep, so the second loader simply waits its turn.
 */

struct fw_loader {
	struct mutex lock;
	bool busy;
	u8 *buf;
	int loads;
};

void fw_init(struct fw_loader *ld)
{
	mutex_init(&ld->lock);
	ld->busy = false;
	ld->loads = 0;
}

int fw_load(struct fw_loader *ld, size_t size)
{
	mutex_lock(&ld->lock);
	if (ld->busy) {
		mutex_unlock(&ld->lock);
		return -EBUSY;
	}
	ld->busy = true;

	ld->buf = kzalloc(size, GFP_KERNEL);
	fw_device_write(ld->buf, size);		/* waits for the device */
	kfree(ld->buf);
	ld->buf = NULL;
	ld->loads++;

	ld->busy = false;
	mutex_unlock(&ld->lock);
	return 0;
}

/* Completed loads, read under the lock that guards the count. */
int fw_loads(struct fw_loader *ld)
{
	int n;

	mutex_lock(&ld->lock);
	n = ld->loads;
	mutex_unlock(&ld->lock);
	return n;
}
