import { describe, expect, it } from 'vitest';
import { record, summary } from './helpers.ts';

/** The first kernel BUG of a run: its header, the marker text at its first site, and the whole log. */
function firstBug(src: string) {
  const { r, events } = record(src);
  const rep = r.reports.find((x) => x.header.startsWith('kernel BUG at'));
  return { r, events, rep, why: rep?.sites[0]?.message ?? '' };
}

describe('self-test context helpers cannot leave a real interrupt', () => {
  it('hardirq_exit() inside a request_irq() handler is a kernel BUG (the machine panics) and lockdep never sees task context', () => {
    const { r, rep, why, events } = firstBug(`static DEFINE_SPINLOCK(k_lock);
static irqreturn_t h(int irq, void *dev)
{
	hardirq_exit();
	spin_lock(&k_lock);
	spin_unlock(&k_lock);
	hardirq_enter();
	return IRQ_HANDLED;
}
void main(void) { request_irq(5, h, 0, "x", NULL); lab_raise_irq(0, 5); pr_info("after\\n"); }`);
    expect(rep?.header).toBe('kernel BUG at t.c:4!');
    expect(why).toMatch(/^hardirq_exit\(\) in h\(\) would leave the hardirq context the hardware entered/);
    expect(rep?.sites[0]?.pos).toMatchObject({ file: 't.c', line: 4 });
    expect(r.text).toContain('Kernel panic - not syncing: Fatal exception in interrupt');
    expect(r.text).not.toMatch(/^after$/m);
    expect(events.some((e) => e.kind === 'acquire')).toBe(false);
  });

  it('the HARDIRQ_EXIT() macro form in an IPI on another CPU is caught too', () => {
    const { rep, why } = firstBug(`static void ipi(void *info) { HARDIRQ_EXIT(); HARDIRQ_ENTER(); }
void main(void) { smp_call_function_single(2, ipi, NULL, 1); }`);
    expect(rep?.header).toBe('kernel BUG at t.c:1!');
    expect(why).toContain('HARDIRQ_EXIT() in ipi() would leave the hardirq context the hardware entered');
    expect(why).toContain('HARDIRQ_ENTER()/HARDIRQ_EXIT()');
  });

  it('softirq_exit() inside a timer callback (real softirq) is a kernel BUG', () => {
    const { rep, why, r } = firstBug(`static struct timer_list t;
static DEFINE_SPINLOCK(l);
static void tfn(struct timer_list *tl) { softirq_exit(); spin_lock(&l); spin_unlock(&l); softirq_enter(); }
void main(void) { timer_setup(&t, tfn, 0); mod_timer(&t, jiffies + 1); msleep(5); pr_info("after\\n"); }`);
    expect(rep?.header).toBe('kernel BUG at t.c:3!');
    expect(why).toMatch(/^softirq_exit\(\) in tfn\(\) would leave the softirq context the hardware entered/);
    expect(r.reports.filter((x) => x.source === 'lockdep')).toEqual([]);
  });

  it('an exit in a callee cannot leave the context its caller entered with the helper', () => {
    const { rep, why } = firstBug(`static void push(void) { softirq_exit(); softirq_enter(); }
static void rx(void) { softirq_enter(); push(); softirq_exit(); }
void main(void) { rx(); }`);
    expect(rep?.header).toBe('kernel BUG at t.c:1!');
    expect(why).toContain('softirq_exit() in push() would leave the softirq context its caller entered');
  });

  it('nmi_exit() inside a real NMI handler is a kernel BUG', () => {
    const { rep, why } = firstBug(`static void n(void *a) { nmi_exit(); nmi_enter(); }
void main(void) { lab_raise_nmi(1, n, NULL); }`);
    expect(rep?.header).toBe('kernel BUG at t.c:1!');
    expect(why).toContain('nmi_exit() in n() would leave the NMI context the hardware entered');
  });

  it('an exit with no enter at all in task context is a kernel BUG, not a silent no-op', () => {
    const { rep, why, r } = firstBug(`void main(void) { hardirq_exit(); pr_info("after\\n"); }`);
    expect(rep?.header).toBe('kernel BUG at t.c:1!');
    expect(why).toBe('hardirq_exit() in main() without a matching hardirq_enter(): not in hardirq context');
    expect(r.text).not.toMatch(/^after$/m);
  });

  it('the self-test way (enter and exit in one function, even nested in a real handler) still works', () => {
    const { r, events } = record(`static DEFINE_SPINLOCK(a);
static irqreturn_t h(int irq, void *dev) { HARDIRQ_ENTER(); spin_lock(&a); spin_unlock(&a); HARDIRQ_EXIT(); return IRQ_HANDLED; }
void main(void)
{
	hardirq_enter();
	spin_lock(&a);
	spin_unlock(&a);
	hardirq_exit();
	softirq_enter();
	softirq_exit();
	request_irq(5, h, 0, "x", NULL);
	lab_raise_irq(1, 5);
	pr_info("done\\n");
}`);
    expect(r.reports).toEqual([]);
    expect(r.text).toBe('done\n');
    expect(summary(events).filter((l) => /^hardirq_(enter|exit)/.test(l))).toEqual(['hardirq_enter', 'hardirq_exit', 'hardirq_enter', 'hardirq_enter', 'hardirq_exit', 'hardirq_exit']);
  });
});
