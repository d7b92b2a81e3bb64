/**
 * Declarations at file scope and in blocks: variables, prototypes, function
 * definitions, typedefs, struct/enum declarations and the kernel's defining
 * macros (DEFINE_SPINLOCK(x), DEFINE_PER_CPU(T, x), DECLARE_BITMAP(x, n)...).
 */
import type { SourcePos } from '../events/types.ts';
import type { DefineMacro, FunctionDef, Storage, TopLevelDecl, TypeNode, VarDecl } from './ast.ts';
import {
  accept,
  at,
  ATTR_WITH_ARGS,
  expect,
  expectIdent,
  fail,
  IGNORED_WORDS,
  isTypedefName,
  next,
  peek,
  skipAttributes,
  skipBalanced,
  TYPE_KEYWORDS,
  type Parser,
} from './parse-core.ts';
import { parseAssign } from './parse-expr.ts';
import { parseBlock } from './parse-stmt.ts';
import { parseDeclarator, parseInitializer, parseSpecifiers, parseTypeName } from './parse-types.ts';

/** Defining macros with a single name argument -> the type they define. */
const SIMPLE_DEFINES: Record<string, (pos: SourcePos) => TypeNode> = {
  DEFINE_SPINLOCK: (pos) => ({ kind: 'NamedType', pos, name: 'spinlock_t' }),
  DEFINE_RAW_SPINLOCK: (pos) => ({ kind: 'NamedType', pos, name: 'raw_spinlock_t' }),
  DEFINE_RWLOCK: (pos) => ({ kind: 'NamedType', pos, name: 'rwlock_t' }),
  DEFINE_MUTEX: (pos) => ({ kind: 'StructType', pos, name: 'mutex', union: false }),
  DECLARE_RWSEM: (pos) => ({ kind: 'StructType', pos, name: 'rw_semaphore', union: false }),
  LIST_HEAD: (pos) => ({ kind: 'StructType', pos, name: 'list_head', union: false }),
  HLIST_HEAD: (pos) => ({ kind: 'StructType', pos, name: 'hlist_head', union: false }),
  DECLARE_WAIT_QUEUE_HEAD: (pos) => ({ kind: 'NamedType', pos, name: 'wait_queue_head_t' }),
  DEFINE_RT_MUTEX: (pos) => ({ kind: 'StructType', pos, name: 'rt_mutex', union: false }),
};

/** Defining macros `M(name, callback)`: the object is statically bound to its callback. */
const CALLBACK_DEFINES: Record<string, (pos: SourcePos) => TypeNode> = {
  DECLARE_WORK: (pos) => ({ kind: 'StructType', pos, name: 'work_struct', union: false }),
  DECLARE_TASKLET: (pos) => ({ kind: 'StructType', pos, name: 'tasklet_struct', union: false }),
  DECLARE_TASKLET_OLD: (pos) => ({ kind: 'StructType', pos, name: 'tasklet_struct', union: false }),
};

export const DEFINE_MACROS = new Set([...Object.keys(SIMPLE_DEFINES), ...Object.keys(CALLBACK_DEFINES), 'DEFINE_PER_CPU', 'DECLARE_PER_CPU', 'DECLARE_BITMAP']);

/** Keywords that start a statement or an expression, never a declaration. */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'else', 'while', 'do', 'for', 'switch', 'case', 'default', 'break', 'continue', 'return', 'goto', 'sizeof',
  'asm', '__asm__', '__asm', '_Alignof', '__alignof__', 'alignof',
]);

const STORAGE_WORDS = new Set(['static', 'extern', 'inline', '__inline', '__inline__', '__always_inline', 'const', 'volatile']);

/** Does a declaration start here (as opposed to an expression statement)? */
export function isDeclStart(p: Parser): boolean {
  const t = peek(p);
  if (t.kind !== 'ident') return false;
  const w = t.text;
  // A statement keyword never names a type: `return r;` must not read as "r of type return".
  if (STATEMENT_KEYWORDS.has(w)) return false;
  if (TYPE_KEYWORDS.has(w) || w === 'struct' || w === 'union' || w === 'enum' || w === 'typedef') return true;
  if (w === 'typeof' || w === '__typeof__' || w === '__typeof') return true;
  if (STORAGE_WORDS.has(w) || IGNORED_WORDS.has(w)) return true;
  if (ATTR_WITH_ARGS.has(w) && at(p, '(', 1)) return true;
  if (DEFINE_MACROS.has(w) && at(p, '(', 1)) return true;
  if (isTypedefName(p, w)) return true;
  // `foo_t x;` / `foo_t *x = ...;` with an unknown type: still a declaration (the checker names the type).
  const n1 = peek(p, 1);
  if (n1.kind === 'ident') return true;
  if (at(p, '*', 1)) {
    let k = 1;
    while (at(p, '*', k)) k++;
    return peek(p, k).kind === 'ident' && (at(p, ';', k + 1) || at(p, '=', k + 1) || at(p, ',', k + 1) || at(p, '[', k + 1)) && /_t$/.test(w);
  }
  return false;
}

