/**
 * QA F27: everything the lab itself prints decodes. Small C programs run
 * through runProgram() produce each kind of output the simulated kernel and
 * the race check print (lockdep reports, scheduling while atomic, KCSAN with
 * the lab's lockset line, the race check's KASAN / list-corruption / RCU
 * reports, oopses, WARNs, sanitizers, watchdogs, panics); decoding the log
 * must place every line and name the right kind for each report.
 *
 * The programs print nothing of their own, so an unplaced line is always a
 * decoder gap.
 */
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';
import type { SourceFile } from '../../../src/engine/index.ts';
import { decodeLog } from '../../../src/explain/index.ts';
import type { DecodedKind, DecodedLog } from '../../../src/explain/index.ts';

const VGIC_H = `struct vgic_irq {
	struct list_head ap_list;
	u32 intid;
};
struct vgic_cpu {
	raw_spinlock_t ap_list_lock;
	struct list_head ap_list_head;
};
static struct vgic_cpu vcpu0;
static int flush_lpis(void *d)
{
	struct vgic_irq *irq, *tmp;
	unsigned long flags;
	raw_spin_lock_irqsave(&vcpu0.ap_list_lock, flags);
	list_for_each_entry_safe(irq, tmp, &vcpu0.ap_list_head, ap_list) {
		if (irq->intid >= 8192)
			DEL(&irq->ap_list);
	}
	raw_spin_unlock_irqrestore(&vcpu0.ap_list_lock, flags);
	return 0;
}
static int queue(void *d)
{
	unsigned long flags;
	struct vgic_irq *irq = kzalloc(sizeof(*irq), GFP_KERNEL);
	irq->intid = 9000;
	raw_spin_lock_irqsave(&vcpu0.ap_list_lock, flags);
	list_add_tail(&irq->ap_list, &vcpu0.ap_list_head);
	raw_spin_unlock_irqrestore(&vcpu0.ap_list_lock, flags);
	return 0;
}
void main(void)
{
	int i;
	raw_spin_lock_init(&vcpu0.ap_list_lock);
	INIT_LIST_HEAD(&vcpu0.ap_list_head);
	for (i = 0; i < 4; i++) {
		struct vgic_irq *irq = kzalloc(sizeof(*irq), GFP_KERNEL);
		irq->intid = 8190 + i;
		list_add_tail(&irq->ap_list, &vcpu0.ap_list_head);
	}
	kthread_run(queue, NULL, "vcpu2");
	kthread_run(fold, NULL, "vcpu0");
	kthread_run(flush_lpis, NULL, "vcpu1");
	msleep(10);
}
`;

interface Case {
  name: string;
  files: SourceFile[];
  /** Decoded kinds, in order. */
  kinds: DecodedKind[];
  /** Extra checks on the decoded log. */
  check?: (d: DecodedLog) => void;
}

const one = (text: string, path = 'lab.c'): SourceFile[] => [{ path, text }];

/** Line of the decoded log whose body matches. */
function lineOf(d: DecodedLog, re: RegExp) {
  const l = d.lines.find((x) => re.test(x.body));
  expect(l, `a line matching ${re}`).toBeDefined();
  return l!;
}

