import { describe, expect, it } from 'vitest';
import type { SchedPolicy } from '../../../src/kernel/sched.ts';
import { isTaskStart, record, summary } from './helpers.ts';

const S = (src: string) => summary(record(src).events, true);

describe('interrupts behave like hardware', () => {
  it('an interrupt raised with IRQs off is delivered when they come back on', () => {
    const { events, r } = record(`static int hits;
static irqreturn_t h(int irq, void *dev) { hits++; return IRQ_HANDLED; }
void main(void) { unsigned long f; request_irq(5, h, 0, "x", NULL);
  local_irq_save(f); lab_raise_irq(0, 5); pr_info("masked %d\\n", hits); local_irq_restore(f); pr_info("unmasked %d\\n", hits); }`);
    expect(r.text).toBe('masked 0\nunmasked 1\n');
    expect(summary(events, true)).toEqual([
      'hardirqs_off local_irq_save cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirqs_on local_irq_restore cpu0 main HE1 SE1 HC0 SC0 P0',
      'hardirqs_off irqentry_enter cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirq_enter cpu0 main HE0 SE1 HC1 SC0 P0',
      'hardirq_exit cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirqs_on asm_common_interrupt cpu0 main HE1 SE1 HC0 SC0 P0',
      'return_to_user cpu0 main HE1 SE1 HC0 SC0 P0',
    ]);
  });

  it('the handler runs on the target CPU, over its idle task, with IRQ entry frames under it', () => {
    const { events } = record(`static DEFINE_SPINLOCK(a);
static irqreturn_t dmar_fault(int irq, void *dev) { spin_lock(&a); spin_unlock(&a); return IRQ_HANDLED; }
void main(void) { request_irq(7, dmar_fault, 0, "dmar0", NULL); lab_raise_irq(3, 7); }`);
    const acq = events.find((e) => e.kind === 'acquire')!;
    expect(acq.ctx.cpu).toBe(3);
    expect(acq.ctx.task).toEqual({ pid: 0, comm: 'swapper/3' });
    expect(acq.ctx.hardirqThreaded).toBe(true);
    expect(acq.ctx.stack.map((f) => f.fn)).toEqual([
      '_raw_spin_lock', 'dmar_fault', '__handle_irq_event_percpu', 'handle_irq_event', 'handle_edge_irq',
      '__common_interrupt', 'common_interrupt', 'asm_common_interrupt', 'do_idle', 'cpu_startup_entry',
    ]);
  });

  it('IRQF_NO_THREAD handlers and IPIs are not threaded; smp_call_function_single locally is task context with IRQs off', () => {
    const { events, r } = record(`
static irqreturn_t h(int irq, void *dev) { pr_info("h threaded? in_irq=%d\\n", in_irq()); return IRQ_HANDLED; }
static void ipi(void *info) { pr_info("ipi cpu%d in_irq=%d irqs_disabled=%d\\n", smp_processor_id(), in_irq(), irqs_disabled()); }
void main(void) { request_irq(4, h, IRQF_NO_THREAD, "h", NULL); lab_raise_irq(0, 4); smp_call_function_single(2, ipi, NULL, 1); smp_call_function_single(0, ipi, NULL, 1); }`);
    expect(r.text).toBe('h threaded? in_irq=1\nipi cpu2 in_irq=1 irqs_disabled=1\nipi cpu0 in_irq=0 irqs_disabled=1\n');
    const enters = events.filter((e) => e.kind === 'hardirq_enter');
    expect(enters.map((e) => [e.ctx.cpu, e.ctx.hardirqThreaded])).toEqual([
      [0, false],
      [2, false],
    ]);
  });

  it('softirqs run on local_bh_enable() with hard IRQs on, and on irq exit', () => {
    const { r, events } = record(`static struct tasklet_struct t; static int n;
static void tl(unsigned long d) { n++; pr_info("tasklet in_serving_softirq=%d irqs_disabled=%d\\n", in_serving_softirq(), irqs_disabled()); }
static irqreturn_t h(int irq, void *dev) { tasklet_schedule(&t); pr_info("in irq, n=%d\\n", n); return IRQ_HANDLED; }
void main(void) { tasklet_init(&t, tl, 0); request_irq(9, h, 0, "h", NULL);
  local_bh_disable(); tasklet_schedule(&t); pr_info("bh off, n=%d\\n", n); local_bh_enable(); pr_info("bh on, n=%d\\n", n);
  lab_raise_irq(0, 9); pr_info("after irq, n=%d\\n", n); }`);
    expect(r.text).toBe(
      'bh off, n=0\ntasklet in_serving_softirq=1 irqs_disabled=0\nbh on, n=1\nin irq, n=1\ntasklet in_serving_softirq=1 irqs_disabled=0\nafter irq, n=2\n',
    );
    const kinds = summary(events).filter((l) => /softirq_(enter|exit)|hardirq_(enter|exit)/.test(l));
    expect(kinds).toEqual(['softirq_enter', 'softirq_exit', 'hardirq_enter', 'hardirq_exit', 'softirq_enter', 'softirq_exit']);
  });

  it('self-test helpers have exactly the kernel macros effects', () => {
    expect(S(`void main(void) { hardirq_enter(); hardirq_exit(); softirq_enter(); softirq_exit(); }`)).toEqual([
      'hardirqs_off hardirq_enter cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirq_enter cpu0 main HE0 SE1 HC1 SC0 P0',
      'hardirq_exit cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirqs_on hardirq_exit cpu0 main HE1 SE1 HC0 SC0 P0',
      'softirqs_off softirq_enter cpu0 main HE1 SE0 HC0 SC2 P0',
      'hardirqs_off softirq_enter cpu0 main HE0 SE0 HC0 SC2 P0',
      'softirq_enter cpu0 main HE0 SE0 HC0 SC2 P0',
      'softirq_exit cpu0 main HE0 SE0 HC0 SC2 P0',
      'hardirqs_on softirq_exit cpu0 main HE1 SE0 HC0 SC2 P0',
      'hardirqs_off __local_bh_enable_ip cpu0 main HE0 SE0 HC0 SC2 P0',
      'softirqs_on softirq_exit cpu0 main HE0 SE1 HC0 SC0 P0',
      'hardirqs_on __local_bh_enable_ip cpu0 main HE1 SE1 HC0 SC0 P0',
      'return_to_user cpu0 main HE1 SE1 HC0 SC0 P0',
    ]);
  });

  it('context predicates: in_irq/in_softirq/in_task/irqs_disabled/preempt_count', () => {
    const { r } = record(`void main(void) {
  pr_info("%d%d%d%d %x\\n", in_irq(), in_softirq(), in_task(), irqs_disabled(), preempt_count());
  hardirq_enter(); pr_info("%d%d%d%d %x\\n", in_irq(), in_softirq(), in_task(), irqs_disabled(), preempt_count()); hardirq_exit();
  local_bh_disable(); preempt_disable(); pr_info("%d%d%d%d %x\\n", in_irq(), in_softirq(), in_task(), irqs_disabled(), preempt_count()); preempt_enable(); local_bh_enable(); }`);
    expect(r.text).toBe('0010 0\n1001 10000\n0110 201\n');
  });
});