/** Leading storage-class words before a defining macro (`static DEFINE_PER_CPU(...)`). */
function takeStorage(p: Parser, storage: Storage, attrs: string[]): void {
  for (;;) {
    const t = peek(p);
    if (t.kind !== 'ident') return;
    if (t.text === 'static') storage.static = true;
    else if (t.text === 'extern') storage.extern = true;
    else if (t.text === 'inline' || t.text === '__inline' || t.text === '__inline__' || t.text === '__always_inline') {
      storage.inline = true;
      attrs.push(t.text);
    }
    else if (ATTR_WITH_ARGS.has(t.text) && at(p, '(', 1)) {
      p.i++;
      skipBalanced(p);
      attrs.push(t.text);
      continue;
    } else if (IGNORED_WORDS.has(t.text) && t.text !== 'const' && t.text !== '__const' && t.text !== 'volatile' && t.text !== '__volatile__') attrs.push(t.text);
    else return;
    p.i++;
  }
}

/** DEFINE_SPINLOCK(x) and friends, after any storage words. Returns null if not at one. */
function parseDefineMacro(p: Parser, storage: Storage): VarDecl | null {
  const t = peek(p);
  if (t.kind !== 'ident' || !DEFINE_MACROS.has(t.text) || !at(p, '(', 1)) return null;
  const macro = t.text as DefineMacro;
  p.i += 2;
  let decl: VarDecl;
  if (SIMPLE_DEFINES[macro]) {
    const id = expectIdent(p, `as the argument of ${macro}()`);
    decl = { kind: 'VarDecl', pos: id.pos, name: id.text, type: SIMPLE_DEFINES[macro](t.pos), init: null, storage, define: macro };
  } else if (CALLBACK_DEFINES[macro]) {
    const id = expectIdent(p, `as the first argument of ${macro}(name, func)`);
    expect(p, ',', `in ${macro}(name, func)`, `usage: ${macro}(name, func)`);
    const fn = parseAssign(p);
    decl = { kind: 'VarDecl', pos: id.pos, name: id.text, type: CALLBACK_DEFINES[macro](t.pos), init: null, storage, define: macro, defineArgs: [fn] };
  } else if (macro === 'DECLARE_BITMAP') {
    const id = expectIdent(p, 'as the first argument of DECLARE_BITMAP(name, bits)');
    expect(p, ',', 'in DECLARE_BITMAP(name, bits)');
    const bits = parseAssign(p);
    decl = { kind: 'VarDecl', pos: id.pos, name: id.text, type: { kind: 'BitmapType', pos: t.pos, bits }, init: null, storage, define: macro };
  } else {
    const type = parseTypeName(p);
    expect(p, ',', `in ${macro}(type, name)`);
    const id = expectIdent(p, `as the name in ${macro}(type, name)`);
    decl = { kind: 'VarDecl', pos: id.pos, name: id.text, type, init: null, storage: macro === 'DECLARE_PER_CPU' ? { ...storage, extern: true } : storage, define: macro, perCpu: true };
  }
  expect(p, ')', `to close ${macro}(`);
  skipAttributes(p);
  if (accept(p, '=')) {
    if (macro !== 'DEFINE_PER_CPU') fail(peek(p).pos, `${macro}() already initialises '${decl.name}'`, 'remove the initializer');
    decl.init = parseInitializer(p);
  }
  expect(p, ';', `after ${macro}(...)`);
  return decl;
}

/**
 * One declaration (through its ';'), or a function definition (through its
 * '}'). At block scope (`local`), function definitions are refused. Named
 * struct/enum definitions met on the way come first in the result.
 */
