/**
 * Declaration specifiers, declarators, type names, struct/enum bodies and
 * initializers: the type half of C's declaration syntax.
 */
import type { SourcePos } from '../events/types.ts';
import type {
  Designator,
  EnumDecl,
  EnumMember,
  Expr,
  Field,
  FunctionType,
  InitItem,
  InitList,
  Initializer,
  IntType,
  Param,
  Storage,
  StructDecl,
  TypeNode,
} from './ast.ts';
import { KERNEL_INT_TYPEDEFS, KERNEL_TYPEDEFS } from './builtin-types.ts';
import {
  accept,
  afterPrev,
  at,
  describe,
  reportError,
  expect,
  expectIdent,
  fail,
  IGNORED_WORDS,
  ATTR_WITH_ARGS,
  isP,
  isTypedefName,
  RESERVED,
  next,
  peek,
  skipAttributes,
  skipBalanced,
  TYPE_KEYWORDS,
  type Parser,
} from './parse-core.ts';
import { parseAssign, parseConditional } from './parse-expr.ts';

export interface Specifiers {
  pos: SourcePos;
  type: TypeNode;
  storage: Storage;
  typedef: boolean;
  attrs: string[];
}

const OUTSIDE: Record<string, string> = {
  float: 'floating-point types are outside the simulated subset',
  double: 'floating-point types are outside the simulated subset',
  _Complex: 'complex types are outside the simulated subset',
  __int128: '128-bit integers are outside the simulated subset',
  _Atomic: "_Atomic is outside the simulated subset; use atomic_t and atomic_*()",
};

/**
 * Parse declaration specifiers. `storage` may carry words the caller already
 * consumed (`static` before DEFINE_PER_CPU). Reports when there is no type.
 */
export function parseSpecifiers(p: Parser, storage: Storage = {}, attrs: string[] = []): Specifiers {
  const start = peek(p).pos;
  let typedef = false;
  let isConst = false;
  let isVolatile = false;
  const words: string[] = [];
  let wordsPos: SourcePos | null = null;
  let type: TypeNode | null = null;
  for (;;) {
    const t = peek(p);
    if (t.kind !== 'ident') break;
    const w = t.text;
    if (
      type &&
      typeDefinedHere(type) &&
      (TYPE_KEYWORDS.has(w) || w === 'struct' || w === 'union' || w === 'enum' || isTypedefName(p, w) || (t.bol && (w === 'static' || w === 'extern' || w === 'typedef')))
    ) {
      // `struct s { ... }` then a new declaration on the next line: the classic missing ';'.
      fail(afterPrev(p), `expected ';' after ${type.kind === 'EnumType' ? 'enum' : type.kind === 'StructType' && type.union ? 'union' : 'struct'} definition`, "add ';' after the closing '}'");
    }
    if (w === 'typedef') {
      typedef = true;
      p.i++;
      continue;
    }
    if (w === 'static') {
      storage.static = true;
      p.i++;
      continue;
    }
    if (w === 'extern') {
      storage.extern = true;
      p.i++;
      continue;
    }
    if (w === 'inline' || w === '__inline' || w === '__inline__' || w === '__always_inline') {
      storage.inline = true;
      attrs.push(w);
      p.i++;
      continue;
    }
    if (w === 'const' || w === '__const') {
      isConst = true;
      p.i++;
      continue;
    }
    if (w === 'volatile' || w === '__volatile__') {
      isVolatile = true;
      p.i++;
      continue;
    }
    if (ATTR_WITH_ARGS.has(w) && at(p, '(', 1)) {
      p.i++;
      skipBalanced(p);
      attrs.push(w);
      continue;
    }
    if (IGNORED_WORDS.has(w)) {
      attrs.push(w);
      p.i++;
      continue;
    }
    if (OUTSIDE[w]) fail(t.pos, OUTSIDE[w], w === 'float' || w === 'double' ? 'the kernel does not use floating point; use integers' : undefined);
    if (TYPE_KEYWORDS.has(w)) {
      if (type) fail(t.pos, 'two or more data types in declaration specifiers', `remove '${w}' or the type before it`);
      if (!wordsPos) wordsPos = t.pos;
      words.push(w);
      p.i++;
      continue;
    }
    if (type || words.length) break;
    if (w === 'struct' || w === 'union') {
      type = parseStructSpecifier(p);
      continue;
    }
    if (w === 'enum') {
      type = parseEnumSpecifier(p);
      continue;
    }
    if (w === 'typeof' || w === '__typeof__' || w === '__typeof') {
      p.i++;
      expect(p, '(', `after '${w}'`);
      const e = parseTypeofOperand(p);
      expect(p, ')', `to close '${w}('`);
      type = e;
      continue;
    }
    if (KERNEL_INT_TYPEDEFS.has(w)) {
      const [bits, signed] = KERNEL_INT_TYPEDEFS.get(w)!;
      type = { kind: 'IntType', pos: t.pos, name: w, bits, signed };
      p.i++;
      continue;
    }
    if (p.typedefs.has(w) || KERNEL_TYPEDEFS.has(w)) {
      type = { kind: 'NamedType', pos: t.pos, name: w };
      p.i++;
      continue;
    }
    // `foo_t x;`: an identifier followed by a declarator start is an (unknown) type name.
    if (type === null && (looksLikeUnknownType(p) || (/_t$/.test(w) && (at(p, ',', 1) || at(p, ')', 1))))) {
      type = { kind: 'NamedType', pos: t.pos, name: w };
      p.i++;
      continue;
    }
    break;
  }
  if (words.length) type = intFromWords(words, wordsPos!);
  if (!type) {
    const t = peek(p);
    if (typedef || storage.static || storage.extern || isConst || attrs.length) {
      fail(t.pos, `expected a type ${t.kind === 'ident' ? `before '${t.text}'` : `but found ${describe(t)}`}`, t.kind === 'ident' ? `'${t.text}' is not a known type; declare it with typedef or struct first` : undefined);
    }
    fail(t.pos, `expected a declaration, found ${describe(t)}`);
  }
  if (isConst || isVolatile) type = withQuals(type, isConst, isVolatile);
  return { pos: start, type, storage, typedef, attrs };
}

