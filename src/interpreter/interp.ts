/**
 * The evaluator: runs the AST on the simulated kernel. Every statement and
 * expression evaluates as a generator, so a task can sleep anywhere (a
 * contended mutex, msleep) and resume later; it only ever yields to sleep.
 *
 * Errors in learner code become kernel-style reports through the kernel
 * (oops, KASAN, KMSAN, UBSAN); a JS exception escaping here is our bug.
 */
import type {
  Block,
  Expr,
  ForEachStmt,
  FunctionDecl,
  FunctionDef,
  Initializer,
  Program,
  SourcePos,
  Stmt,
  StringLit,
  StructDecl,
  TypeNode,
  VarDecl,
} from '../language/ast.ts';
import { bug, emit, KillTask, listening, ctxNow, sanitizerReport, StopRun, type Kernel } from '../kernel/kernel.ts';
import { frameOf, runFlat, type FrameRec, type Gen } from '../kernel/state.ts';
import { formatSymbol } from '../events/format.ts';
import { rcuSuspicious } from '../kernel/rcu.ts';
import { rcuHeld as rcuAnyHeldOf } from './builtins/locks.ts';
import { renameWorkMap } from './builtins/kernel.ts';
const rcuAnyHeld = (k: Kernel): boolean => rcuAnyHeldOf(k, 'any');
import { addrOf, allocObj, objAt, VOIDV, type FnV, type Memory, type MemObj, type PtrV, type Value } from './memory.ts';
import { exprText } from './print.ts';
import {
  BOOL,
  CHAR,
  CHARP,
  findField,
  INT,
  layoutStruct,
  LONG,
  makeBuiltinTypes,
  ptrTo,
  sizeOf,
  typeName,
  ULONG,
  VOID,
  VOIDP,
  type IntRT,
  type PtrRT,
  type RType,
  type StructRT,
} from './rtypes.ts';
import { boolOf, commonType, intOf, isNullPtr, literalType, mkInt, promote, toBig, truthy, wrapInt, ZERO } from './values.ts';

/** An lvalue: a place in memory (obj null: not in any object, at `addr`). */
export interface Ref {
  obj: MemObj | null;
  off: number;
  t: RType;
  addr?: bigint;
  uninit?: boolean;
  /** The expression that named it, for labels in reports and memory events. */
  expr?: Expr;
}

export interface Var {
  obj: MemObj;
  t: RType;
}

export interface Scope {
  vars: Map<string, Var> | null;
  parent: Scope | null;
  cleanups: Array<() => Gen<void>> | null;
  fn: string;
}

export interface CallCtx {
  I: Interp;
  name: string;
  args: Expr[];
  pos: SourcePos;
  scope: Scope;
}
export type Builtin = (c: CallCtx) => Gen<Value>;

export interface Global {
  name: string;
  t: RType;
  decl: VarDecl;
  obj: MemObj;
  /** DEFINE_PER_CPU: one copy per CPU (obj is CPU 0's). */
  perCpu?: MemObj[];
}

export interface Interp {
  prog: Program;
  k: Kernel;
  mem: Memory;
  funcs: Map<string, FunctionDef>;
  protos: Map<string, FunctionDecl>;
  typedefs: Map<string, TypeNode>;
  structDefs: Map<string, StructDecl>;
  structs: Map<string, StructRT>;
  builtinTypes: Map<string, StructRT>;
  anon: WeakMap<StructDecl, StructRT>;
  enumConsts: Map<string, bigint>;
  constants: Map<string, Value>;
  globals: Map<string, Global>;
  builtins: Map<string, Builtin>;
  strings: WeakMap<StringLit, MemObj>;
  staticLocals: WeakMap<VarDecl, MemObj>;
  fnSize: Map<string, { start: number; size: number }>;
  steps: number;
  maxSteps: number;
  maxMemory: number;
  deadline: number;
  /** Emit access/list/heap events (someone checks races). */
  memEvents: boolean;
  depth: number;
}

/** The key of a program symbol named by an identifier: its unit's static (linkName) or the plain name. */
const symKey = (e: { name: string; linkName?: string }): string => e.linkName ?? e.name;

// ---------------------------------------------------------------------------
// Completions

type Completion = undefined | { k: 'brk' } | { k: 'cont' } | { k: 'ret'; v: Value } | { k: 'goto'; label: string };
const BRK = { k: 'brk' } as const;
const CONT = { k: 'cont' } as const;

// ---------------------------------------------------------------------------
// Setup

export function createInterp(prog: Program, k: Kernel, mem: Memory, builtins: Map<string, Builtin>, constants: Map<string, Value>): Interp {
  const I: Interp = {
    prog,
    k,
    mem,
    funcs: new Map(),
    protos: new Map(),
    typedefs: new Map(),
    structDefs: new Map(),
    structs: new Map(),
    builtinTypes: makeBuiltinTypes(),
    anon: new WeakMap(),
    enumConsts: new Map(),
    constants,
    globals: new Map(),
    builtins,
    strings: new WeakMap(),
    staticLocals: new WeakMap(),
    fnSize: new Map(),
    steps: 0,
    maxSteps: 2_000_000,
    maxMemory: 16 << 20,
    deadline: Infinity,
    memEvents: false,
    depth: 0,
  };
  for (const d of prog.decls) {
    switch (d.kind) {
      case 'FunctionDef': {
        I.funcs.set(d.linkName ?? d.name, d);
        const lines = Math.max(1, d.end.line - d.start.line + 1);
        I.fnSize.set(d.linkName ?? d.name, { start: d.start.line, size: Math.ceil((lines * 0x10 + 0x20) / 0x10) * 0x10 });
        break;
      }
      case 'FunctionDecl':
        I.protos.set(d.linkName ?? d.name, d);
        break;
      case 'StructDecl':
        if (d.name && d.fields) I.structDefs.set(structKey(d.name, d.union), d);
        break;
      case 'TypedefDecl':
        I.typedefs.set(d.name, d.type);
        noteNestedDefs(I, d.type);
        break;
      case 'EnumDecl':
        defineEnum(I, d);
        break;
      case 'VarDecl':
        noteNestedDefs(I, d.type);
        break;
    }
  }
  return I;
}

function structKey(name: string, union: boolean): string {
  return (union ? 'union ' : 'struct ') + name;
}

function noteNestedDefs(I: Interp, t: TypeNode): void {
  if (t.kind === 'StructType' && t.def && t.name && t.def.fields) I.structDefs.set(structKey(t.name, t.union), t.def);
  if (t.kind === 'EnumType' && t.def) defineEnum(I, t.def);
  if (t.kind === 'PointerType') noteNestedDefs(I, t.to);
  if (t.kind === 'ArrayType') noteNestedDefs(I, t.of);
}

function defineEnum(I: Interp, d: { members: { name: string; value: Expr | null }[] | null }): void {
  if (!d.members) return;
  let next = 0n;
  for (const m of d.members) {
    const v = m.value ? toBig(constEval(I, m.value)) : next;
    I.enumConsts.set(m.name, v);
    next = v + 1n;
  }
}

/** Evaluate an expression that must not sleep (array sizes, enum values, initialisers of globals). */
export function runSync<T>(g: Gen<T>): T {
  return runFlat(g, () => {
    throw new StopRun('internal', 'a constant expression tried to sleep');
  });
}

export function constEval(I: Interp, e: Expr): Value {
  return runSync(evalExpr(I, e, rootScope('<init>')));
}

export function rootScope(fn: string): Scope {
  return { vars: null, parent: null, cleanups: null, fn };
}

// ---------------------------------------------------------------------------
// Types

export function resolveType(I: Interp, t: TypeNode, sc?: Scope): RType {
  switch (t.kind) {
    case 'IntType':
      return { k: 'int', name: t.name, bits: t.bits, signed: t.signed };
    case 'VoidType':
      return VOID;
    case 'EnumType':
      if (t.def) defineEnum(I, t.def);
      return INT;
    case 'PointerType': {
      // While a struct is being laid out, a pointer to a named struct only needs
      // the struct's identity: laying the pointee out now could reach back into
      // the struct in progress (vgic_irq -> kvm_vcpu -> ... -> vgic_irq spis[N])
      // and size it 0. Its layout runs when the outermost one is done.
      let to = t.to;
      while (to.kind === 'NamedType' && I.typedefs.has(to.name)) to = I.typedefs.get(to.name)!;
      if (to.kind === 'StructType' && to.name && layouts.get(I)) {
        const shell = structNamed(I, to.name, to.union, true);
        if (!shell.fields) layouts.get(I)!.deferred.push(shell);
        return ptrTo(shell);
      }
      return ptrTo(resolveType(I, t.to, sc));
    }
    case 'ArrayType': {
      const of = resolveType(I, t.of, sc);
      const n = t.size ? Number(toBig(runSync(evalExpr(I, t.size, sc ?? rootScope('<type>'))))) : 0;
      return { k: 'array', of, n };
    }
    case 'BitmapType': {
      const bits = Number(toBig(runSync(evalExpr(I, t.bits, sc ?? rootScope('<type>')))));
      return { k: 'array', of: ULONG, n: Math.max(1, Math.ceil(bits / 64)), bits };
    }
    case 'FunctionType':
      return { k: 'fn', ret: resolveType(I, t.ret, sc), params: t.params.map((p) => resolveType(I, p.type, sc)) };
    case 'TypeofType':
      return typeOfExpr(I, t.expr, sc ?? rootScope('<type>'));
    case 'NamedType': {
      const td = I.typedefs.get(t.name);
      if (td) return resolveType(I, td, sc);
      const b = I.builtinTypes.get(t.name);
      if (b) return b;
      if (t.name === 'irqreturn_t') return INT;
      if (t.name === 'work_func_t') return ptrTo({ k: 'fn', ret: VOID, params: [VOIDP] });
      if (t.name === 'cpumask_var_t') return I.builtinTypes.get('cpumask_t')!;
      return incomplete(I, t.name, false);
    }
    case 'StructType': {
      if (!t.name) {
        const d = t.def!;
        let s = I.anon.get(d);
        if (!s) {
          s = { k: 'struct', name: '<anonymous>', union: t.union, fields: null, size: 0, align: 1 };
          I.anon.set(d, s);
          layoutStruct(s, (d.fields ?? []).map((f) => ({ name: f.name, t: resolveType(I, f.type, sc) })));
        }
        return s;
      }
      return structNamed(I, t.name, t.union);
    }
  }
}

function incomplete(I: Interp, name: string, union: boolean): StructRT {
  const key = structKey(name, union);
  let s = I.structs.get(key);
  if (!s) {
    s = { k: 'struct', name, union, fields: null, size: 0, align: 1 };
    I.structs.set(key, s);
  }
  return s;
}

/** Struct layouts in progress, and pointee structs whose layout waits for them to finish. */
const layouts = new WeakMap<Interp, { active: Set<StructRT>; deferred: StructRT[] }>();

/**
 * The struct type `name`, laid out from its definition on first use (`shell`:
 * only its identity, for a pointer). Unknown names stay incomplete (size 0).
 */
