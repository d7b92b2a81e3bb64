// SPDX-License-Identifier: GPL-2.0
/*
 * Two tasks load firmware at the same time: the second starts while the
 * first waits for the device.
 */

extern int fw_max_in_flight;

static struct fw_loader loader;
static int ret_first = 1;
static int ret_second = 1;

static int first(void *arg)
{
	ret_first = fw_load(&loader, 4096);
	return 0;
}

static int second(void *arg)
{
	ret_second = fw_load(&loader, 4096);
	return 0;
}

static int checker(void *arg)
{
	msleep(100);
	lab_check(ret_first == 0, "the first load succeeds");
	lab_check(ret_second == 0 || ret_second == -EBUSY, "the second load succeeds or gets -EBUSY");
	lab_check(loader.loads == (ret_second == 0 ? 2 : 1), "every successful load is counted");
	lab_check(fw_max_in_flight == 1, "never two loads talk to the device at once");
	return 0;
}

void main(void)
{
	fw_init(&loader);
	kthread_run(first, NULL, "fw_first");
	kthread_run(second, NULL, "fw_second");
	kthread_run(checker, NULL, "fw_check");
}