const CASES: Case[] = [
  {
    name: 'msleep under a spinlock: might_sleep, invalid wait context, then scheduling while atomic',
    files: one(`static DEFINE_SPINLOCK(lk);
static DEFINE_MUTEX(mx);
static void do_alloc(void)
{
	void *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
}
void main(void)
{
	lab_set_comm("insmod");
	spin_lock(&lk);
	do_alloc();
	mutex_lock(&mx);
	mutex_unlock(&mx);
	msleep(1);
	spin_unlock(&lk);
}
`),
    kinds: ['sleeping-in-atomic', 'invalid-wait-context', 'sleeping-in-atomic'],
    check: (d) => {
      const r = d.reports[2];
      expect(r.header).toMatch(/^BUG: scheduling while atomic: insmod\/\d+\/0x[0-9a-f]{8}$/);
      expect(d.reports.map((x) => x.family)).toEqual(['lockdep', 'lockdep', 'short']);
      expect(r.task?.comm).toBe('insmod');
      expect(r.summary).toMatch(/preempt_count 0x[0-9a-f]{8}: /);
      expect(lineOf(d, /^BUG: scheduling while atomic/).explain).toMatch(/comm\/pid\/0xPREEMPT_COUNT/);
      expect(lineOf(d, /^INFO: lockdep is turned off\.$/).report).toBe(2);
    },
  },
  {
    name: 'KCSAN data race with the lab\'s lockset line',
    files: [
      { path: 'race.c', text: `#define DEL list_del\nstatic int fold(void *d);\n#include "vgic.h"\nstatic int fold(void *d)\n{\n\tstruct vgic_irq *irq;\n\tint n = 0;\n\tlist_for_each_entry(irq, &vcpu0.ap_list_head, ap_list) n++;\n\treturn n;\n}\n` },
      { path: 'vgic.h', text: VGIC_H },
    ],
    kinds: ['kcsan-data-race', 'kcsan-data-race'],
    check: (d) => {
      const why = d.lines.filter((l) => / -- a potential race inferred from locksets, not a caught overlap$/.test(l.body));
      expect(why.map((l) => [l.role, l.report])).toEqual([
        ['message', 0],
        ['message', 1],
      ]);
      expect(why[0].explain).toMatch(/Lockdep Lab's own line/);
      expect(d.reports.every((r) => !r.truncated)).toBe(true);
    },
  },
  {
    name: 'the race check\'s suspicious RCU usage naming two writers',
    files: [
      { path: 'rcu.c', text: `#define DEL list_del_rcu\nstatic int fold(void *d);\n#include "vgic.h"\nstatic int fold(void *d)\n{\n\tstruct vgic_irq *irq;\n\tint n = 0;\n\trcu_read_lock();\n\tlist_for_each_entry_rcu(irq, &vcpu0.ap_list_head, ap_list) n++;\n\trcu_read_unlock();\n\treturn n;\n}\n` },
      { path: 'vgic.h', text: VGIC_H },
    ],
    kinds: ['kcsan-data-race', 'suspicious-rcu'],
    check: (d) => {
      const r = d.reports[1];
      expect(r.summary).toMatch(/RCU-list written with both list_del_rcu\(\) and list_add_tail\(\)/);
      expect(lineOf(d, /^RCU-list .* mix primitives:$/).report).toBe(1);
      expect(lineOf(d, /^reader: /).role).toBe('message');
    },
  },
  {
    name: 'the race check\'s KASAN use-after-free (kfree_rcu, then an interrupt uses the object)',
    files: one(`struct obj { int v; };
static struct obj *gp;
static irqreturn_t peek(int irq, void *d)
{
	return gp->v ? IRQ_HANDLED : IRQ_NONE;
}
void main(void)
{
	gp = kzalloc(sizeof(*gp), GFP_KERNEL);
	request_irq(3, peek, 0, "peek", NULL);
	kfree_rcu(gp);
	lab_raise_irq(1, 3);
}
`),
    kinds: ['unknown'],
    check: (d) => {
      const r = d.reports[0];
      expect(r.header).toMatch(/^BUG: KASAN: slab-use-after-free in peek\+/);
      expect(r.family).toBe('sanitizer');
      expect(r.stacks.map((s) => s.label)).toEqual(['Call Trace', 'Freed by task 1006']);
      expect(r.summary).toMatch(/ -- a potential use-after-free inferred from lifetimes, not a caught access$/);
      expect(r.truncated).toBe(false);
    },
  },
  {
    name: 'the race check\'s list corruption (a walk continues from an entry another task unlinked)',
    files: one(`struct e { int v; struct list_head node; };
static LIST_HEAD(head);
static DEFINE_SPINLOCK(lk);
static struct e items[3];
static int deleter(void *d)
{
	spin_lock(&lk);
	list_del_init(&items[1].node);
	spin_unlock(&lk);
	return 0;
}
void main(void)
{
	struct e *it;
	int i, n = 0;
	for (i = 0; i < 3; i++)
		list_add_tail(&items[i].node, &head);
	spin_lock(&lk);
	it = list_first_entry(&head, struct e, node);
	it = list_next_entry(it, node);
	spin_unlock(&lk);
	kthread_run(deleter, NULL, "del");
	msleep(5);
	spin_lock(&lk);
	/* list_del_init() left the cursor pointing at itself: bound the walk. */
	list_for_each_entry_continue(it, &head, node)
		if (++n > 3)
			break;
	spin_unlock(&lk);
}
`),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toMatch(/^WARNING: CPU: 0 PID: \d+ at lab\.c:\d+ main\+/);
      expect(d.reports[0].family).toBe('warn');
      expect(d.reports[0].summary).toMatch(/^list_for_each_entry corruption, /);
      expect(lineOf(d, /cut here/).report).toBe(0);
      expect(lineOf(d, / was taken off &head by list_del_init\(\) in deleter /).role).toBe('message');
    },
  },
  {
    name: 'NULL dereference in an interrupt handler: oops, then panic',
    files: one(`static int *gp;
static irqreturn_t h(int irq, void *d)
{
	return *gp ? IRQ_HANDLED : IRQ_NONE;
}
void main(void)
{
	request_irq(3, h, 0, "h", NULL);
	lab_raise_irq(1, 3);
}
`),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toBe('BUG: kernel NULL pointer dereference, address: 0000000000000000');
      expect(d.reports[0].family).toBe('oops');
      expect(lineOf(d, /^Kernel panic - not syncing: Fatal exception in interrupt$/).report).toBe(0);
      expect(lineOf(d, /^Oops: /).report).toBe(0);
    },
  },
  {
    name: 'divide error oops',
    files: one('void main(void)\n{\n\tint z = 0;\n\tint q = 5 / z;\n}\n'),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toMatch(/^Oops: divide error/);
      expect(lineOf(d, /^note: main\[\d+\] exited with preempt_count 0$/).report).toBe(0);
    },
  },
  {
    name: 'general protection fault on LIST_POISON',
    files: one(`struct e { int v; struct list_head node; };
static LIST_HEAD(head);
void main(void)
{
	struct e a = { .v = 1 };
	struct e *n;
	list_add(&a.node, &head);
	list_del(&a.node);
	n = list_entry(a.node.next, struct e, node);
	n->v = 2;
}
`),
    kinds: ['unknown'],
    check: (d) => expect(d.reports[0].header).toMatch(/^general protection fault, probably for non-canonical address 0xdead/),
  },
  {
    name: 'BUG_ON()',
    files: one('void main(void)\n{\n\tint x = 1;\n\tBUG_ON(x == 1);\n}\n'),
    kinds: ['unknown'],
    check: (d) => expect(d.reports[0].header).toBe('kernel BUG at lab.c:4!'),
  },
  {
    name: 'stack overflow (endless recursion)',
    files: one('static int r(int n) { return r(n + 1) + 1; }\nvoid main(void) { int x = r(0); }\n'),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toMatch(/^BUG: TASK stack guard page was hit at /);
      expect(lineOf(d, /^kernel stack overflow: /).role).toBe('message');
      expect(d.reports[0].stacks[0].lines.length).toBeGreaterThan(100);
    },
  },
  {
    name: 'WARN() with a message and WARN_ON_ONCE()',
    files: one('void main(void)\n{\n\tint n = 3;\n\tWARN(n > 2, "too many widgets: %d\\n", n);\n\tWARN_ON_ONCE(n);\n}\n'),
    kinds: ['unknown', 'unknown'],
    check: (d) => {
      expect(d.reports[0].summary).toBe('too many widgets: 3');
      expect(lineOf(d, /^too many widgets: 3$/)).toMatchObject({ role: 'message', report: 0 });
    },
  },
  {
    name: 'CONFIG_DEBUG_LIST: list_add double add',
    files: one('struct e { int v; struct list_head node; };\nstatic LIST_HEAD(head);\nvoid main(void)\n{\n\tstruct e a = { .v = 1 };\n\tlist_add(&a.node, &head);\n\tlist_add(&a.node, &head);\n}\n'),
    kinds: ['unknown'],
    check: (d) => expect(d.reports[0].summary).toMatch(/^list_add double add: /),
  },
  {
    name: 'KASAN use-after-free of kfree()d memory',
    files: one('struct s { int a; };\nvoid main(void)\n{\n\tstruct s *p = kzalloc(sizeof(*p), GFP_KERNEL);\n\tkfree(p);\n\tp->a = 1;\n}\n'),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toMatch(/^BUG: KASAN: slab-use-after-free in main\+/);
      expect(d.reports[0].task?.comm).toBe('main');
    },
  },
  {
    name: 'UBSAN array index, then KASAN global out-of-bounds',
    files: one('static int a[4];\nvoid main(void)\n{\n\tint i = 5;\n\ta[i] = 1;\n}\n'),
    kinds: ['unknown', 'unknown'],
    check: (d) => {
      expect(d.reports[0].header).toBe('UBSAN: array-index-out-of-bounds in lab.c:5:3');
      expect(d.reports[0].summary).toBe("index 5 is out of range for type 'int [4]'");
      expect(d.reports[1].header).toMatch(/^BUG: KASAN: global-out-of-bounds in /);
    },
  },
  {
    name: 'KMSAN: an uninitialised pointer',
    files: one('struct obj { int v; };\nvoid main(void)\n{\n\tstruct obj *p;\n\tp->v = 1;\n}\n'),
    kinds: ['unknown'],
    check: (d) => expect(d.reports[0].header).toMatch(/^BUG: KMSAN: uninit-value in main\+/),
  },
  {
    name: 'ABBA on two mutexes: lockdep, then the hung-task watchdog for each task',
    files: one(`static DEFINE_MUTEX(a);
static DEFINE_MUTEX(b);
static int t1(void *d) { mutex_lock(&a); msleep(10); mutex_lock(&b); mutex_unlock(&b); mutex_unlock(&a); return 0; }
static int t2(void *d) { mutex_lock(&b); msleep(10); mutex_lock(&a); mutex_unlock(&a); mutex_unlock(&b); return 0; }
void main(void) { kthread_run(t1, NULL, "t1"); kthread_run(t2, NULL, "t2"); msleep(1000); }
`),
    kinds: ['circular', 'unknown', 'unknown'],
    check: (d) => {
      expect(d.reports.slice(1).map((r) => r.task?.comm)).toEqual(['t1', 't2']);
      expect(d.reports.map((r) => r.family)).toEqual(['lockdep', 'hung', 'hung']);
      expect(d.reports[1].header).toMatch(/^INFO: task t1:\d+ blocked for more than \d+ seconds\.$/);
    },
  },
  {
    name: 'spinning on a spinlock the task holds: lockdep, then the soft-lockup watchdog',
    files: one('static DEFINE_SPINLOCK(l);\nvoid main(void)\n{\n\tspin_lock(&l);\n\tspin_lock(&l);\n}\n'),
    kinds: ['recursive', 'unknown'],
    check: (d) => {
      expect(d.reports[1].header).toMatch(/^watchdog: BUG: soft lockup - CPU#0 stuck for \d+s! \[main:\d+\]$/);
      expect(d.reports[1].truncated).toBe(false);
    },
  },
  {
    name: 'a selftest context helper misused: the lab\'s reason line, then the BUG',
    files: one('void main(void)\n{\n\tHARDIRQ_EXIT();\n}\n'),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toBe('kernel BUG at lab.c:3!');
      expect(lineOf(d, /^HARDIRQ_EXIT\(\) in main\(\) without a matching HARDIRQ_ENTER\(\)/)).toMatchObject({ role: 'message', report: 0 });
    },
  },
  {
    name: 'one-line warnings: an unhandled interrupt, an uninitialised work item and timer',
    files: one('static struct work_struct w;\nstatic struct timer_list t;\nvoid main(void)\n{\n\tlab_raise_irq(0, 9);\n\tqueue_work(system_wq, &w);\n\tmod_timer(&t, jiffies + 1);\n}\n'),
    kinds: ['unknown', 'unknown', 'unknown'],
    check: (d) => {
      expect(d.reports.map((r) => r.header.slice(0, 12))).toEqual(['irq 9: nobod', 'queue_work()', 'mod_timer():']);
      expect(d.reports.every((r) => !r.truncated && r.start === r.end)).toBe(true);
    },
  },
  {
    name: 'DEBUG_LOCKS_WARN_ON() as the message of a WARN in lockdep (spin_unlock_irq() in a hard interrupt)',
    files: one('static DEFINE_SPINLOCK(l);\nstatic irqreturn_t h(int irq, void *d)\n{\n\tspin_lock_irq(&l);\n\tspin_unlock_irq(&l);\n\treturn IRQ_HANDLED;\n}\nvoid main(void)\n{\n\trequest_irq(3, h, 0, "h", NULL);\n\tlab_raise_irq(0, 3);\n}\n'),
    kinds: ['unknown'],
    check: (d) => {
      expect(d.reports[0].header).toMatch(/^WARNING: CPU: 0 PID: \d+ at kernel\/locking\/lockdep\.c:\d+ /);
      expect(d.reports[0].summary).toBe('DEBUG_LOCKS_WARN_ON(lockdep_hardirq_context())');
      expect(d.reports[0].start).toBe(1);
    },
  },
  {
    name: 'lockdep internal: an invalid subclass',
    files: one('static DEFINE_MUTEX(m);\nvoid main(void) { mutex_lock_nested(&m, 8); mutex_unlock(&m); }\n'),
    kinds: ['unknown'],
    check: (d) => expect(d.reports[0].header).toBe('BUG: looking up invalid subclass: 8'),
  },
  {
    name: 'panic()',
    files: one('void main(void)\n{\n\tpanic("out of widgets: %d", 3);\n}\n'),
    kinds: ['unknown'],
    check: (d) => expect(d.reports[0].header).toBe('Kernel panic - not syncing: out of widgets: 3'),
  },
];

describe('the lab\'s own output round-trips through explain (QA F27)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const run = runProgram(c.files, { maxTimeMs: 20_000 });
      expect(run.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
      expect(run.text.length).toBeGreaterThan(0);
      const d = decodeLog(run.text);
      const unplaced = d.lines.filter((l) => !l.placed && l.body !== '').map((l) => `${l.n}: ${l.body}`);
      expect(unplaced).toEqual([]);
      expect(d.reports.map((r) => r.kind)).toEqual(c.kinds);
      // Every placed line has an explanation, and reports do not overlap.
      for (const l of d.lines) if (l.placed) expect(l.explain, `line ${l.n}`).toBeTruthy();
      for (let i = 1; i < d.reports.length; i++) expect(d.reports[i].start).toBeGreaterThan(d.reports[i - 1].end);
      // Each report the engine raised is found: its header line heads a decoded report, or is
      // that report's message (a DEBUG_LOCKS_WARN_ON() printed between `cut here` and its WARNING).
      for (const r of run.reports) {
        const l = d.lines.find((x) => x.body === r.header);
        expect([l?.role, l?.report !== undefined], r.header).toEqual([expect.stringMatching(/^(?:header|message)$/), true]);
      }
      c.check?.(d);
    });
  }
});