export function structNamed(I: Interp, name: string, union: boolean, shell = false): StructRT {
  const key = structKey(name, union);
  let s = I.structs.get(key);
  if (s && (s.fields || shell)) return s;
  const def = I.structDefs.get(key);
  if (!def) {
    if (s) return s;
    const b = I.builtinTypes.get(key);
    if (b) return b;
    return incomplete(I, name, union);
  }
  if (!s) {
    s = { k: 'struct', name, union, fields: null, size: 0, align: 1 };
    I.structs.set(key, s);
  }
  if (shell) return s;
  let st = layouts.get(I);
  const outermost = !st;
  if (!st) layouts.set(I, (st = { active: new Set(), deferred: [] }));
  if (st.active.has(s)) return s;
  st.active.add(s);
  try {
    layoutStruct(s, (def.fields ?? []).map((f) => ({ name: f.name, t: resolveType(I, f.type) })));
    st.active.delete(s);
    if (outermost) {
      // Now lay out the pointee structs met on the way, each as an outermost layout of its own.
      layouts.delete(I);
      for (const d of st.deferred) if (!d.fields) structNamed(I, d.name, d.union);
    }
  } finally {
    if (outermost) layouts.delete(I);
  }
  return s;
}

/** The static type of an expression, without side effects where C would not evaluate it (sizeof, typeof). */
export function typeOfExpr(I: Interp, e: Expr, sc: Scope): RType {
  switch (e.kind) {
    case 'Ident': {
      const v = lookupVar(I, symKey(e), sc);
      if (v) return v.t;
      break;
    }
    case 'Unary':
      if (e.op === '*') {
        const t = typeOfExpr(I, e.operand, sc);
        if (t.k === 'ptr') return t.to;
        if (t.k === 'array') return t.of;
      }
      if (e.op === '&') return ptrTo(typeOfExpr(I, e.operand, sc));
      break;
    case 'Member': {
      let t = typeOfExpr(I, e.object, sc);
      if (e.arrow && t.k === 'ptr') t = t.to;
      if (t.k === 'struct') {
        const f = findField(ensureLayout(I, t), e.field);
        if (f) return f.t;
      }
      break;
    }
    case 'Index': {
      const t = typeOfExpr(I, e.base, sc);
      if (t.k === 'array') return t.of;
      if (t.k === 'ptr') return t.to;
      break;
    }
    case 'Cast':
      return resolveType(I, e.type, sc);
    case 'TypeArg':
      return resolveType(I, e.type, sc);
    case 'Call':
      if (e.callee.kind === 'Ident') {
        const f = I.funcs.get(symKey(e.callee)) ?? I.protos.get(symKey(e.callee));
        if (f) return resolveType(I, f.ret);
      }
      break;
    case 'StringLit':
      return { k: 'array', of: CHAR, n: e.value.length + 1 };
    // Operators with side effects: C never evaluates sizeof's operand, so these are typed, not run.
    case 'Update':
      return typeOfExpr(I, e.operand, sc);
    case 'Assign':
      return typeOfExpr(I, e.target, sc);
    case 'Comma':
      return typeOfExpr(I, e.exprs[e.exprs.length - 1]!, sc);
    case 'Conditional':
      return typeOfExpr(I, e.then ?? e.cond, sc);
    case 'Binary': {
      if (['==', '!=', '<', '>', '<=', '>=', '&&', '||'].includes(e.op)) return INT;
      const l = typeOfExpr(I, e.left, sc);
      const r = typeOfExpr(I, e.right, sc);
      const lp = l.k === 'array' ? ptrTo(l.of) : l;
      const rp = r.k === 'array' ? ptrTo(r.of) : r;
      if (lp.k === 'ptr' && rp.k === 'ptr') return LONG;
      if (lp.k === 'ptr') return lp;
      if (rp.k === 'ptr') return rp;
      if (l.k === 'int' && r.k === 'int') return e.op === '<<' || e.op === '>>' ? promote(l) : commonType(l, r);
      break;
    }
  }
  // Anything else: evaluate (C only needs the type; our expressions here have no side effects that matter).
  const v = runSync(evalExpr(I, e, sc));
  return valueType(v);
}

function valueType(v: Value): RType {
  switch (v.k) {
    case 'i':
      return v.t;
    case 'p':
      return v.t;
    case 'a':
      return v.t;
    case 'f':
      return ptrTo({ k: 'fn', ret: INT, params: [] });
    default:
      return VOID;
  }
}

