import { describe, expect, it } from 'vitest';
import { errs, expr } from './helpers.ts';

describe('expressions: C precedence and associativity', () => {
  const cases: Array<[string, string]> = [
    ['x = a + b * c', '(= x (+ a (* b c)))'],
    ['x = a - b - c', '(= x (- (- a b) c))'],
    ['x = a << 2 + 1', '(= x (<< a (+ 2 1)))'],
    ['x = a < b == c > d', '(= x (== (< a b) (> c d)))'],
    ['x = a & b ^ c | d', '(= x (| (^ (& a b) c) d))'],
    ['x = a & b == c', '(= x (& a (== b c)))'],
    ['x = a || b && c', '(= x (|| a (&& b c)))'],
    ['x = a ? b : c ? d : e', '(= x (? a b (? c d e)))'],
    ['x = a ?: b', '(= x (? a _ b))'],
    ['a = b = c', '(= a (= b c))'],
    ['a += b -= c', '(+= a (-= b c))'],
    ['x |= ICH | 1 << 32', '(|= x (| ICH (<< 1 32)))'],
    ['a, b = c, d', '(, a (= b c) d)'],
    ['x = -a * !b', '(= x (* (- a) (! b)))'],
    ['x = ~a & *p', '(= x (& (~ a) (* p)))'],
    ['x = *p++', '(= x (* (post++ p)))'],
    ['x = ++*p', '(= x (pre++ (* p)))'],
    ['x = &a->b.c[1]', '(= x (& ([] (. (-> a b) c) 1)))'],
    ['x = !!(v & MASK)', '(= x (! (! (& v MASK))))'],
    ['x = a % b / c', '(= x (/ (% a b) c))'],
    ['x = a >= b != c <= d', '(= x (!= (>= a b) (<= c d)))'],
    ['x = f(a, b)(c)', '(= x (call (call f a b) c))'],
    ['p->fn(p)', '(call (-> p fn) p)'],
    ['x = "a" "b"', '(= x "ab")'],
    ["x = 'a'", "(= x '97')"],
    ['x = 0xffffffffffffffffULL', '(= x 18446744073709551615ull)'],
  ];
  for (const [src, want] of cases) it(src, () => expect(expr(src)).toBe(want));
});

describe('expressions: types inside expressions', () => {
  it('casts to builtin, kernel and program types', () => {
    expect(expr('x = (u64)irq->hwintid << 32')).toBe('(= x (<< (cast u64 (-> irq hwintid)) 32))');
    expect(expr('x = (unsigned long)p & 1')).toBe('(= x (& (cast unsigned long p) 1))');
    expect(expr('x = (struct klist *)(v & ~1UL)')).toBe('(= x (cast ptr(struct klist) (& v (~ 1ul))))');
    expect(expr('x = (my_t)y', 'typedef int my_t;')).toBe('(= x (cast my_t y))');
    expect(expr('x = (void (*)(int))f')).toBe('(= x (cast ptr(fn(int) -> void) f))');
    expect(expr('x = (a)(b)')).toBe('(= x (call a b))');
    expect(expr('x = (__force u32)v')).toBe('(= x (cast u32 v))');
    expect(expr('x = (void __iomem *)p')).toBe('(= x (cast ptr(void) p))');
  });

  it('sizeof of types and expressions', () => {
    expect(expr('x = sizeof(struct kvm_vcpu)')).toBe('(= x (sizeof <struct kvm_vcpu>))');
    expect(expr('x = sizeof(*p)')).toBe('(= x (sizeof (* p)))');
    expect(expr('x = sizeof v + 1')).toBe('(= x (+ (sizeof v) 1))');
    expect(expr('x = sizeof(u64[4])')).toBe('(= x (sizeof <array(u64, 4)>))');
  });

  it('gives min_t/max_t their type argument (as in include/linux/minmax.h)', () => {
    expect(expr('x = min_t(int, a, b)')).toBe('(= x (call min_t <int> a b))');
    expect(expr('x = max_t(u64, a, b)')).toBe('(= x (call max_t <u64> a b))');
  });

  it('gives type arguments to container_of and the list_entry family', () => {
    expect(expr('x = container_of(n, struct klist_node, n_node)')).toBe('(= x (call container_of n <struct klist_node> n_node))');
    expect(expr('x = list_first_entry(&h, struct vgic_irq, ap_list)')).toBe('(= x (call list_first_entry (& h) <struct vgic_irq> ap_list))');
    expect(expr('x = list_entry(p, my_t, node)', 'typedef struct foo my_t;')).toBe('(= x (call list_entry p <my_t> node))');
    expect(expr('x = list_next_entry(pos, ap_list)')).toBe('(= x (call list_next_entry pos ap_list))');
    expect(expr('x = offsetof(struct s, f)')).toBe('(= x (call offsetof <struct s> f))');
    expect(expr('x = kmalloc_array(n, sizeof(u32), GFP_KERNEL)')).toBe('(= x (call kmalloc_array n (sizeof <u32>) GFP_KERNEL))');
  });

  it('compound literals and statement expressions', () => {
    expect(expr('x = (struct pi_desc){ .nv = 1, .sn = 0 }')).toBe('(= x (compound struct pi_desc 2))');
    expect(expr('x = ({ int t = 1; t; })')).toBe('(= x ({ 2 }))');
  });
});

describe('expressions: errors', () => {
  it('rejects inline asm and floating point', () => {
    expect(errs('void f(void) { asm volatile("nop"); }')).toEqual(['1:16: inline assembly is outside the simulated subset']);
    expect(errs('void f(void) { x = 1.0; }')).toEqual(["1:20: floating-point constant '1.0' is outside the simulated subset"]);
  });

  it('reports a missing operand and unbalanced parentheses', () => {
    expect(errs('void f(void) { x = a + ; }')).toEqual(["1:24: expected expression before ';'"]);
    expect(errs('void f(void) { x = (a + b; }')).toEqual(["1:26: expected ')' to close the parenthesis"]);
    expect(errs('void f(void) { g(a, b; }')).toEqual(["1:22: expected ')' to close the argument list of 'g'"]);
  });
});