function typeDefinedHere(t: TypeNode): boolean {
  return (t.kind === 'StructType' || t.kind === 'EnumType') && t.def !== undefined;
}

/** `foo_t x`, `foo_t *x`, `foo_t (*fn)(...)` — an unknown type name used like a type. */
function looksLikeUnknownType(p: Parser): boolean {
  const n1 = peek(p, 1);
  if (n1.kind === 'ident') return true;
  if (isP(n1, '*')) {
    // `a * b;` would be a useless multiplication; kernel style makes this a declaration.
    let k = 1;
    while (isP(peek(p, k), '*')) k++;
    const n = peek(p, k);
    const after = peek(p, k + 1);
    return n.kind === 'ident' && (isP(after, ';') || isP(after, '=') || isP(after, ',') || isP(after, '[') || isP(after, ')'));
  }
  return false;
}

function withQuals(t: TypeNode, c: boolean, v: boolean): TypeNode {
  if (t.kind === 'ArrayType' || t.kind === 'FunctionType' || t.kind === 'BitmapType' || t.kind === 'TypeofType') return t;
  const q = { ...t } as TypeNode & { const?: boolean; volatile?: boolean };
  if (c) q.const = true;
  if (v && t.kind !== 'VoidType' && t.kind !== 'EnumType') q.volatile = true;
  return q;
}

function intFromWords(words: string[], pos: SourcePos): TypeNode {
  const count = (w: string) => words.filter((x) => x === w).length;
  const longs = count('long');
  const uns = count('unsigned') > 0;
  const sig = count('signed') > 0;
  const base = words.filter((w) => w !== 'long' && w !== 'unsigned' && w !== 'signed' && w !== 'int');
  const ints = count('int');
  const intBad = ints > 1 || (ints === 1 && base.some((b) => b !== 'short'));
  if ((uns && sig) || longs > 2 || base.length > 1 || (base.length && longs) || intBad) {
    fail(pos, `two or more data types in declaration specifiers ('${words.join(' ')}')`, 'write e.g. unsigned long, long long, unsigned char');
  }
  const b = base[0];
  if (b === 'void') {
    if (words.length > 1) fail(pos, `invalid combination of type specifiers '${words.join(' ')}'`);
    return { kind: 'VoidType', pos };
  }
  if (b === 'bool' || b === '_Bool') {
    if (words.length > 1) fail(pos, `invalid combination of type specifiers '${words.join(' ')}'`);
    return { kind: 'IntType', pos, name: 'bool', bits: 8, signed: false };
  }
  const mk = (name: string, bits: IntType['bits'], signed: boolean): IntType => ({ kind: 'IntType', pos, name, bits, signed });
  if (b === 'char') return uns ? mk('unsigned char', 8, false) : sig ? mk('signed char', 8, true) : mk('char', 8, true);
  if (b === 'short') return uns ? mk('unsigned short', 16, false) : mk('short', 16, true);
  if (longs === 2) return uns ? mk('unsigned long long', 64, false) : mk('long long', 64, true);
  if (longs === 1) return uns ? mk('unsigned long', 64, false) : mk('long', 64, true);
  return uns ? mk('unsigned int', 32, false) : mk('int', 32, true);
}