export function ensureLayout(I: Interp, s: StructRT): StructRT {
  if (!s.fields) {
    const re = structNamed(I, s.name, s.union);
    if (re.fields && re !== s) {
      s.fields = re.fields;
      s.size = re.size;
      s.align = re.align;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------
// Compile-time assertions

/**
 * BUILD_BUG_ON(cond) is checked by the compiler: every one whose condition is
 * a constant expression (sizeof, enums, constants, globals' types) is
 * evaluated before the program runs; the others when reached.
 */
/** Pure builtins a compile-time condition may use. */
const CONST_CALLS = new Set(['ARRAY_SIZE', 'offsetof', 'sizeof_field', 'BIT', 'BIT_ULL', 'GENMASK', 'GENMASK_ULL', 'is_power_of_2', 'ilog2', 'min', 'max', 'min_t', 'max_t', '__same_type', 'IS_ENABLED', 'ALIGN', 'DIV_ROUND_UP', 'roundup_pow_of_two']);

/** No calls of the program's functions, no assignments: evaluating it early has no effect. */
function compileTimeExpr(e: unknown): boolean {
  if (!e || typeof e !== 'object') return true;
  if (Array.isArray(e)) return e.every(compileTimeExpr);
  const x = e as Expr;
  if (x.kind === 'Call' && !(x.callee.kind === 'Ident' && CONST_CALLS.has(x.callee.name))) return false;
  if (x.kind === 'Assign' || x.kind === 'StmtExpr' || x.kind === 'Update') return false;
  for (const k of Object.keys(x)) if (k !== 'pos' && !compileTimeExpr((x as unknown as Record<string, unknown>)[k])) return false;
  return true;
}

export function checkBuildBugs(I: Interp): void {
  const seen = new Set<object>();
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object' || seen.has(n)) return;
    seen.add(n);
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const e = n as Expr;
    if (e.kind === 'Call' && e.callee.kind === 'Ident' && e.callee.name === 'BUILD_BUG_ON' && e.args.length === 1) {
      let v: Value | null = null;
      try {
        if (compileTimeExpr(e.args[0]!)) v = constEval(I, e.args[0]!);
      } catch {
        v = null; // not a constant expression here: checked when reached
      }
      if (v && truthy(v)) {
        throw new StopRun('internal', `call to '__compiletime_assert_${e.pos.line}' declared with attribute error: BUILD_BUG_ON failed: ${exprText(e.args[0]!)}`, undefined, e.pos);
      }
    }
    for (const k of Object.keys(n)) if (k !== 'pos') visit((n as Record<string, unknown>)[k]);
  };
  for (const d of I.prog.decls) if (d.kind === 'FunctionDef') visit(d.body);
}

// ---------------------------------------------------------------------------
// Globals

export function initGlobals(I: Interp): void {
  // All globals exist before any initialiser runs, so `&later_global` works in any order.
  const inits: Array<[MemObj, VarDecl, RType]> = [];
  for (const d of I.prog.decls) {
    if (d.kind !== 'VarDecl') continue;
    const key = d.linkName ?? d.name;
    const prev = I.globals.get(key);
    if (prev && !d.init && !d.define) continue;
    if (d.storage.extern && !d.init && !d.perCpu && prev) continue;
    const t = resolveType(I, d.type);
    const size = sizeOf(t);
    if (d.perCpu) {
      if (prev?.perCpu && !d.init) continue;
      const copies: MemObj[] = [];
      for (let c = 0; c < I.k.cpus.length; c++) copies.push(allocObj(I.mem, 'percpu', t, size, d.name, true, { sym: key, cpu: c }));
      I.globals.set(key, { name: d.name, t, decl: d, obj: copies[0]!, perCpu: copies });
      for (const obj of copies) inits.push([obj, d, t]);
      continue;
    }
    const obj = prev && sizeOf(prev.t) === size ? prev.obj : allocObj(I.mem, 'global', t, size, d.name, true, { sym: key });
    obj.t = t;
    I.globals.set(key, { name: d.name, t, decl: d, obj });
    inits.push([obj, d, t]);
  }
  for (const [obj, d, t] of inits) initObject(I, obj, d, t);
}

function initObject(I: Interp, obj: MemObj, d: VarDecl, t: RType): void {
  if (d.define === 'LIST_HEAD') {
    const self: PtrV = { k: 'p', t: ptrTo(t), obj, off: 0 };
    obj.cells.set(0, self);
    obj.cells.set(8, self);
    return;
  }
  if (d.init) runSync(initialize(I, { obj, off: 0, t }, d.init, rootScope('<init>')));
  runSync(bindDefineCallback(I, obj, t, d, rootScope('<init>')));
}

/** DECLARE_WORK / DECLARE_TASKLET / DECLARE_TASKLET_OLD: statically what INIT_WORK / tasklet_setup / tasklet_init do. */
const DEFINE_INIT_CALL: Partial<Record<string, string>> = { DECLARE_WORK: 'INIT_WORK', DECLARE_TASKLET: 'tasklet_setup', DECLARE_TASKLET_OLD: 'tasklet_init' };
function* bindDefineCallback(I: Interp, obj: MemObj, t: RType, d: VarDecl, sc: Scope): Gen<void> {
  const call = d.define ? DEFINE_INIT_CALL[d.define] : undefined;
  const fn = d.defineArgs?.[0];
  if (!call || !fn) return;
  const self: PtrV = { k: 'p', t: ptrTo(t), obj, off: 0 };
  const args: Expr[] = [constExpr(self, { kind: 'Ident', pos: d.pos, name: d.name }), fn];
  if (call === 'tasklet_init') args.push({ kind: 'IntLit', pos: d.pos, value: 0n, suffix: '', text: '0' });
  yield* callBuiltin(I, call, args, d.pos, sc);
  // __WORK_INITIALIZER(n, f): the work's lockdep map is STATIC_LOCKDEP_MAP_INIT(#n, &n), named by the variable.
  if (d.define === 'DECLARE_WORK') renameWorkMap(self, d.name);
}

// ---------------------------------------------------------------------------
// Memory access

function pageFault(I: Interp, r: Ref, write: boolean): never {
  const addr = r.obj ? addrOf(r) : (r.addr ?? 0n);
  const hex = addr.toString(16).padStart(16, '0');
  if (addr < 0x1000n) {
    bug(I.k, [
      `BUG: kernel NULL pointer dereference, address: ${hex}`,
      `#PF: supervisor ${write ? 'write' : 'read'} access in kernel mode`,
      `#PF: error_code(0x000${write ? 2 : 0}) - not-present page`,
      'PGD 0 P4D 0 ',
    ].join('\n'), 'bug', `000${write ? 2 : 0}`);
  }
  if (addr >> 48n === 0xdeadn) {
    // die_addr(): the fault is the oops header line itself; no separate `Oops:` line follows.
    bug(I.k, '', 'list-corruption', `general protection fault, probably for non-canonical address 0x${hex}: 0000`, undefined, '');
  }
  bug(I.k, [`BUG: unable to handle page fault for address: ${hex}`, `#PF: supervisor ${write ? 'write' : 'read'} access in kernel mode`, `#PF: error_code(0x000${write ? 2 : 0}) - not-present page`].join('\n'), 'bug', `000${write ? 2 : 0}`);
}

/** Check an access; returns false when it must be skipped (reported, task continues). */
function checkAccess(I: Interp, r: Ref, write: boolean, size: number): boolean {
  if (r.uninit) {
    const name = r.expr ? exprText(r.expr) : 'pointer';
    sanitizerReport(I.k, 'bug', `BUG: KMSAN: uninit-value in ${topSymbol(I)}`, [
      `use of uninitialised pointer in '${name}' (the pointer was never assigned)`,
    ]);
    throw new KillTask('uninit');
  }
  if (!r.obj) pageFault(I, r, write);
  const o = r.obj;
  if (write && o.region === 'string') {
    // String literals live in .rodata: a write faults on a present, read-only page.
    const hex = addrOf(r).toString(16).padStart(16, '0');
    bug(I.k, [`BUG: unable to handle page fault for address: ${hex}`, '#PF: supervisor write access in kernel mode', '#PF: error_code(0x0003) - permissions violation'].join('\n'), 'bug', '0003');
  }
  if (o.freed) {
    const addr = addrOf(r).toString(16).padStart(16, '0');
    if (!kasanFirst(I)) return true;
    sanitizerReport(I.k, 'use-after-free', `BUG: KASAN: slab-use-after-free in ${topSymbol(I)}`, [
      `${write ? 'Write' : 'Read'} of size ${size} at addr ${addr} by task ${I.k.cur.task.comm}/${I.k.cur.task.pid}`,
    ], [
      '',
      `The buggy address belongs to the object at ${o.base.toString(16).padStart(16, '0')}`,
      ` which belongs to the cache kmalloc-${Math.max(8, o.size)} of size ${o.size}`,
      `The buggy address is located ${r.off} bytes inside of`,
      ` freed ${o.size}-byte region [${o.base.toString(16).padStart(16, '0')}, ${(o.base + BigInt(o.size)).toString(16).padStart(16, '0')})`,
      o.freedAt ? `Freed at ${o.freedAt}` : '',
    ].filter((l) => l !== ''));
    return true;
  }
  if (r.off < 0 || r.off + size > o.size) {
    const addr = addrOf(r).toString(16).padStart(16, '0');
    if (!kasanFirst(I)) return false;
    sanitizerReport(I.k, 'bug', `BUG: KASAN: ${o.region === 'heap' ? 'slab' : o.region === 'stack' ? 'stack' : 'global'}-out-of-bounds in ${topSymbol(I)}`, [
      `${write ? 'Write' : 'Read'} of size ${size} at addr ${addr} by task ${I.k.cur.task.comm}/${I.k.cur.task.pid}`,
    ]);
    return false;
  }
  return true;
}


/** `klist_next+0x1b/0x160` for the innermost simulated function. */
export function topSymbol(I: Interp): string {
  const top = I.k.cur.frames[I.k.cur.frames.length - 1];
  return top ? formatSymbol(frameOf(top)) : '?';
}

/** KASAN prints only its first report unless booted with kasan_multi_shot. */
export function kasanFirst(I: Interp): boolean {
  if (I.k.once.has('kasan')) return false;
  I.k.once.add('kasan');
  return true;
}

export function load(I: Interp, r: Ref): Value {
  const t = r.t;
  if (t.k === 'array') {
    // Arrays decay to a pointer to their first element (no access yet).
    return { k: 'p', t: ptrTo(t.of), obj: r.obj, off: r.off, addr: r.addr, uninit: r.uninit };
  }
  if (t.k === 'fn') return VOIDV;
  const size = sizeOf(t);
  if (!checkAccess(I, r, false, size)) return t.k === 'ptr' ? { k: 'p', t, obj: null, off: 0, addr: 0n } : mkInt(t.k === 'int' ? t : INT, 0n);
  const o = r.obj!;
  if (I.memEvents && o.region !== 'stack' && o.region !== 'string') accessEvent(I, r, false, false);
  if (t.k === 'struct') return { k: 'a', t, obj: o, off: r.off };
  const c = o.cells.get(r.off);
  if (t.k === 'int') {
    if (c && c.k === 'i' && c.t === t) return c;
    // A union seen through a member of another width: the bytes of whatever was stored there.
    if ((!c || (c.k === 'i' && sizeOf(c.t) < size)) && hasUnion(o.t)) {
      const v = composeBytes(o, r.off, size);
      if (v !== null) return mkInt(t, v);
    }
    if (!c) return mkInt(t, 0n);
    return mkInt(t, toBig(c));
  }
  if (t.k === 'ptr') {
    if (!c) return o.zeroed ? { k: 'p', t, obj: null, off: 0, addr: 0n } : { k: 'p', t, obj: null, off: 0, addr: 0n, uninit: true };
    return convert(I, c, t);
  }
  return c ?? VOIDV;
}

export function store(I: Interp, r: Ref, v: Value): void {
  const t = r.t;
  const size = sizeOf(t);
  if (!checkAccess(I, r, true, size)) return;
  const o = r.obj!;
  if (I.memEvents && o.region !== 'stack' && o.region !== 'string') accessEvent(I, r, true, false);
  if (t.k === 'struct' || t.k === 'array') {
    if (v.k === 'a') copyCells(v.obj, v.off, o, r.off, size);
    return;
  }
  if (t.k === 'int' && hasUnion(o.t)) splitOverlapping(o, r.off, size);
  o.cells.set(r.off, convert(I, v, t));
}

// Unions: values are kept per offset; where members of different widths overlap,
// loads compose and stores split the little-endian bytes (x86-64).

const U8: IntRT = { k: 'int', name: 'u8', bits: 8, signed: false };
const unionCache = new WeakMap<RType, boolean>();

/** Does the type contain a union anywhere (only then do widths of one place differ)? */
function hasUnion(t: RType | undefined): boolean {
  if (!t || (t.k !== 'struct' && t.k !== 'array')) return false;
  let v = unionCache.get(t);
  if (v === undefined) {
    unionCache.set(t, false);
    v = t.k === 'array' ? hasUnion(t.of) : t.union || (t.fields ?? []).some((f) => hasUnion(f.t));
    unionCache.set(t, v);
  }
  return v;
}

/** The `n` bytes at `off` from the integer cells over them (null when a pointer or aggregate overlaps). */
function composeBytes(o: MemObj, off: number, n: number): bigint | null {
  let v = 0n;
  for (let k = off - 7; k < off + n; k++) {
    const c = o.cells.get(k);
    if (!c) continue;
    if (c.k !== 'i') {
      if (k + 8 > off) return null;
      continue;
    }
    const cs = sizeOf(c.t);
    const lo = Math.max(k, off);
    const hi = Math.min(k + cs, off + n);
    const bits = BigInt.asUintN(cs * 8, c.v);
    for (let b = lo; b < hi; b++) v |= ((bits >> BigInt(8 * (b - k))) & 0xffn) << BigInt(8 * (b - off));
  }
  return v;
}

/** Before storing `n` bytes at `off`: integer cells that overlap it partly keep their other bytes as u8 cells. */
function splitOverlapping(o: MemObj, off: number, n: number): void {
  for (let k = off - 7; k < off + n; k++) {
    const c = o.cells.get(k);
    if (!c || c.k !== 'i') continue;
    const cs = sizeOf(c.t);
    if (k + cs <= off || (k === off && cs <= n) || (k > off && k + cs <= off + n)) {
      if (k > off && k + cs <= off + n) o.cells.delete(k);
      continue;
    }
    o.cells.delete(k);
    const bits = BigInt.asUintN(cs * 8, c.v);
    for (let b = k; b < k + cs; b++) {
      if (b >= off && b < off + n) continue;
      o.cells.set(b, mkInt(U8, (bits >> BigInt(8 * (b - k))) & 0xffn));
    }
  }
}

export function copyCells(src: MemObj, so: number, dst: MemObj, dO: number, size: number): void {
  for (const key of [...dst.cells.keys()]) if (key >= dO && key < dO + size) dst.cells.delete(key);
  for (const [key, val] of src.cells) if (key >= so && key < so + size) dst.cells.set(key - so + dO, val);
}

export function accessEvent(I: Interp, r: Ref, write: boolean, marked: boolean): void {
  if (!listening(I.k) || !r.obj) return;
  const field = fieldPath(r.obj.t, r.off) || '';
  emit(I.k, {
    kind: 'access',
    write,
    marked,
    loc: {
      objId: r.obj.id,
      field,
      label: r.expr ? exprText(r.expr) : field ? `${r.obj.label}${field.startsWith('[') ? '' : '.'}${field}` : r.obj.label,
      addr: addrOf(r),
      size: sizeOf(r.t),
    },
    ctx: ctxNow(I.k),
  });
}

/** `ap_list.next`, `lr[3]`: the field path of an offset inside a type. */
export function fieldPath(t: RType, off: number): string {
  if (t.k === 'struct' && t.fields) {
    for (const f of t.fields) {
      const s = sizeOf(f.t);
      if (off >= f.off && off < f.off + Math.max(1, s)) {
        const rest = fieldPath(f.t, off - f.off);
        const name = f.name ?? '';
        return rest ? (rest.startsWith('[') ? name + rest : name ? `${name}.${rest}` : rest) : name;
      }
    }
    return '';
  }
  if (t.k === 'array') {
    const es = sizeOf(t.of);
    const i = Math.floor(off / es);
    const rest = fieldPath(t.of, off - i * es);
    return `[${i}]` + (rest ? (rest.startsWith('[') ? rest : '.' + rest) : '');
  }
  return '';
}

/** C conversion of a value to type t (assignment, argument passing, casts). */
export function convert(I: Interp, v: Value, t: RType): Value {
  if (t.k === 'int') {
    if (v.k === 'i') return v.t === t ? v : mkInt(t, v.v);
    if (t.name === 'bool') return boolOf(truthy(v)).t === BOOL ? boolOf(truthy(v)) : mkInt(BOOL, truthy(v) ? 1n : 0n);
    return mkInt(t, toBig(v));
  }
  if (t.k === 'ptr') {
    if (v.k === 'p') {
      if (v.obj && v.obj.untyped && v.off === 0) typeHeapObject(I, v.obj, t.to);
      return v.t === t ? v : { ...v, t };
    }
    if (v.k === 'f') return v;
    if (v.k === 'i') {
      if (v.v === 0n) return { k: 'p', t, obj: null, off: 0, addr: 0n };
      const a = BigInt.asUintN(64, v.v);
      const o = objAt(I.mem, a);
      if (o) return { k: 'p', t, obj: o, off: Number(a - o.base) };
      return { k: 'p', t, obj: null, off: 0, addr: a };
    }
    if (v.k === 'a' && v.t.k === 'array') return { k: 'p', t, obj: v.obj, off: v.off };
    return { k: 'p', t, obj: null, off: 0, addr: 0n };
  }
  return v;
}

/** A kmalloc'ed block takes the type of the first typed pointer to it (what its fields and locks are). */
function typeHeapObject(I: Interp, o: MemObj, t: RType): void {
  if (t.k === 'void' || (t.k === 'int' && t.bits === 8)) return;
  const lt = t.k === 'struct' ? ensureLayout(I, t) : t;
  const es = sizeOf(lt);
  if (es <= 0 || (lt.k === 'struct' && !lt.fields)) return;
  o.untyped = false;
  if (es >= o.size) o.t = lt;
  else o.t = { k: 'array', of: lt, n: Math.floor(o.size / es) };
  o.label = typeName(lt);
}

// ---------------------------------------------------------------------------
// Variables

export function lookupVar(I: Interp, name: string, sc: Scope): Var | null {
  for (let s: Scope | null = sc; s; s = s.parent) {
    const v = s.vars?.get(name);
    if (v) return v;
  }
  const g = I.globals.get(name);
  if (g) {
    if (g.perCpu) return { obj: g.perCpu[I.k.cur.cpu.id]!, t: g.t };
    return { obj: g.obj, t: g.t };
  }
  return null;
}

function declare(sc: Scope, name: string, v: Var): void {
  (sc.vars ??= new Map()).set(name, v);
}

// ---------------------------------------------------------------------------
// Steps and budgets

export function step(I: Interp, pos: SourcePos): void {
  const x = I.k.cur;
  const f = x.frames[x.frames.length - 1];
  if (f) f.pos = pos;
  if (++I.steps > I.maxSteps) {
    const fn = f ? f.fn : '?';
    throw new StopRun(
      'steps',
      `step budget of ${I.maxSteps.toLocaleString('en-US')} exhausted in ${fn}() at ${pos.file}:${pos.line}:${pos.col} — is there a loop that never ends?`,
      fn,
      pos,
    );
  }
  if ((I.steps & 0xfff) === 0 && Date.now() > I.deadline) {
    const fn = f ? f.fn : '?';
    throw new StopRun('time', `time budget exhausted in ${fn}() at ${pos.file}:${pos.line}:${pos.col} — the program ran too long`, fn, pos);
  }
}

// ---------------------------------------------------------------------------
// Statements

function newScope(parent: Scope): Scope {
  return { vars: null, parent, cleanups: null, fn: parent.fn };
}

function* runCleanups(sc: Scope): Gen<void> {
  const c = sc.cleanups;
  if (!c) return;
  sc.cleanups = null;
  for (let i = c.length - 1; i >= 0; i--) yield* c[i]!();
}

function findLabel(items: Stmt[], label: string): number {
  for (let i = 0; i < items.length; i++) {
    let s: Stmt = items[i]!;
    while (s.kind === 'Labeled') {
      if (s.label === label) return i;
      s = s.stmt;
    }
  }
  return -1;
}

export function* execBlock(I: Interp, b: Block, parent: Scope, start = 0, sc = newScope(parent)): Gen<Completion> {
  const items = b.items;
  let i = start;
  let c: Completion = undefined;
  while (i < items.length) {
    c = yield* exec(I, items[i]!, sc);
    if (c === undefined) {
      i++;
      continue;
    }
    if (c.k === 'goto') {
      const j = findLabel(items, c.label);
      if (j >= 0) {
        c = undefined;
        i = j;
        continue;
      }
    }
    break;
  }
  if (sc.cleanups) {
    // Scope exit (also on break/return/goto out): cleanup.h destructors, last declared first.
    const f = I.k.cur.frames[I.k.cur.frames.length - 1];
    if (f) f.pos = b.end;
    yield* runCleanups(sc);
  }
  return c;
}

export function* exec(I: Interp, s: Stmt, sc: Scope): Gen<Completion> {
  step(I, s.pos);
  switch (s.kind) {
    case 'Block':
      return yield* execBlock(I, s, sc);
    case 'ExprStmt':
      yield* evalExpr(I, s.expr, sc);
      return undefined;
    case 'DeclStmt':
      for (const d of s.decls) yield* declareLocal(I, d, sc);
      return undefined;
    case 'TypeDeclStmt':
      if (s.decl.kind === 'StructDecl' && s.decl.name && s.decl.fields) I.structDefs.set(structKey(s.decl.name, s.decl.union), s.decl);
      else if (s.decl.kind === 'EnumDecl') defineEnum(I, s.decl);
      else if (s.decl.kind === 'TypedefDecl') I.typedefs.set(s.decl.name, s.decl.type);
      return undefined;
    case 'If':
      if (truthy(yield* evalExpr(I, s.cond, sc))) return yield* exec(I, s.then, sc);
      if (s.else) return yield* exec(I, s.else, sc);
      return undefined;
    case 'While':
      for (;;) {
        step(I, s.pos);
        if (!truthy(yield* evalExpr(I, s.cond, sc))) return undefined;
        const c = yield* exec(I, s.body, sc);
        if (c === undefined || c.k === 'cont') continue;
        if (c.k === 'brk') return undefined;
        return c;
      }
    case 'DoWhile':
      for (;;) {
        const c = yield* exec(I, s.body, sc);
        if (c !== undefined && c.k !== 'cont') {
          if (c.k === 'brk') return undefined;
          return c;
        }
        step(I, s.pos);
        if (!truthy(yield* evalExpr(I, s.cond, sc))) return undefined;
      }
    case 'For': {
      const fs = newScope(sc);
      if (s.init) {
        if (s.init.kind === 'DeclStmt') for (const d of s.init.decls) yield* declareLocal(I, d, fs);
        else yield* evalExpr(I, s.init, fs);
      }
      for (;;) {
        step(I, s.pos);
        if (s.cond && !truthy(yield* evalExpr(I, s.cond, fs))) return undefined;
        const c = yield* exec(I, s.body, fs);
        if (c !== undefined && c.k !== 'cont') {
          if (c.k === 'brk') return undefined;
          return c;
        }
        if (s.step) yield* evalExpr(I, s.step, fs);
      }
    }
    case 'Switch':
      return yield* execSwitch(I, s, sc);
    case 'Case':
    case 'Default':
    case 'Empty':
      return undefined;
    case 'Break':
      return BRK;
    case 'Continue':
      return CONT;
    case 'Return': {
      const v = s.value ? yield* evalExpr(I, s.value, sc) : VOIDV;
      return { k: 'ret', v };
    }
    case 'Goto':
      return { k: 'goto', label: s.label };
    case 'Labeled':
      return yield* exec(I, s.stmt, sc);
    case 'ForEach':
      return yield* execForEach(I, s, sc);
    case 'ScopedGuard': {
      const gs = newScope(sc);
      yield* guardAcquire(I, s.guardType, s.args, s.pos, gs);
      const c = yield* exec(I, s.body, gs);
      const f = I.k.cur.frames[I.k.cur.frames.length - 1];
      if (f) f.pos = s.body.kind === 'Block' ? s.body.end : s.pos;
      yield* runCleanups(gs);
      // `break` inside scoped_guard leaves the guard (it is a for loop in cleanup.h).
      if (c && c.k === 'brk') return undefined;
      return c;
    }
    case 'Guard':
      yield* guardAcquire(I, s.guardType, s.args, s.pos, sc);
      return undefined;
  }
}

function* execSwitch(I: Interp, s: Extract<Stmt, { kind: 'Switch' }>, sc: Scope): Gen<Completion> {
  const v = toBig(yield* evalExpr(I, s.expr, sc));
  if (s.body.kind !== 'Block') return undefined;
  const items = s.body.items;
  let start = -1;
  let dflt = -1;
  for (let i = 0; i < items.length; i++) {
    let it: Stmt = items[i]!;
    while (it.kind === 'Labeled') it = it.stmt;
    if (it.kind === 'Case') {
      const lo = toBig(yield* evalExpr(I, it.value, sc));
      const hi = it.high ? toBig(yield* evalExpr(I, it.high, sc)) : lo;
      if (v >= lo && v <= hi) {
        start = i;
        break;
      }
    } else if (it.kind === 'Default' && dflt < 0) dflt = i;
  }
  if (start < 0) start = dflt;
  if (start < 0) return undefined;
  const c = yield* execBlock(I, s.body, sc, start);
  if (c && c.k === 'brk') return undefined;
  return c;
}

function* declareLocal(I: Interp, d: VarDecl, sc: Scope): Gen<void> {
  const t = resolveType(I, d.type, sc);
  if (d.storage.static) {
    let obj = I.staticLocals.get(d);
    if (!obj) {
      obj = allocObj(I.mem, 'global', t, sizeOf(t), `${sc.fn}.${d.name}`, true, { sym: `${sc.fn}.${d.name}` });
      I.staticLocals.set(d, obj);
      if (d.init) yield* initialize(I, { obj, off: 0, t }, d.init, sc);
    }
    declare(sc, d.name, { obj, t });
    return;
  }
  let tt = t;
  if (t.k === 'array' && t.n === 0 && d.init) {
    // `int a[] = {1, 2}` / `char s[] = "x"`: size from the initializer.
    const n = d.init.kind === 'InitList' ? d.init.items.length : d.init.kind === 'StringLit' ? d.init.value.length + 1 : 0;
    tt = { ...t, n };
  }
  chargeLocal(I, d, sizeOf(tt), sc);
  const obj = allocObj(I.mem, 'stack', tt, sizeOf(tt), d.name, d.init?.kind === 'InitList');
  declare(sc, d.name, { obj, t: tt });
  if (d.define === 'LIST_HEAD') {
    const self: PtrV = { k: 'p', t: ptrTo(tt), obj, off: 0 };
    obj.cells.set(0, self);
    obj.cells.set(8, self);
    return;
  }
  if (d.init) yield* initialize(I, { obj, off: 0, t: tt }, d.init, sc);
  yield* bindDefineCallback(I, obj, tt, d, sc);
}

/** Store an initializer (scalar, string, or brace list with designators) into a place. */
export function* initialize(I: Interp, r: Ref, init: Initializer, sc: Scope): Gen<void> {
  const t = r.t;
  if (init.kind !== 'InitList') {
    if (t.k === 'array' && init.kind === 'StringLit') {
      const s = init.value;
      for (let i = 0; i < Math.min(s.length, t.n); i++) r.obj!.cells.set(r.off + i, mkInt(CHAR, BigInt(s.charCodeAt(i))));
      return;
    }
    const v = yield* evalExpr(I, init, sc);
    store(I, r, v);
    return;
  }
  if (r.obj) r.obj.zeroed = r.obj.zeroed || r.off === 0;
  if (t.k === 'struct') {
    const s = ensureLayout(I, t);
    const fields = (s.fields ?? []).filter((f) => f.name !== null || f.t.k === 'struct');
    let idx = 0;
    for (const it of init.items) {
      let target: Ref;
      if (it.designators.length > 0) {
        target = r;
        for (const d of it.designators) {
          if (d.kind === 'FieldDesignator') {
            const st = target.t.k === 'struct' ? ensureLayout(I, target.t) : null;
            const f = st ? findField(st, d.field) : null;
            if (!f) throw new StopRun('internal', `no field '${d.field}' in ${typeName(target.t)}`, sc.fn, d.pos);
            target = { obj: target.obj, off: target.off + f.off, t: f.t };
            idx = fields.findIndex((x) => x.name === d.field) + 1;
          } else {
            const n = Number(toBig(yield* evalExpr(I, d.index, sc)));
            const el = target.t.k === 'array' ? target.t.of : INT;
            target = { obj: target.obj, off: target.off + n * sizeOf(el), t: el };
          }
        }
      } else {
        const f = fields[idx++];
        if (!f) break;
        target = { obj: r.obj, off: r.off + f.off, t: f.t };
      }
      yield* initialize(I, target, it.value, sc);
    }
    return;
  }
  if (t.k === 'array') {
    let idx = 0;
    for (const it of init.items) {
      if (it.designators.length > 0 && it.designators[0]!.kind === 'IndexDesignator') {
        idx = Number(toBig(yield* evalExpr(I, it.designators[0]!.index, sc)));
      }
      if (idx >= t.n && t.n > 0) break;
      yield* initialize(I, { obj: r.obj, off: r.off + idx * sizeOf(t.of), t: t.of }, it.value, sc);
      idx++;
    }
    return;
  }
  // Scalar in braces: `int x = { 3 };`
  if (init.items[0]) yield* initialize(I, r, init.items[0].value, sc);
}

// ---------------------------------------------------------------------------
// Guards (cleanup.h)

/** guard name -> [lock builtin, unlock builtin]; the flags-saving ones keep their flags in the guard. */
const GUARDS: Record<string, [string, string]> = {
  spinlock: ['spin_lock', 'spin_unlock'],
  spinlock_irq: ['spin_lock_irq', 'spin_unlock_irq'],
  spinlock_irqsave: ['spin_lock_irqsave', 'spin_unlock_irqrestore'],
  spinlock_bh: ['spin_lock_bh', 'spin_unlock_bh'],
  raw_spinlock: ['raw_spin_lock', 'raw_spin_unlock'],
  raw_spinlock_irq: ['raw_spin_lock_irq', 'raw_spin_unlock_irq'],
  raw_spinlock_irqsave: ['raw_spin_lock_irqsave', 'raw_spin_unlock_irqrestore'],
  raw_spinlock_nested: ['raw_spin_lock_nested', 'raw_spin_unlock'],
  spinlock_nested: ['spin_lock_nested', 'spin_unlock'],
  read_lock: ['read_lock', 'read_unlock'],
  read_lock_irq: ['read_lock_irq', 'read_unlock_irq'],
  read_lock_irqsave: ['read_lock_irqsave', 'read_unlock_irqrestore'],
  write_lock: ['write_lock', 'write_unlock'],
  write_lock_irq: ['write_lock_irq', 'write_unlock_irq'],
  write_lock_irqsave: ['write_lock_irqsave', 'write_unlock_irqrestore'],
  mutex: ['mutex_lock', 'mutex_unlock'],
  rwsem_read: ['down_read', 'up_read'],
  rwsem_write: ['down_write', 'up_write'],
  rcu: ['rcu_read_lock', 'rcu_read_unlock'],
  irq: ['local_irq_disable', 'local_irq_enable'],
  irqsave: ['local_irq_save', 'local_irq_restore'],
  preempt: ['preempt_disable', 'preempt_enable'],
  local_lock: ['local_lock', 'local_unlock'],
  local_lock_irq: ['local_lock_irq', 'local_unlock_irq'],
  local_lock_irqsave: ['local_lock_irqsave', 'local_unlock_irqrestore'],
};

export function* guardAcquire(I: Interp, type: string, args: Expr[], pos: SourcePos, sc: Scope): Gen<void> {
  const g = GUARDS[type];
  if (!g) throw new StopRun('internal', `unknown guard type '${type}'`, sc.fn, pos);
  const [lockName, unlockName] = g;
  const saves = lockName.endsWith('irqsave') || lockName === 'local_irq_save';
  const lockArgs = [...args];
  let flagsVar: Expr | null = null;
  if (saves) {
    // The guard keeps the flags itself: a hidden local the unlock reads back.
    const name = `__guard_flags_${pos.line}_${pos.col}`;
    const obj = allocObj(I.mem, 'stack', ULONG, 8, name, true);
    declare(sc, name, { obj, t: ULONG });
    flagsVar = { kind: 'Ident', pos, name };
    if (type === 'irqsave') lockArgs.length = 0;
    lockArgs.push(flagsVar);
  }
  // Evaluate the lock pointer once, as the guard stores it.
  const held: Value[] = [];
  for (const a of type === 'irqsave' ? [] : args) held.push(yield* evalExpr(I, a, sc));
  const heldArgs: Expr[] = held.map((v, i) => constExpr(v, args[i]!));
  yield* callBuiltin(I, lockName, flagsVar ? [...heldArgs, flagsVar] : heldArgs, pos, sc);
  (sc.cleanups ??= []).push(function* () {
    yield* callBuiltin(I, unlockName, flagsVar ? [...heldArgs.slice(0, 1), flagsVar] : heldArgs.slice(0, 1), pos, sc);
  });
}

/** An already-evaluated value passed back through an Expr slot (keeps the original text for class names). */
interface ValueExpr {
  kind: 'Ident';
  pos: SourcePos;
  name: string;
  __value: Value;
  __text: Expr;
}
function constExpr(v: Value, orig: Expr): Expr {
  const e: ValueExpr = { kind: 'Ident', pos: orig.pos, name: '\0value', __value: v, __text: orig };
  return e as unknown as Expr;
}
export function argText(e: Expr): string {
  const ve = e as unknown as Partial<ValueExpr>;
  return exprText(ve.__text ?? e);
}

// ---------------------------------------------------------------------------
// Iterator macros

function memberPath(e: Expr): string {
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'Member') return `${memberPath(e.object)}.${e.field}`;
  return exprText(e);
}

export function fieldOffset(I: Interp, t: RType, path: string, pos: SourcePos): { off: number; t: RType } {
  let off = 0;
  let cur = t;
  for (const name of path.split('.')) {
    if (cur.k !== 'struct') throw new StopRun('internal', `'${path}' is not a member of ${typeName(t)}`, undefined, pos);
    const f = findField(ensureLayout(I, cur), name);
    if (!f) throw new StopRun('internal', `${typeName(cur)} has no member named '${name}'`, undefined, pos);
    off += f.off;
    cur = f.t;
  }
  return { off, t: cur };
}

/** container_of(): step back from a member pointer to its containing object. */
export function containerOf(p: Value, t: RType, off: number): PtrV {
  const pt = ptrTo(t);
  if (p.k !== 'p') return { k: 'p', t: pt, obj: null, off: 0, addr: toBig(p) - BigInt(off) };
  if (!p.obj) return { k: 'p', t: pt, obj: null, off: 0, addr: (p.addr ?? 0n) - BigInt(off), uninit: p.uninit };
  return { k: 'p', t: pt, obj: p.obj, off: p.off - off };
}

function samePtr(a: Value, b: Value): boolean {
  if (a.k === 'p' && b.k === 'p') {
    if (a.obj || b.obj) return a.obj === b.obj && a.off === b.off;
    return (a.addr ?? 0n) === (b.addr ?? 0n);
  }
  return toBig(a) === toBig(b);
}

function derefField(I: Interp, p: Value, off: number, t: RType): Value {
  if (p.k !== 'p') return load(I, { obj: null, off: 0, t, addr: toBig(p) + BigInt(off) });
  return load(I, { obj: p.obj, off: p.off + off, t, addr: p.obj ? undefined : (p.addr ?? 0n) + BigInt(off), uninit: p.uninit });
}

function* execForEach(I: Interp, s: ForEachStmt, sc: Scope): Gen<Completion> {
  const a = s.args;
  const m = s.macro;
  const body = function* (): Gen<Completion | 'stop'> {
    const c = yield* exec(I, s.body, sc);
    if (c === undefined || c.k === 'cont') return undefined;
    if (c.k === 'brk') return 'stop';
    return c;
  };
  if (m === 'for_each_possible_cpu' || m === 'for_each_online_cpu' || m === 'for_each_present_cpu' || m === 'for_each_cpu') {
    const r = yield* evalLval(I, a[0]!, sc);
    let mask = (1n << BigInt(I.k.cpus.length)) - 1n;
    if (m === 'for_each_cpu') {
      const mp = yield* evalExpr(I, a[1]!, sc);
      mask = toBig(derefField(I, mp, 0, ULONG));
    }
    for (let cpu = 0; cpu < I.k.cpus.length; cpu++) {
      if (!((mask >> BigInt(cpu)) & 1n)) continue;
      step(I, s.pos);
      store(I, r, intOf(cpu));
      const c = yield* body();
      if (c === 'stop') return undefined;
      if (c) return c;
    }
    return undefined;
  }
  if (m === 'for_each_set_bit' || m === 'for_each_clear_bit') {
    const r = yield* evalLval(I, a[0]!, sc);
    const base = yield* evalExpr(I, a[1]!, sc);
    const size = Number(toBig(yield* evalExpr(I, a[2]!, sc)));
    for (let bit = 0; bit < size; bit++) {
      step(I, s.pos);
      const word = toBig(derefField(I, base, Math.floor(bit / 64) * 8, ULONG));
      const set = ((word >> BigInt(bit % 64)) & 1n) === 1n;
      if (set !== (m === 'for_each_set_bit')) continue;
      store(I, r, mkInt(UINT_T, BigInt(bit)));
      const c = yield* body();
      if (c === 'stop') return undefined;
      if (c) return c;
    }
    return undefined;
  }
  const isH = m.startsWith('hlist');
  const entryLike = m.includes('entry');
  const safe = m.includes('safe');
  const rev = m.includes('reverse');
  const rcu = m.includes('rcu');
  const posR = yield* evalLval(I, a[0]!, sc);
  const nR = safe ? yield* evalLval(I, a[1]!, sc) : null;
  if (rcu) {
    // __list_check_rcu(): outside any RCU reader, and without the lockdep condition the caller may pass.
    const condArg = a[3];
    const cond = condArg ? truthy(yield* evalExpr(I, condArg, sc)) : false;
    if (!cond && !rcuAnyHeld(I.k)) rcuSuspicious(I.k, s.pos, 'RCU-list traversed in non-reader section!');
  }
  const headArg = a[safe ? 2 : 1]!;
  const head = yield* evalExpr(I, headArg, sc);
  const memberArg = entryLike ? a[safe ? 3 : 2] : undefined;
  const listT = isH ? I.builtinTypes.get('struct hlist_node')! : I.builtinTypes.get('struct list_head')!;
  let entryT: RType = listT;
  let moff = 0;
  if (entryLike) {
    if (posR.t.k !== 'ptr') throw new StopRun('internal', `${m}(): the cursor must be a pointer`, sc.fn, s.pos);
    entryT = posR.t.to;
    moff = fieldOffset(I, entryT, memberPath(memberArg!), s.pos).off;
  }
  const NEXT = isH ? 0 : rev ? 8 : 0;
  const PP = ptrTo(listT);
  const nodeOf = (p: Value): Value => (entryLike ? (p.k === 'p' && !p.obj && (p.addr ?? 0n) === 0n ? p : { ...(p as PtrV), off: (p as PtrV).off + moff, t: PP, addr: (p as PtrV).obj ? undefined : ((p as PtrV).addr ?? 0n) + BigInt(moff) }) : p);
  const entryOf = (node: Value): Value => (entryLike ? containerOf(node, entryT, moff) : convert(I, node, posR.t));
  const headLabel = exprText(headArg);
  let node: Value;
  if (m === 'list_for_each_entry_continue' || m === 'list_for_each_entry_from') {
    const cur = load(I, posR);
    const curNode = nodeOf(cur);
    node = m === 'list_for_each_entry_from' ? curNode : derefField(I, curNode, NEXT, PP);
  } else {
    node = derefField(I, head, isH ? 0 : NEXT, PP);
  }
  for (;;) {
    step(I, s.pos);
    if (isH ? isNullPtr(node) || !truthy(node) : samePtr(node, head)) break;
    const e = entryOf(node);
    store(I, posR, e);
    if (I.memEvents && listening(I.k) && head.k === 'p' && head.obj) {
      emit(I.k, {
        kind: 'list',
        op: rcu ? 'list_iter_rcu' : 'list_iter',
        head: { objId: head.obj.id, label: headLabel, addr: addrOf(head) },
        entry: node.k === 'p' && node.obj ? { objId: node.obj.id, label: node.obj.label, addr: addrOf(node) } : undefined,
        ctx: ctxNow(I.k),
      });
    }
    if (nR) store(I, nR, entryOf(derefField(I, node, NEXT, PP)));
    const c = yield* body();
    if (c === 'stop') return undefined;
    if (c) return c;
    node = nR ? nodeOf(load(I, nR)) : derefField(I, nodeOf(load(I, posR)), NEXT, PP);
  }
  // After a full walk the cursor points at the head's container, as in the kernel.
  if (entryLike && !isH) store(I, posR, entryOf(head));
  if (isH) store(I, posR, { k: 'p', t: posR.t as PtrRT, obj: null, off: 0, addr: 0n });
  return undefined;
}

const UINT_T: IntRT = { k: 'int', name: 'unsigned int', bits: 32, signed: false };

// ---------------------------------------------------------------------------
// Expressions


// ---------------------------------------------------------------------------
// Fast path: expressions that cannot sleep or have side effects (no calls,
// assignments, increments) are evaluated without generators. Same semantics
// as the generator path below; it only saves allocations.

const pureCache = new WeakMap<Expr, boolean>();

function isPure(e: Expr): boolean {
  const c = pureCache.get(e);
  if (c !== undefined) return c;
  let r: boolean;
  switch (e.kind) {
    case 'IntLit':
    case 'CharLit':
    case 'StringLit':
    case 'Ident':
    case 'Sizeof':
      r = true;
      break;
    case 'Member':
      r = isPure(e.object);
      break;
    case 'Index':
      r = isPure(e.base) && isPure(e.index);
      break;
    case 'Unary':
      r = isPure(e.operand);
      break;
    case 'Binary':
      r = isPure(e.left) && isPure(e.right);
      break;
    case 'Cast':
      r = isPure(e.expr);
      break;
    case 'Conditional':
      r = isPure(e.cond) && (e.then === null || isPure(e.then)) && isPure(e.else);
      break;
    default:
      r = false;
  }
  pureCache.set(e, r);
  return r;
}

function lvalSync(I: Interp, e: Expr, sc: Scope): Ref {
  switch (e.kind) {
    case 'Ident': {
      const v = lookupVar(I, symKey(e), sc);
      if (v) return { obj: v.obj, off: 0, t: v.t, expr: e };
      const ve = e as unknown as Partial<ValueExpr>;
      if (ve.__value) return derefRef(ve.__value, e);
      throw new StopRun('internal', `'${e.name}' undeclared (not a variable)`, sc.fn, e.pos);
    }
    case 'Unary':
      if (e.op === '*') return derefRef(valSync(I, e.operand, sc), e);
      break;
    case 'Member': {
      const base = e.arrow ? derefRef(valSync(I, e.object, sc), e) : lvalSync(I, e.object, sc);
      return memberRef(I, base, e, sc);
    }
    case 'Index':
      return indexRef(I, e, valSync(I, e.base, sc), toBig(valSync(I, e.index, sc)), sc);
    case 'StringLit': {
      const obj = stringObj(I, e);
      return { obj, off: 0, t: obj.t };
    }
    case 'Cast': {
      const r = lvalSync(I, e.expr, sc);
      return { ...r, t: resolveType(I, e.type, sc) };
    }
  }
  throw new StopRun('internal', `lvalue required: '${exprText(e)}' is not a place in memory`, sc.fn, e.pos);
}

function memberRef(I: Interp, base: Ref, e: Extract<Expr, { kind: 'Member' }>, sc: Scope): Ref {
  if (base.t.k !== 'struct') throw new StopRun('internal', `request for member '${e.field}' in something not a structure`, sc.fn, e.pos);
  const f = findField(ensureLayout(I, base.t), e.field);
  if (!f) throw new StopRun('internal', `${typeName(base.t)} has no member named '${e.field}'`, sc.fn, e.pos);
  return { obj: base.obj, off: base.off + f.off, t: f.t, addr: base.obj ? undefined : (base.addr ?? 0n) + BigInt(f.off), uninit: base.uninit, expr: e };
}

function indexRef(I: Interp, e: Extract<Expr, { kind: 'Index' }>, bv: Value, iv: bigint, sc: Scope): Ref {
  const baseT = typeOfArrayish(I, e.base, sc);
  // One past the end is a valid address (`&a[n]`); anything further is UBSAN's.
  if (baseT && baseT.k === 'array' && baseT.n > 0 && (iv < 0n || iv > BigInt(baseT.n))) ubsanIndex(I, e, iv, baseT);
  if (bv.k !== 'p') throw new StopRun('internal', 'subscripted value is neither array nor pointer', sc.fn, e.pos);
  const el = bv.t.to;
  const n = Number(iv) * sizeOf(el);
  return { obj: bv.obj, off: bv.off + n, t: el, addr: bv.obj ? undefined : (bv.addr ?? 0n) + BigInt(n), uninit: bv.uninit, expr: e };
}

function valSync(I: Interp, e: Expr, sc: Scope): Value {
  switch (e.kind) {
    case 'IntLit':
      return mkInt(literalType(e.value, e.suffix, /^0[xX]/.test(e.text) || /^0[0-7]/.test(e.text)), e.value);
    case 'CharLit':
      return intOf(e.value);
    case 'StringLit':
      return { k: 'p', t: CHARP, obj: stringObj(I, e), off: 0 };
    case 'Ident':
      return identValue(I, e, sc);
    case 'Member':
    case 'Index':
      return load(I, lvalSync(I, e, sc));
    case 'Sizeof': {
      const t = e.arg.kind === 'TypeArg' ? resolveType(I, e.arg.type, sc) : typeOfExpr(I, e.arg, sc);
      return mkInt(ULONG, BigInt(sizeOf(t.k === 'struct' ? ensureLayout(I, t) : t)));
    }
    case 'Cast': {
      const t = resolveType(I, e.type, sc);
      const v = valSync(I, e.expr, sc);
      return t.k === 'void' ? VOIDV : convert(I, v, t);
    }
    case 'Conditional': {
      const c = valSync(I, e.cond, sc);
      if (truthy(c)) return e.then ? valSync(I, e.then, sc) : c;
      return valSync(I, e.else, sc);
    }
    case 'Binary':
      if (e.op === '&&') return truthy(valSync(I, e.left, sc)) ? boolOf(truthy(valSync(I, e.right, sc))) : ZERO;
      if (e.op === '||') return truthy(valSync(I, e.left, sc)) ? boolOf(true) : boolOf(truthy(valSync(I, e.right, sc)));
      return binop(I, e.op, valSync(I, e.left, sc), valSync(I, e.right, sc), e.pos);
    case 'Unary':
      return unarySync(I, e, sc);
  }
  throw new StopRun('internal', `unexpected expression '${exprText(e)}'`, sc.fn, e.pos);
}

function unarySync(I: Interp, e: Extract<Expr, { kind: 'Unary' }>, sc: Scope): Value {
  switch (e.op) {
    case '&': {
      if (e.operand.kind === 'Ident') {
        const n = symKey(e.operand);
        if (!lookupVar(I, n, sc) && (I.funcs.has(n) || I.protos.has(n) || I.builtins.has(n))) return { k: 'f', name: n };
      }
      const r = lvalSync(I, e.operand, sc);
      return { k: 'p', t: ptrTo(r.t), obj: r.obj, off: r.off, addr: r.obj ? undefined : r.addr, uninit: r.uninit };
    }
    case '*': {
      const p = valSync(I, e.operand, sc);
      if (p.k === 'f') return p;
      return load(I, derefRef(p, e));
    }
    default:
      return unaryOp(e.op, valSync(I, e.operand, sc));
  }
}

function unaryOp(op: '!' | '-' | '+' | '~', v: Value): Value {
  switch (op) {
    case '!':
      return boolOf(!truthy(v));
    case '-':
      return mkInt(promote(v.k === 'i' ? v.t : INT), -toBig(v));
    case '+':
      return v.k === 'i' ? mkInt(promote(v.t), v.v) : v;
    case '~':
      return mkInt(promote(v.k === 'i' ? v.t : INT), ~toBig(v));
  }
}

export function* evalLval(I: Interp, e: Expr, sc: Scope): Gen<Ref> {
  if (isPure(e)) return lvalSync(I, e, sc);
  switch (e.kind) {
    case 'Ident': {
      const v = lookupVar(I, symKey(e), sc);
      if (v) return { obj: v.obj, off: 0, t: v.t, expr: e };
      const ve = e as unknown as Partial<ValueExpr>;
      if (ve.__value) return derefRef(ve.__value, e);
      throw new StopRun('internal', `'${e.name}' undeclared (not a variable)`, sc.fn, e.pos);
    }
    case 'Unary':
      if (e.op === '*') {
        const p = yield* evalExpr(I, e.operand, sc);
        return derefRef(p, e);
      }
      break;
    case 'Member': {
      let base: Ref;
      if (e.arrow) {
        const p = yield* evalExpr(I, e.object, sc);
        base = derefRef(p, e);
      } else base = yield* evalLval(I, e.object, sc);
      if (base.t.k !== 'struct') throw new StopRun('internal', `request for member '${e.field}' in something not a structure`, sc.fn, e.pos);
      const f = findField(ensureLayout(I, base.t), e.field);
      if (!f) throw new StopRun('internal', `${typeName(base.t)} has no member named '${e.field}'`, sc.fn, e.pos);
      return { obj: base.obj, off: base.off + f.off, t: f.t, addr: base.obj ? undefined : (base.addr ?? 0n) + BigInt(f.off), uninit: base.uninit, expr: e };
    }
    case 'Index': {
      const bv = yield* evalExpr(I, e.base, sc);
      const iv = toBig(yield* evalExpr(I, e.index, sc));
      const baseT = typeOfArrayish(I, e.base, sc);
      // One past the end is a valid address (`&a[n]`); anything further is UBSAN's.
      if (baseT && baseT.k === 'array' && baseT.n > 0 && (iv < 0n || iv > BigInt(baseT.n))) ubsanIndex(I, e, iv, baseT);
      if (bv.k !== 'p') throw new StopRun('internal', 'subscripted value is neither array nor pointer', sc.fn, e.pos);
      const el = bv.t.to;
      const n = Number(iv) * sizeOf(el);
      return { obj: bv.obj, off: bv.off + n, t: el, addr: bv.obj ? undefined : (bv.addr ?? 0n) + BigInt(n), uninit: bv.uninit, expr: e };
    }
    case 'Call': {
      // per_cpu(x, cpu) and friends are lvalues.
      if (e.callee.kind === 'Ident' && LVAL_CALLS.has(e.callee.name)) {
        const p = yield* callBuiltin(I, e.callee.name === 'per_cpu' ? '__per_cpu_ptr_of' : e.callee.name, e.args, e.pos, sc);
        return derefRef(p, e);
      }
      const v = yield* evalExpr(I, e, sc);
      if (v.k === 'a') return { obj: v.obj, off: v.off, t: v.t, expr: e };
      return derefRef(v, e);
    }
    case 'CompoundLiteral': {
      const t = resolveType(I, e.type, sc);
      const obj = allocObj(I.mem, 'stack', t, sizeOf(t), '(compound literal)', true);
      yield* initialize(I, { obj, off: 0, t }, e.init, sc);
      return { obj, off: 0, t };
    }
    case 'StringLit': {
      const obj = stringObj(I, e);
      return { obj, off: 0, t: obj.t };
    }
    case 'Cast': {
      const r = yield* evalLval(I, e.expr, sc);
      return { ...r, t: resolveType(I, e.type, sc) };
    }
    case 'StmtExpr':
    case 'Conditional':
    case 'Comma': {
      const v = yield* evalExpr(I, e, sc);
      if (v.k === 'a') return { obj: v.obj, off: v.off, t: v.t };
      break;
    }
  }
  throw new StopRun('internal', `lvalue required: '${exprText(e)}' is not a place in memory`, sc.fn, e.pos);
}

const LVAL_CALLS = new Set(['per_cpu', 'READ_ONCE', '__per_cpu_ptr_of']);

function typeOfArrayish(I: Interp, e: Expr, sc: Scope): RType | null {
  if (e.kind === 'Ident') return lookupVar(I, symKey(e), sc)?.t ?? null;
  if (e.kind === 'Member') {
    try {
      return typeOfExpr(I, e, sc);
    } catch {
      return null;
    }
  }
  return null;
}

function ubsanIndex(I: Interp, e: Expr, i: bigint, t: RType): void {
  const p = e.pos;
  sanitizerReport(I.k, 'bug', `UBSAN: array-index-out-of-bounds in ${p.file}:${p.line}:${p.col}`, [
    `index ${i} is out of range for type '${typeName((t as { of: RType }).of)} [${(t as { n: number }).n}]'`,
  ]);
}

function derefRef(p: Value, e: Expr): Ref {
  if (p.k === 'p') return { obj: p.obj, off: p.off, t: p.t.to, addr: p.obj ? undefined : (p.addr ?? 0n), uninit: p.uninit, expr: e };
  if (p.k === 'a') return { obj: p.obj, off: p.off, t: p.t, expr: e };
  if (p.k === 'i') return { obj: null, off: 0, t: INT, addr: p.v, expr: e };
  return { obj: null, off: 0, t: INT, addr: 0n, expr: e };
}

export function stringObj(I: Interp, e: StringLit): MemObj {
  let o = I.strings.get(e);
  if (!o) {
    const t: RType = { k: 'array', of: CHAR, n: e.value.length + 1 };
    o = allocObj(I.mem, 'string', t, e.value.length + 1, JSON.stringify(e.value), true, { str: e.value });
    for (let i = 0; i < e.value.length; i++) o.cells.set(i, mkInt(CHAR, BigInt(e.value.charCodeAt(i))));
    I.strings.set(e, o);
  }
  return o;
}

/** Read a NUL-terminated string at a char pointer. */
export function readString(_I: Interp, p: Value): string | null {
  if (p.k !== 'p' || !p.obj) return null;
  if (p.obj.str !== undefined) return p.obj.str.slice(p.off);
  let s = '';
  for (let off = p.off; off < p.obj.size; off++) {
    const c = p.obj.cells.get(off);
    const n = c ? Number(toBig(c) & 0xffn) : 0;
    if (n === 0) break;
    s += String.fromCharCode(n);
  }
  return s;
}

export function* evalExpr(I: Interp, e: Expr, sc: Scope): Gen<Value> {
  if (isPure(e)) return valSync(I, e, sc);
  switch (e.kind) {
    case 'IntLit':
      return mkInt(literalType(e.value, e.suffix, /^0[xX]/.test(e.text) || /^0[0-7]/.test(e.text)), e.value);
    case 'CharLit':
      return intOf(e.value);
    case 'StringLit': {
      const o = stringObj(I, e);
      return { k: 'p', t: CHARP, obj: o, off: 0 };
    }
    case 'Ident':
      return identValue(I, e, sc);
    case 'Unary':
      return yield* evalUnary(I, e, sc);
    case 'Update': {
      const r = yield* evalLval(I, e.operand, sc);
      const old = load(I, r);
      const delta = e.op === '++' ? 1n : -1n;
      let nv: Value;
      if (old.k === 'p') nv = ptrAdd(old, delta);
      else nv = mkInt((old as { t: IntRT }).t ?? INT, toBig(old) + delta);
      store(I, r, nv);
      return e.prefix ? load(I, r) : old;
    }
    case 'Binary':
      return yield* evalBinary(I, e, sc);
    case 'Assign': {
      const r = yield* evalLval(I, e.target, sc);
      let v = yield* evalExpr(I, e.value, sc);
      if (e.op !== '=') {
        const old = load(I, r);
        v = binop(I, e.op.slice(0, -1), old, v, e.pos);
      }
      store(I, r, v);
      // The value of an assignment is the stored value; no second read of the place.
      return r.t.k === 'struct' || r.t.k === 'array' ? v : convert(I, v, r.t);
    }
    case 'Conditional': {
      const c = yield* evalExpr(I, e.cond, sc);
      if (truthy(c)) return e.then ? yield* evalExpr(I, e.then, sc) : c;
      return yield* evalExpr(I, e.else, sc);
    }
    case 'Comma': {
      let v: Value = VOIDV;
      for (const x of e.exprs) v = yield* evalExpr(I, x, sc);
      return v;
    }
    case 'Cast': {
      const t = resolveType(I, e.type, sc);
      const v = yield* evalExpr(I, e.expr, sc);
      if (t.k === 'void') return VOIDV;
      return convert(I, v, t);
    }
    case 'Sizeof': {
      const t = e.arg.kind === 'TypeArg' ? resolveType(I, e.arg.type, sc) : typeOfExpr(I, e.arg, sc);
      return mkInt(ULONG, BigInt(sizeOf(t.k === 'struct' ? ensureLayout(I, t) : t)));
    }
    case 'TypeArg':
      throw new StopRun('internal', `a type name is not a value here`, sc.fn, e.pos);
    case 'Call':
      return yield* evalCall(I, e, sc);
    case 'Index':
    case 'Member': {
      const r = yield* evalLval(I, e, sc);
      return load(I, r);
    }
    case 'CompoundLiteral': {
      const r = yield* evalLval(I, e, sc);
      return load(I, r);
    }
    case 'StmtExpr': {
      const bs = newScope(sc);
      const items = e.body.items;
      let last: Value = VOIDV;
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        if (i === items.length - 1 && it.kind === 'ExprStmt') {
          step(I, it.pos);
          last = yield* evalExpr(I, it.expr, bs);
          break;
        }
        const c = yield* exec(I, it, bs);
        if (c) throw new StopRun('internal', 'control flow out of a statement expression is not supported', sc.fn, it.pos);
      }
      yield* runCleanups(bs);
      return last;
    }
  }
}

