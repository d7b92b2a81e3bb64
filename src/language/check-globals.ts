/**
 * The program's file-scope names (functions, variables, enum constants,
 * typedefs, struct tags) and the duplicate-definition checks made while
 * collecting them.
 */
import type { Diagnostic } from '../engine/api.ts';
import type { SourcePos } from '../events/types.ts';
import type { Field, FunctionDecl, FunctionDef, Program, Stmt, StructDecl, TypeNode, VarDecl } from './ast.ts';
import { diag } from './diagnostics.ts';

/**
 * Kernel structs usable by value without a definition in the program: the
 * ones the simulated kernel lays out (src/interpreter/rtypes.ts). A struct
 * only pointed to needs no definition at all.
 */
export const KERNEL_STRUCTS: ReadonlySet<string> = new Set([
  'lockdep_map', 'lock_class_key', 'list_head', 'hlist_node', 'hlist_head', 'mutex', 'rw_semaphore', 'rt_mutex',
  'rcu_head', 'work_struct', 'timer_list', 'delayed_work', 'tasklet_struct', 'task_struct', 'completion',
  'workqueue_struct', 'device', 'kref', 'callback_head', 'cpumask', 'wait_queue_head',
]);

/** Functions and variables are keyed by linkName (`unit::name` for a unit's statics). */
export interface Globals {
  functions: Map<string, FunctionDef | FunctionDecl>;
  vars: Map<string, VarDecl>;
  enumConsts: Set<string>;
  typedefs: Map<string, TypeNode>;
  structs: Map<string, StructDecl>;
  /** Struct tags merely mentioned (forward declarations). */
  forward: Set<string>;
  /** Functions declared or defined `__must_check` anywhere (gcc's warn_unused_result). */
  mustCheck: Set<string>;
}

export interface GlobalsCx {
  g: Globals;
  out: Diagnostic[];
}

// ---------------------------------------------------------------------------
// Globals and duplicates

export function collectGlobals(program: Program, cx: GlobalsCx): void {
  const { g } = cx;
  const seenNames = new Map<string, { kind: string; pos: SourcePos; defines: boolean }>();
  // `key` is the symbol's linkName: a unit's statics do not collide with another unit's.
  const dup = (key: string, name: string, pos: SourcePos, kind: string, defines: boolean) => {
    const prev = seenNames.get(key);
    if (prev && prev.defines && defines) {
      cx.out.push(diag(pos, `redefinition of '${name}'`, `previous definition of '${name}' was at ${where(prev.pos)}; rename one of them or remove the duplicate`));
      return;
    }
    if (prev && prev.kind !== kind && !(prev.kind === 'function' && kind === 'function')) {
      cx.out.push(diag(pos, `'${name}' redeclared as a different kind of symbol`, `previous declaration at ${where(prev.pos)}`));
      return;
    }
    if (!prev || defines) seenNames.set(key, { kind, pos, defines });
  };
  for (const d of program.decls) {
    switch (d.kind) {
      case 'FunctionDef': {
        const key = d.linkName ?? d.name;
        dup(key, d.name, d.pos, 'function', true);
        g.functions.set(key, d);
        if (d.attrs.includes('__must_check')) g.mustCheck.add(key);
        break;
      }
      case 'FunctionDecl': {
        const key = d.linkName ?? d.name;
        if (d.attrs.includes('__must_check')) g.mustCheck.add(key);
        dup(key, d.name, d.pos, 'function', false);
        if (!g.functions.has(key) || g.functions.get(key)!.kind === 'FunctionDecl') g.functions.set(key, d);
        break;
      }
      case 'VarDecl': {
        const key = d.linkName ?? d.name;
        const defines = !d.storage.extern;
        dup(key, d.name, d.pos, 'variable', defines);
        if (!g.vars.has(key) || defines) g.vars.set(key, d);
        break;
      }
      case 'TypedefDecl': {
        const prev = g.typedefs.get(d.name);
        if (prev) cx.out.push(diag(d.pos, `redefinition of typedef '${d.name}'`, 'remove one of the typedefs'));
        g.typedefs.set(d.name, d.type);
        break;
      }
      case 'StructDecl':
        if (d.name === null) break;
        if (d.fields) {
          const prev = g.structs.get(d.name);
          if (prev) cx.out.push(diag(d.pos, `redefinition of '${d.union ? 'union' : 'struct'} ${d.name}'`, `previous definition at ${where(prev.pos)}`));
          else g.structs.set(d.name, d);
          checkDuplicateFields(cx, d);
        } else g.forward.add(d.name);
        break;
      case 'EnumDecl':
        for (const m of d.members ?? []) {
          dup(m.name, m.name, m.pos, 'enumerator', true);
          g.enumConsts.add(m.name);
        }
        break;
    }
  }
  // Local struct definitions are global tags in the simulation too.
  for (const d of program.decls) if (d.kind === 'FunctionDef') collectLocalTypes(cx, d.body);
}

