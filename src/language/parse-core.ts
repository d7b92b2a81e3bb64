/**
 * Parser state and the token-cursor helpers every parse-* module shares.
 * Errors are thrown as ParseError and caught at statement / declaration
 * boundaries, where the parser records them and resynchronises, so one run
 * reports every error in the file.
 */
import type { Diagnostic } from '../engine/api.ts';
import type { SourcePos } from '../events/types.ts';
import type { EnumDecl, StructDecl, TypedefDecl } from './ast.ts';
import { KERNEL_INT_TYPEDEFS, KERNEL_TYPEDEFS } from './builtin-types.ts';
import { diag, report, type DiagSink } from './diagnostics.ts';
import type { Token } from './lexer.ts';

export interface Parser {
  toks: Token[];
  i: number;
  sink: DiagSink;
  /** Typedef names declared by the program so far. */
  typedefs: Set<string>;
  /** Named struct/enum definitions met inside specifiers, for the caller to emit as declarations. */
  pendingTypes: Array<StructDecl | EnumDecl | TypedefDecl>;
}

export class ParseError extends Error {
  diag: Diagnostic;
  constructor(d: Diagnostic) {
    super(d.message);
    this.diag = d;
  }
}

export function newParser(toks: Token[], sink: DiagSink): Parser {
  return { toks, i: 0, sink, typedefs: new Set(), pendingTypes: [] };
}

export const peek = (p: Parser, k = 0): Token => p.toks[Math.min(p.i + k, p.toks.length - 1)];
export const prev = (p: Parser): Token => p.toks[Math.max(0, p.i - 1)];
export const next = (p: Parser): Token => {
  const t = peek(p);
  if (t.kind !== 'eof') p.i++;
  return t;
};
/** The token is this punctuator (strings and idents never match punctuation). */
export const isP = (t: Token, text: string): boolean => t.kind === 'punct' && t.text === text;
export const isId = (t: Token, text?: string): boolean => t.kind === 'ident' && (text === undefined || t.text === text);
export const at = (p: Parser, text: string, k = 0): boolean => {
  const t = peek(p, k);
  return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
};

export function accept(p: Parser, text: string): boolean {
  if (at(p, text)) {
    p.i++;
    return true;
  }
  return false;
}

/** Where a missing token belongs: just after the previous one, as clang points. */
export function afterPrev(p: Parser): SourcePos {
  const t = prev(p);
  if (p.i === 0) return peek(p).pos;
  return { file: t.pos.file, line: t.pos.line, col: t.pos.col + t.text.length };
}

/** ` (in expansion of macro 'X')` when a token came out of a macro: the position alone would point at the invocation. */
export function inMacro(t: Token): string {
  if (!t.hide || t.hide.size === 0) return '';
  const names = [...t.hide];
  return ` (in expansion of macro '${names[names.length - 1]}')`;
}

export function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'string') return 'string constant';
  return `'${t.text}'`;
}

export function fail(pos: SourcePos, message: string, hint?: string): never {
  throw new ParseError(diag(pos, message, hint));
}

/** Expect a punctuator/keyword; `what` completes "expected ';' <what>". */
export function expect(p: Parser, text: string, what: string, hint?: string): Token {
  const t = peek(p);
  if (at(p, text)) {
    p.i++;
    return t;
  }
  const endOfLine = text === ';' || text === ')' || text === ']';
  const newLine = p.i > 0 && prev(p).pos.line !== t.pos.line;
  const pos = endOfLine && newLine ? afterPrev(p) : t.pos;
  if (text === ';' && newLine && t.kind !== 'eof') {
    // The classic forgotten ';' at the end of a line: report it, act as if it were there, and keep
    // parsing the next line normally so its own errors are found too.
    report(p.sink, diag(pos, `expected ';' ${what}`, hint ?? "add ';' at the end of the statement"));
    return { ...prev(p), kind: 'punct', text: ';' };
  }
  fail(pos, `expected '${text}' ${what}${inMacro(t)}`, hint ?? (text === ';' ? "add ';' at the end of the statement" : `found ${describe(t)} instead`));
}

export function expectIdent(p: Parser, what: string): Token {
  const t = peek(p);
  if (t.kind === 'ident' && !RESERVED.has(t.text)) {
    p.i++;
    return t;
  }
  fail(t.pos, `expected identifier ${what}`, `found ${describe(t)}`);
}

/** Record a caught ParseError; anything else is a bug and propagates to parseProgram's net. */
export function reportError(p: Parser, e: unknown): void {
  if (e instanceof ParseError) report(p.sink, e.diag);
  else throw e;
}

