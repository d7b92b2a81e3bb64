/**
 * Name resolution over a parsed Program, before anything runs: the mistakes
 * a compiler would catch (undeclared names, implicit function declarations,
 * unknown types and fields, duplicate definitions, misplaced break/continue,
 * missing goto labels, wrong argument counts). Types are followed only as far
 * as needed to know which struct a `.`/`->` reaches; anything unknown is
 * given the benefit of the doubt (the runtime checks the rest).
 */
import type { Diagnostic } from '../engine/api.ts';
import type { SourcePos } from '../events/types.ts';
import type {
  Block,
  Expr,
  Field,
  FunctionDef,
  Initializer,
  Program,
  Stmt,
  StructDecl,
  TypeNode,
  VarDecl,
} from './ast.ts';
import { KERNEL_INT_TYPEDEFS, KERNEL_TYPEDEFS } from './builtin-types.ts';
import { allFields, checkStaticClashes, collectGlobals, KERNEL_STRUCTS, walkStmts, where, type Globals } from './check-globals.ts';
import { capDiagnostics, diag } from './diagnostics.ts';
import { LOCK_ARG_TYPE, LOCK_FOR_TYPE } from './lock-api.ts';
import { closest, maybe, suggest } from './suggest.ts';

export { closest } from './suggest.ts';
export { KERNEL_STRUCTS } from './check-globals.ts';

export interface CheckOptions {
  /** Every name the runtime provides: functions, macros used as calls, constants (`current`, `NULL`, `GFP_KERNEL`). */
  builtins: ReadonlySet<string>;
  /** Struct tags the runtime implements (`mutex`, `list_head`...); defaults to KERNEL_STRUCTS. */
  kernelStructs?: ReadonlySet<string>;
  /** Lock guard classes usable in guard()/scoped_guard(); defaults to KERNEL_GUARDS. */
  guards?: ReadonlySet<string>;
  /**
   * The runtime keys functions and globals by `linkName` (see link.ts), so a
   * `static` in one .c file and a same-named symbol in another are distinct.
   * Without it, such a clash is refused: a runtime keying by `name` would mix them up.
   */
  linkNames?: boolean;
}

/** cleanup.h guard classes (DEFINE_GUARD / DEFINE_LOCK_GUARD_1 names) the simulated kernel implements. */
export const KERNEL_GUARDS: ReadonlySet<string> = new Set([
  'spinlock', 'spinlock_irq', 'spinlock_irqsave', 'spinlock_bh', 'spinlock_nested',
  'raw_spinlock', 'raw_spinlock_irq', 'raw_spinlock_irqsave', 'raw_spinlock_nested',
  'read_lock', 'read_lock_irq', 'read_lock_irqsave', 'write_lock', 'write_lock_irq', 'write_lock_irqsave',
  'mutex', 'rwsem_read', 'rwsem_write', 'rcu', 'irq', 'irqsave', 'preempt',
  'local_lock', 'local_lock_irq', 'local_lock_irqsave',
]);

/**
 * Kernel APIs the front end parses (issues 2/3) that the runtime does not
 * provide yet (they are not in CheckOptions.builtins): said plainly rather
 * than as a misspelling.
 */
const KERNEL_APIS_PENDING: ReadonlySet<string> = new Set(['lockdep_hardirq_threaded', 'STATIC_LOCKDEP_MAP_INIT', 'INIT_LOCAL_LOCK']);

/**
 * Defining macros whose static initialisation (binding the callback) needs
 * the runtime's support: accepted only once the runtime lists the macro's
 * name in CheckOptions.builtins, so a program never runs with a work item or
 * tasklet silently left without its function.
 */
const DEFINES_NEEDING_RUNTIME: ReadonlySet<string> = new Set(['DECLARE_WORK', 'DECLARE_TASKLET', 'DECLARE_TASKLET_OLD']);

function checkDefine(cx: Ctx, d: VarDecl): void {
  if (d.define && DEFINES_NEEDING_RUNTIME.has(d.define) && !cx.opts.builtins.has(d.define)) {
    cx.out.push(diag(d.pos, `${d.define}() is not implemented by the simulated kernel yet`, d.define === 'DECLARE_WORK' ? `declare 'struct work_struct ${d.name};' and call INIT_WORK(&${d.name}, func) before using it` : `declare 'struct tasklet_struct ${d.name};' and call ${d.define === 'DECLARE_TASKLET' ? 'tasklet_setup(&' + d.name + ', func)' : 'tasklet_init(&' + d.name + ', func, 0)'} before using it`));
  }
  for (const a of d.defineArgs ?? []) checkExpr(cx, a);
}

