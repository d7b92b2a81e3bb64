import { describe, expect, it } from 'vitest';
import type { FunctionDecl, StructDecl, TypedefDecl, VarDecl } from '../../../src/language/ast.ts';
import { ATTR_WITH_ARGS, IGNORED_WORDS } from '../../../src/language/parse-core.ts';
import { errs, fn, ok, parse, sx, ty } from './helpers.ts';

const vars = (src: string) => ok(src).decls.filter((d): d is VarDecl => d.kind === 'VarDecl');
const varTypes = (src: string) => vars(src).map((v) => `${v.name}: ${ty(v.type)}`);

describe('declarations: types', () => {
  it('normalises integer keyword combinations (LP64)', () => {
    const v = vars('unsigned a; long b; unsigned long c; long long d; unsigned long long e; short f; unsigned char g; signed char h; char i; long int j; bool k; _Bool l; unsigned int m;');
    expect(v.map((x) => (x.type.kind === 'IntType' ? `${x.type.name}/${x.type.bits}/${x.type.signed ? 's' : 'u'}` : '?'))).toEqual([
      'unsigned int/32/u', 'long/64/s', 'unsigned long/64/u', 'long long/64/s', 'unsigned long long/64/u', 'short/16/s',
      'unsigned char/8/u', 'signed char/8/s', 'char/8/s', 'long/64/s', 'bool/8/u', 'bool/8/u', 'unsigned int/32/u',
    ]);
  });

  it('knows the kernel fixed-width and opaque types', () => {
    const v = vars('u8 a; s16 b; u32 c; u64 d; s64 e; size_t f; atomic_t g; refcount_t h; spinlock_t i; raw_spinlock_t j; rwlock_t k;');
    expect(v.map((x) => x.type.kind + ':' + ty(x.type))).toEqual([
      'IntType:u8', 'IntType:s16', 'IntType:u32', 'IntType:u64', 'IntType:s64', 'IntType:size_t',
      'NamedType:atomic_t', 'NamedType:refcount_t', 'NamedType:spinlock_t', 'NamedType:raw_spinlock_t', 'NamedType:rwlock_t',
    ]);
  });

  it('parses pointers, arrays and function pointers', () => {
    expect(varTypes('int *a[3]; int (*b)[3]; u64 c[2][4]; void (*d)(struct work_struct *); const char *const e; struct kvm_vcpu **f;')).toEqual([
      'a: array(ptr(int), 3)',
      'b: ptr(array(int, 3))',
      'c: array(array(u64, 4), 2)',
      'd: ptr(fn(ptr(struct work_struct)) -> void)',
      'e: ptr(const char) const',
      'f: ptr(ptr(struct kvm_vcpu))',
    ]);
  });

  it('struct definitions with nested and embedded members', () => {
    const p = ok('struct outer {\n\tspinlock_t lock;\n\tstruct list_head node;\n\tstruct inner { int a; } in;\n\tstruct { int x, y; };\n\tvoid (*cb)(struct outer *o);\n\tu32 lr[16];\n};');
    const ss = p.decls.filter((d): d is StructDecl => d.kind === 'StructDecl');
    expect(ss.map((s) => s.name)).toEqual(['inner', 'outer']);
    const outer = ss[1];
    expect(outer.fields!.map((f) => `${f.name ?? '<anon>'}: ${ty(f.type)}`)).toEqual([
      'lock: spinlock_t', 'node: struct list_head', 'in: struct inner', '<anon>: struct <anon>', 'cb: ptr(fn(ptr(struct outer)) -> void)', 'lr: array(u32, 16)',
    ]);
  });

  it('unions, enums and typedefs', () => {
    const p = ok('union u { u32 w; u8 b[4]; };\nenum state { IDLE, BUSY = 5, DONE };\ntypedef struct foo foo_t;\ntypedef unsigned long flags_t;\nfoo_t *f; flags_t fl; enum state s;');
    const u = p.decls[0] as StructDecl;
    expect(u.union).toBe(true);
    const e = p.decls[1];
    expect(e.kind === 'EnumDecl' && e.members!.map((m) => m.name + (m.value ? '=' + sx(m.value) : ''))).toEqual(['IDLE', 'BUSY=5', 'DONE']);
    expect(p.decls.filter((d): d is TypedefDecl => d.kind === 'TypedefDecl').map((t) => `${t.name}=${ty(t.type)}`)).toEqual(['foo_t=struct foo', 'flags_t=unsigned long']);
    expect(varTypes('typedef struct foo foo_t;\nfoo_t *f;')).toEqual(['f: ptr(foo_t)']);
  });

  it('a program may re-typedef a kernel type name', () => {
    const p = ok('typedef unsigned int u32;\ntypedef struct foo foo;\nu32 a;\nfoo *b;');
    expect(p.decls.map((d) => d.kind + ':' + d.name)).toEqual(['TypedefDecl:u32', 'TypedefDecl:foo', 'VarDecl:a', 'VarDecl:b']);
  });

  it('typeof in declarations', () => {
    expect(varTypes('int a; typeof(a) b; __typeof__(int) c;')).toEqual(['a: int', 'b: typeof(a)', 'c: int']);
  });
});

