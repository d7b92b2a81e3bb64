// SPDX-License-Identifier: GPL-2.0
/*
 * A driver counts its devices under dev_list_lock and the bytes they moved
 * under stats_lock. Registration updates both; a reset clears both.
 */

static DEFINE_SPINLOCK(dev_list_lock);
static DEFINE_SPINLOCK(stats_lock);

static int nr_devices;
static u64 bytes_total;

void dev_register(u64 bytes)
{
	spin_lock(&dev_list_lock);
	nr_devices++;

	spin_lock(&stats_lock);
	bytes_total += bytes;
	spin_unlock(&stats_lock);

	spin_unlock(&dev_list_lock);
}

void stats_reset(void)
{
	/* Two plain stores: no lock, no lock order to get wrong. */
	bytes_total = 0;
	nr_devices = 0;
}

/* Readers take the counter's own lock: a counter is only ever read whole. */
int stats_nr_devices(void)
{
	int n;

	spin_lock(&dev_list_lock);
	n = nr_devices;
	spin_unlock(&dev_list_lock);
	return n;
}

u64 stats_bytes_total(void)
{
	u64 bytes;

	spin_lock(&stats_lock);
	bytes = bytes_total;
	spin_unlock(&stats_lock);
	return bytes;
}