describe('tasks, sleeping and the sequential scheduler', () => {
  it('kthreads run after the creator sleeps, in creation order, on their own CPUs and stacks', () => {
    const { r, events } = record(`static DEFINE_MUTEX(m);
static int thr(void *data) { mutex_lock(&m); pr_info("%s on cpu%d pid %d\\n", current->comm, smp_processor_id(), current->pid); mutex_unlock(&m); return 0; }
void main(void) { lab_set_comm("rngd"); kthread_run(thr, NULL, "worker/%d", 1); kthread_run(thr, NULL, "worker/%d", 2); pr_info("main first\\n"); }`);
    expect(r.text).toBe('main first\nworker/1 on cpu1 pid 1007\nworker/2 on cpu2 pid 1008\n');
    const ends = events.filter((e) => e.kind === 'task_exit' || e.kind === 'return_to_user').map((e) => `${e.kind} ${e.ctx.task.comm}`);
    expect(ends).toEqual(['return_to_user rngd', 'task_exit worker/1', 'task_exit worker/2']);
    const acq = events.find((e) => e.kind === 'acquire' && e.ctx.task.comm === 'worker/1')!;
    expect(acq.ctx.stack.map((f) => f.fn).slice(-3)).toEqual(['thr', 'kthread', 'ret_from_fork']);
  });

  it('kthread_create_on_cpu waits for wake_up_process; msleep orders by virtual time', () => {
    const { r } = record(`static int thr(void *d) { long ms = (long)d; msleep(ms); pr_info("%s woke after %ld (cpu%d)\\n", current->comm, ms, smp_processor_id()); return 0; }
void main(void) { struct task_struct *t = kthread_create_on_cpu(thr, (void *)5, 6, "slow/%u");
  kthread_run(thr, (void *)1, "fast"); msleep(2); pr_info("main at 2ms\\n"); wake_up_process(t); }`);
    expect(r.text).toBe('fast woke after 1 (cpu1)\nmain at 2ms\nslow/6 woke after 5 (cpu6)\n');
  });

  it('a contended mutex blocks the waiter until the owner releases it', () => {
    const { r } = record(`static DEFINE_MUTEX(m); static int v;
static int thr(void *d) { mutex_lock(&m); pr_info("thr sees %d\\n", v); mutex_unlock(&m); return 0; }
void main(void) { mutex_lock(&m); kthread_run(thr, NULL, "t"); msleep(10); v = 42; mutex_unlock(&m); pr_info("main unlocked\\n"); }`);
    expect(r.text).toBe('main unlocked\nthr sees 42\n');
  });

  it('an ABBA deadlock between two tasks ends the run with the hung-task report and a note', () => {
    const { r } = record(`static DEFINE_MUTEX(a); static DEFINE_MUTEX(b);
static int t1(void *d) { mutex_lock(&a); msleep(1); mutex_lock(&b); return 0; }
static int t2(void *d) { mutex_lock(&b); msleep(1); mutex_lock(&a); return 0; }
void main(void) { kthread_run(t1, NULL, "t1"); kthread_run(t2, NULL, "t2"); }`);
    expect(r.status).toBe('reported');
    expect(r.text).toContain('INFO: task t1:1007 blocked for more than 122 seconds.');
    expect(r.text).toContain('INFO: task t2:1008 blocked for more than 122 seconds.');
    expect(r.diagnostics[0]!.severity).toBe('note');
    expect(r.diagnostics[0]!.message).toMatch(/^deadlock: t1\/1007, t2\/1008 wait forever/);
  });

  it('taking a spinlock the interrupted task holds, from its own CPU, is a real deadlock', () => {
    const { r } = record(`static DEFINE_SPINLOCK(a);
static irqreturn_t h(int irq, void *d) { spin_lock(&a); spin_unlock(&a); return IRQ_HANDLED; }
void main(void) { request_irq(1, h, 0, "h", NULL); spin_lock(&a); lab_raise_irq(0, 1); spin_unlock(&a); }`);
    expect(r.text).toContain('watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [main:1006]');
    expect(r.diagnostics[0]!.message).toMatch(/^deadlock: an interrupt on CPU 0 spins on a, held by main\/1006/);
  });

  it('msleep in atomic context: scheduling while atomic', () => {
    const { r } = record(`static DEFINE_SPINLOCK(a); void main(void) { spin_lock(&a); msleep(1); spin_unlock(&a); }`);
    expect(r.reports[0]!.header).toBe('BUG: scheduling while atomic: main/1006/0x00000002');
  });

  it('timers fire in softirq context on the CPU that armed them, when virtual time reaches them', () => {
    const { r } = record(`static struct timer_list t; static int fired;
static void cb(struct timer_list *tl) { fired++; pr_info("timer cpu%d softirq=%d\\n", smp_processor_id(), in_serving_softirq()); }
void main(void) { timer_setup(&t, cb, 0); mod_timer(&t, jiffies + msecs_to_jiffies(3)); msleep(1); pr_info("1ms fired=%d\\n", fired); msleep(5); pr_info("6ms fired=%d\\n", fired); }`);
    expect(r.text).toBe('1ms fired=0\ntimer cpu0 softirq=1\n6ms fired=1\n');
  });

  it('work items run in a kworker task; flush_work waits for them', () => {
    const { r, events } = record(`static struct work_struct w;
static void fn(struct work_struct *work) { pr_info("%s in_task=%d\\n", current->comm, in_task()); }
void main(void) { INIT_WORK(&w, fn); schedule_work(&w); pr_info("queued\\n"); flush_work(&w); pr_info("flushed\\n"); }`);
    expect(r.text).toBe('queued\nkworker/0:1 in_task=1\nflushed\n');
    const acq = events.filter((e) => e.kind === 'acquire').map((e) => (e.kind === 'acquire' ? `${e.api} ${e.lock.name}` : ''));
    expect(acq).toEqual(['flush_work (work_completion)(&w)', 'process_one_work (wq_completion)events', 'process_one_work (work_completion)(&w)']);
  });
});