/** Arguments that name a struct member, not a variable: builtin -> index. */
const MEMBER_ARG: Record<string, number> = {
  container_of: 2,
  container_of_const: 2,
  list_entry: 2,
  list_first_entry: 2,
  list_last_entry: 2,
  list_first_entry_or_null: 2,
  list_last_entry_or_null: 2,
  list_entry_rcu: 2,
  list_first_or_null_rcu: 2,
  list_next_entry: 1,
  list_prev_entry: 1,
  list_next_entry_circular: 2,
  list_prev_entry_circular: 2,
  hlist_entry: 2,
  hlist_entry_safe: 2,
  offsetof: 1,
  sizeof_field: 1,
  // kfree_rcu(ptr, rcu_head_member)
  kfree_rcu: 1,
  kvfree_rcu: 1,
};

/** Builtins whose member argument names a field of what their first argument points to. */
const MEMBER_OF_FIRST_ARG = new Set(['list_next_entry', 'list_prev_entry', 'kfree_rcu', 'kvfree_rcu']);

/** Iterator macros: index of their member argument (they also declare nothing: pos is an existing variable). */
const FOREACH_MEMBER_ARG: Record<string, number> = {
  list_for_each_entry: 2,
  list_for_each_entry_continue: 2,
  list_for_each_entry_reverse: 2,
  list_for_each_entry_rcu: 2,
  list_for_each_entry_from: 2,
  list_for_each_entry_safe: 3,
  list_for_each_entry_safe_reverse: 3,
  hlist_for_each_entry: 2,
  hlist_for_each_entry_rcu: 2,
  hlist_for_each_entry_safe: 3,
};

/** Builtins that return a pointer to their type argument's struct (for field checks on the result). */
const RETURNS_TYPE_ARG = new Set([
  'container_of', 'container_of_const', 'list_entry', 'list_first_entry', 'list_last_entry', 'list_first_entry_or_null',
  'list_last_entry_or_null', 'list_entry_rcu', 'list_first_or_null_rcu', 'hlist_entry', 'hlist_entry_safe',
]);

interface Ctx {
  g: Globals;
  opts: CheckOptions;
  kernelStructs: ReadonlySet<string>;
  out: Diagnostic[];
  scopes: Array<Map<string, TypeNode>>;
  fn: FunctionDef | null;
  /** Translation unit of the function or global initializer being checked. */
  unit?: string;
  loops: number;
  breakables: number;
  switches: number;
  labels: Set<string>;
  gotos: Array<{ label: string; pos: SourcePos }>;
}

export function checkProgram(program: Program, opts: CheckOptions): Diagnostic[] {
  try {
    return capDiagnostics(checkAll(program, opts));
  } catch (e) {
    // A checker bug must not take the run down with a stack trace.
    const first = program.decls[0]?.pos ?? { file: program.files[0] ?? '<input>', line: 1, col: 1 };
    return [diag(first, `internal error in the C checker: ${e instanceof Error ? e.message : String(e)}`, 'please report this program to the course maintainers')];
  }
}

function checkAll(program: Program, opts: CheckOptions): Diagnostic[] {
  const g: Globals = { functions: new Map(), vars: new Map(), enumConsts: new Set(), typedefs: new Map(), structs: new Map(), forward: new Set(), mustCheck: new Set() };
  const cx: Ctx = {
    g,
    opts,
    kernelStructs: opts.kernelStructs ?? KERNEL_STRUCTS,
    out: [],
    scopes: [],
    fn: null,
    loops: 0,
    breakables: 0,
    switches: 0,
    labels: new Set(),
    gotos: [],
  };
  collectGlobals(program, cx);
  if (!opts.linkNames) checkStaticClashes(program, cx);
  for (const d of program.decls) {
    if (d.kind === 'VarDecl' || d.kind === 'FunctionDef') cx.unit = d.unit;
    if (d.kind === 'StructDecl' && d.fields) for (const f of d.fields) checkFieldType(cx, f);
    if (d.kind === 'TypedefDecl') checkType(cx, d.type, d.pos, false);
    if (d.kind === 'VarDecl') {
      checkType(cx, d.type, d.pos, !d.storage.extern, d.name);
      if (d.init) checkInit(cx, d.init);
      checkDefine(cx, d);
    }
    if (d.kind === 'FunctionDecl') for (const prm of d.params) checkType(cx, prm.type, prm.pos, false);
    if (d.kind === 'FunctionDef') checkFunction(cx, d);
  }
  return cx.out;
}

// ---------------------------------------------------------------------------
// Types

function checkFieldType(cx: Ctx, f: Field): void {
  checkType(cx, f.type, f.pos, true, f.name ?? undefined);
}