function parseTypeofOperand(p: Parser): TypeNode {
  const pos = peek(p).pos;
  if (startsTypeName(p)) return parseTypeName(p);
  const expr = parseAssign(p);
  return { kind: 'TypeofType', pos, expr };
}

export function startsTypeName(p: Parser, k = 0): boolean {
  const t = peek(p, k);
  if (t.kind !== 'ident') return false;
  const w = t.text;
  return (
    TYPE_KEYWORDS.has(w) ||
    w === 'struct' || w === 'union' || w === 'enum' || w === 'const' || w === 'volatile' || w === '__const' ||
    w === 'typeof' || w === '__typeof__' || w === '__typeof' ||
    // sparse annotations in casts: `(__force __le32)v`, `(void __iomem *)p`
    (IGNORED_WORDS.has(w) && w !== 'static' && w !== 'extern' && w !== 'register' && w !== 'auto') ||
    isTypedefName(p, w)
  );
}

// ---------------------------------------------------------------------------
// struct / enum

function parseStructSpecifier(p: Parser): TypeNode {
  const kw = next(p);
  const union = kw.text === 'union';
  skipAttributes(p);
  let name: string | null = null;
  if (peek(p).kind === 'ident' && !at(p, '{')) name = expectIdent(p, `after '${kw.text}'`).text;
  if (!at(p, '{')) {
    if (name === null) fail(peek(p).pos, `expected '{' or a name after '${kw.text}'`);
    return { kind: 'StructType', pos: kw.pos, name, union };
  }
  const def = parseStructBody(p, kw.pos, name, union);
  skipAttributes(p);
  if (name !== null) p.pendingTypes.push(def);
  return { kind: 'StructType', pos: kw.pos, name, union, def };
}

function parseStructBody(p: Parser, pos: SourcePos, name: string | null, union: boolean): StructDecl {
  const open = expect(p, '{', `to begin the ${union ? 'union' : 'struct'} body`);
  const fields: Field[] = [];
  while (!at(p, '}')) {
    if (peek(p).kind === 'eof') fail(open.pos, `expected '}' to end the ${union ? 'union' : 'struct'} body`, 'this brace is never closed');
    if (accept(p, ';')) continue;
    let specs: Specifiers;
    try {
      specs = parseSpecifiers(p);
    } catch (e) {
      recoverField(p, e);
      continue;
    }
    // Nested named struct definitions have file scope in C: hoist them.
    if (at(p, ';')) {
      p.i++;
      const t = specs.type;
      if (t.kind === 'StructType' && t.name === null && t.def) {
        fields.push({ kind: 'Field', pos: t.pos, name: null, type: t });
      }
      continue;
    }
    try {
      for (;;) {
        const d = parseDeclarator(p, false);
        const ftype = d.apply(specs.type);
        if (at(p, ':')) fail(peek(p).pos, 'bit-fields are outside the simulated subset', 'use a full-width integer field and masks (BIT(), FIELD_GET())');
        skipAttributes(p);
        if (!d.name) fail(d.pos, 'expected a field name', 'every field needs a name: `int count;`');
        fields.push({ kind: 'Field', pos: d.pos, name: d.name, type: ftype });
        if (accept(p, ',')) continue;
        expect(p, ';', 'at end of field declaration');
        break;
      }
    } catch (e) {
      recoverField(p, e);
    }
  }
  const close = next(p);
  return { kind: 'StructDecl', pos, name, union, fields, end: close.pos };
}

function recoverField(p: Parser, e: unknown): void {
  reportError(p, e);
  // Skip to the end of this field.
  while (!at(p, ';') && !at(p, '}') && peek(p).kind !== 'eof') {
    if (at(p, '(') || at(p, '[') || at(p, '{')) {
      try {
        skipBalanced(p);
      } catch {
        return;
      }
    } else p.i++;
  }
  accept(p, ';');
}