describe('completions, wait queues and delayed work', () => {
  it('wait_for_completion sleeps until complete(); wait_event re-checks its condition; delayed work runs later', () => {
    const { r, events } = record(`static struct completion done; static wait_queue_head_t wq; static int ready; static struct delayed_work dw;
static void dfn(struct work_struct *w) { struct delayed_work *d = to_delayed_work(w); pr_info("delayed ran %d at %d\\n", d == &dw, ready); ready = 1; wake_up(&wq); }
static int thr(void *d) { msleep(3); pr_info("thr completes\\n"); complete(&done); return 0; }
void main(void) { init_completion(&done); init_waitqueue_head(&wq); INIT_DELAYED_WORK(&dw, dfn);
  kthread_run(thr, NULL, "thr"); wait_for_completion(&done); pr_info("main woke\\n");
  schedule_delayed_work(&dw, msecs_to_jiffies(5)); wait_event(wq, ready); pr_info("ready %d\\n", ready); }`);
    expect(r.text).toBe('thr completes\nmain woke\ndelayed ran 1 at 0\nready 1\n');
    expect(events.filter((e) => e.kind === 'task_exit').map((e) => e.ctx.task.comm)).toEqual(['thr']);
  });

  it('cancel_delayed_work_sync stops a pending delayed work', () => {
    const { r } = record(`static struct delayed_work dw; static void dfn(struct work_struct *w) { pr_info("ran\\n"); }
void main(void) { INIT_DELAYED_WORK(&dw, dfn); schedule_delayed_work(&dw, 10); pr_info("cancel %d\\n", cancel_delayed_work_sync(&dw)); msleep(20); pr_info("end\\n"); }`);
    expect(r.text).toBe('cancel 1\nend\n');
  });
});