describe('declarations: kernel defining macros', () => {
  it('DEFINE_SPINLOCK and friends define typed variables', () => {
    const v = vars('DEFINE_SPINLOCK(a);\nstatic DEFINE_RAW_SPINLOCK(b);\nDEFINE_MUTEX(c);\nDEFINE_RWLOCK(d);\nDECLARE_RWSEM(e);\nLIST_HEAD(f);\nstruct lock_class_key k;');
    expect(v.map((x) => `${x.name}: ${ty(x.type)} ${x.define ?? '-'}${x.storage.static ? ' static' : ''}`)).toEqual([
      'a: spinlock_t DEFINE_SPINLOCK',
      'b: raw_spinlock_t DEFINE_RAW_SPINLOCK static',
      'c: struct mutex DEFINE_MUTEX',
      'd: rwlock_t DEFINE_RWLOCK',
      'e: struct rw_semaphore DECLARE_RWSEM',
      'f: struct list_head LIST_HEAD',
      'k: struct lock_class_key -',
    ]);
  });

  it('DEFINE_PER_CPU(type, name), DECLARE_PER_CPU and DECLARE_BITMAP', () => {
    const v = vars('DECLARE_PER_CPU(struct list_head, l);\nstatic DEFINE_PER_CPU(raw_spinlock_t, lk);\nDEFINE_PER_CPU(int, cnt) = 3;\nDECLARE_BITMAP(bits, 64 + 1);');
    expect(v.map((x) => `${x.name}: ${ty(x.type)} ${x.define} percpu=${!!x.perCpu} extern=${!!x.storage.extern} static=${!!x.storage.static}`)).toEqual([
      'l: struct list_head DECLARE_PER_CPU percpu=true extern=true static=false',
      'lk: raw_spinlock_t DEFINE_PER_CPU percpu=true extern=false static=true',
      'cnt: int DEFINE_PER_CPU percpu=true extern=false static=false',
      'bits: bitmap((+ 64 1)) DECLARE_BITMAP percpu=false extern=false static=false',
    ]);
    expect(vars('DEFINE_PER_CPU(int, cnt) = 3;')[0].init).toMatchObject({ kind: 'IntLit', value: 3n });
  });

  it('local defining macros become declarations', () => {
    const f = fn(ok('void f(void) { DEFINE_SPINLOCK(l); LIST_HEAD(todo); DECLARE_BITMAP(m, 8); }'), 'f');
    expect(f.body.items.map((s) => (s.kind === 'DeclStmt' ? s.decls.map((d) => d.define).join() : s.kind))).toEqual(['DEFINE_SPINLOCK', 'LIST_HEAD', 'DECLARE_BITMAP']);
  });

  it('rejects an initializer on a self-initialising macro', () => {
    expect(errs('DEFINE_SPINLOCK(a) = 1;')).toEqual(["1:22: DEFINE_SPINLOCK() already initialises 'a'"]);
  });
});

