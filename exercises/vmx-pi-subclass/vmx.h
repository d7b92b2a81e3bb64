/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __KVM_X86_VMX_H
#define __KVM_X86_VMX_H

#define POSTED_INTR_VECTOR		0xf2
#define POSTED_INTR_WAKEUP_VECTOR	0xf1

#endif
