import { describe, expect, it } from 'vitest';
import { body, out } from './helpers.ts';
import { runProgram } from '../../../src/engine/index.ts';

describe('more constructs at runtime', () => {
  it('typedef struct, union, enum in switch, comma, compound literal', () => {
    expect(
      out(`typedef struct { int a; long b; } pair_t;
union u { u32 w; u8 b[4]; };
enum state { IDLE, BUSY = 4, DONE };
static const char *name(enum state s) { switch (s) { case IDLE: return "idle"; case BUSY: return "busy"; default: return "other"; } }
void main(void) { pair_t p = { .b = 7 }; union u x; int i, j; x.w = 0x11223344;
  for (i = 0, j = 10; i < j; i++, j--) ;
  struct { int q; } *cl = &(struct { int q; }){ 9 };
  pr_info("%ld %s %s %d %d %zu\\n", p.b + p.a, name(BUSY), name(DONE), i, cl->q, sizeof(pair_t)); }`),
    ).toBe('7 busy other 5 9 16\n');
  });

  it('min/max/clamp/ARRAY_SIZE/DIV_ROUND_UP and integer-to-pointer round trips', () => {
    expect(
      out(body(`int arr[7]; long v = -5; unsigned long cookie; int *back;
cookie = (unsigned long)&arr[3]; back = (int *)cookie; *back = 42;
pr_info("%d %d %ld %lu %lu %d\\n", min(3, 9), max(-1, 2), clamp(v, -2L, 2L), ARRAY_SIZE(arr), DIV_ROUND_UP(10, 4), arr[3]);`)),
    ).toBe('3 2 -2 7 3 42\n');
  });

  it('strings: char arrays in structs, strscpy, strlen, strcmp, snprintf with %s', () => {
    expect(
      out(`struct dev { char name[16]; int id; };
void main(void) { struct dev d; char buf[32]; strscpy(d.name, "dmar0", sizeof(d.name)); d.id = 2;
  snprintf(buf, sizeof(buf), "%s-%d", d.name, d.id);
  pr_info("%s %lu %d %d\\n", buf, strlen(buf), strcmp(d.name, "dmar0"), strcmp("a", "b")); }`),
    ).toBe('dmar0-2 7 0 -1\n');
  });

  it('hlist, list_for_each, _continue and _from walks', () => {
    expect(
      out(`struct e { int v; struct hlist_node h; struct list_head l; };
static HLIST_HEAD(hh); static LIST_HEAD(ll);
void main(void) { struct e *p, *start = NULL; struct list_head *pos; int s = 0;
  for (int i = 1; i <= 4; i++) { struct e *n = kzalloc(sizeof(*n), GFP_KERNEL); n->v = i; hlist_add_head(&n->h, &hh); list_add_tail(&n->l, &ll); if (i == 2) start = n; }
  hlist_for_each_entry(p, &hh, h) s = s * 10 + p->v;
  list_for_each(pos, &ll) s += 0;
  p = start; list_for_each_entry_continue(p, &ll, l) s = s * 10 + p->v;
  p = start; list_for_each_entry_from(p, &ll, l) s = s * 10 + p->v;
  pr_info("%d %d\\n", s, hlist_empty(&hh)); }`),
    ).toBe('432134234 0\n');
  });

  it('arrays of structs with locks: each element its own static class; per-element names', () => {
    expect(
      out(`struct bucket { spinlock_t lock; int n; }; static struct bucket table[4];
void main(void) { for (int i = 0; i < 4; i++) spin_lock_init(&table[i].lock);
  spin_lock(&table[1].lock); table[1].n++; spin_unlock(&table[1].lock); pr_info("%d\\n", table[1].n); }`),
    ).toBe('1\n');
  });
});

