// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two vCPU threads on two CPUs. vCPU 0 flushes its ap_list into the LRs,
 * runs the guest (the simulation lets vCPU 1's thread run meanwhile), and
 * folds the LRs back. vCPU 1 services an ITS INV for its own LPI (lpi_xa, then its ap_list_lock) and clears GICR_CTLR.EnableLPIs of vCPU 0 during that guest run; SPI 44 has an irqfd resampler whose device still asserts the line.
 */
#include "vgic.h"

static struct kvm kvm;
static struct kvm_vcpu vcpu0, vcpu1;
static struct eventfd_ctx resampler;
static struct vgic_irq *lpi, *spi44, *spi45;

/* The guest took this interrupt earlier: it is active, queued on @vcpu. */
static struct vgic_irq *queue_irq(u32 intid, struct kvm_vcpu *vcpu, bool active, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(&kvm, intid);
	unsigned long flags;

	raw_spin_lock_irqsave(&irq->irq_lock, flags);
	irq->target_vcpu = vcpu;
	irq->active = active;
	irq->pending_latch = !active;
	irq->level = level;
	vgic_queue_irq_unlock(&kvm, irq, flags);
	vgic_put_irq(&kvm, irq);
	return irq;
}

static int ap_list_len(struct kvm_vcpu *vcpu)
{
	unsigned long flags;
	int n;

	raw_spin_lock_irqsave(&vcpu->arch.vgic_cpu.ap_list_lock, flags);
	n = lab_list_len(&vcpu->arch.vgic_cpu.ap_list_head);
	raw_spin_unlock_irqrestore(&vcpu->arch.vgic_cpu.ap_list_lock, flags);
	return n;
}

static int vcpu0_run(void *arg)
{

	local_irq_disable();
	kvm_vgic_flush_hwstate(&vcpu0);
	local_irq_enable();

	lab_sleep_ms(10);	/* the guest runs */

	local_irq_disable();
	guest_eoi_all(&vcpu0, 1);	/* the guest EOIs the LRs and one more */
	kvm_vgic_sync_hwstate(&vcpu0);
	local_irq_enable();

	lab_check(!lpi->active && !spi44->active, "the guest's EOIs deactivate the interrupts in the LRs");
	lab_check(!spi45->active, "the EOIcount walk deactivates the interrupt past the LRs");
	lab_check(kvm.acked[44 - VGIC_NR_PRIVATE_IRQS] == 1 && kvm.acked[45 - VGIC_NR_PRIVATE_IRQS] == 1,
		  "every EOI'd level SPI is notified exactly once");
	lab_check(resampler.count == 1, "the irqfd resampler is signalled");
	return 0;
}

static int vcpu1_run(void *arg)
{
	vgic_its_inv_lpi(&kvm, 8194);		/* ITS INV for vCPU 1's LPI */
	vgic_flush_pending_lpis(&vcpu0);	/* GICR_CTLR.EnableLPIs = 0 on vCPU 0 */
	return 0;
}

void main(void)
{
	kvm_vgic_init(&kvm);
	kvm_vgic_vcpu_init(&kvm, &vcpu0, 0);
	kvm_vgic_vcpu_init(&kvm, &vcpu1, 1);
	vgic_its_map_lpi(&kvm, 8192, &vcpu0);
	vgic_its_map_lpi(&kvm, 8193, &vcpu0);
	vgic_its_map_lpi(&kvm, 8194, &vcpu1);
	eventfd_ctx_init(&resampler);
	kvm.resamplefd = &resampler;
	kvm.resample_pin = 44 - VGIC_NR_PRIVATE_IRQS;
	kvm.line_high = true;

	/* What the guest has been given so far: queued on vCPU 0's ap_list. */
	lpi = queue_irq(8193, &vcpu0, true, false);	/* LR0: an active LPI */
	spi44 = queue_irq(44, &vcpu0, true, true);	/* LR1: last_lr_irq, level */
	spi45 = queue_irq(45, &vcpu0, true, true);	/* past the LRs, level */
	queue_irq(8192, &vcpu0, false, false);		/* a pending LPI */

	kthread_run(vcpu0_run, NULL, "vcpu0");
	kthread_run(vcpu1_run, NULL, "vcpu1");
}