describe('interrupt lines', () => {
  it('request_threaded_irq: the primary handler runs in hardirq, the thread function in the irq/N-name task', () => {
    const { r } = record(`static irqreturn_t primary(int irq, void *d) { pr_info("primary in_irq=%d\\n", in_irq()); return IRQ_WAKE_THREAD; }
static irqreturn_t thread_fn(int irq, void *d) { pr_info("%s in_task=%d irq=%d\\n", current->comm, in_task(), irq); return IRQ_HANDLED; }
void main(void) { request_threaded_irq(30, primary, thread_fn, IRQF_ONESHOT, "nvme", NULL); lab_raise_irq(0, 30); pr_info("raised\\n"); msleep(1); }`);
    expect(r.text).toBe('primary in_irq=1\nraised\nirq/30-nvme in_task=1 irq=30\n');
  });

  it('disable_irq masks the line: the interrupt stays pending until enable_irq', () => {
    const { r } = record(`static irqreturn_t h(int irq, void *d) { pr_info("handled\\n"); return IRQ_HANDLED; }
void main(void) { request_irq(3, h, 0, "x", NULL); disable_irq(3); lab_raise_irq(0, 3); pr_info("masked\\n"); enable_irq(3); pr_info("end\\n"); }`);
    expect(r.text).toBe('masked\nhandled\nend\n');
  });

  it('a static lock links to its definition', () => {
    const { events } = record(`static DEFINE_SPINLOCK(a);\nvoid main(void) { spin_lock(&a); spin_unlock(&a); }`);
    const acq = events.find((e) => e.kind === 'acquire');
    expect(acq && acq.kind === 'acquire' ? acq.lock.initPos : null).toEqual({ file: 't.c', line: 1, col: 24 });
  });
});