function identValue(I: Interp, e: Extract<Expr, { kind: 'Ident' }>, sc: Scope): Value {
  const ve = e as unknown as Partial<ValueExpr>;
  if (ve.__value) return ve.__value;
  const v = lookupVar(I, symKey(e), sc);
  if (v) return load(I, { obj: v.obj, off: 0, t: v.t, expr: e });
  const ec = I.enumConsts.get(e.name);
  if (ec !== undefined) return mkInt(INT, ec);
  if (I.funcs.has(symKey(e)) || I.protos.has(symKey(e))) return { k: 'f', name: symKey(e) } satisfies FnV;
  const c = I.constants.get(e.name);
  if (c) return c;
  const dyn = DYNAMIC_IDENTS[e.name];
  if (dyn) return dyn(I);
  if (e.name === '__func__' || e.name === '__FUNCTION__') return funcName(I, sc.fn);
  if (I.builtins.has(e.name)) return { k: 'f', name: e.name } satisfies FnV;
  throw new StopRun('internal', `'${e.name}' undeclared`, sc.fn, e.pos);
}

/** Identifiers whose value depends on the moment: `current`, `jiffies`. */
export const DYNAMIC_IDENTS: Record<string, (I: Interp) => Value> = {
  jiffies: (I) => mkInt(ULONG, BigInt(I.k.jiffies) + 0xfffb6c20n),
  current: (I) => currentPtr(I),
  nr_cpu_ids: (I) => mkInt(UINT_T, BigInt(I.k.cpus.length)),
  debug_locks: (I) => intOf(!I.k.queries || I.k.queries.debugLocks() ? 1 : 0),
  cpu_online_mask: (I) => allCpusMask(I),
  cpu_possible_mask: (I) => allCpusMask(I),
  cpu_present_mask: (I) => allCpusMask(I),
};

