/* SPDX-License-Identifier: GPL-2.0 */
/* The device's interrupt line and event codes, shared by the driver and the harness. */
#ifndef _MYDEV_H
#define _MYDEV_H

#define MYDEV_IRQ		33
#define EV_IRQ			1
#define EV_RECONFIG		2
#define EV_SUSPEND		3

#endif
