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
	spin_lock(&stats_lock);
	bytes_total = 0;

	spin_lock_nested(&dev_list_lock, SINGLE_DEPTH_NESTING);
	nr_devices = 0;
	spin_unlock(&dev_list_lock);

	spin_unlock(&stats_lock);
}

int stats_nr_devices(void)
{
	return nr_devices;
}

u64 stats_bytes_total(void)
{
	return bytes_total;
}