const cpuMasks = new WeakMap<Interp, MemObj>();
/** cpu_online_mask & co: one read-only mask with every simulated CPU set. */
function allCpusMask(I: Interp): PtrV {
  const t = I.builtinTypes.get('cpumask_t')!;
  let o = cpuMasks.get(I);
  if (!o) {
    o = allocObj(I.mem, 'kernel', t, t.size, '__cpu_online_mask', true, { sym: '__cpu_online_mask' });
    o.cells.set(0, mkInt(ULONG, (1n << BigInt(I.k.cpus.length)) - 1n));
    cpuMasks.set(I, o);
  }
  return { k: 'p', t: ptrTo(t), obj: o, off: 0 };
}

const funcNames = new WeakMap<Interp, Map<string, MemObj>>();
/** `__func__`: one string object per function, like the compiler's static array. */
function funcName(I: Interp, fn: string): PtrV {
  let m = funcNames.get(I);
  if (!m) funcNames.set(I, (m = new Map()));
  let o = m.get(fn);
  if (!o) {
    o = allocObj(I.mem, 'string', { k: 'array', of: CHAR, n: fn.length + 1 }, fn.length + 1, JSON.stringify(fn), true, { str: fn });
    m.set(fn, o);
  }
  return { k: 'p', t: CHARP, obj: o, off: 0 };
}