describe('stopping threads and flushing', () => {
  it('kthread_stop waits for a thread that sleeps in a kthread_should_stop() loop', () => {
    const { r } = record(`static int loops;
static int thr(void *d) { while (!kthread_should_stop()) { loops++; msleep(10); } pr_info("stopping after %d\\n", loops); return 0; }
void main(void) { struct task_struct *t = kthread_run(thr, NULL, "poller"); msleep(25); kthread_stop(t); pr_info("stopped\\n"); }`);
    expect(r.status).toBe('clean');
    expect(r.text).toBe('stopping after 3\nstopped\n');
  });

  it('flush_scheduled_work waits for a work item that sleeps', () => {
    const { r } = record(`static struct work_struct w; static void fn(struct work_struct *x) { msleep(5); pr_info("work done\\n"); }
void main(void) { INIT_WORK(&w, fn); schedule_work(&w); flush_scheduled_work(); pr_info("flushed\\n"); }`);
    expect(r.text).toBe('work done\nflushed\n');
  });
});

describe('NMIs', () => {
  it('lab_raise_nmi runs the handler in NMI context even with IRQs off; lockdep sees nmi_enter/nmi_exit only', () => {
    const { r, events } = record(`static DEFINE_RAW_SPINLOCK(a);
static void nmi_handler(void *d) { pr_info("in_nmi=%d in_irq=%d\\n", in_nmi(), in_irq()); raw_spin_lock(&a); raw_spin_unlock(&a); }
void main(void) { raw_spin_lock(&a); raw_spin_unlock(&a); local_irq_disable(); lab_raise_nmi(0, nmi_handler, NULL); local_irq_enable(); }`);
    expect(r.text).toBe('in_nmi=1 in_irq=1\n');
    expect(summary(events)).toEqual([
      'acquire raw_spin_lock a r0',
      'release raw_spin_unlock a',
      'hardirqs_off local_irq_disable',
      'nmi_enter',
      'acquire raw_spin_lock a r0',
      'release raw_spin_unlock a',
      'nmi_exit',
      'hardirqs_on local_irq_enable',
      'return_to_user',
    ]);
    const a = events.filter((e) => e.kind === 'acquire')[1]!;
    expect(a.ctx.nmi).toBe(true);
    expect(a.ctx.stack.map((f) => f.fn).slice(0, 5)).toEqual(['_raw_spin_lock', 'nmi_handler', 'default_do_nmi', 'exc_nmi', 'asm_exc_nmi']);
  });
});

describe('all CPUs', () => {
  it('on_each_cpu runs the function on every CPU (IPIs, then locally with IRQs off); for_each_cpu over cpu_online_mask', () => {
    const { r } = record(`static int seen[8];
static void f(void *info) { seen[smp_processor_id()] = 1 + in_irq(); }
void main(void) { int cpu, s = 0; on_each_cpu(f, NULL, 1); for_each_cpu(cpu, cpu_online_mask) s = s * 10 + seen[cpu]; pr_info("%d %d\\n", s, num_online_cpus()); }`, { cpus: 4 });
    expect(r.text).toBe('1222 4\n');
  });
});

