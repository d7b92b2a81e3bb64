/**
 * Linkage: C gives each translation unit its own namespace for `static`
 * functions and variables, so two .c files of one program may both have a
 * `static int count` or `static int helper(void)` (a learner's file and a
 * read-only environment file often do). This pass gives every file-scope
 * function/variable a `linkage` and a program-wide unique `linkName` (the plain
 * name, unless a static's name is also used by another unit: then
 * `unit::name`), and marks each identifier that refers to such a renamed
 * static of its unit with that `linkName`. A consumer that keys symbols by
 * `linkName ?? name` then sees no collision; one that ignores the fields
 * behaves as before.
 *
 * Statics declared in a header (`static inline` helpers) are read once for the
 * whole program (the preprocessor merges headers shared by several units), so
 * they stay program-wide: `external` here.
 */
import type { Block, Expr, FunctionDecl, FunctionDef, Initializer, Program, Stmt, TypeNode, VarDecl } from './ast.ts';

type Symbol = FunctionDef | FunctionDecl | VarDecl;

export const internalLinkName = (unit: string, name: string): string => `${unit}::${name}`;

export function linkProgram(program: Program): void {
  // unit -> names declared static in that unit's own file.
  const statics = new Map<string, Set<string>>();
  const symbols: Symbol[] = [];
  for (const d of program.decls) {
    if (d.kind !== 'FunctionDef' && d.kind !== 'FunctionDecl' && d.kind !== 'VarDecl') continue;
    symbols.push(d);
    if (d.unit !== undefined && d.storage.static && d.pos.file === d.unit) {
      let set = statics.get(d.unit);
      if (!set) statics.set(d.unit, (set = new Set()));
      set.add(d.name);
    }
  }
  for (const d of symbols) {
    // A later `int f(void);` or `extern int x;` in the same unit keeps the static's linkage (C11 6.2.2p4).
    d.linkage = d.unit !== undefined && statics.get(d.unit)?.has(d.name) === true ? 'internal' : 'external';
  }
  // Who owns each name: every unit with a static of it, and "the program" for external symbols.
  const owners = new Map<string, Set<string>>();
  for (const d of symbols) {
    let set = owners.get(d.name);
    if (!set) owners.set(d.name, (set = new Set()));
    set.add(d.linkage === 'internal' ? d.unit! : '');
  }
  // Only a name with several owners needs a unit prefix; the rest keep their plain name, so single-file
  // programs (and the lock class keys derived from symbol names) are unchanged.
  const renamed = new Map<string, Set<string>>();
  for (const d of symbols) {
    const clash = owners.get(d.name)!.size > 1;
    d.linkName = d.linkage === 'internal' && clash ? internalLinkName(d.unit!, d.name) : d.name;
    if (d.linkName !== d.name) {
      let set = renamed.get(d.unit!);
      if (!set) renamed.set(d.unit!, (set = new Set()));
      set.add(d.name);
    }
  }
  for (const d of symbols) {
    const names = d.unit === undefined ? undefined : renamed.get(d.unit);
    if (!names) continue;
    const cx: Cx = { unit: d.unit!, statics: names, scopes: [] };
    if (d.kind === 'FunctionDef') {
      cx.scopes.push(new Set(d.params.map((p) => p.name).filter((n): n is string => n !== null)));
      block(cx, d.body, true);
    } else if (d.kind === 'VarDecl') {
      type(cx, d.type);
      if (d.init) init(cx, d.init);
      for (const a of d.defineArgs ?? []) expr(cx, a);
    }
  }
}

interface Cx {
  unit: string;
  /** This unit's statics whose linkName differs from their name. */
  statics: ReadonlySet<string>;
  /** Names declared in the enclosing blocks (they shadow file-scope symbols). */
  scopes: Array<Set<string>>;
}

const shadowed = (cx: Cx, name: string): boolean => cx.scopes.some((s) => s.has(name));

function declare(cx: Cx, name: string): void {
  cx.scopes[cx.scopes.length - 1]?.add(name);
}

function block(cx: Cx, b: Block, reuse = false): void {
  if (!reuse) cx.scopes.push(new Set());
  for (const s of b.items) stmt(cx, s);
  if (!reuse) cx.scopes.pop();
}

function local(cx: Cx, d: VarDecl): void {
  type(cx, d.type);
  // In scope from its declarator on: `int count = count;` already names the local.
  declare(cx, d.name);
  if (d.init) init(cx, d.init);
  for (const a of d.defineArgs ?? []) expr(cx, a);
}