function parseEnumSpecifier(p: Parser): TypeNode {
  const kw = next(p);
  skipAttributes(p);
  let name: string | null = null;
  if (peek(p).kind === 'ident') name = expectIdent(p, "after 'enum'").text;
  if (!at(p, '{')) {
    if (name === null) fail(peek(p).pos, "expected '{' or a name after 'enum'");
    return { kind: 'EnumType', pos: kw.pos, name };
  }
  p.i++;
  const members: EnumMember[] = [];
  while (!at(p, '}')) {
    const id = expectIdent(p, 'in enumerator list');
    let value: Expr | null = null;
    if (accept(p, '=')) value = parseConditional(p);
    members.push({ kind: 'EnumMember', pos: id.pos, name: id.text, value });
    if (!accept(p, ',')) break;
  }
  expect(p, '}', 'to end the enum', "separate enumerators with ',' and close with '}'");
  const def: EnumDecl = { kind: 'EnumDecl', pos: kw.pos, name, members };
  p.pendingTypes.push(def);
  return { kind: 'EnumType', pos: kw.pos, name, def };
}

// ---------------------------------------------------------------------------
// Declarators

export interface Declarator {
  name: string | null;
  pos: SourcePos;
  apply: (base: TypeNode) => TypeNode;
  /** When the outermost derivation is a function: its parameter list as written. */
  fn?: FunctionType;
}

type Suffix = { kind: 'array'; pos: SourcePos; size: Expr | null } | { kind: 'fn'; pos: SourcePos; params: Param[]; variadic: boolean };

/**
 * A C declarator, possibly abstract (`abstract`: the name may be missing, as
 * in casts and prototypes). Pointers bind looser than suffixes, and a
 * parenthesised inner declarator applies last: `void (*fn)(int)`.
 */
export function parseDeclarator(p: Parser, abstract: boolean): Declarator {
  const ptrs: Array<{ pos: SourcePos; c: boolean; v: boolean }> = [];
  while (at(p, '*')) {
    const star = next(p);
    let c = false;
    let v = false;
    for (;;) {
      const t = peek(p);
      if (t.kind !== 'ident') break;
      if (t.text === 'const' || t.text === '__const') c = true;
      else if (t.text === 'volatile') v = true;
      else if (!(IGNORED_WORDS.has(t.text) || (ATTR_WITH_ARGS.has(t.text) && at(p, '(', 1)))) break;
      if (ATTR_WITH_ARGS.has(t.text) && at(p, '(', 1)) {
        p.i++;
        skipBalanced(p);
        continue;
      }
      p.i++;
    }
    ptrs.push({ pos: star.pos, c, v });
  }
  skipAttributes(p);
  let name: string | null = null;
  let pos = peek(p).pos;
  let inner: Declarator | null = null;
  const t = peek(p);
  // In a named declarator any identifier is the name, even one that is also a type (`typedef __u32 u32;`).
  if (t.kind === 'ident' && (!abstract ? !RESERVED.has(t.text) : !startsTypeNameWord(p, t.text))) {
    name = expectIdent(p, 'in declarator').text;
    pos = t.pos;
  } else if (isP(t, '(') && (at(p, '*', 1) || (at(p, '(', 1) && !abstract) || (peek(p, 1).kind === 'ident' && !abstract && !startsTypeNameWord(p, peek(p, 1).text)))) {
    p.i++;
    inner = parseDeclarator(p, abstract);
    expect(p, ')', 'to close the declarator');
    name = inner.name;
    pos = inner.pos;
  } else if (!abstract) {
    fail(t.pos, `expected identifier or '(' before ${describe(t)}`, t.kind === 'ident' ? `'${t.text}' is a type name here` : undefined);
  }
  const suffixes: Suffix[] = [];
  for (;;) {
    if (at(p, '[')) {
      const open = next(p);
      let size: Expr | null = null;
      if (!at(p, ']')) size = parseAssign(p);
      expect(p, ']', 'to close the array size');
      suffixes.push({ kind: 'array', pos: open.pos, size });
      continue;
    }
    if (at(p, '(')) {
      const open = next(p);
      const { params, variadic } = parseParams(p);
      suffixes.push({ kind: 'fn', pos: open.pos, params, variadic });
      continue;
    }
    break;
  }
  const apply = (base: TypeNode): TypeNode => {
    let ty = base;
    for (const ptr of ptrs) {
      const pt: TypeNode = { kind: 'PointerType', pos: ptr.pos, to: ty };
      if (ptr.c) pt.const = true;
      if (ptr.v) pt.volatile = true;
      ty = pt;
    }
    for (let s = suffixes.length - 1; s >= 0; s--) {
      const sfx = suffixes[s];
      if (sfx.kind === 'array') ty = { kind: 'ArrayType', pos: sfx.pos, of: ty, size: sfx.size };
      else ty = { kind: 'FunctionType', pos: sfx.pos, ret: ty, params: sfx.params, variadic: sfx.variadic };
    }
    return inner ? inner.apply(ty) : ty;
  };
  const d: Declarator = { name, pos, apply };
  if (!inner && suffixes.length > 0 && suffixes[0].kind === 'fn') {
    const f = suffixes[0];
    d.fn = { kind: 'FunctionType', pos: f.pos, ret: { kind: 'VoidType', pos: f.pos }, params: f.params, variadic: f.variadic };
  }
  return d;
}