describe('declarations: functions, storage and attributes', () => {
  it('accepts and ignores the kernel attributes', () => {
    const p = ok(
      'static inline __must_check bool a(void) { return 1; }\n' +
        'static noinline void __init b(void) __acquires(x) { }\n' +
        'static int c __read_mostly __maybe_unused = 2;\n' +
        'void __attribute__((noreturn)) d(int *__percpu p, void __iomem *q, char __user *u);\n' +
        'static struct s { int v; } __packed __aligned(8) e;\n' +
        'notrace void f(register int r) { }\n' +
        'extern volatile unsigned long jiffies_like;',
    );
    expect(p.decls.map((d) => `${d.kind}:${d.name}`)).toEqual(['FunctionDef:a', 'FunctionDef:b', 'VarDecl:c', 'FunctionDecl:d', 'StructDecl:s', 'VarDecl:e', 'FunctionDef:f', 'VarDecl:jiffies_like']);
    const a = fn(p, 'a');
    expect(a.storage).toEqual({ static: true, inline: true });
    expect(a.attrs).toContain('__must_check');
    expect((p.decls[7] as VarDecl).storage.extern).toBe(true);
    for (const w of ['inline', '__inline', '__inline__', '__always_inline']) {
      expect(fn(ok(`static ${w} int g(void) { return 0; }`), 'g').storage, w).toEqual({ static: true, inline: true });
      expect(fn(ok(`${w} static int g(void) { return 0; }`), 'g').storage, w).toEqual({ static: true, inline: true });
    }
    expect(ty((ok('const static int k = 1;').decls[0] as VarDecl).type)).toBe('const int');
  });

  it('accepts every listed attribute word in front of a declaration and after a pointer star', () => {
    for (const w of IGNORED_WORDS) {
      const p = parse(`${w} int a;\nint * ${w} b;`);
      expect(p.diagnostics, w).toEqual([]);
      expect(p.program!.decls.map((d) => d.name), w).toEqual(['a', 'b']);
    }
    for (const w of ATTR_WITH_ARGS) {
      const p = parse(`${w}(x, 1) int a;\nvoid f(void) ${w}(y);`);
      expect(p.diagnostics, w).toEqual([]);
    }
  });

  it('records positions and extent of function definitions', () => {
    const f = fn(ok('\nstatic void\nklist_del(struct klist_node *n)\n{\n\treturn;\n}\n'), 'klist_del');
    expect(f.pos).toMatchObject({ line: 3, col: 1 });
    expect(f.start).toMatchObject({ line: 2, col: 1 });
    expect(f.end).toMatchObject({ line: 6, col: 1 });
    expect(f.params.map((p) => `${p.name}: ${ty(p.type)}`)).toEqual(['n: ptr(struct klist_node)']);
  });

  it('prototypes, with and without parameter names, and variadic builtins', () => {
    const p = ok('int printk(const char *fmt, ...);\nvoid g(int, struct kvm *);\nvoid h(void);\nvoid k();');
    const ds = p.decls as FunctionDecl[];
    expect(ds.map((d) => `${d.name}(${d.params.length}${d.variadic ? ',...' : ''})`)).toEqual(['printk(1,...)', 'g(2)', 'h(0)', 'k(0)']);
  });

  it('initializers: scalars, designated and nested lists', () => {
    const v = vars('int a = 1 + 2;\nint arr[] = { 1, 2, [5] = 3 };\nstruct p q = { .x = 1, .in.y = { 2 } };');
    expect(v[1].init).toMatchObject({ kind: 'InitList', items: [{ designators: [] }, { designators: [] }, { designators: [{ kind: 'IndexDesignator' }] }] });
    const q = v[2].init;
    expect(q && q.kind === 'InitList' && q.items[1].designators.map((d) => (d.kind === 'FieldDesignator' ? d.field : '?'))).toEqual(['in', 'y']);
  });
});

describe('declarations: kernel boilerplate at file scope', () => {
  it('module metadata, exports and initcalls are accepted and dropped', () => {
    const p = ok('void klist_init(void) { }\nEXPORT_SYMBOL_GPL(klist_init);\nMODULE_LICENSE("GPL");\nlate_initcall(klist_init)\nstatic_assert(sizeof(int) == 4, "int");\nint after;');
    expect(p.decls.map((d) => d.name)).toEqual(['klist_init', 'after']);
  });
});

describe('declarations: outside the subset', () => {
  it('says precisely what is not supported', () => {
    expect(errs('double d;')).toEqual(['1:1: floating-point types are outside the simulated subset']);
    expect(errs('struct s { unsigned int a : 3; };')).toEqual(['1:27: bit-fields are outside the simulated subset']);
    expect(errs('int f(int n, ...) { return n; }')).toEqual(["1:5: variadic function definition 'f' is outside the simulated subset"]);
    expect(errs('int f(a, b) int a; int b; { return a; }')).toEqual(["1:7: K&R-style parameter 'a' is outside the simulated subset"]);
    expect(errs('_Atomic int x;')).toEqual(['1:1: _Atomic is outside the simulated subset; use atomic_t and atomic_*()']);
    expect(errs('void f(void) { void g(void) { } }')).toEqual(["1:21: function definition of 'g' inside another function"]);
  });

  it('reports conflicting type specifiers and void variables', () => {
    expect(errs('int char x;')).toEqual(["1:1: two or more data types in declaration specifiers ('int char')"]);
    expect(errs('struct s int x;')).toEqual(["1:10: two or more data types in declaration specifiers"]);
    expect(errs('void v;')).toEqual(["1:6: variable 'v' declared void"]);
  });
});
