/**
 * Kernel defining macros and initialisers named by issues 2/3: DEFINE_RT_MUTEX,
 * DECLARE_WORK, DECLARE_TASKLET(_OLD), STATIC_LOCKDEP_MAP_INIT, INIT_LOCAL_LOCK,
 * and lockdep_hardirq_threaded().
 */
import { describe, expect, it } from 'vitest';
import type { Program, Stmt, VarDecl } from '../../../src/language/ast.ts';
import { checkProgram } from '../../../src/language/index.ts';
import { fn, ok, parse, sx, ty } from './helpers.ts';

const globals = (p: Program): VarDecl[] => p.decls.filter((d): d is VarDecl => d.kind === 'VarDecl');
const show = (d: VarDecl) => `${d.storage.static ? 'static ' : ''}${d.name}: ${ty(d.type)} [${d.define ?? ''}]${d.defineArgs ? ' (' + d.defineArgs.map(sx).join(', ') + ')' : ''}`;

const SRC = `
static void wfn(struct work_struct *w) { }
static void tfn(struct tasklet_struct *t) { }
static void ofn(unsigned long data) { }
static DEFINE_RT_MUTEX(rtm);
DEFINE_RT_MUTEX(pub_rtm);
static DECLARE_WORK(w, wfn);
static DECLARE_TASKLET(t, tfn);
DECLARE_TASKLET_OLD(t2, ofn);
void f(void)
{
	DECLARE_WORK(lw, wfn);
	rt_mutex_lock(&rtm);
	rt_mutex_unlock(&rtm);
	schedule_work(&lw);
}
`;

describe('defining macros', () => {
  it('DEFINE_RT_MUTEX, DECLARE_WORK, DECLARE_TASKLET and DECLARE_TASKLET_OLD define objects, at file scope and in a block', () => {
    const p = ok(SRC);
    expect(globals(p).map(show)).toEqual([
      'static rtm: struct rt_mutex [DEFINE_RT_MUTEX]',
      'pub_rtm: struct rt_mutex [DEFINE_RT_MUTEX]',
      'static w: struct work_struct [DECLARE_WORK] (wfn)',
      'static t: struct tasklet_struct [DECLARE_TASKLET] (tfn)',
      't2: struct tasklet_struct [DECLARE_TASKLET_OLD] (ofn)',
    ]);
    const first: Stmt = fn(p, 'f').body.items[0];
    expect(first.kind === 'DeclStmt' ? first.decls.map(show) : first.kind).toEqual(['lw: struct work_struct [DECLARE_WORK] (wfn)']);
  });

  it('the macros take exactly their arguments', () => {
    const msgs = (src: string) => parse(src).diagnostics.map((d) => d.message);
    expect(msgs('DECLARE_WORK(w);')).toEqual(["expected ',' in DECLARE_WORK(name, func)"]);
    expect(msgs('DEFINE_RT_MUTEX(a, b);')).toEqual(["expected ')' to close DEFINE_RT_MUTEX("]);
    expect(msgs('DECLARE_TASKLET(t, f) = { };')).toEqual(["DECLARE_TASKLET() already initialises 't'"]);
  });

  it('the checker refuses a callback-binding macro until the runtime lists it among its builtins', () => {
    const p = ok(SRC);
    const base = ['rt_mutex_lock', 'rt_mutex_unlock', 'schedule_work'];
    const without = checkProgram(p, { builtins: new Set(base) }).map((d) => `${d.line}: ${d.message}`);
    expect(without).toEqual([
      '7: DECLARE_WORK() is not implemented by the simulated kernel yet',
      '8: DECLARE_TASKLET() is not implemented by the simulated kernel yet',
      '9: DECLARE_TASKLET_OLD() is not implemented by the simulated kernel yet',
      '12: DECLARE_WORK() is not implemented by the simulated kernel yet',
    ]);
    const withRt = checkProgram(p, { builtins: new Set([...base, 'DECLARE_WORK', 'DECLARE_TASKLET', 'DECLARE_TASKLET_OLD']) });
    expect(withRt).toEqual([]);
  });

  it('a misspelt callback is reported like any undeclared name', () => {
    const p = ok('static void work_fn(struct work_struct *w) { }\nstatic DECLARE_WORK(w, work_fm);\n');
    expect(checkProgram(p, { builtins: new Set(['DECLARE_WORK']) }).map((d) => `${d.message} / ${d.hint}`)).toEqual(["'work_fm' undeclared / did you mean 'work_fn'?"]);
  });
});

describe('lockdep initialisers and APIs', () => {
  it('STATIC_LOCKDEP_MAP_INIT(name, key) is an initializer expression', () => {
    const p = ok('static struct lock_class_key k;\nstatic struct lockdep_map my_map = STATIC_LOCKDEP_MAP_INIT("my_map", &k);\n');
    const m = globals(p)[1];
    expect(m.init && m.init.kind !== 'InitList' ? sx(m.init) : '').toBe('(call STATIC_LOCKDEP_MAP_INIT "my_map" (& k))');
  });

  it('INIT_LOCAL_LOCK(name) stringifies its argument, as the kernel macro does', () => {
    const p = ok('struct pcp { local_lock_t lock; int n; };\nstatic DEFINE_PER_CPU(struct pcp, pcp) = { .lock = INIT_LOCAL_LOCK(lock) };\nstatic DEFINE_PER_CPU(local_lock_t, ll) = INIT_LOCAL_LOCK(ll);\n');
    const [a, b] = globals(p);
    expect(a.init?.kind === 'InitList' ? sx(a.init.items[0].value as never) : '').toBe('(call INIT_LOCAL_LOCK "lock")');
    expect(b.init && b.init.kind !== 'InitList' ? sx(b.init) : '').toBe('(call INIT_LOCAL_LOCK "ll")');
    // `lock` names the map only: not an undeclared variable.
    const msgs = checkProgram(p, { builtins: new Set(['INIT_LOCAL_LOCK']) });
    expect(msgs).toEqual([]);
  });

  it('names a known kernel API the runtime lacks, instead of calling it a typo', () => {
    const p = ok('void f(void) { lockdep_hardirq_threaded(); }\n');
    expect(checkProgram(p, { builtins: new Set() }).map((d) => d.message)).toEqual(["'lockdep_hardirq_threaded' is a kernel API the simulated kernel does not implement yet"]);
    expect(checkProgram(p, { builtins: new Set(['lockdep_hardirq_threaded']) })).toEqual([]);
  });
});

describe('kfree_rcu(ptr, member)', () => {
  it('its second argument names the rcu_head member of *ptr, not a variable', () => {
    const src = (m: string) => `struct n { int v; struct rcu_head rcu; };\nvoid f(void) {\n\tstruct n *p = kzalloc(sizeof(*p), GFP_KERNEL);\n\tkfree_rcu(p, ${m});\n}\n`;
    const run = (m: string) => checkProgram(ok(src(m)), { builtins: new Set(['kzalloc', 'GFP_KERNEL', 'kfree_rcu']) }).map((d) => `${d.message} / ${d.hint}`);
    expect(run('rcu')).toEqual([]);
    expect(run('rcuu')).toEqual(["'struct n' has no member named 'rcuu' / did you mean 'rcu'?"]);
  });
});