function startsTypeNameWord(p: Parser, w: string): boolean {
  return TYPE_KEYWORDS.has(w) || w === 'struct' || w === 'union' || w === 'enum' || isTypedefName(p, w);
}

function parseParams(p: Parser): { params: Param[]; variadic: boolean } {
  const params: Param[] = [];
  let variadic = false;
  if (accept(p, ')')) return { params, variadic };
  if (at(p, 'void') && at(p, ')', 1)) {
    p.i += 2;
    return { params, variadic };
  }
  for (;;) {
    if (at(p, '...')) {
      p.i++;
      variadic = true;
      break;
    }
    const t = peek(p);
    if (t.kind === 'ident' && !startsTypeName(p) && !IGNORED_WORDS.has(t.text) && !/_t$/.test(t.text) && (at(p, ',', 1) || at(p, ')', 1))) {
      fail(t.pos, `K&R-style parameter '${t.text}' is outside the simulated subset`, `give the parameter a type: 'int ${t.text}'`);
    }
    const specs = parseSpecifiers(p);
    const d = parseDeclarator(p, true);
    skipAttributes(p);
    params.push({ kind: 'Param', pos: d.name ? d.pos : specs.pos, name: d.name, type: d.apply(specs.type) });
    if (!accept(p, ',')) break;
  }
  expect(p, ')', 'to close the parameter list');
  return { params, variadic };
}

/** A type name as in casts, sizeof and container_of: specifiers + abstract declarator. */
export function parseTypeName(p: Parser): TypeNode {
  const specs = parseSpecifiers(p);
  if (specs.typedef || specs.storage.static || specs.storage.extern) fail(specs.pos, 'storage class in a type name', "remove 'static'/'extern'/'typedef' here");
  const d = parseDeclarator(p, true);
  if (d.name) fail(d.pos, `unexpected name '${d.name}' in a type name`, 'a cast or sizeof takes a type without a variable name');
  return d.apply(specs.type);
}

// ---------------------------------------------------------------------------
// Initializers

export function parseInitializer(p: Parser): Initializer {
  if (at(p, '{')) return parseInitList(p);
  return parseAssign(p);
}

export function parseInitList(p: Parser): InitList {
  const open = expect(p, '{', 'to begin the initializer list');
  const items: InitItem[] = [];
  while (!at(p, '}')) {
    const pos = peek(p).pos;
    const designators: Designator[] = [];
    for (;;) {
      if (at(p, '.') && peek(p, 1).kind === 'ident') {
        const dot = next(p);
        const f = next(p);
        designators.push({ kind: 'FieldDesignator', pos: dot.pos, field: f.text });
        continue;
      }
      if (at(p, '[')) {
        const open2 = next(p);
        const index = parseConditional(p);
        if (at(p, '...')) fail(peek(p).pos, 'range designators are outside the simulated subset', 'initialise each index separately');
        expect(p, ']', 'to close the array designator');
        designators.push({ kind: 'IndexDesignator', pos: open2.pos, index });
        continue;
      }
      break;
    }
    if (designators.length) expect(p, '=', 'after designator', "write '.field = value'");
    items.push({ pos, designators, value: parseInitializer(p) });
    if (!accept(p, ',')) break;
  }
  expect(p, '}', 'to end the initializer list', `the list opened at line ${open.pos.line}`);
  return { kind: 'InitList', pos: open.pos, items };
}
