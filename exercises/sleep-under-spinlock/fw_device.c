// SPDX-License-Identifier: GPL-2.0
/* The device side: a write takes a while, and the driver waits for it. */

static int fw_in_flight;
int fw_max_in_flight;

void fw_device_write(u8 *buf, size_t size)
{
	fw_in_flight++;
	if (fw_in_flight > fw_max_in_flight)
		fw_max_in_flight = fw_in_flight;
	msleep(10);		/* the device needs time to take the image */
	fw_in_flight--;
}
