import { describe, expect, it } from 'vitest';
import { body, out, run } from './helpers.ts';

describe('C integer semantics', () => {
  it('wraps unsigned types at their width and keeps signed arithmetic signed', () => {
    expect(
      out(
        body(`u8 a = 250; a += 10; u16 b = 0; b--; u32 c = 0xffffffff; c++; int d = -7;
pr_info("%u %u %u %d %d %d\\n", a, b, c, d / 2, d % 3, d >> 1);`),
      ),
    ).toBe('4 65535 0 -3 -1 -4\n');
  });

  it('64-bit values are exact: BIT_ULL(63), GENMASK_ULL, FIELD_GET/FIELD_PREP', () => {
    expect(
      out(
        body(`u64 top = BIT_ULL(63); u64 m = GENMASK_ULL(47, 12); u64 v = 0xdeadbeefcafef00dULL;
pr_info("%llx %llx %llx %llx %lx\\n", top, m, FIELD_GET(m, v), FIELD_PREP(GENMASK_ULL(63, 56), 0xab), top >> 63);`),
      ),
    ).toBe('8000000000000000 fffffffff000 beefcafef 0xab00000000000000'.replace('0x', '') + ' 1\n');
  });

  it('usual arithmetic conversions: -1 < 1u is false, long arithmetic does not truncate', () => {
    expect(out(body(`int m = -1; unsigned int u = 1; long big = 1L << 40; pr_info("%d %d %ld %d\\n", m < u, m < (int)u, big + 1, (int)(big >> 8));`))).toBe('0 1 1099511627777 -2147483648\n'.replace('-2147483648', String(Number(BigInt.asIntN(32, (1n << 40n) >> 8n)))));
  });

  it('bool normalises, char is signed, casts truncate', () => {
    expect(out(body(`bool b = 42; char c = 200; u8 x = (u8)0x1234; s16 y = (s16)0x8000; pr_info("%d %d %u %d\\n", b, c, x, y);`))).toBe('1 -56 52 -32768\n');
  });

  it('pr_cont continues an open line; KERN_ levels set the printk level', () => {
    const r = run(body(`pr_info("a"); pr_cont("b"); pr_cont("c\\n"); printk(KERN_ERR "e\\n"); pr_warn("w\\n");`));
    expect(r.text).toBe('abc\ne\nw\n');
    expect(r.log.map((e) => (e.type === 'printk' ? e.level : -1))).toEqual([6, 3, 4]);
  });

  it('division by zero is a kernel oops, not a JS error', () => {
    const r = run(body(`int z = 0; pr_info("%d\\n", 10 / z);`));
    expect(r.status).toBe('reported');
    expect(r.reports[0]!.lines[0]).toBe('Oops: divide error: 0000 [#1] PREEMPT SMP');
    expect(r.text).not.toContain('\n10');
  });

  it('printk formats: widths, padding, %s, %c, %x, %p hashing is stable, %pS of a function', () => {
    const src = body(`char buf[16]; snprintf(buf, sizeof(buf), "ab%dcd", 7);
pr_info("[%5d][%-4s][%04x][%c][%s][%lu][%pS]\\n", 42, "ab", 0xbe, 'Z', buf, sizeof(long), main);
pr_info("%p\\n", &buf);`);
    const a = out(src);
    expect(a.split('\n')[0]).toMatch(/^\[   42\]\[ab  \]\[00be\]\[Z\]\[ab7cd\]\[8\]\[main\+0x0\/0x[0-9a-f]+\]$/);
    expect(out(src)).toBe(a);
  });
});

