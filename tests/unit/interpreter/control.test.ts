import { describe, expect, it } from 'vitest';
import { record, summary } from '../kernel/helpers.ts';
import { body, out, run } from './helpers.ts';

describe('control flow', () => {
  it('goto forward and backward', () => {
    expect(
      out(`static int f(int x) { int tries = 0; again: tries++; if (tries < 3) goto again; if (x) goto out; tries = -1; out: tries += 0; return tries; }
void main(void) { pr_info("%d %d\\n", f(1), f(0)); }`),
    ).toBe('3 -1\n');
  });

  it('switch with fallthrough, default in the middle, and break', () => {
    expect(
      out(`static int f(int v) { int r = 0; switch (v) { case 1: r += 1; case 2: r += 10; break; default: r = 99; case 3: r += 100; } return r; }
void main(void) { pr_info("%d %d %d %d\\n", f(1), f(2), f(3), f(7)); }`),
    ).toBe('11 10 100 199\n');
  });

  it('loops: continue, break, do-while, nested for with declarations', () => {
    expect(
      out(body(`int s = 0; for (int i = 0; i < 10; i++) { if (i % 2) continue; if (i > 6) break; s += i; }
int n = 0; do { n++; } while (n < 5); int m = 0; for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) m += a * b;
pr_info("%d %d %d\\n", s, n, m);`)),
    ).toBe('12 5 9\n');
  });

  it('recursion, function pointers, statement expressions and the conditional operator', () => {
    expect(
      out(`static int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
static int twice(int (*f)(int), int v) { return f(f(v)); }
struct ops { int (*op)(int); };
void main(void) { struct ops o = { .op = fact }; int y = ({ int t = 3; t * 2; }); pr_info("%d %d %d %d\\n", fact(5), twice(fact, 3), o.op(4), y ?: 7); }`),
    ).toBe('120 720 24 6\n');
  });

  it('static locals keep their value across calls; enums count up', () => {
    expect(out(`enum { A, B = 5, C }; static int counter(void) { static int n; return ++n; } void main(void) { counter(); counter(); pr_info("%d %d %d\\n", counter(), B, C); }`)).toBe('3 5 6\n');
  });
});

describe('cleanup.h guards release at scope exit, last first', () => {
  const G = `static DEFINE_SPINLOCK(a); static DEFINE_MUTEX(m);`;

  it('guard() releases at the end of the block in reverse order', () => {
    expect(
      summary(record(`${G} void main(void) { { guard(mutex)(&m); guard(spinlock_irqsave)(&a); pr_info("in\\n"); } pr_info("out\\n"); }`).events),
    ).toEqual([
      'acquire mutex_lock m r0',
      'hardirqs_off _raw_spin_lock_irqsave',
      'acquire spin_lock_irqsave a r0',
      'release spin_unlock_irqrestore a',
      'hardirqs_on _raw_spin_unlock_irqrestore',
      'release mutex_unlock m',
      'return_to_user',
    ]);
  });

  it('guards release on return and on goto out of the scope', () => {
    const { events, r } = record(`${G}
static int f(int early) { guard(mutex)(&m); if (early) return 1; { guard(spinlock)(&a); if (early == 0) goto done; } done: return 0; }
void main(void) { pr_info("%d %d\\n", f(1), f(0)); }`);
    expect(r.text).toBe('1 0\n');
    expect(summary(events)).toEqual([
      'acquire mutex_lock m r0',
      'release mutex_unlock m',
      'acquire mutex_lock m r0',
      'acquire spin_lock a r0',
      'release spin_unlock a',
      'release mutex_unlock m',
      'return_to_user',
    ]);
  });

  it('guard(irqsave), guard(irq) and guard(preempt) run their unlock at scope exit', () => {
    const { events, r } = record(`void main(void) { { guard(irqsave)(); pr_info("%d\\n", irqs_disabled()); { guard(irq)(); } pr_info("%d\\n", irqs_disabled()); }
  { guard(preempt)(); pr_info("%x\\n", preempt_count()); } pr_info("%d %x\\n", irqs_disabled(), preempt_count()); }`);
    // The inner guard(irq) re-enables IRQs at its scope exit, under the outer irqsave: C semantics.
    expect(r.text).toBe('1\n0\n1\n0 0\n');
    expect(summary(events)).toEqual(['hardirqs_off local_irq_save', 'hardirqs_on local_irq_enable', 'return_to_user']);
  });

  it('scoped_guard unlocks after its body, also on break out of a loop', () => {
    const { events } = record(`${G} void main(void) { for (int i = 0; i < 3; i++) { scoped_guard(spinlock, &a) { if (i == 1) break; } } scoped_guard(rcu) { pr_info("rcu\\n"); } }`);
    expect(summary(events)).toEqual([
      'acquire spin_lock a r0',
      'release spin_unlock a',
      'acquire spin_lock a r0',
      'release spin_unlock a',
      'acquire spin_lock a r0',
      'release spin_unlock a',
      'acquire rcu_read_lock rcu_read_lock r2 nocheck',
      'release rcu_read_unlock rcu_read_lock',
      'return_to_user',
    ]);
  });
});