describe('struct layout through pointer cycles', () => {
  const hdr = `struct kvm_vcpu;
struct vgic_irq { raw_spinlock_t irq_lock; struct list_head ap_list; struct kvm_vcpu *target_vcpu; u32 intid; };
struct vgic_dist { int nr; struct vgic_irq spis[20]; };
struct kvm { struct vgic_dist vgic; };
struct kvm_vcpu { struct kvm *kvm; int id; };
struct kvm_host_data { struct vgic_irq *last_lr_irq; };
`;
  it('a DEFINE_PER_CPU of a struct pointing into the cycle, in an earlier file, does not size later arrays of structs 0', () => {
    const r = runProgram(
      [
        { path: 'vgic.h', text: hdr },
        { path: 'a.c', text: '#include "vgic.h"\nDEFINE_PER_CPU(struct kvm_host_data, kvm_host_data);\n' },
        {
          path: 'b.c',
          text: '#include "vgic.h"\nstatic struct kvm kvm;\nvoid main(void)\n{\n\tkvm.vgic.spis[19].intid = 7;\n\tpr_info("%zu %zu %zu %u\\n", sizeof(struct vgic_irq), sizeof(struct vgic_dist), sizeof(kvm), kvm.vgic.spis[19].intid);\n}\n',
        },
      ],
      { lockdep: false, races: false },
    );
    expect(r.reports).toEqual([]);
    const [irq, dist, kvm, v] = r.text.trim().split(' ').map(Number);
    expect(dist).toBe(8 + 20 * irq!);
    expect(kvm).toBe(dist);
    expect(v).toBe(7);
  });

  it('the same sizes whichever struct is used first', () => {
    const sizes = (first: string) =>
      out(`${hdr}void main(void)\n{\n\t${first}\n\tpr_info("%zu %zu %zu %zu\\n", sizeof(struct vgic_irq), sizeof(struct vgic_dist), sizeof(struct kvm), sizeof(struct kvm_vcpu));\n}\n`);
    const ref = sizes('');
    expect(sizes('struct kvm_host_data h; (void)h;')).toBe(ref);
    expect(sizes('struct kvm_vcpu *v = NULL; (void)v;')).toBe(ref);
    expect(sizes('pr_info("%zu\\n", sizeof(struct kvm_vcpu));').split('\n').slice(1).join('\n')).toBe(ref);
  });
});

describe('C semantics the QA found missing (F30)', () => {
  it('sizeof does not evaluate its operand', () => {
    expect(out(body('int x = 1; int *p = &x; long n = sizeof(x++) + sizeof(x = 5) + sizeof(*p += 2) + sizeof(x, x++) + sizeof(p + x++); pr_info("n=%ld x=%d\\n", n, x);'))).toBe('n=24 x=1\n');
  });

  it('writing to a string literal oopses on the read-only page', () => {
    const r = runProgram([{ path: 't.c', text: 'void main(void)\n{\n\tchar *str = "abc";\n\tstr[0] = \'x\';\n\tpr_info("%s\\n", str);\n}\n' }], { lockdep: false, races: false });
    expect(r.reports[0]!.lines.slice(0, 4)).toEqual([
      expect.stringMatching(/^BUG: unable to handle page fault for address: [0-9a-f]{16}$/),
      '#PF: supervisor write access in kernel mode',
      '#PF: error_code(0x0003) - permissions violation',
      'Oops: 0003 [#1] PREEMPT SMP',
    ]);
    expect(r.reports[0]!.sites[0]!.pos.line).toBe(4);
    expect(r.text).not.toMatch(/^abc$/m);
  });
});

describe('unions alias their bytes, little-endian (QA F13)', () => {
  it('a member of one width reads the bytes another member stored', () => {
    expect(
      out(
        body(`union u { u32 w; u8 b[4]; u16 h[2]; u64 q; } un;
struct s { int tag; union u v; } x = { 0 };
un.w = 0x11223344;
pr_info("%x %x %x %x\\n", un.b[0], un.b[1], un.b[3], un.h[1]);
un.b[2] = 0xaa;
pr_info("%x %x\\n", un.w, un.h[1]);
un.q = 0x0102030405060708ULL;
pr_info("%x %x\\n", un.w, un.h[1]);
x.v.b[0] = 1;
x.v.b[1] = 2;
pr_info("%x %d\\n", x.v.w, x.tag);`),
      ),
    ).toBe('44 33 11 1122\n11aa3344 11aa\n5060708 506\n201 0\n');
  });
});
