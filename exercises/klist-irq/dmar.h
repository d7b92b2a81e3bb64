/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DMAR_H
#define _DMAR_H

#define DMAR_IRQ	58	/* the DMAR fault interrupt */

#endif