export function parseDeclaration(p: Parser, local: boolean): TopLevelDecl[] {
  const start = peek(p).pos;
  const storage: Storage = {};
  const attrs: string[] = [];
  takeStorage(p, storage, attrs);
  const def = parseDefineMacro(p, storage);
  if (def) return [def];
  p.pendingTypes = [];
  const specs = parseSpecifiers(p, storage, attrs);
  const out: TopLevelDecl[] = [...p.pendingTypes];
  p.pendingTypes = [];
  if (accept(p, ';')) {
    // `struct foo;` (forward) or `struct foo {...};` already in `out`.
    const t = specs.type;
    if (t.kind === 'StructType' && !t.def && t.name) out.push({ kind: 'StructDecl', pos: t.pos, name: t.name, union: t.union, fields: null });
    if (t.kind === 'EnumType' && !t.def && t.name) out.push({ kind: 'EnumDecl', pos: t.pos, name: t.name, members: null });
    return out;
  }
  let first = true;
  for (;;) {
    const d = parseDeclarator(p, false);
    const type = d.apply(specs.type);
    const trailing: string[] = [];
    skipAttributes(p, trailing);
    if (!d.name) fail(d.pos, 'expected a name in declaration');
    if (specs.typedef) {
      p.typedefs.add(d.name);
      out.push({ kind: 'TypedefDecl', pos: d.pos, name: d.name, type });
    } else if (type.kind === 'FunctionType') {
      if (first && at(p, '{')) {
        if (local) fail(d.pos, `function definition of '${d.name}' inside another function`, 'nested functions are outside the simulated subset; move it to file scope');
        if (type.variadic) fail(d.pos, `variadic function definition '${d.name}' is outside the simulated subset`, 'take a fixed parameter list');
        for (const prm of type.params) {
          if (!prm.name) fail(prm.pos, `parameter name omitted in the definition of '${d.name}'`, 'name every parameter of a function definition');
        }
        const body = parseBlock(p);
        const fn: FunctionDef = {
          kind: 'FunctionDef',
          pos: d.pos,
          name: d.name,
          ret: type.ret,
          params: type.params,
          body,
          storage: specs.storage,
          attrs: [...specs.attrs, ...trailing],
          start,
          end: body.end,
        };
        out.push(fn);
        return out;
      }
      if (first && peek(p).kind === 'ident') {
        fail(peek(p).pos, 'K&R-style function definitions are outside the simulated subset', 'declare the parameter types inside the parentheses');
      }
      out.push({ kind: 'FunctionDecl', pos: d.pos, name: d.name, ret: type.ret, params: type.params, variadic: type.variadic, storage: specs.storage, attrs: [...specs.attrs, ...trailing] });
    } else {
      const decl: VarDecl = { kind: 'VarDecl', pos: d.pos, name: d.name, type, init: null, storage: specs.storage };
      if (accept(p, '=')) decl.init = parseInitializer(p);
      completeArraySize(decl);
      if (type.kind === 'VoidType') fail(d.pos, `variable '${d.name}' declared void`, 'give it a real type, or make it a pointer: void *');
      out.push(decl);
    }
    first = false;
    if (accept(p, ',')) continue;
    const hint = at(p, '(') ? 'is a type missing from a declaration above?' : undefined;
    expect(p, ';', 'at end of declaration', hint);
    return out;
  }
}

/**
 * `int table[] = { 10, 20, 30 };` / `char s[] = "abc";`: as in C, the
 * initializer completes the array type, so the declaration carries its size
 * (an IntLit) like `int table[3]`. Left open when the count depends on a
 * non-literal designator (`[N] = x`).
 */
function completeArraySize(d: VarDecl): void {
  const t = d.type;
  if (t.kind !== 'ArrayType' || t.size !== null || !d.init) return;
  let n: number;
  if (d.init.kind === 'StringLit') n = d.init.value.length + 1;
  else if (d.init.kind === 'InitList') {
    let at = 0;
    n = 0;
    for (const item of d.init.items) {
      const first = item.designators[0];
      if (first?.kind === 'IndexDesignator') {
        if (first.index.kind !== 'IntLit') return;
        at = Number(first.index.value);
      }
      at++;
      n = Math.max(n, at);
    }
  } else return;
  d.type = { ...t, size: { kind: 'IntLit', pos: t.pos, value: BigInt(n), suffix: '', text: String(n) } };
}

/** Skip a stray token sequence at file scope after an error: to ';' or past a balanced '{...}'. */
export function syncTopLevel(p: Parser): void {
  const startIndex = p.i;
  for (;;) {
    const t = peek(p);
    if (t.kind === 'eof') return;
    if (t.kind === 'punct' && t.text === ';') {
      p.i++;
      return;
    }
    if (t.kind === 'punct' && t.text === '{') {
      try {
        skipBalanced(p);
      } catch {
        p.i = p.toks.length - 1;
        return;
      }
      accept(p, ';');
      return;
    }
    if (t.kind === 'punct' && t.text === '}' ) {
      p.i++;
      return;
    }
    // A new line that starts like a declaration is a good place to resume.
    if (p.i > startIndex && t.bol && t.pos.col === 1 && t.kind === 'ident') return;
    next(p);
  }
}