export function warn(p: Parser, pos: SourcePos, message: string, hint?: string): void {
  report(p.sink, diag(pos, message, hint, 'warning'));
}

export function error(p: Parser, pos: SourcePos, message: string, hint?: string): void {
  report(p.sink, diag(pos, message, hint));
}

// ---------------------------------------------------------------------------
// Word classes

export const RESERVED = new Set([
  'if', 'else', 'while', 'do', 'for', 'switch', 'case', 'default', 'break', 'continue', 'return', 'goto',
  'struct', 'union', 'enum', 'typedef', 'sizeof', 'static', 'extern', 'const', 'volatile', 'inline',
  'void', 'char', 'short', 'int', 'long', 'signed', 'unsigned', 'float', 'double', '_Bool', 'register',
  'asm', '__asm__', '__asm', 'typeof', '__typeof__', '__typeof', 'auto', '_Atomic', '_Complex',
]);

/** Base type keywords. */
export const TYPE_KEYWORDS = new Set(['void', 'char', 'short', 'int', 'long', 'signed', 'unsigned', '_Bool', 'bool', 'float', 'double', '_Complex', '__int128']);

/** Attributes, qualifiers and storage words accepted and ignored (the ones with meaning are handled by name). */
export const IGNORED_WORDS = new Set([
  'inline', '__inline', '__inline__', '__always_inline', 'noinline', 'extern', 'static', 'register', 'const', '__const',
  'volatile', '__volatile__', 'auto',
  '__must_check', '__init', '__exit', '__initdata', '__initconst', '__exitdata', '__read_mostly', '__ro_after_init',
  '__maybe_unused', '__always_unused', '__used', '__rcu', '__percpu', '__iomem', '__user', '__kernel', '__force',
  '__cacheline_aligned', '__cacheline_aligned_in_smp', '____cacheline_aligned', '____cacheline_aligned_in_smp',
  'notrace', '__packed', '__weak', '__cold', '__hot', '__noreturn', 'noinstr', '__visible', 'asmlinkage', '__sched',
  '__pure', '__noclone', '__nocfi', '__private', '__restrict', 'restrict', '__restrict__', '__latent_entropy',
  '__randomize_layout', '__no_randomize_layout', '__lockfunc', '__irq_entry', '__flatten', '__safe', '__nocast',
  '__bitwise', '__aligned_largest', '__noinline',
]);

/** Attributes followed by a parenthesised argument list, skipped whole. */
export const ATTR_WITH_ARGS = new Set([
  '__attribute__', '__attribute', '__aligned', '__acquires', '__releases', '__must_hold', '__printf', '__scanf',
  '__counted_by', '__section', '__cond_acquires', '__cond_releases', '__guarded_by', '__pt_guarded_by', '__alias',
  '__diag_ignore', '__malloc', '__alloc_size', '__nonstring', '__designated_init', '__cond_lock', '__must_be_array',
  '__free', '__cleanup', '__assume_aligned', '__realloc_size', '__no_context_analysis',
]);

export function isTypedefName(p: Parser, name: string): boolean {
  return p.typedefs.has(name) || KERNEL_TYPEDEFS.has(name) || KERNEL_INT_TYPEDEFS.has(name);
}

/** Skip any run of ignored attribute words and `__attribute__((...))`-like groups. Returns the words seen. */
export function skipAttributes(p: Parser, into?: string[]): void {
  for (;;) {
    const t = peek(p);
    if (t.kind !== 'ident') return;
    if (ATTR_WITH_ARGS.has(t.text) && at(p, '(', 1)) {
      p.i++;
      skipBalanced(p);
      into?.push(t.text);
      continue;
    }
    if (IGNORED_WORDS.has(t.text) && t.text !== 'static' && t.text !== 'extern' && !['inline', '__inline', '__inline__', '__always_inline', 'const', 'volatile'].includes(t.text)) {
      p.i++;
      into?.push(t.text);
      continue;
    }
    return;
  }
}

/** At '(' (or '[' / '{'): skip to after its matching close. */
export function skipBalanced(p: Parser): void {
  const open = peek(p);
  const close = open.text === '(' ? ')' : open.text === '[' ? ']' : '}';
  let depth = 0;
  for (;;) {
    const t = next(p);
    if (t.kind === 'eof') fail(open.pos, `unbalanced '${open.text}'`, `add the matching '${close}'`);
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      depth--;
      if (depth === 0) return;
    }
  }
}