export function currentPtr(I: Interp): PtrV {
  const t = I.k.cur.task;
  const tt = I.builtinTypes.get('struct task_struct')!;
  if (!t.obj) {
    const obj = allocObj(I.mem, 'heap', tt, tt.size, `task_struct(${t.comm})`, true);
    I.mem.heapBytes -= tt.size;
    t.obj = obj;
    syncTaskObj(I, t);
  }
  return { k: 'p', t: ptrTo(tt), obj: t.obj, off: 0 };
}

export function syncTaskObj(I: Interp, t: import('../kernel/state.ts').Task): void {
  if (!t.obj) return;
  const tt = I.builtinTypes.get('struct task_struct')!;
  const pid = findField(tt, 'pid')!;
  const comm = findField(tt, 'comm')!;
  const cpu = findField(tt, 'cpu')!;
  t.obj.cells.set(pid.off, mkInt(pid.t as IntRT, BigInt(t.pid)));
  t.obj.cells.set(cpu.off, mkInt(INT, BigInt(t.cpu)));
  for (let i = 0; i < 16; i++) t.obj.cells.set(comm.off + i, mkInt(CHAR, BigInt(i < t.comm.length ? t.comm.charCodeAt(i) : 0)));
}

function* evalUnary(I: Interp, e: Extract<Expr, { kind: 'Unary' }>, sc: Scope): Gen<Value> {
  switch (e.op) {
    case '&': {
      if (e.operand.kind === 'Ident') {
        const n = symKey(e.operand);
        if (!lookupVar(I, n, sc) && (I.funcs.has(n) || I.protos.has(n) || I.builtins.has(n))) return { k: 'f', name: n };
      }
      const r = yield* evalLval(I, e.operand, sc);
      return { k: 'p', t: ptrTo(r.t), obj: r.obj, off: r.off, addr: r.obj ? undefined : r.addr, uninit: r.uninit };
    }
    case '*': {
      const p = yield* evalExpr(I, e.operand, sc);
      if (p.k === 'f') return p;
      return load(I, derefRef(p, e));
    }
    case '!':
      return boolOf(!truthy(yield* evalExpr(I, e.operand, sc)));
    case '-': {
      const v = yield* evalExpr(I, e.operand, sc);
      const t = promote(v.k === 'i' ? v.t : INT);
      return mkInt(t, -toBig(v));
    }
    case '+': {
      const v = yield* evalExpr(I, e.operand, sc);
      return v.k === 'i' ? mkInt(promote(v.t), v.v) : v;
    }
    case '~': {
      const v = yield* evalExpr(I, e.operand, sc);
      const t = promote(v.k === 'i' ? v.t : INT);
      return mkInt(t, ~toBig(v));
    }
  }
}