describe('schedule() polling loops', () => {
  it('while (!flag) schedule(); makes progress while the setter sleeps', () => {
    const { r } = record(`static int flag;
static int setter(void *d) { msleep(20); WRITE_ONCE(flag, 1); return 0; }
void main(void) { int spins = 0; kthread_run(setter, NULL, "setter"); while (!READ_ONCE(flag)) { spins++; schedule(); } pr_info("done after %d\\n", spins); }`);
    expect(r.status).toBe('clean');
    expect(r.text).toMatch(/^done after (19|20|21)\n$/);
  });
});

describe('the scheduler is a replaceable part', () => {
  it('a custom SchedPolicy (newest runnable first) changes the interleaving', () => {
    const src = `static int thr(void *d) { pr_info("%s\\n", current->comm); return 0; }
void main(void) { kthread_run(thr, NULL, "a"); kthread_run(thr, NULL, "b"); kthread_run(thr, NULL, "c"); }`;
    expect(record(src).r.text).toBe('a\nb\nc\n');
    const lifo: SchedPolicy = {
      pick(k) {
        for (let i = k.tasks.length - 1; i >= 0; i--) {
          const t = k.tasks[i]!;
          if (t.state === 'runnable' && !t.created && t.gen) return t;
        }
        return null;
      },
    };
    expect(record(src, { policy: lifo }).r.text).toBe('c\nb\na\n');
  });
});

describe('interrupts raised inside interrupts', () => {
  it('an IRQ raised by an IPI handler on its own CPU is delivered after the IPI returns', () => {
    const { r } = record(`static irqreturn_t h(int irq, void *d) { pr_info("irq on cpu%d\\n", smp_processor_id()); return IRQ_HANDLED; }
static void ipi(void *info) { lab_raise_irq(2, 6); pr_info("ipi done\\n"); }
void main(void) { request_irq(6, h, 0, "h", NULL); smp_call_function_single(2, ipi, NULL, 1); pr_info("main\\n"); }`);
    expect(r.text).toBe('ipi done\nirq on cpu2\nmain\n');
  });
});

describe('pids', () => {
  it('pids are unique and tasks get higher pids than the entry task that starts them (1006, then 1007 up); idle is 0', () => {
    const { r } = record(`static int thr(void *d) { return 0; }
static irqreturn_t h(int irq, void *dev) { pr_info("irq on %s/%d\\n", current->comm, current->pid); return IRQ_HANDLED; }
static void w(struct work_struct *x) { pr_info("work %d\\n", current->pid > 1006); }
void main(void)
{
	struct work_struct wk;
	pr_info("main %d\\n", current->pid);
	for (int i = 0; i < 8; i++) { struct task_struct *t = kthread_run(thr, NULL, "t%d", i); pr_info("%d\\n", t->pid); }
	INIT_WORK(&wk, w);
	schedule_work(&wk);
	flush_work(&wk);
	request_irq(5, h, 0, "x", NULL);
	lab_raise_irq(7, 5);
}`);
    expect(r.text.trim().split('\n')).toEqual(['main 1006', '1007', '1008', '1009', '1010', '1011', '1012', '1013', '1014', 'work 1', 'irq on swapper/7/0']);
  });
});