/** Unknown type names anywhere in the type; incomplete struct types where a value is needed. */
function checkType(cx: Ctx, t: TypeNode, pos: SourcePos, needsComplete: boolean, what?: string): void {
  switch (t.kind) {
    case 'NamedType':
      if (!cx.g.typedefs.has(t.name) && !KERNEL_TYPEDEFS.has(t.name) && !KERNEL_INT_TYPEDEFS.has(t.name)) {
        cx.out.push(diag(t.pos, `unknown type name '${t.name}'`, suggest(t.name, [...cx.g.typedefs.keys(), ...KERNEL_TYPEDEFS, ...KERNEL_INT_TYPEDEFS.keys()]) ?? `declare it first: typedef ... ${t.name};`));
      }
      return;
    case 'StructType':
      if (t.def) {
        for (const f of t.def.fields ?? []) checkFieldType(cx, f);
        return;
      }
      if (needsComplete && t.name !== null && !cx.g.structs.has(t.name) && !cx.kernelStructs.has(t.name)) {
        const kw = t.union ? 'union' : 'struct';
        cx.out.push(
          diag(t.pos, what ? `'${what}' has incomplete type '${kw} ${t.name}'` : `incomplete type '${kw} ${t.name}'`, cx.g.forward.has(t.name) ? `${kw} ${t.name} is only declared; define it with its fields: ${kw} ${t.name} { ... };` : `${kw} ${t.name} is not defined in this program${maybe(t.name, [...cx.g.structs.keys(), ...cx.kernelStructs])}`),
        );
      }
      return;
    case 'PointerType':
      checkType(cx, t.to, pos, false);
      return;
    case 'ArrayType':
      checkType(cx, t.of, pos, needsComplete, what);
      if (t.size) checkExpr(cx, t.size);
      return;
    case 'FunctionType':
      checkType(cx, t.ret, pos, false);
      for (const p of t.params) checkType(cx, p.type, p.pos, false);
      return;
    case 'BitmapType':
      checkExpr(cx, t.bits);
      return;
    case 'TypeofType':
      checkExpr(cx, t.expr);
      return;
    default:
      return;
  }
}

