/**
 * End to end: a small C program in the shape of the vgic thread, run by
 * runProgram with the race check wired in as the engine wires it.
 */
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';

interface Opts {
  foldLocked?: boolean;
  flushDel?: 'list_del' | 'list_del_rcu';
}

const program = (o: Opts) => `
struct vgic_irq {
	int intid;
	struct list_head ap_list;
};

struct vgic_cpu {
	raw_spinlock_t ap_list_lock;
	struct list_head ap_list_head;
};

static struct vgic_cpu vgic_cpu;
static struct vgic_irq irqs[3];

static void vgic_queue_irq_unlock(struct vgic_irq *irq)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vgic_cpu.ap_list_lock, flags);
	list_add_tail(&irq->ap_list, &vgic_cpu.ap_list_head);
	raw_spin_unlock_irqrestore(&vgic_cpu.ap_list_lock, flags);
}

static void vgic_v3_fold_lr_state(void)
{
	struct vgic_irq *irq;
	int sum = 0;

	list_for_each_entry(irq, &vgic_cpu.ap_list_head, ap_list)
		sum += irq->intid;
}

static void vgic_fold_state(void)
{
	local_irq_disable();
	${o.foldLocked ? 'raw_spin_lock(&vgic_cpu.ap_list_lock);' : ''}
	vgic_v3_fold_lr_state();
	${o.foldLocked ? 'raw_spin_unlock(&vgic_cpu.ap_list_lock);' : ''}
	local_irq_enable();
}

static void vgic_flush_pending_lpis(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&vgic_cpu.ap_list_lock, flags);
	${o.flushDel ?? 'list_del'}(&irqs[0].ap_list);
	raw_spin_unlock_irqrestore(&vgic_cpu.ap_list_lock, flags);
}

static int vcpu0_run(void *arg)
{
	vgic_queue_irq_unlock(&irqs[0]);
	vgic_fold_state();
	return 0;
}

static int vcpu1_run(void *arg)
{
	vgic_queue_irq_unlock(&irqs[1]);
	vgic_flush_pending_lpis();
	return 0;
}

void main(void)
{
	struct task_struct *t0, *t1;

	raw_spin_lock_init(&vgic_cpu.ap_list_lock);
	INIT_LIST_HEAD(&vgic_cpu.ap_list_head);
	irqs[0].intid = 8192;
	irqs[1].intid = 27;
	t0 = kthread_create_on_cpu(vcpu0_run, NULL, 0, "vcpu0/%u");
	t1 = kthread_create_on_cpu(vcpu1_run, NULL, 1, "vcpu1/%u");
	wake_up_process(t0);
	wake_up_process(t1);
}
`;

function run(o: Opts) {
  const text = program(o);
  const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const result = runProgram([{ path: 'vgic.c', text }]);
  return { result, line };
}

describe('runProgram with the race check', () => {
  it('reports the unlocked fold walk against the locked insertion and list_del() on the other vCPU', () => {
    const { result, line } = run({});
    expect(result.diagnostics).toEqual([]);
    expect(result.status).toBe('reported');
    const races = result.reports.filter((r) => r.kind === 'kcsan-data-race');
    expect(races.map((r) => r.header)).toEqual([
      'BUG: KCSAN: data-race in vgic_queue_irq_unlock / vgic_v3_fold_lr_state',
      'BUG: KCSAN: data-race in vgic_flush_pending_lpis / vgic_v3_fold_lr_state',
    ]);
    const del = races[1];
    expect(del.source).toBe('races');
    const walk = line('list_for_each_entry(irq');
    const delLine = line('list_del(&irqs[0]');
    expect(del.sites.map((s) => `${s.pos.file}:${s.pos.line}`)).toEqual([`vgic.c:${walk}`, `vgic.c:${delLine}`]);
    expect(del.lines.find((l) => l.includes('inferred from locksets'))).toContain(
      'this writer in vgic_flush_pending_lpis (list_del()) held &vgic_cpu.ap_list_lock',
    );
    expect(del.lines.find((l) => l.includes('inferred from locksets'))).toContain('held no lock (only IRQs off on cpu 0)');
    // The dmesg text carries the report as printed.
    expect(result.text).toContain('Reported by Kernel Concurrency Sanitizer on:');
  });

  it('list_del_rcu() in the flush alone still races, and mixes with the plain list_add_tail()', () => {
    const { result } = run({ flushDel: 'list_del_rcu' });
    expect(result.reports.map((r) => r.kind)).toContain('kcsan-data-race');
    const mix = result.reports.find((r) => r.kind === 'suspicious-rcu')!;
    expect(mix.lines.join('\n')).toMatch(/RCU-list written with both list_del_rcu\(\) and list_add_tail\(\)!!/);
  });

  it('taking ap_list_lock in the fold makes the run clean', () => {
    const { result } = run({ foldLocked: true });
    expect(result.diagnostics).toEqual([]);
    expect(result.reports).toEqual([]);
    expect(result.status).toBe('clean');
  });

  it('races: false leaves the check out', () => {
    const result = runProgram([{ path: 'vgic.c', text: program({}) }], { races: false });
    expect(result.reports.filter((r) => r.source === 'races')).toEqual([]);
  });
});

describe('refcount_t through the interpreter', () => {
  const refProgram = `
struct vgic_irq {
	spinlock_t irq_lock;
	refcount_t refcount;
	int pending;
};
static struct vgic_irq *irq;

static int vcpu_run(void *d)
{
	refcount_inc(&irq->refcount);
	if (refcount_read(&irq->refcount) > 1) {
		spin_lock(&irq->irq_lock);
		irq->pending++;
		spin_unlock(&irq->irq_lock);
	}
	if (refcount_dec_and_test(&irq->refcount))
		pr_info("last reference\\n");
	return 0;
}

void main(void)
{
	irq = kzalloc(sizeof(*irq), GFP_KERNEL);
	spin_lock_init(&irq->irq_lock);
	refcount_set(&irq->refcount, 1);
	kthread_run(vcpu_run, NULL, "vcpu0");
	kthread_run(vcpu_run, NULL, "vcpu1");
	msleep(10);
}
`;

  it('refcount_inc(), refcount_read() and refcount_dec_and_test() from two threads are atomic: no report', () => {
    const result = runProgram([{ path: 'ref.c', text: refProgram }]);
    expect(result.diagnostics).toEqual([]);
    expect(result.reports).toEqual([]);
  });
});
