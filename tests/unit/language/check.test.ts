import { describe, expect, it } from 'vitest';
import { checkProgram, KERNEL_STRUCTS, KERNEL_TYPEDEFS } from '../../../src/language/index.ts';
import { closest } from '../../../src/language/check.ts';
import { ok } from './helpers.ts';

const BUILTINS = new Set(['spin_lock', 'spin_unlock', 'spin_lock_irqsave', 'spin_unlock_irqrestore', 'list_add_tail', 'container_of', 'list_first_entry', 'list_next_entry', 'NULL', 'true', 'false', 'printk', 'kzalloc', 'GFP_KERNEL', 'current']);

const check = (src: string, builtins: ReadonlySet<string> = BUILTINS) =>
  checkProgram(ok(src), { builtins }).map((d) => `${d.line}:${d.col}: ${d.message}${d.hint ? ' | ' + d.hint : ''}`);

const PRELUDE = `struct klist { spinlock_t k_lock; struct list_head k_list; };
struct node { struct list_head n_node; int val; struct { int inner_a; }; };
`;

describe('checkProgram', () => {
  it('accepts a clean program', () => {
    expect(check(`${PRELUDE}
static int helper(struct klist *k, int v) { return v; }
void f(struct klist *k)
{
	struct node *n = kzalloc(sizeof(*n), GFP_KERNEL);
	unsigned long flags;
	spin_lock_irqsave(&k->k_lock, flags);
	list_add_tail(&n->n_node, &k->k_list);
	n->inner_a = helper(k, n->val);
	spin_unlock_irqrestore(&k->k_lock, flags);
}`)).toEqual([]);
  });

  it('undeclared identifiers, with a did-you-mean hint', () => {
    expect(check('void f(void) { int count = 0; cuont++; zzz = 1; }')).toEqual([
      "1:31: 'cuont' undeclared (first use in this function) | did you mean 'count'?",
      "1:40: 'zzz' undeclared (first use in this function) | declare 'zzz' before using it",
    ]);
  });

  it('respects block scope and for-loop scope', () => {
    expect(check('void f(void) { { int a = 1; } a = 2; for (int i = 0; i < 3; i++) ; i = 0; }')).toEqual([
      "1:31: 'a' undeclared (first use in this function) | declare 'a' before using it",
      "1:68: 'i' undeclared (first use in this function) | declare 'i' before using it",
    ]);
  });

  it('implicit declaration of function, with a suggestion from builtins and program functions', () => {
    expect(check('void f(void) { spin_lokc(0); klist_foo(); }\nvoid klist_fo(void) { }')).toEqual([
      "1:16: implicit declaration of function 'spin_lokc' | did you mean 'spin_lock'?",
      "1:30: implicit declaration of function 'klist_foo' | did you mean 'klist_fo'?",
    ]);
  });

  it('wrong number of arguments to a program function', () => {
    expect(check('int add(int a, int b) { return a + b; }\nvoid f(void) { add(1); add(1, 2, 3); add(1, 2); }')).toEqual([
      "2:16: too few arguments to function 'add' | 'add' takes 2 arguments (a, b), declared at t.c:1:5",
      "2:24: too many arguments to function 'add' | 'add' takes 2 arguments (a, b), declared at t.c:1:5",
    ]);
    expect(check('int pr(const char *f, ...);\nvoid f(void) { pr("a", 1, 2); }')).toEqual([]);
  });

  it('unknown fields of statically known structs, through ., ->, [] and casts', () => {
    expect(check(`${PRELUDE}
void f(struct klist *k, struct node nodes[2])
{
	k->k_lcok = 0;
	nodes[1].vla = 0;
	((struct node *)k)->n_nod.next = 0;
	k->k_list.whatever = 0;
}`)).toEqual([
      "6:3: 'struct klist' has no member named 'k_lcok' | did you mean 'k_lock'?",
      "7:10: 'struct node' has no member named 'vla' | did you mean 'val'?",
      "8:20: 'struct node' has no member named 'n_nod' | did you mean 'n_node'?",
    ]);
  });

  it('checks member names given to container_of, list iterators and list_*_entry', () => {
    expect(check(`${PRELUDE}
void f(struct klist *k, struct list_head *p)
{
	struct node *n = container_of(p, struct node, n_nod);
	struct node *m;
	list_for_each_entry(m, &k->k_list, n_node) { }
	list_for_each_entry(m, &k->k_list, node) { }
	m = list_next_entry(m, vall);
}`)).toEqual([
      "6:48: 'struct node' has no member named 'n_nod' | did you mean 'n_node'?",
      "9:37: 'struct node' has no member named 'node' | its members are: n_node, val, inner_a",
      "10:25: 'struct node' has no member named 'vall' | did you mean 'val'?",
    ]);
  });

  it('unknown type names and incomplete struct types used by value', () => {
    expect(check('struct fwd;\nfoo_t *a;\nstruct fwd b;\nstruct never c;\nstruct never *ok_ptr;\nstruct mutex m;\nvoid f(void) { u32 x = sizeof(struct fwd); }')).toEqual([
      "2:1: unknown type name 'foo_t' | declare it first: typedef ... foo_t;",
      "3:1: 'b' has incomplete type 'struct fwd' | struct fwd is only declared; define it with its fields: struct fwd { ... };",
      "4:1: 'c' has incomplete type 'struct never' | struct never is not defined in this program",
      "7:31: incomplete type 'struct fwd' | struct fwd is only declared; define it with its fields: struct fwd { ... };",
    ]);
  });

  it('member access through a struct the program never defines', () => {
    expect(check('struct kvm;\nvoid f(struct kvm *kvm, struct klsit *k) { kvm->arch = 0; k->n = 1; }\nstruct klist { int n; };')).toEqual([
      "2:47: invalid use of undefined type 'struct kvm' | define struct kvm { ... }; with a 'arch' member",
      "2:60: invalid use of undefined type 'struct klsit' | define struct klsit { ... }; with a 'n' member; did you mean 'klist'?",
    ]);
    expect(check('void f(struct list_head *h) { h->next = h; }')).toEqual([]);
  });

  it('duplicate definitions', () => {
    expect(check('int a;\nint a;\nvoid f(void) { }\nvoid f(void) { }\nstruct s { int x; };\nstruct s { int y; };\nstruct t { int q; int q; };\nvoid g(int p, int p) { int v; int v; }')).toEqual([
      "2:5: redefinition of 'a' | previous definition of 'a' was at t.c:1:5; rename one of them or remove the duplicate",
      "4:6: redefinition of 'f' | previous definition of 'f' was at t.c:3:6; rename one of them or remove the duplicate",
      "6:1: redefinition of 'struct s' | previous definition at t.c:5:1",
      "7:23: duplicate member 'q' | 'q' is already a member at line 7",
      "8:19: redefinition of parameter 'p' | give each parameter its own name",
      "8:35: redefinition of 'v' | a variable is declared twice in the same block; rename or remove one",
    ]);
    expect(check('void f(void);\nvoid f(void) { }\nextern int x;\nint x;')).toEqual([]);
  });

  it('break, continue, case outside their constructs; break inside scoped_guard is allowed', () => {
    expect(check('void f(int v) { break; continue; case 1: ; default: ; while (v) { break; } switch (v) { case 1: break; } scoped_guard(rcu) { break; } }')).toEqual([
      '1:17: break statement not within loop or switch | use return or goto to leave the function early',
      '1:24: continue statement not within a loop | continue only makes sense inside for/while/do or a list_for_each_entry() loop',
      "1:34: 'case' label not within a switch statement | put it inside switch (...) { ... }",
      "1:44: 'default' label not within a switch statement | put it inside switch (...) { ... }",
    ]);
    expect(check('void f(int v) { switch (v) { case 0: continue; } }')[0]).toMatch(/^1:38: continue statement not within a loop/);
  });

  it('case labels must be direct items of a braced switch body', () => {
    expect(check('void f(int v) { switch (v) { case 1: { case 2: break; } default: if (v) { default: ; } } switch (v) case 3: ; }')).toEqual([
      "1:40: 'case' label inside a nested statement of the switch is outside the simulated subset | put every 'case' directly in the switch's { } block",
      "1:75: 'default' label inside a nested statement of the switch is outside the simulated subset | put every 'default' directly in the switch's { } block",
      '1:101: the body of a switch must be a { } block in the simulated subset | write switch (x) { case ...: ... }',
    ]);
    expect(check('void f(int v) { switch (v) { case 0 ... 2: out: default: break; } }')).toEqual([]);
  });

  it('guard classes must be ones the kernel defines', () => {
    expect(check('void f(void) { guard(spinlock_irqsafe)(&l); scoped_guard(mutex, &m) { } scoped_guard(frob, &m) ; }', new Set(['l', 'm']))).toEqual([
      "1:16: unknown lock guard class 'spinlock_irqsafe' in guard() | did you mean 'spinlock_irqsave'?",
      expect.stringMatching(/^1:73: unknown lock guard class 'frob' in scoped_guard\(\) \| known classes: spinlock, /),
    ]);
    expect(checkProgram(ok('void f(void) { guard(mine)(0); }'), { builtins: BUILTINS, guards: new Set(['mine']) })).toEqual([]);
  });

  it('warns when the result of a __must_check function is ignored', () => {
    const src = '__must_check bool put_norelease(int *irq);\nbool put_norelease(int *irq) { return true; }\nbool f(int *irq) { bool d = false; put_norelease(irq); d |= put_norelease(irq); return d; }';
    const d = checkProgram(ok(src), { builtins: BUILTINS });
    expect(d.map((x) => `${x.line}:${x.col}: ${x.severity}: ${x.message}`)).toEqual(["3:36: warning: ignoring return value of 'put_norelease' declared with attribute __must_check"]);
  });

  it('a lock passed to the wrong locking API is an error, as in a kernel build', () => {
    const src = `DEFINE_MUTEX(m);
DEFINE_SPINLOCK(s);
typedef raw_spinlock_t my_lock_t;
struct dev { spinlock_t lock; struct mutex mx; my_lock_t raw; };
void f(struct dev *d, void *any)
{
	spin_lock(&m);
	mutex_lock(&s);
	mutex_unlock(&d->lock);
	raw_spin_lock(&d->raw);
	spin_lock(&d->lock);
	mutex_lock(&d->mx);
	spin_lock(any);
	spin_lock(&d->raw);
}`;
    expect(check(src, new Set(['spin_lock', 'mutex_lock', 'mutex_unlock', 'raw_spin_lock']))).toEqual([
      "7:12: passing argument 1 of 'spin_lock' from incompatible pointer type: expected 'spinlock_t *' but argument is of type 'struct mutex *' | a struct mutex is taken with mutex_lock*()",
      "8:13: passing argument 1 of 'mutex_lock' from incompatible pointer type: expected 'struct mutex *' but argument is of type 'spinlock_t *' | a spinlock_t is taken with spin_lock*()",
      "9:15: passing argument 1 of 'mutex_unlock' from incompatible pointer type: expected 'struct mutex *' but argument is of type 'spinlock_t *' | a spinlock_t is taken with spin_lock*()",
      "14:12: passing argument 1 of 'spin_lock' from incompatible pointer type: expected 'spinlock_t *' but argument is of type 'raw_spinlock_t *' | a raw_spinlock_t is taken with raw_spin_lock*()",
    ]);
  });

  it('goto to a missing label, and duplicate labels', () => {
    expect(check('void f(void) { goto out; goto done; done: ; done: ; }')).toEqual([
      "1:45: duplicate label 'done' | labels must be unique within a function",
      "1:16: label 'out' used but not defined | add 'out:' before the statement to jump to",
    ]);
    expect(check('void f(void) { goto otu; out: ; }')[0]).toBe("1:16: label 'otu' used but not defined | did you mean 'out'?");
  });

  it('return value against the function type', () => {
    expect(check('void v(void) { }\nvoid w(void) { return v(); }\nvoid x(void) { return spin_lock(0); }')).toEqual([]);
    expect(check('void f(void) { return 1; }\nint g(void) { return; }')).toEqual([
      "1:16: 'return' with a value, in function returning void | 'f' is declared void; remove the value or change the return type",
      "2:15: 'return' with no value, in function returning non-void | 'g' must return a value",
    ]);
  });

  it('enum constants, globals, typedefs and function pointers resolve', () => {
    expect(check('enum { A, B };\ntypedef struct klist kl_t;\nstruct klist { int n; };\nint g;\nvoid (*hook)(int);\nvoid f(kl_t *k) { g = A + B + k->n; hook(1); }')).toEqual([]);
  });

  it('follows typedefs to find fields', () => {
    expect(check('typedef struct s { int a; } s_t;\nvoid f(s_t *p) { p->b = 1; }')).toEqual(["2:19: 'struct s' has no member named 'b' | its members are: a"]);
  });
});