describe('kernel iterators', () => {
  const L = `struct item { int v; struct list_head node; }; static LIST_HEAD(items);
static void add(int v) { struct item *it = kzalloc(sizeof(*it), GFP_KERNEL); it->v = v; list_add_tail(&it->node, &items); }`;

  it('list_for_each_entry, _reverse and _safe with deletion', () => {
    expect(
      out(`${L}
void main(void) { struct item *it, *tmp; int s = 0; for (int i = 1; i <= 4; i++) add(i);
  list_for_each_entry(it, &items, node) pr_info("f%d\\n", it->v);
  list_for_each_entry_reverse(it, &items, node) s = s * 10 + it->v;
  list_for_each_entry_safe(it, tmp, &items, node) if (it->v % 2) { list_del(&it->node); kfree(it); }
  list_for_each_entry(it, &items, node) s = s * 10 + it->v;
  pr_info("%d %d %d\\n", s, list_empty(&items), list_first_entry(&items, struct item, node)->v); }`),
    ).toBe('f1\nf2\nf3\nf4\n432124 0 2\n');
  });

  it('for_each_set_bit over a DECLARE_BITMAP, and the bit helpers', () => {
    expect(
      out(body(`DECLARE_BITMAP(map, 130); int b; bitmap_zero(map, 130); set_bit(3, map); __set_bit(64, map); set_bit(129, map); clear_bit(3, map); set_bit(5, map);
for_each_set_bit(b, map, 130) pr_info("%d\\n", b);
pr_info("%d %d %lu %lu\\n", test_bit(64, map), test_and_clear_bit(5, map), find_first_bit(map, 130), bitmap_weight(map, 130));`)),
    ).toBe('5\n64\n129\n1 1 64 2\n');
  });

  it('use of a deleted list entry faults at the LIST_POISON address', () => {
    const r = run(`${L} void main(void) { struct item *it; add(1); add(2); it = list_first_entry(&items, struct item, node); list_del(&it->node); it = list_next_entry(it, node); pr_info("%d\\n", it->v); }`);
    expect(r.reports[0]!.lines[0]).toMatch(/^general protection fault, probably for non-canonical address 0xdead0000000000f[0-9a-f]: 0000 \[#1\] PREEMPT SMP$/);
    // The header is the die line: no second `Oops: 0000 [#1]` after it.
    expect(r.reports[0]!.lines.filter((l) => /\[#\d+\]/.test(l))).toHaveLength(1);
    expect(r.reports[0]!.lines[1]).toMatch(/^CPU: /);
  });
});

describe('values of aggregate type and globals', () => {
  it('structs are passed and returned by value; globals are initialised with addresses of other globals', () => {
    expect(
      out(`struct pt { int x, y; };
static struct pt origin = { 3, 4 };
static struct pt *pp = &origin;
static int sum(struct pt p) { p.x += 100; return p.x + p.y; }
static struct pt mk(int v) { struct pt r = { v, v * 2 }; return r; }
void main(void) { struct pt a = { 1, 2 }; struct pt b = mk(5); pr_info("%d %d %d %d\\n", sum(a), a.x, pp->y, b.y); }`),
    ).toBe('103 1 4 10\n');
  });
});

describe('kernel stack', () => {
  it('recursion 1000 deep of a small function works, as with gcc (the host stack is not the limit)', () => {
    expect(out(`static int r(int n) { if (n == 0) return 0; return 1 + r(n - 1); } void main(void) { pr_info("%d\\n", r(1000)); }`)).toBe('1000\n');
  });

  it('unbounded recursion hits the stack guard page: an oops naming the function and its line, not a JS error', () => {
    const bad = run(`void main(void) { r(0); pr_info("unreachable\\n"); }`.replace('void main', 'static int r(int n)\n{\n\treturn r(n + 1) + 1;\n}\nvoid main'));
    expect(bad.status).toBe('reported');
    expect(bad.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(bad.reports[0]!.header).toMatch(/^BUG: TASK stack guard page was hit at /);
    expect(bad.text).toMatch(/kernel stack overflow: r\(\) at t\.c:1 called \d+ deep/);
    expect(bad.text).toContain('Oops: stack guard page: 0000 [#1] PREEMPT SMP');
    expect(bad.text).not.toContain('unreachable');
  });

  it('a big local array overflows the 32 KiB stack at its declaration', () => {
    const bad = run(`static void f(void)\n{\n\tchar buf[40000];\n\tbuf[0] = 1;\n}\nvoid main(void) { f(); pr_info("unreachable\\n"); }`);
    expect(bad.reports[0]!.header).toMatch(/^BUG: TASK stack guard page was hit/);
    expect(bad.text).toContain("f() at t.c:3 puts 'buf' (40000 bytes)");
    expect(bad.text).not.toContain('unreachable');
  });

  it('a loop re-declaring a local does not use more stack each iteration', () => {
    expect(out(body('int i, s = 0; for (i = 0; i < 5000; i++) { int buf[4]; buf[0] = i; s += buf[0] & 1; } pr_info("%d\\n", s);'))).toBe('2500\n');
  });

  it('an interrupt handler recursing without end overflows the IRQ stack and panics', () => {
    const bad = run(`static int deep(int n) { return deep(n + 1); }
static irqreturn_t h(int irq, void *d) { deep(0); return IRQ_HANDLED; }
void main(void) { request_irq(5, h, 0, "x", NULL); lab_raise_irq(0, 5); pr_info("unreachable\\n"); }`);
    expect(bad.reports[0]!.header).toMatch(/^BUG: IRQ stack guard page was hit/);
    expect(bad.text).toContain('Kernel panic - not syncing: Fatal exception in interrupt');
  });
});
