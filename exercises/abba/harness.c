// SPDX-License-Identifier: GPL-2.0
/*
 * Two kernel threads: one registers devices, one resets the statistics.
 * A third thread checks the counters once both are done.
 */

static int registrar(void *arg)
{
	dev_register(4096);
	dev_register(512);
	return 0;
}

static int resetter(void *arg)
{
	stats_reset();
	return 0;
}

static int checker(void *arg)
{
	lab_check(stats_nr_devices() == 0 && stats_bytes_total() == 0,
		  "stats_reset() clears both counters");
	dev_register(100);
	lab_check(stats_nr_devices() == 1, "dev_register() counts the device");
	lab_check(stats_bytes_total() == 100, "dev_register() adds the bytes");
	return 0;
}

void main(void)
{
	kthread_run(registrar, NULL, "registrar");
	kthread_run(resetter, NULL, "resetter");
	kthread_run(checker, NULL, "checker");
}