function* evalBinary(I: Interp, e: Extract<Expr, { kind: 'Binary' }>, sc: Scope): Gen<Value> {
  if (e.op === '&&') {
    if (!truthy(yield* evalExpr(I, e.left, sc))) return ZERO;
    return boolOf(truthy(yield* evalExpr(I, e.right, sc)));
  }
  if (e.op === '||') {
    if (truthy(yield* evalExpr(I, e.left, sc))) return boolOf(true);
    return boolOf(truthy(yield* evalExpr(I, e.right, sc)));
  }
  const l = yield* evalExpr(I, e.left, sc);
  const r = yield* evalExpr(I, e.right, sc);
  return binop(I, e.op, l, r, e.pos);
}

function ptrAdd(p: PtrV, n: bigint): PtrV {
  const es = BigInt(Math.max(1, p.t.to.k === 'void' ? 1 : sizeOf(p.t.to)));
  if (!p.obj) return { ...p, addr: (p.addr ?? 0n) + n * es };
  return { ...p, off: p.off + Number(n * es) };
}

export function binop(I: Interp, op: string, l: Value, r: Value, pos: SourcePos): Value {
  // Pointer arithmetic and comparison.
  if (l.k === 'p' || r.k === 'p' || l.k === 'f' || r.k === 'f') {
    if (op === '+' && l.k === 'p' && r.k === 'i') return ptrAdd(l, r.v);
    if (op === '+' && r.k === 'p' && l.k === 'i') return ptrAdd(r, l.v);
    if (op === '-' && l.k === 'p' && r.k === 'i') return ptrAdd(l, -r.v);
    if (op === '-' && l.k === 'p' && r.k === 'p') {
      const es = BigInt(Math.max(1, sizeOf(l.t.to)));
      return mkInt(LONG, (addrOf(l) - addrOf(r)) / es);
    }
    switch (op) {
      case '==':
        return boolOf(samePtr(l, r));
      case '!=':
        return boolOf(!samePtr(l, r));
      case '<':
        return boolOf(toBig(l) < toBig(r));
      case '>':
        return boolOf(toBig(l) > toBig(r));
      case '<=':
        return boolOf(toBig(l) <= toBig(r));
      case '>=':
        return boolOf(toBig(l) >= toBig(r));
    }
    // Bit tricks on pointers (alignment masks): operate on the address.
    return binop(I, op, mkInt(ULONG, toBig(l)), mkInt(ULONG, toBig(r)), pos);
  }
  const lt = l.k === 'i' ? l.t : INT;
  const rt = r.k === 'i' ? r.t : INT;
  const a = toBig(l);
  const b = toBig(r);
  if (op === '<<' || op === '>>') {
    const t = promote(lt);
    const n = b & 0xffn;
    return mkInt(t, op === '<<' ? a << n : wrapInt(t, a) >> n);
  }
  const t = commonType(lt, rt);
  const x = wrapInt(t, a);
  const y = wrapInt(t, b);
  switch (op) {
    case '+':
      return mkInt(t, x + y);
    case '-':
      return mkInt(t, x - y);
    case '*':
      return mkInt(t, x * y);
    case '/':
    case '%':
      if (y === 0n) divideError(I);
      return mkInt(t, op === '/' ? x / y : x % y);
    case '&':
      return mkInt(t, x & y);
    case '|':
      return mkInt(t, x | y);
    case '^':
      return mkInt(t, x ^ y);
    case '==':
      return boolOf(x === y);
    case '!=':
      return boolOf(x !== y);
    case '<':
      return boolOf(x < y);
    case '>':
      return boolOf(x > y);
    case '<=':
      return boolOf(x <= y);
    case '>=':
      return boolOf(x >= y);
  }
  throw new StopRun('internal', `operator '${op}' not supported`, undefined, pos);
}