describe('closest (did-you-mean)', () => {
  it('finds near misses only', () => {
    expect(closest('spin_lokc', ['spin_lock', 'spin_unlock'])).toBe('spin_lock');
    expect(closest('xyz', ['spin_lock'])).toBeUndefined();
    expect(closest('a', ['f'])).toBeUndefined();
    expect(closest('cuont', ['count'])).toBe('count');
  });
});

describe('agreement with the simulated kernel', () => {
  it('the structs usable by value are exactly the ones the runtime lays out', async () => {
    const { makeBuiltinTypes } = await import('../../../src/interpreter/rtypes.ts');
    const runtime = [...makeBuiltinTypes().keys()].filter((k) => k.startsWith('struct ')).map((k) => k.slice('struct '.length));
    expect(new Set(runtime)).toEqual(KERNEL_STRUCTS);
  });

  it('the non-integer kernel typedefs the parser knows all resolve in the runtime', async () => {
    const { makeBuiltinTypes } = await import('../../../src/interpreter/rtypes.ts');
    const runtime = new Set(makeBuiltinTypes().keys());
    // These three the interpreter maps by name rather than through its type table.
    const byName = new Set(['irqreturn_t', 'work_func_t', 'cpumask_var_t']);
    expect([...KERNEL_TYPEDEFS].filter((t) => !runtime.has(t) && !byName.has(t))).toEqual([]);
  });
});

