// SPDX-License-Identifier: GPL-2.0
/*
 * Two tasks load firmware at the same time: the second starts while the
 * first waits for the device.
 */

extern int fw_max_in_flight;
/* In fw.c since the starter: reads the count under the loader's own lock. */
int fw_loads(struct fw_loader *ld);

static struct fw_loader loader;
static int ret_first = 1;
static int ret_second = 1;

static int first(void *arg)
{
	WRITE_ONCE(ret_first, fw_load(&loader, 4096));
	return 0;
}

static int second(void *arg)
{
	WRITE_ONCE(ret_second, fw_load(&loader, 4096));
	return 0;
}

static int checker(void *arg)
{
	int r1, r2;

	msleep(100);		/* both loads are done by now */
	r1 = READ_ONCE(ret_first);
	r2 = READ_ONCE(ret_second);
	lab_check(r1 == 0, "the first load succeeds");
	lab_check(r2 == 0 || r2 == -EBUSY, "the second load succeeds or gets -EBUSY");
	lab_check(fw_loads(&loader) == (r2 == 0 ? 2 : 1), "every successful load is counted");
	lab_check(READ_ONCE(fw_max_in_flight) == 1, "never two loads talk to the device at once");
	return 0;
}

void main(void)
{
	fw_init(&loader);
	kthread_run(first, NULL, "fw_first");
	kthread_run(second, NULL, "fw_second");
	kthread_run(checker, NULL, "fw_check");
}