function divideError(I: Interp): never {
  bug(I.k, '', 'bug', 'divide error: 0000');
}

// ---------------------------------------------------------------------------
// Calls

function* evalCall(I: Interp, e: Extract<Expr, { kind: 'Call' }>, sc: Scope): Gen<Value> {
  const c = e.callee;
  if (c.kind === 'Ident' && !lookupVar(I, symKey(c), sc)) {
    const f = I.funcs.get(symKey(c));
    if (f) {
      const args: Value[] = [];
      for (const a of e.args) args.push(yield* evalExpr(I, a, sc));
      step(I, e.pos);
      return yield* callUser(I, f, args, e.pos);
    }
    if (I.builtins.has(c.name)) return yield* callBuiltin(I, c.name, e.args, e.pos, sc);
    if (I.protos.has(symKey(c))) throw new StopRun('internal', `undefined reference to \`${c.name}'`, sc.fn, e.pos);
  }
  const fv = yield* evalExpr(I, c, sc);
  const args: Value[] = [];
  for (const a of e.args) args.push(yield* evalExpr(I, a, sc));
  step(I, e.pos);
  return yield* callValue(I, fv, args, e.pos);
}

export function* callValue(I: Interp, fv: Value, args: Value[], pos?: SourcePos): Gen<Value> {
  if (fv.k !== 'f') {
    if (fv.k === 'p' && !fv.obj && (fv.addr ?? 0n) === 0n) {
      bug(I.k, ['BUG: kernel NULL pointer dereference, address: 0000000000000000', '#PF: supervisor instruction fetch in kernel mode', '#PF: error_code(0x0010) - not-present page', 'PGD 0 P4D 0 '].join('\n'), 'bug', '0010');
    }
    throw new StopRun('internal', 'called object is not a function', undefined, pos);
  }
  const f = I.funcs.get(fv.name);
  if (f) return yield* callUser(I, f, args, pos);
  if (I.builtins.has(fv.name)) {
    // A builtin reached through a function pointer: pass the values through Expr slots.
    const slots = args.map((v, i) => constExpr(v, { kind: 'Ident', pos: pos ?? { file: '?', line: 0, col: 0 }, name: `arg${i}` }));
    return yield* callBuiltin(I, fv.name, slots, pos ?? { file: '?', line: 0, col: 0 }, rootScope(fv.name));
  }
  throw new StopRun('internal', `undefined reference to \`${fv.name}'`, undefined, pos);
}

export function* callBuiltin(I: Interp, name: string, args: Expr[], pos: SourcePos, sc: Scope): Gen<Value> {
  const b = I.builtins.get(name)!;
  step(I, pos);
  return yield* b({ I, name, args, pos, scope: sc });
}

/** THREAD_SIZE of x86-64 with KASAN (KASAN_STACK_ORDER 1): 32 KiB, for a task's stack and for the IRQ stacks. */
export const THREAD_SIZE = 32 << 10;
/** Return address and saved frame pointer (CONFIG_FRAME_POINTER, as lockdep configs have). */
const FRAME_BASE = 16;

const STACK_NAME: Record<string, string> = { task: 'TASK', hardirq: 'IRQ', softirq: 'SOFTIRQ', nmi: 'NMI' };

/** handle_stack_overflow(): the guard page below the stack was hit; the oops names where. */
function stackOverflow(I: Interp, why: string): never {
  const x = I.k.cur;
  const base = 0xffffc90000010000n;
  const hex = (v: bigint) => v.toString(16).padStart(16, '0');
  bug(
    I.k,
    `BUG: ${STACK_NAME[x.kind] ?? 'TASK'} stack guard page was hit at ${hex(base - 8n)} (stack is ${hex(base)}..${hex(base + BigInt(THREAD_SIZE) - 1n)})\n${why}`,
    'bug',
    'stack guard page: 0000',
  );
}

/** Take `bytes` more of the current context's stack for `frame`; past THREAD_SIZE it overflows. */
function chargeStack(I: Interp, frame: FrameRec, bytes: number, why: () => string): void {
  const x = I.k.cur;
  const used = (x.stackUsed ?? 0) + bytes;
  x.stackUsed = used;
  frame.bytes = (frame.bytes ?? 0) + bytes;
  if (used > THREAD_SIZE) stackOverflow(I, why());
}

/** A local's stack slot, charged once per frame (a loop re-declaring it reuses the slot). */
function chargeLocal(I: Interp, d: VarDecl, size: number, sc: Scope): void {
  const x = I.k.cur;
  const f = x.frames[x.frames.length - 1];
  if (!f || f.synthetic) return;
  const seen = (f.locals ??= new Set());
  if (seen.has(d)) return;
  seen.add(d);
  chargeStack(I, f, Math.ceil(size / 8) * 8, () => `kernel stack overflow: ${sc.fn}() at ${d.pos.file}:${d.pos.line} puts '${d.name}' (${size} bytes) on a stack that has ${THREAD_SIZE - ((x.stackUsed ?? 0) - size)} bytes left of ${THREAD_SIZE / 1024} KiB`);
}

/**
 * Call a simulated function. The callee runs on the driver's explicit stack
 * (see flat()), so only the kernel's THREAD_SIZE limits recursion depth.
 */
export function* callUser(I: Interp, f: FunctionDef, args: Value[], pos?: SourcePos): Gen<Value> {
  return (yield { call: callUserBody(I, f, args, pos) }) as Value;
}

function* callUserBody(I: Interp, f: FunctionDef, args: Value[], pos?: SourcePos): Gen<Value> {
  const x = I.k.cur;
  if (pos) {
    const top = x.frames[x.frames.length - 1];
    if (top) top.pos = pos;
  }
  const sz = I.fnSize.get(f.linkName ?? f.name)!;
  const frame: FrameRec = { fn: f.name, pos: f.body.pos, startLine: sz.start, size: sz.size };
  x.frames.push(frame);
  // Each context has its own stack: a task's, or the CPU's IRQ stack for a handler.
  let bytes = FRAME_BASE;
  for (const p of f.params) bytes += p.type.kind === 'VoidType' ? 0 : 8;
  chargeStack(I, frame, bytes, () => {
    let depth = 0;
    for (const fr of x.frames) if (fr.fn === f.name) depth++;
    return `kernel stack overflow: ${f.name}() at ${f.pos.file}:${f.pos.line} called ${depth} deep with ${x.frames.length} frames on the ${THREAD_SIZE / 1024} KiB stack (recursion that does not end?)`;
  });
  const sc: Scope = { vars: new Map(), parent: null, cleanups: null, fn: f.name };
  for (let i = 0; i < f.params.length; i++) {
    const p = f.params[i]!;
    if (!p.name) continue;
    const t = resolveType(I, p.type);
    if (t.k === 'void') continue;
    const pt = t.k === 'array' ? ptrTo(t.of) : t;
    const obj = allocObj(I.mem, 'stack', pt, sizeOf(pt), p.name, true);
    sc.vars!.set(p.name, { obj, t: pt });
    const v = args[i];
    if (v !== undefined) {
      // Structs are passed by value: the parameter gets its own copy.
      if (v.k === 'a' && pt.k === 'struct') copyCells(v.obj, v.off, obj, 0, sizeOf(pt));
      else obj.cells.set(0, convert(I, v, pt));
    }
  }
  const c: Completion = yield* execBlock(I, f.body, sc, 0, sc);
  if (c && c.k === 'goto') throw new StopRun('internal', `label '${c.label}' used but not defined`, f.name, f.pos);
  x.frames.pop();
  x.stackUsed = (x.stackUsed ?? 0) - (frame.bytes ?? 0);
  const rt = resolveType(I, f.ret);
  if (c && c.k === 'ret' && rt.k !== 'void') return convert(I, c.v, rt);
  return VOIDV;
}