/** Follow typedefs to the underlying type. */
function resolve(cx: Ctx, t: TypeNode | null): TypeNode | null {
  let cur = t;
  for (let n = 0; cur && cur.kind === 'NamedType' && n < 20; n++) {
    const next = cx.g.typedefs.get(cur.name);
    // A kernel type (spinlock_t) or an unknown name: the NamedType is as far as it goes.
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

/** The struct definition a value of this type is, if the program defines it. */
function structOf(cx: Ctx, t: TypeNode | null): StructDecl | null {
  const r = resolve(cx, t);
  if (!r || r.kind !== 'StructType') return null;
  if (r.def) return r.def;
  return r.name ? cx.g.structs.get(r.name) ?? null : null;
}

function pointee(cx: Ctx, t: TypeNode | null): TypeNode | null {
  const r = resolve(cx, t);
  if (!r) return null;
  if (r.kind === 'PointerType') return r.to;
  if (r.kind === 'ArrayType') return r.of;
  return null;
}

// ---------------------------------------------------------------------------
// Functions and statements

function checkFunction(cx: Ctx, fn: FunctionDef): void {
  cx.fn = fn;
  cx.labels = new Set();
  cx.gotos = [];
  cx.loops = 0;
  cx.breakables = 0;
  cx.switches = 0;
  checkType(cx, fn.ret, fn.pos, false);
  const params = new Map<string, TypeNode>();
  for (const p of fn.params) {
    checkType(cx, p.type, p.pos, false);
    if (!p.name) continue;
    if (params.has(p.name)) cx.out.push(diag(p.pos, `redefinition of parameter '${p.name}'`, 'give each parameter its own name'));
    params.set(p.name, p.type);
  }
  cx.scopes = [params];
  // Labels are function-wide: collect first so forward gotos resolve.
  walkStmts(fn.body, (s) => {
    if (s.kind !== 'Labeled') return;
    if (cx.labels.has(s.label)) cx.out.push(diag(s.pos, `duplicate label '${s.label}'`, 'labels must be unique within a function'));
    cx.labels.add(s.label);
  });
  checkBlock(cx, fn.body, false);
  for (const gt of cx.gotos) {
    if (!cx.labels.has(gt.label)) cx.out.push(diag(gt.pos, `label '${gt.label}' used but not defined`, suggest(gt.label, cx.labels) ?? `add '${gt.label}:' before the statement to jump to`));
  }
  cx.fn = null;
}

function checkBlock(cx: Ctx, b: Block, reuseScope: boolean): void {
  if (!reuseScope) cx.scopes.push(new Map());
  for (const s of b.items) checkStmt(cx, s);
  if (!reuseScope) cx.scopes.pop();
}

function declareLocal(cx: Ctx, d: VarDecl): void {
  checkType(cx, d.type, d.pos, !d.storage.extern, d.name);
  const scope = cx.scopes[cx.scopes.length - 1];
  if (scope.has(d.name)) {
    cx.out.push(diag(d.pos, `redefinition of '${d.name}'`, 'a variable is declared twice in the same block; rename or remove one'));
  }
  // In scope from the end of its declarator: `p = kzalloc(sizeof(*p), ...)` is fine.
  scope.set(d.name, d.type);
  if (d.init) checkInit(cx, d.init);
  checkDefine(cx, d);
}

function checkStmt(cx: Ctx, s: Stmt): void {
  switch (s.kind) {
    case 'Block':
      checkBlock(cx, s, false);
      return;
    case 'DeclStmt':
      for (const d of s.decls) declareLocal(cx, d);
      return;
    case 'TypeDeclStmt':
      if (s.decl.kind === 'StructDecl') for (const f of s.decl.fields ?? []) checkFieldType(cx, f);
      return;
    case 'ExprStmt': {
      checkExpr(cx, s.expr);
      const e = s.expr;
      if (e.kind === 'Call' && e.callee.kind === 'Ident' && cx.g.mustCheck.has(symKey(e.callee)) && lookupVar(cx, symKey(e.callee)) === undefined) {
        // gcc: -Wunused-result; in seed 002 dropping vgic_put_irq_norelease()'s result leaks the LPI.
        cx.out.push(diag(e.pos, `ignoring return value of '${e.callee.name}' declared with attribute __must_check`, 'use the result (e.g. deleted |= ...), as the caller is expected to act on it', 'warning'));
      }
      return;
    }
    case 'If':
      checkExpr(cx, s.cond);
      checkStmt(cx, s.then);
      if (s.else) checkStmt(cx, s.else);
      return;
    case 'While':
    case 'DoWhile':
      checkExpr(cx, s.cond);
      inLoop(cx, () => checkStmt(cx, s.body));
      return;
    case 'For':
      cx.scopes.push(new Map());
      if (s.init) {
        if (s.init.kind === 'DeclStmt') for (const d of s.init.decls) declareLocal(cx, d);
        else checkExpr(cx, s.init);
      }
      if (s.cond) checkExpr(cx, s.cond);
      if (s.step) checkExpr(cx, s.step);
      inLoop(cx, () => checkStmt(cx, s.body));
      cx.scopes.pop();
      return;
    case 'ForEach': {
      const mi = FOREACH_MEMBER_ARG[s.macro];
      s.args.forEach((a, i) => {
        if (i !== mi) checkExpr(cx, a);
      });
      if (mi !== undefined && s.args[mi]) {
        checkMemberName(cx, pointee(cx, typeOf(cx, s.args[0])), s.args[mi]);
      }
      inLoop(cx, () => checkStmt(cx, s.body));
      return;
    }
    case 'Switch':
      checkExpr(cx, s.expr);
      if (s.body.kind !== 'Block') {
        cx.out.push(diag(s.body.pos, 'the body of a switch must be a { } block in the simulated subset', 'write switch (x) { case ...: ... }'));
      }
      cx.switches++;
      cx.breakables++;
      if (s.body.kind === 'Block') {
        // Labels must be direct items of the body (as the runtime dispatches them); nested ones are refused below.
        cx.scopes.push(new Map());
        for (const item of s.body.items) {
          let it: Stmt = item;
          while (it.kind === 'Labeled') it = it.stmt;
          if (it.kind === 'Case') {
            checkExpr(cx, it.value);
            if (it.high) checkExpr(cx, it.high);
          } else if (it.kind !== 'Default') checkStmt(cx, item);
        }
        cx.scopes.pop();
      } else if (s.body.kind !== 'Case' && s.body.kind !== 'Default') checkStmt(cx, s.body);
      cx.breakables--;
      cx.switches--;
      return;
    case 'Case':
    case 'Default': {
      const what = s.kind === 'Case' ? 'case' : 'default';
      if (cx.switches === 0) cx.out.push(diag(s.pos, `'${what}' label not within a switch statement`, 'put it inside switch (...) { ... }'));
      else cx.out.push(diag(s.pos, `'${what}' label inside a nested statement of the switch is outside the simulated subset`, `put every '${what}' directly in the switch's { } block`));
      if (s.kind === 'Case') checkExpr(cx, s.value);
      return;
    }
    case 'Break':
      if (cx.breakables === 0) cx.out.push(diag(s.pos, 'break statement not within loop or switch', 'use return or goto to leave the function early'));
      return;
    case 'Continue':
      if (cx.loops === 0) cx.out.push(diag(s.pos, 'continue statement not within a loop', 'continue only makes sense inside for/while/do or a list_for_each_entry() loop'));
      return;
    case 'Return': {
      const ret = cx.fn ? resolve(cx, cx.fn.ret) : null;
      if (s.value) {
        checkExpr(cx, s.value);
        // GNU C lets a void function `return f();` when f() is void too (kernel code does this).
        const voidCall = s.value.kind === 'Call' && (resolve(cx, typeOf(cx, s.value))?.kind ?? 'VoidType') === 'VoidType';
        if (ret?.kind === 'VoidType' && !voidCall) cx.out.push(diag(s.pos, `'return' with a value, in function returning void`, `'${cx.fn!.name}' is declared void; remove the value or change the return type`));
      } else if (ret && ret.kind !== 'VoidType') {
        cx.out.push(diag(s.pos, `'return' with no value, in function returning non-void`, `'${cx.fn!.name}' must return a value`));
      }
      return;
    }
    case 'Goto':
      cx.gotos.push({ label: s.label, pos: s.pos });
      return;
    case 'Labeled':
      checkStmt(cx, s.stmt);
      return;
    case 'ScopedGuard':
      checkGuardType(cx, s.guardType, s.pos, 'scoped_guard');
      for (const a of s.args) checkExpr(cx, a);
      // scoped_guard is a one-shot for loop in cleanup.h: break leaves the guarded scope.
      cx.breakables++;
      checkStmt(cx, s.body);
      cx.breakables--;
      return;
    case 'Guard':
      checkGuardType(cx, s.guardType, s.pos, 'guard');
      for (const a of s.args) checkExpr(cx, a);
      return;
    case 'Empty':
      return;
  }
}

function checkGuardType(cx: Ctx, type: string, pos: SourcePos, what: string): void {
  const guards = cx.opts.guards ?? KERNEL_GUARDS;
  if (guards.has(type)) return;
  cx.out.push(diag(pos, `unknown lock guard class '${type}' in ${what}()`, suggest(type, guards) ?? `known classes: ${[...guards].join(', ')}`));
}

function inLoop(cx: Ctx, f: () => void): void {
  cx.loops++;
  cx.breakables++;
  f();
  cx.breakables--;
  cx.loops--;
}

function checkInit(cx: Ctx, init: Initializer): void {
  if (init.kind === 'InitList') {
    for (const item of init.items) {
      for (const d of item.designators) if (d.kind === 'IndexDesignator') checkExpr(cx, d.index);
      checkInit(cx, item.value);
    }
  } else checkValue(cx, init);
}

/** An expression whose value is used: a call of a void function has none (gcc rejects it). */
function checkValue(cx: Ctx, e: Expr): void {
  checkExpr(cx, e);
  if (e.kind === 'Call' && e.callee.kind === 'Ident' && resolve(cx, typeOf(cx, e))?.kind === 'VoidType') {
    cx.out.push(diag(e.pos, 'void value not ignored as it ought to be', `'${e.callee.name}' returns void: call it as a statement of its own, or make it return a value`));
  }
}

// ---------------------------------------------------------------------------
// Expressions

/** Key of a name in Globals: a reference to its unit's static carries that static's linkName. */
const symKey = (e: { name: string; linkName?: string }): string => e.linkName ?? e.name;

function lookupVar(cx: Ctx, name: string): TypeNode | null | undefined {
  for (let i = cx.scopes.length - 1; i >= 0; i--) {
    const t = cx.scopes[i].get(name);
    if (t) return t;
  }
  const g = cx.g.vars.get(name);
  if (g) return g.type;
  return undefined;
}

function known(cx: Ctx, name: string): boolean {
  return lookupVar(cx, name) !== undefined || cx.g.functions.has(name) || cx.g.enumConsts.has(name) || cx.opts.builtins.has(name) || name === '__func__' || name === '__FUNCTION__';
}

function candidates(cx: Ctx): string[] {
  const out: string[] = [];
  for (const s of cx.scopes) out.push(...s.keys());
  out.push(...visibleNames(cx, cx.g.vars), ...visibleNames(cx, cx.g.functions), ...cx.g.enumConsts, ...cx.opts.builtins);
  return out;
}

/** Names of the symbols visible here (another unit's statics are not, so they are not suggested). */
function visibleNames(cx: Ctx, m: ReadonlyMap<string, { name: string; linkage?: string; unit?: string }>): string[] {
  const out: string[] = [];
  for (const d of m.values()) if (d.linkage !== 'internal' || d.unit === cx.unit) out.push(d.name);
  return out;
}

/** `helper` used in one .c file but defined `static` in another: say why it is not visible. */
function staticElsewhere(cx: Ctx, name: string): string | undefined {
  for (const m of [cx.g.functions, cx.g.vars] as ReadonlyArray<ReadonlyMap<string, { name: string; linkage?: string; unit?: string }>>) {
    for (const d of m.values()) {
      if (d.name === name && d.linkage === 'internal') return `'${name}' is static in ${d.unit}, so only that file can use it; drop 'static' there and declare it here (or in a shared header)`;
    }
  }
  return undefined;
}

/** A reference, from another unit, to a static of some unit (not shadowed by a local): gcc cannot link it. */
function foreignStatic(cx: Ctx, e: { name: string; linkName?: string; pos: SourcePos }): boolean {
  if (cx.unit === undefined || cx.scopes.some((s) => s.has(e.name))) return false;
  const d = cx.g.functions.get(symKey(e)) ?? cx.g.vars.get(symKey(e));
  if (!d || d.linkage !== 'internal' || d.unit === undefined || d.unit === cx.unit) return false;
  cx.out.push(diag(e.pos, `'${e.name}' is static in another file (${where(d.pos)}), so this file cannot use it`, `a static is private to its file: drop 'static' there and declare '${e.name}' in ${cx.unit} (or in a shared header)`));
  return true;
}

function checkExpr(cx: Ctx, e: Expr): void {
  switch (e.kind) {
    case 'IntLit':
    case 'CharLit':
    case 'StringLit':
    case 'TypeArg':
      if (e.kind === 'TypeArg') checkType(cx, e.type, e.pos, false);
      return;
    case 'Ident':
      if (foreignStatic(cx, e)) return;
      if (!known(cx, symKey(e))) {
        const s = closest(e.name, candidates(cx));
        const hint = staticElsewhere(cx, e.name) ?? (s ? `did you mean '${s}'?` : `declare '${e.name}' before using it`);
        cx.out.push(diag(e.pos, `'${e.name}' undeclared${cx.fn ? ' (first use in this function)' : ''}`, hint));
      }
      return;
    case 'Unary':
      if (e.op === '&') checkExpr(cx, e.operand);
      else checkValue(cx, e.operand);
      if (e.op === '*') checkDeref(cx, e.operand, e.pos);
      return;
    case 'Update':
      checkExpr(cx, e.operand);
      return;
    case 'Binary':
      checkValue(cx, e.left);
      checkValue(cx, e.right);
      return;
    case 'Assign':
      checkExpr(cx, e.target);
      checkValue(cx, e.value);
      return;
    case 'Conditional':
      checkExpr(cx, e.cond);
      if (e.then) checkExpr(cx, e.then);
      checkExpr(cx, e.else);
      return;
    case 'Comma':
      for (const x of e.exprs) checkExpr(cx, x);
      return;
    case 'Cast':
      checkType(cx, e.type, e.pos, false);
      checkExpr(cx, e.expr);
      return;
    case 'Sizeof':
      if (e.arg.kind === 'TypeArg') checkType(cx, e.arg.type, e.arg.pos, true);
      else checkExpr(cx, e.arg);
      return;
    case 'Index':
      checkExpr(cx, e.base);
      checkExpr(cx, e.index);
      return;
    case 'Member': {
      checkExpr(cx, e.object);
      const ot = typeOf(cx, e.object);
      if (!memberAccessOk(cx, e, ot)) return;
      const st = e.arrow ? pointee(cx, ot) : ot;
      checkField(cx, st, e.field, e.pos);
      return;
    }
    case 'Call':
      checkCall(cx, e);
      return;
    case 'CompoundLiteral':
      checkType(cx, e.type, e.pos, true);
      checkInit(cx, e.init);
      return;
    case 'StmtExpr':
      checkBlock(cx, e.body, false);
      return;
  }
}

function checkCall(cx: Ctx, e: Extract<Expr, { kind: 'Call' }>): void {
  const name = e.callee.kind === 'Ident' ? e.callee.name : null;
  // Program symbols are looked up by key (linkName for a unit's static); messages and kernel APIs use the name.
  const key = e.callee.kind === 'Ident' ? symKey(e.callee) : null;
  if (name === null || key === null) checkExpr(cx, e.callee);
  else if (e.callee.kind === 'Ident' && foreignStatic(cx, e.callee)) {
    // reported
  } else if (!known(cx, key) && KERNEL_APIS_PENDING.has(name)) {
    cx.out.push(diag(e.callee.pos, `'${name}' is a kernel API the simulated kernel does not implement yet`, 'leave it out of this program for now'));
  } else if (!known(cx, key)) {
    const s = closest(name, [...visibleNames(cx, cx.g.functions), ...cx.opts.builtins, ...cx.scopes.flatMap((m) => [...m.keys()])]);
    const hint = staticElsewhere(cx, name) ?? (s ? `did you mean '${s}'?` : `define ${name}() in the program, or check the spelling of the kernel API`);
    cx.out.push(diag(e.callee.pos, `implicit declaration of function '${name}'`, hint));
  }
  // A program may define its own container_of-like helper; then its arguments are ordinary expressions.
  const memberIdx = name !== null && key !== null && !cx.g.functions.has(key) ? MEMBER_ARG[name] : undefined;
  e.args.forEach((a, i) => {
    if (i !== memberIdx) checkValue(cx, a);
  });
  if (memberIdx !== undefined && e.args[memberIdx]) {
    const typeArg = e.args.find((a) => a.kind === 'TypeArg');
    const base = typeArg?.kind === 'TypeArg' ? typeArg.type : name !== null && MEMBER_OF_FIRST_ARG.has(name) ? pointee(cx, typeOf(cx, e.args[0])) : null;
    checkMemberName(cx, base, e.args[memberIdx]);
  }
  if (name !== null && key !== null && !cx.g.functions.has(key) && lookupVar(cx, key) === undefined && e.args[0]) checkLockArg(cx, name, e.args[0]);
  if (name !== null && key !== null && lookupVar(cx, key) === undefined) {
    const f = cx.g.functions.get(key);
    if (f) {
      const want = f.params.length;
      const variadic = f.kind === 'FunctionDecl' && f.variadic;
      if (e.args.length < want || (e.args.length > want && !variadic)) {
        cx.out.push(
          diag(e.pos, `too ${e.args.length < want ? 'few' : 'many'} arguments to function '${name}'`, `'${name}' takes ${want} argument${want === 1 ? '' : 's'} (${f.params.map((p) => p.name ?? '?').join(', ') || 'void'}), declared at ${where(f.pos)}`),
        );
      }
    }
  }
}

/** C spelling of a lock-like type, when statically clear: `spinlock_t`, `struct mutex`. */
function typeName(cx: Ctx, t: TypeNode | null): string | null {
  const r = resolve(cx, t);
  if (!r) return null;
  if (r.kind === 'NamedType' || r.kind === 'IntType') return r.name;
  if (r.kind === 'StructType' && r.name) return `${r.union ? 'union' : 'struct'} ${r.name}`;
  if (r.kind === 'PointerType') {
    const inner = typeName(cx, r.to);
    return inner ? `${inner} *` : null;
  }
  return null;
}

/** `spin_lock(&some_mutex)`: a lock of the wrong type for the API. */
function checkLockArg(cx: Ctx, api: string, arg: Expr): void {
  const want = LOCK_ARG_TYPE.get(api);
  if (!want) return;
  const t = resolve(cx, typeOf(cx, arg));
  if (!t || t.kind !== 'PointerType') return;
  const got = typeName(cx, t.to);
  if (got === null || got === want || got === 'void') return;
  const family = LOCK_FOR_TYPE.get(got);
  cx.out.push(
    diag(arg.pos, `passing argument 1 of '${api}' from incompatible pointer type: expected '${want} *' but argument is of type '${got} *'`, family ? `a ${got} is taken with ${family}()` : `pass a ${want}`),
  );
}

/** A member-name argument (`ap_list`, or `a.b`) against the struct it should belong to. */
function checkMemberName(cx: Ctx, structType: TypeNode | null, arg: Expr): void {
  const path: Array<{ name: string; pos: SourcePos }> = [];
  let cur: Expr = arg;
  while (cur.kind === 'Member' && !cur.arrow) {
    path.unshift({ name: cur.field, pos: cur.pos });
    cur = cur.object;
  }
  if (cur.kind !== 'Ident') {
    cx.out.push(diag(arg.pos, 'expected a member name', 'pass the name of the struct field, e.g. ap_list'));
    return;
  }
  path.unshift({ name: cur.name, pos: cur.pos });
  let t: TypeNode | null = structType;
  for (const step of path) {
    t = checkField(cx, t, step.name, step.pos);
  }
}

/** Report an unknown field of a known struct; returns the field's type when known. */
function checkField(cx: Ctx, t: TypeNode | null, field: string, pos: SourcePos): TypeNode | null {
  const r = resolve(cx, t);
  if (r?.kind === 'StructType' && !r.def && r.name !== null && !cx.g.structs.has(r.name) && !cx.kernelStructs.has(r.name)) {
    const kw = r.union ? 'union' : 'struct';
    cx.out.push(diag(pos, `invalid use of undefined type '${kw} ${r.name}'`, `define ${kw} ${r.name} { ... }; with a '${field}' member${maybe(r.name, [...cx.g.structs.keys(), ...cx.kernelStructs])}`));
    return null;
  }
  const sd = structOf(cx, t);
  if (!sd || !sd.fields) return null;
  const f = allFields(sd).find((x) => x.name === field);
  if (f) return f.type;
  const kw = sd.union ? 'union' : 'struct';
  const s = closest(field, allFields(sd).flatMap((x) => (x.name ? [x.name] : [])));
  cx.out.push(diag(pos, `'${kw} ${sd.name ?? '(anonymous)'}' has no member named '${field}'`, s ? `did you mean '${s}'?` : `its members are: ${allFields(sd).map((x) => x.name).filter(Boolean).join(', ')}`));
  return null;
}

/** `*n` with n an integer: gcc's `invalid type argument of unary '*'`. Only when the type is statically clear. */
function checkDeref(cx: Ctx, operand: Expr, pos: SourcePos): void {
  const t = operand.kind === 'IntLit' || operand.kind === 'CharLit' ? null : resolve(cx, typeOf(cx, operand));
  const have = operand.kind === 'IntLit' || operand.kind === 'CharLit' ? 'int' : t?.kind === 'IntType' ? typeName(cx, t) : null;
  if (have === null) return;
  cx.out.push(diag(pos, `invalid type argument of unary '*' (have '${have}')`, 'only a pointer can be dereferenced; did you mean the value itself, or a multiplication?'));
}

/** `.` on a pointer or `->` on a struct value: gcc's errors, when the object's type is statically clear. */
function memberAccessOk(cx: Ctx, e: Extract<Expr, { kind: 'Member' }>, ot: TypeNode | null): boolean {
  const r = resolve(cx, ot);
  if (!r) return true;
  if (e.arrow && (r.kind === 'StructType' || r.kind === 'IntType')) {
    const have = typeName(cx, r) ?? (r.kind === 'StructType' ? `${r.union ? 'union' : 'struct'} (anonymous)` : 'int');
    cx.out.push(diag(e.pos, `invalid type argument of '->' (have '${have}')`, r.kind === 'StructType' ? `it is a struct, not a pointer to one: write '.${e.field}'` : 'only a pointer to a struct has members'));
    return false;
  }
  if (!e.arrow && r.kind === 'PointerType' && structOf(cx, r.to)) {
    const name = e.object.kind === 'Ident' ? `'${e.object.name}'` : 'the left side';
    cx.out.push(diag(e.pos, `${name} is a pointer; did you mean to use '->'?`, `write '->${e.field}' to reach a member through a pointer`));
    return false;
  }
  return true;
}

/** Static type of an expression, as far as cheaply known; null = unknown. */
function typeOf(cx: Ctx, e: Expr): TypeNode | null {
  switch (e.kind) {
    case 'Ident':
      return lookupVar(cx, symKey(e)) ?? null;
    case 'Member': {
      const ot = typeOf(cx, e.object);
      const st = structOf(cx, e.arrow ? pointee(cx, ot) : ot);
      return st ? allFields(st).find((f) => f.name === e.field)?.type ?? null : null;
    }
    case 'Unary':
      if (e.op === '*') return pointee(cx, typeOf(cx, e.operand));
      if (e.op === '&') {
        const inner = typeOf(cx, e.operand);
        return inner ? { kind: 'PointerType', pos: e.pos, to: inner } : null;
      }
      return null;
    case 'Index':
      return pointee(cx, typeOf(cx, e.base));
    case 'Cast':
      return e.type;
    case 'Assign':
      return typeOf(cx, e.target);
    case 'Comma':
      return typeOf(cx, e.exprs[e.exprs.length - 1]);
    case 'Conditional':
      return e.then ? typeOf(cx, e.then) : typeOf(cx, e.cond);
    case 'Call': {
      if (e.callee.kind !== 'Ident') return null;
      const name = e.callee.name;
      const f = cx.g.functions.get(symKey(e.callee));
      if (f && lookupVar(cx, symKey(e.callee)) === undefined) return f.ret;
      if (RETURNS_TYPE_ARG.has(name)) {
        const ta = e.args.find((a) => a.kind === 'TypeArg');
        return ta?.kind === 'TypeArg' ? { kind: 'PointerType', pos: e.pos, to: ta.type } : null;
      }
      if ((name === 'list_next_entry' || name === 'list_prev_entry') && e.args[0]) return typeOf(cx, e.args[0]);
      if ((name === 'READ_ONCE' || name === 'rcu_dereference' || name === 'rcu_dereference_protected' || name === 'rcu_dereference_raw') && e.args[0]) return typeOf(cx, e.args[0]);
      if ((name === 'per_cpu' || name === 'this_cpu_read') && e.args[0]) return typeOf(cx, e.args[0]);
      if ((name === 'this_cpu_ptr' || name === 'per_cpu_ptr' || name === 'raw_cpu_ptr') && e.args[0]) return typeOf(cx, e.args[0]);
      return null;
    }
    case 'StmtExpr':
    case 'CompoundLiteral':
      return e.kind === 'CompoundLiteral' ? e.type : null;
    default:
      return null;
  }
}