function stmt(cx: Cx, s: Stmt): void {
  switch (s.kind) {
    case 'Block':
      block(cx, s);
      return;
    case 'DeclStmt':
      for (const d of s.decls) local(cx, d);
      return;
    case 'TypeDeclStmt':
      if (s.decl.kind === 'EnumDecl') for (const m of s.decl.members ?? []) declare(cx, m.name);
      if (s.decl.kind === 'TypedefDecl') type(cx, s.decl.type);
      return;
    case 'ExprStmt':
      expr(cx, s.expr);
      return;
    case 'If':
      expr(cx, s.cond);
      stmt(cx, s.then);
      if (s.else) stmt(cx, s.else);
      return;
    case 'While':
    case 'DoWhile':
      expr(cx, s.cond);
      stmt(cx, s.body);
      return;
    case 'For':
      cx.scopes.push(new Set());
      if (s.init) {
        if (s.init.kind === 'DeclStmt') for (const d of s.init.decls) local(cx, d);
        else expr(cx, s.init);
      }
      if (s.cond) expr(cx, s.cond);
      if (s.step) expr(cx, s.step);
      stmt(cx, s.body);
      cx.scopes.pop();
      return;
    case 'Switch':
      expr(cx, s.expr);
      stmt(cx, s.body);
      return;
    case 'Case':
      expr(cx, s.value);
      if (s.high) expr(cx, s.high);
      return;
    case 'Return':
      if (s.value) expr(cx, s.value);
      return;
    case 'Labeled':
      stmt(cx, s.stmt);
      return;
    case 'ForEach':
      for (const a of s.args) expr(cx, a);
      stmt(cx, s.body);
      return;
    case 'ScopedGuard':
      for (const a of s.args) expr(cx, a);
      stmt(cx, s.body);
      return;
    case 'Guard':
      for (const a of s.args) expr(cx, a);
      return;
    case 'Default':
    case 'Break':
    case 'Continue':
    case 'Goto':
    case 'Empty':
      return;
  }
}

function init(cx: Cx, i: Initializer): void {
  if (i.kind !== 'InitList') {
    expr(cx, i);
    return;
  }
  for (const item of i.items) {
    for (const d of item.designators) if (d.kind === 'IndexDesignator') expr(cx, d.index);
    init(cx, item.value);
  }
}

function type(cx: Cx, t: TypeNode): void {
  switch (t.kind) {
    case 'PointerType':
      type(cx, t.to);
      return;
    case 'ArrayType':
      type(cx, t.of);
      if (t.size) expr(cx, t.size);
      return;
    case 'BitmapType':
      expr(cx, t.bits);
      return;
    case 'TypeofType':
      expr(cx, t.expr);
      return;
    case 'FunctionType':
      type(cx, t.ret);
      for (const p of t.params) type(cx, p.type);
      return;
    default:
      return;
  }
}

function expr(cx: Cx, e: Expr): void {
  switch (e.kind) {
    case 'Ident':
      if (cx.statics.has(e.name) && !shadowed(cx, e.name)) e.linkName = internalLinkName(cx.unit, e.name);
      return;
    case 'IntLit':
    case 'CharLit':
    case 'StringLit':
      return;
    case 'TypeArg':
      type(cx, e.type);
      return;
    case 'Unary':
    case 'Update':
      expr(cx, e.operand);
      return;
    case 'Binary':
      expr(cx, e.left);
      expr(cx, e.right);
      return;
    case 'Assign':
      expr(cx, e.target);
      expr(cx, e.value);
      return;
    case 'Conditional':
      expr(cx, e.cond);
      if (e.then) expr(cx, e.then);
      expr(cx, e.else);
      return;
    case 'Comma':
      for (const x of e.exprs) expr(cx, x);
      return;
    case 'Cast':
      type(cx, e.type);
      expr(cx, e.expr);
      return;
    case 'Sizeof':
      expr(cx, e.arg);
      return;
    case 'Call':
      expr(cx, e.callee);
      for (const a of e.args) expr(cx, a);
      return;
    case 'Index':
      expr(cx, e.base);
      expr(cx, e.index);
      return;
    case 'Member':
      expr(cx, e.object);
      return;
    case 'CompoundLiteral':
      type(cx, e.type);
      init(cx, e.init);
      return;
    case 'StmtExpr':
      block(cx, e.body);
      return;
  }
}
