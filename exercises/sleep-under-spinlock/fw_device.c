// SPDX-License-Identifier: GPL-2.0
/* The device side: a write takes a while, and the driver waits for it. */

static int fw_in_flight;
int fw_max_in_flight;

void fw_device_write(u8 *buf, size_t size)
{
	/* The device's own counters: marked, they are the test rig's, not the driver's. */
	int n = READ_ONCE(fw_in_flight) + 1;

	WRITE_ONCE(fw_in_flight, n);
	if (n > READ_ONCE(fw_max_in_flight))
		WRITE_ONCE(fw_max_in_flight, n);
	msleep(10);		/* the device needs time to take the image */
	WRITE_ONCE(fw_in_flight, READ_ONCE(fw_in_flight) - 1);
}