describe('pointers and the memory model', () => {
  const S = `struct inner { int a; spinlock_t lock; }; struct outer { long x; struct inner in; struct list_head node; int arr[4]; };`;

  it('&s->field, container_of and list_entry round-trip to the same object', () => {
    expect(
      out(
        body(
          `struct outer *o = kzalloc(sizeof(*o), GFP_KERNEL); struct inner *i = &o->in; struct list_head *n = &o->node;
struct outer *back = container_of(i, struct outer, in); struct outer *back2 = list_entry(n, struct outer, node);
pr_info("%d %d %d %d\\n", back == o, back2 == o, (void *)&o->in.lock != (void *)o, sizeof(struct outer) == 8 + sizeof(struct inner) + sizeof(struct list_head) + 4 * sizeof(int));`,
          S,
        ),
      ),
    ).toBe('1 1 1 1\n');
  });

  it('addresses are stable across runs and fields have the layout offsets', () => {
    const src = body(`struct outer *o = kzalloc(sizeof(*o), GFP_KERNEL); pr_info("%px %px %lu %lu\\n", o, &o->node, (unsigned long)&o->arr[2] - (unsigned long)o, offsetof(struct outer, node));`, S);
    const a = out(src);
    expect(a).toBe(out(src));
    const [p, q, off, nodeOff] = a.trim().split(' ');
    expect(BigInt('0x' + q) - BigInt('0x' + p)).toBe(BigInt(nodeOff!));
    expect(Number(off)).toBe(Number(nodeOff) + 16 + 8);
    expect(p).toMatch(/^ffff8881[0-9a-f]{8}$/);
  });

  it('pointer arithmetic and comparison over arrays; NULL compares equal to 0', () => {
    expect(out(body(`int a[5] = {1, 2, 3, 4, 5}; int *p = a, *e = &a[5]; int s = 0; while (p < e) s += *p++; int *q = NULL; pr_info("%d %d %ld %d\\n", s, q == 0, e - a, !q);`))).toBe('15 1 5 1\n');
  });

  it('struct assignment copies; designated initialisers zero the rest', () => {
    expect(out(body(`struct pt { int x, y, z; }; struct pt a = { .y = 2 }; struct pt b = a; b.x = 9; pr_info("%d %d %d %d\\n", a.x, a.y, a.z, b.x);`))).toBe('0 2 0 9\n');
  });

  it('per-CPU variables: per_cpu(x, cpu), this_cpu_ptr and the running CPU', () => {
    expect(
      out(
        body(
          `int cpu; for_each_possible_cpu(cpu) per_cpu(cnt, cpu) = cpu * 10; this_cpu_ptr(&cnt)[0] += 1;
pr_info("%d %d %d %d\\n", per_cpu(cnt, 0), per_cpu(cnt, 7), *per_cpu_ptr(&cnt, 3), smp_processor_id());`,
          'DEFINE_PER_CPU(int, cnt);',
        ),
      ),
    ).toBe('1 70 30 0\n');
  });

  it('a NULL dereference is the kernel oops with the faulting address and a backtrace', () => {
    const r = run(`struct s { long a; long b; }; static long get(struct s *p) { return p->b; } void main(void) { get(NULL); pr_info("after\\n"); }`);
    const lines = r.reports[0]!.lines;
    expect(lines[0]).toBe('BUG: kernel NULL pointer dereference, address: 0000000000000008');
    expect(lines[1]).toBe('#PF: supervisor read access in kernel mode');
    expect(lines.some((l) => /^ get\+0x[0-9a-f]+\/0x[0-9a-f]+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ main\+0x[0-9a-f]+\/0x[0-9a-f]+$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('RIP: 0010:get+'))).toBe(true);
    expect(r.text.split('\n')).not.toContain('after');
    expect(r.text).toContain('note: main[1006] exited with preempt_count 0');
  });

  it('an uninitialised pointer is a KMSAN report', () => {
    const r = run(body(`int *p; pr_info("%d\\n", *p);`));
    expect(r.reports[0]!.header).toMatch(/^BUG: KMSAN: uninit-value in main\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
  });

  it('an out-of-bounds index is a UBSAN report', () => {
    const r = run(body(`int a[4]; int i = 5; a[i] = 1;`));
    expect(r.reports[0]!.header).toBe('UBSAN: array-index-out-of-bounds in t.c:3:23');
    expect(r.reports[0]!.lines).toContain("index 5 is out of range for type 'int [4]'");
  });
});