describe('backtraces of interrupt context (QA F20)', () => {
  it('split at the interrupt entry: handler frames in <IRQ>, asm_common_interrupt and the interrupted task in <TASK>', () => {
    const { r } = record(`static irqreturn_t h(int irq, void *dev) { dump_stack(); return IRQ_HANDLED; }
void main(void) { request_irq(7, h, IRQF_NO_THREAD, "h", NULL); lab_raise_irq(0, 7); }`);
    const lines = r.text.split('\n');
    const from = lines.indexOf('Call Trace:');
    const trace = lines.slice(from + 1, lines.indexOf(' </TASK>', from) + 1).map((l) => l.replace(/\+0x.*$/, ''));
    expect(trace).toEqual([
      ' <IRQ>', ' h', ' __handle_irq_event_percpu', ' handle_irq_event', ' handle_edge_irq', ' __common_interrupt', ' common_interrupt', ' </IRQ>',
      ' <TASK>', ' asm_common_interrupt', ' main', ' do_syscall_64', ' entry_SYSCALL_64_after_hwframe', ' </TASK>',
    ]);
  });

  it('a task-context backtrace is one <TASK> section', () => {
    const { r } = record(`void main(void) { dump_stack(); }`);
    const lines = r.text.split('\n');
    expect(lines.filter((l) => /^ <\/?(IRQ|TASK)>$/.test(l))).toEqual([' <TASK>', ' </TASK>']);
  });
});

describe('irq event stamps from the start of a task (QA F20)', () => {
  const stamp = (lines: readonly string[]) => {
    const at = lines.findIndex((x) => x.startsWith('irq event stamp:'));
    return lines.slice(at, at + 5).map((x) => x.replace(/\[<[0-9a-f]+>\] /, '').replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/, ''));
  };

  it('each task records IRQs enabled on its first switch-in: the entry task at syscall entry, a kthread in finish_task_switch', () => {
    const { events } = record(`static int kt(void *d) { return 0; }
void main(void) { kthread_run(kt, NULL, "kt"); msleep(1); }`);
    const start = events.filter(isTaskStart).map((e) => `${e.kind} ${'api' in e ? e.api : ''} ${e.ctx.task.comm} ${'ip' in e ? e.ip?.fn : ''}`);
    expect(start).toEqual([
      'hardirqs_off syscall_exit_to_user_mode main syscall_exit_to_user_mode',
      'hardirqs_on do_syscall_64 main do_syscall_64',
      'hardirqs_off __schedule kt __schedule',
      'hardirqs_on finish_task_switch kt finish_task_switch',
    ]);
  });

  it('a hardirq report in a task that never toggled IRQs shows its start-of-task enable and copy_process for softirqs', () => {
    const { r } = record(`static DEFINE_RAW_SPINLOCK(a);
static irqreturn_t h(int irq, void *dev) { raw_spin_lock(&a); raw_spin_unlock(&a); return IRQ_HANDLED; }
void main(void) { request_irq(7, h, IRQF_NO_THREAD, "h", NULL); raw_spin_lock(&a); raw_spin_unlock(&a); lab_raise_irq(0, 7); }`, { lockdep: true });
    expect(r.reports.map((x) => x.kind)).toEqual(['inconsistent']);
    expect(stamp(r.reports[0]!.lines)).toEqual([
      'irq event stamp: 3',
      'hardirqs last  enabled at (2): do_syscall_64',
      'hardirqs last disabled at (3): irqentry_enter',
      'softirqs last  enabled at (0): copy_process',
      'softirqs last disabled at (0): 0x0',
    ]);
  });

  it('softirqs served on irq exit: every counted transition has a caller (timer callback vs the task)', () => {
    const { r } = record(`static DEFINE_SPINLOCK(l);
static struct timer_list t;
static void tfn(struct timer_list *tl) { spin_lock(&l); spin_unlock(&l); }
void main(void) { timer_setup(&t, tfn, 0); spin_lock(&l); spin_unlock(&l); mod_timer(&t, jiffies + 1); msleep(20); }`, { lockdep: true });
    const lines = stamp(r.reports[0]!.lines);
    for (const l of lines.slice(1)) expect(l).not.toMatch(/^.*\(([1-9]\d*)\): 0x0$/);
    expect(lines).toEqual([
      'irq event stamp: 3',
      'hardirqs last  enabled at (3): handle_softirqs',
      'hardirqs last disabled at (1): irqentry_enter',
      'softirqs last  enabled at (0): copy_process',
      'softirqs last disabled at (2): __irq_exit_rcu',
    ]);
  });
});