describe('type errors gcc rejects, where the static type is known (QA F18)', () => {
  it("'->' on a struct value and '.' on a pointer to a struct", () => {
    expect(check(`struct s { int a; };
void f(void) { struct s x; struct s *p = &x; x->a = 2; p.a = 3; x.a = p->a; }`)).toEqual([
      "2:47: invalid type argument of '->' (have 'struct s') | it is a struct, not a pointer to one: write '.a'",
      "2:57: 'p' is a pointer; did you mean to use '->'? | write '->a' to reach a member through a pointer",
    ]);
  });

  it("unary '*' on an integer; not on pointers, arrays or unknown types", () => {
    expect(check(`void f(int *q, int n) { int arr[2]; long v = 0; v = v + *2; v = *n; v = *q + *arr; v = *(int *)q; }`)).toEqual([
      "1:57: invalid type argument of unary '*' (have 'int')",
      "1:65: invalid type argument of unary '*' (have 'int')",
    ].map((m) => `${m} | only a pointer can be dereferenced; did you mean the value itself, or a multiplication?`));
  });

  it('the value of a void function used in an initializer, assignment, operand or argument', () => {
    const hint = " | 'g' returns void: call it as a statement of its own, or make it return a value";
    expect(check(`static void g(void) { }
static int h(int x) { return x; }
void f(void) { int v = g(); v = g(); v = 1 + g(); h(g()); g(); (void)h(1); }`)).toEqual([
      `3:24: void value not ignored as it ought to be${hint}`,
      `3:33: void value not ignored as it ought to be${hint}`,
      `3:46: void value not ignored as it ought to be${hint}`,
      `3:53: void value not ignored as it ought to be${hint}`,
    ]);
  });
});