/**
 * For a runtime that keys symbols by plain name (CheckOptions.linkNames unset):
 * two definitions of one name in different units, one of them static, are
 * legal C but would be merged into one symbol, so refuse them clearly.
 */
export function checkStaticClashes(program: Program, cx: GlobalsCx): void {
  const first = new Map<string, FunctionDef | VarDecl>();
  for (const d of program.decls) {
    if (d.kind !== 'FunctionDef' && !(d.kind === 'VarDecl' && !d.storage.extern)) continue;
    const prev = first.get(d.name);
    if (!prev) {
      first.set(d.name, d);
      continue;
    }
    if ((prev.linkName ?? prev.name) === (d.linkName ?? d.name)) continue; // a true redefinition: reported above
    cx.out.push(
      diag(d.pos, `'${d.name}' is also defined at ${where(prev.pos)}: a static of the same name in two files is not supported by this simulator yet`, 'rename one of them'),
    );
  }
}

function collectLocalTypes(cx: GlobalsCx, s: Stmt): void {
  walkStmts(s, (st) => {
    if (st.kind !== 'TypeDeclStmt') return;
    const d = st.decl;
    if (d.kind === 'StructDecl' && d.name && d.fields && !cx.g.structs.has(d.name)) cx.g.structs.set(d.name, d);
    if (d.kind === 'TypedefDecl') cx.g.typedefs.set(d.name, d.type);
    if (d.kind === 'EnumDecl') for (const m of d.members ?? []) cx.g.enumConsts.add(m.name);
  });
}

export function walkStmts(s: Stmt, f: (s: Stmt) => void): void {
  f(s);
  switch (s.kind) {
    case 'Block':
      for (const i of s.items) walkStmts(i, f);
      break;
    case 'If':
      walkStmts(s.then, f);
      if (s.else) walkStmts(s.else, f);
      break;
    case 'While':
    case 'DoWhile':
    case 'For':
    case 'Switch':
    case 'ForEach':
    case 'ScopedGuard':
      walkStmts(s.body, f);
      break;
    case 'Labeled':
      walkStmts(s.stmt, f);
      break;
  }
}

function checkDuplicateFields(cx: GlobalsCx, d: StructDecl): void {
  const seen = new Map<string, SourcePos>();
  for (const f of allFields(d)) {
    if (!f.name) continue;
    const prev = seen.get(f.name);
    if (prev) cx.out.push(diag(f.pos, `duplicate member '${f.name}'`, `'${f.name}' is already a member at line ${prev.line}`));
    else seen.set(f.name, f.pos);
  }
}

/** Fields including those of anonymous struct/union members. */
export function allFields(d: StructDecl): Field[] {
  const out: Field[] = [];
  for (const f of d.fields ?? []) {
    if (f.name === null && f.type.kind === 'StructType' && f.type.def) out.push(...allFields(f.type.def));
    else out.push(f);
  }
  return out;
}

export const where = (p: SourcePos) => `${p.file}:${p.line}:${p.col}`;
