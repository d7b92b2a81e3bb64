/**
 * The C preprocessor, cut down to what course programs need: includes among
 * the program's own files, object- and function-like macros (no `#`/`##`),
 * and conditionals. Output tokens keep ORIGINAL positions: a token produced
 * by a macro body takes the position of the macro's invocation, so an error
 * or a backtrace inside an expansion points at the line the learner wrote.
 */
import type { SourceFile } from '../engine/api.ts';
import type { SourcePos } from '../events/types.ts';
import { diag, report, type DiagSink } from './diagnostics.ts';
import { lex, type Token } from './lexer.ts';
import { evalPpExpr } from './pp-expr.ts';

export interface Macro {
  name: string;
  /** null for object-like macros. */
  params: string[] | null;
  variadic: boolean;
  body: Token[];
  pos: SourcePos;
}

export interface PreprocessResult {
  /** All translation units, one after the other, ending with a single eof. */
  tokens: Token[];
  /** CONFIG_* macros defined at the end (merged over translation units). */
  config: Record<string, string>;
  /** Paths in the order they were first read. */
  files: string[];
  /** Each translation unit's path and the index of its first token in `tokens`, in order. */
  units: Array<{ path: string; start: number }>;
}

/**
 * Options the simulated kernel is built with unless the program says
 * otherwise (`#undef CONFIG_PROVE_RAW_LOCK_NESTING`). The engine reads
 * Program.config to configure the model.
 */
export const DEFAULT_CONFIG_DEFINES: Readonly<Record<string, string>> = {
  CONFIG_SMP: '1',
  CONFIG_LOCKDEP: '1',
  CONFIG_PROVE_LOCKING: '1',
  CONFIG_DEBUG_LOCK_ALLOC: '1',
  CONFIG_DEBUG_SPINLOCK: '1',
  CONFIG_DEBUG_LIST: '1',
  CONFIG_TRACE_IRQFLAGS: '1',
  CONFIG_PROVE_RAW_LOCK_NESTING: '1',
  CONFIG_PROVE_RCU: '1',
  CONFIG_DEBUG_ATOMIC_SLEEP: '1',
};

/**
 * Kernel macros that must exist before parsing (they glue onto string
 * literals, which a function call could not): printk's level prefixes, as
 * include/linux/kern_levels.h spells them.
 */
const PREDEFINED: Readonly<Record<string, string>> = {
  KERN_SOH: '"\\001"',
  KERN_EMERG: '"\\0010"',
  KERN_ALERT: '"\\0011"',
  KERN_CRIT: '"\\0012"',
  KERN_ERR: '"\\0013"',
  KERN_WARNING: '"\\0014"',
  KERN_NOTICE: '"\\0015"',
  KERN_INFO: '"\\0016"',
  KERN_DEBUG: '"\\0017"',
  KERN_DEFAULT: '""',
  KERN_CONT: '"\\001c"',
  __KERNEL__: '1',
};

/** kconfig.h's tests of a CONFIG option (no modules here: IS_MODULE is always 0). */
const IS_CONFIG_TESTS = new Set(['IS_ENABLED', 'IS_BUILTIN', 'IS_REACHABLE', 'IS_MODULE']);

/** How deep includes may nest before we call it a loop. */
const MAX_INCLUDE_DEPTH = 32;
/** Expansion budget per translation unit: a self-feeding macro set must end in an error, not a hang. */
const MAX_EXPANSIONS = 50_000;

interface Cond {
  /** This branch's tokens are kept. */
  active: boolean;
  /** Some branch of this #if chain was already taken. */
  taken: boolean;
  /** An #else was seen. */
  sawElse: boolean;
  /** The enclosing region was active. */
  parentActive: boolean;
  pos: SourcePos;
}

/** Bodies of command-line style defines, lexed once: every translation unit starts with the same set. */
const defineCache = new Map<string, Token[]>();

function lexDefine(text: string, name: string): Token[] {
  const key = `${name}=${text}`;
  let body = defineCache.get(key);
  if (!body) {
    // Expansion copies body tokens before changing them, so sharing them between units is safe.
    body = lex('<command line>', text, { list: [] })
      .filter((t) => t.kind !== 'eof')
      .map((t) => ({ ...t, pos: { file: '<command line>', line: 1, col: 1 }, hide: new Set([name]) }));
    if (defineCache.size < 1000) defineCache.set(key, body);
  }
  return body;
}

/** Which files are compiled: every non-header; headers only through #include (unless there is nothing else). */
function translationUnits(files: readonly SourceFile[]): SourceFile[] {
  const units = files.filter((f) => !f.path.endsWith('.h'));
  return units.length > 0 ? units : [...files];
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** `#include "x.h"`: beside the includer first, then any program file with that path suffix. */
function resolveInclude(name: string, from: string, files: readonly SourceFile[]): SourceFile | undefined {
  const local = normalize(dirname(from) + name);
  const byPath = (p: string) => files.find((f) => normalize(f.path) === p);
  return (
    byPath(local) ??
    byPath(normalize(name)) ??
    files.find((f) => normalize(f.path).endsWith('/' + normalize(name)))
  );
}

/**
 * `forced`: macros fixed from outside the program, as a kernel built with
 * that .config would see them — a string is the value, null means "not
 * defined" (=n). They override the defaults and `defines`, and the
 * program's own #define/#undef of them is ignored with a warning, so the
 * program and the lockdep model (which reads the final CONFIG_* set) agree.
 */
export function preprocess(files: readonly SourceFile[], defines: Record<string, string>, sink: DiagSink, forced: Readonly<Record<string, string | null>> = {}): PreprocessResult {
  const out: Token[] = [];
  const config: Record<string, string> = {};
  const seen: string[] = [];
  const units: Array<{ path: string; start: number }> = [];
  const lexed = new Map<string, Token[]>();
  const tokensOf = (f: SourceFile) => {
    let t = lexed.get(f.path);
    if (!t) {
      t = lex(f.path, f.text, sink);
      lexed.set(f.path, t);
    }
    if (!seen.includes(f.path)) seen.push(f.path);
    return t;
  };

  for (const unit of translationUnits(files)) {
    const macros = new Map<string, Macro>();
    // Kbuild passes the module name of each object: -DKBUILD_MODNAME='"posted_intr"'.
    const modname = JSON.stringify(unit.path.replace(/^.*\//, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_'));
    const initial: Record<string, string | null> = { ...PREDEFINED, KBUILD_MODNAME: modname, ...DEFAULT_CONFIG_DEFINES, ...defines, ...forced };
    for (const [name, value] of Object.entries(initial)) {
      if (value === null) continue;
      macros.set(name, { name, params: null, variadic: false, body: lexDefine(value, name), pos: { file: '<command line>', line: 1, col: 1 } });
    }
    const included = new Set<string>();
    const pp = new Preprocessor(macros, sink, files, tokensOf, included, out, new Set(Object.keys(forced)));
    units.push({ path: unit.path, start: out.length });
    pp.runFile(unit, 0);
    for (const [name, m] of macros) {
      if (name.startsWith('CONFIG_')) config[name] = m.body.map((t) => t.text).join(' ');
    }
  }
  // End of input sits just after the last token, where a missing '}' or ';' belongs.
  const lastTok = out[out.length - 1];
  const last = lastTok ? { ...lastTok.pos, col: lastTok.pos.col + lastTok.text.length } : { file: files[0]?.path ?? '<empty>', line: 1, col: 1 };
  out.push({ kind: 'eof', text: '', pos: last, bol: true, space: true });
  return { tokens: out, config, files: seen, units };
}

class Preprocessor {
  private expansions = 0;
  private macros: Map<string, Macro>;
  private sink: DiagSink;
  private files: readonly SourceFile[];
  private tokensOf: (f: SourceFile) => Token[];
  private included: Set<string>;
  private out: Token[];
  private forced: ReadonlySet<string>;

  constructor(
    macros: Map<string, Macro>,
    sink: DiagSink,
    files: readonly SourceFile[],
    tokensOf: (f: SourceFile) => Token[],
    included: Set<string>,
    out: Token[],
    forced: ReadonlySet<string> = new Set(),
  ) {
    this.forced = forced;
    this.macros = macros;
    this.sink = sink;
    this.files = files;
    this.tokensOf = tokensOf;
    this.included = included;
    this.out = out;
  }

  runFile(file: SourceFile, depth: number): void {
    // Every header is read once per translation unit, as if it had an include guard.
    this.included.add(file.path);
    const toks = this.tokensOf(file);
    const conds: Cond[] = [];
    const active = () => conds.length === 0 || conds[conds.length - 1].active;
    let text: Token[] = [];
    const flush = () => {
      if (text.length) this.expandInto(text, this.out);
      text = [];
    };
    let i = 0;
    while (toks[i].kind !== 'eof') {
      const t = toks[i];
      if (t.bol && t.kind === 'punct' && t.text === '#') {
        let j = i + 1;
        while (toks[j].kind !== 'eof' && !toks[j].bol) j++;
        const line = toks.slice(i + 1, j);
        i = j;
        flush();
        this.directive(t, line, conds, active(), file, depth);
        continue;
      }
      if (active()) text.push(t);
      i++;
    }
    flush();
    for (const c of conds) {
      report(this.sink, diag(c.pos, 'unterminated conditional directive', 'add the matching #endif'));
    }
  }

  private directive(hash: Token, line: Token[], conds: Cond[], active: boolean, file: SourceFile, depth: number): void {
    if (line.length === 0) return; // the null directive
    const name = line[0];
    const rest = line.slice(1);
    const kw = name.text;
    const top = conds[conds.length - 1];
    switch (kw) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let value = false;
        if (active) {
          if (kw === 'if') value = this.evalIf(name, rest);
          else {
            const id = rest[0];
            if (!id || id.kind !== 'ident') {
              report(this.sink, diag(name.pos, `#${kw} with no macro name`, `write #${kw} CONFIG_NAME`));
            } else value = this.macros.has(id.text) === (kw === 'ifdef');
          }
        }
        conds.push({ active: active && value, taken: value, sawElse: false, parentActive: active, pos: hash.pos });
        return;
      }
      case 'elif':
      case 'else': {
        if (!top) {
          report(this.sink, diag(hash.pos, `#${kw} without #if`, 'remove it or add the #if it belongs to'));
          return;
        }
        if (top.sawElse) {
          report(this.sink, diag(hash.pos, `#${kw} after #else`, 'an #if chain has at most one #else, and it comes last'));
          return;
        }
        if (kw === 'else') {
          top.sawElse = true;
          top.active = top.parentActive && !top.taken;
          top.taken = true;
        } else {
          const value = top.parentActive && !top.taken ? this.evalIf(name, rest) : false;
          top.active = top.parentActive && !top.taken && value;
          if (value) top.taken = true;
        }
        return;
      }
      case 'endif':
        if (!conds.pop()) report(this.sink, diag(hash.pos, '#endif without #if', 'remove it or add the #if it belongs to'));
        return;
    }
    if (!active) return;
    switch (kw) {
      case 'define':
        if (rest[0]?.kind === 'ident' && this.forced.has(rest[0].text)) {
          report(this.sink, diag(rest[0].pos, `'${rest[0].text}' is set by the run's kernel configuration; this #define is ignored`, 'change it with --config instead', 'warning'));
          return;
        }
        this.define(name, rest);
        return;
      case 'undef':
        if (rest[0]?.kind === 'ident' && this.forced.has(rest[0].text)) {
          report(this.sink, diag(rest[0].pos, `'${rest[0].text}' is set by the run's kernel configuration; this #undef is ignored`, 'change it with --config instead', 'warning'));
        } else if (rest[0]?.kind === 'ident') this.macros.delete(rest[0].text);
        else report(this.sink, diag(name.pos, 'no macro name given in #undef directive', 'write #undef NAME'));
        return;
      case 'include':
        this.include(name, rest, file, depth);
        return;
      case 'error':
        report(this.sink, diag(hash.pos, `#error ${rest.map((t) => t.text).join(' ')}`));
        return;
      case 'warning':
        report(this.sink, diag(hash.pos, `#warning ${rest.map((t) => t.text).join(' ')}`, undefined, 'warning'));
        return;
      case 'pragma':
      case 'line':
      case 'ident':
        return;
      default:
        report(this.sink, diag(name.pos, `invalid preprocessing directive #${kw}`, 'the subset knows #include, #define, #undef, #if, #ifdef, #ifndef, #elif, #else, #endif, #error, #pragma'));
    }
  }

  private include(kw: Token, rest: Token[], file: SourceFile, depth: number): void {
    const first = rest[0];
    if (!first) {
      report(this.sink, diag(kw.pos, '#include expects "FILENAME" or <FILENAME>'));
      return;
    }
    let name: string;
    let system = false;
    if (first.kind === 'string') name = first.str ?? '';
    else if (first.kind === 'punct' && first.text === '<') {
      system = true;
      name = '';
      for (const t of rest.slice(1)) {
        if (t.kind === 'punct' && t.text === '>') break;
        name += (t.space && name ? ' ' : '') + t.text;
      }
    } else {
      report(this.sink, diag(first.pos, '#include expects "FILENAME" or <FILENAME>', 'macro-computed includes are outside the simulated subset'));
      return;
    }
    const target = resolveInclude(name, file.path, this.files);
    if (!target) {
      // Kernel headers are simulated by the runtime: accept and move on.
      if (system) return;
      report(this.sink, diag(first.pos, `${name}: no such file in this program`, `add ${name} to the program's files, or include kernel headers with <...>`));
      return;
    }
    if (this.included.has(target.path)) return;
    if (depth >= MAX_INCLUDE_DEPTH) {
      report(this.sink, diag(first.pos, `#include nested too deeply (${MAX_INCLUDE_DEPTH} levels)`, 'an include loop?'));
      return;
    }
    this.runFile(target, depth + 1);
  }

  private define(kw: Token, rest: Token[]): void {
    const id = rest[0];
    if (!id || id.kind !== 'ident') {
      report(this.sink, diag(id?.pos ?? kw.pos, 'macro names must be identifiers', 'write #define NAME value'));
      return;
    }
    let params: string[] | null = null;
    let variadic = false;
    let k = 1;
    if (rest[1] && rest[1].kind === 'punct' && rest[1].text === '(' && !rest[1].space) {
      params = [];
      k = 2;
      let ok = false;
      while (k < rest.length) {
        const t = rest[k];
        if (t.text === ')') {
          ok = true;
          k++;
          break;
        }
        if (t.text === '...') variadic = true;
        else if (t.kind === 'ident') params.push(t.text);
        else if (t.text !== ',') break;
        k++;
      }
      if (!ok) {
        report(this.sink, diag(id.pos, `malformed parameter list in #define ${id.text}`, 'write #define NAME(a, b) body'));
        return;
      }
    }
    const body = rest.slice(k);
    for (let b = 0; b < body.length; b++) {
      const t = body[b];
      if (t.kind !== 'punct' || (t.text !== '#' && t.text !== '##')) continue;
      // GNU `, ## __VA_ARGS__` (drop the comma when no variadic args) is allowed.
      if (t.text === '##' && body[b - 1]?.text === ',' && body[b + 1]?.text === '__VA_ARGS__') continue;
      report(
        this.sink,
        diag(t.pos, `'${t.text}' in a macro body is outside the simulated subset`, t.text === '#' ? 'stringizing is not supported; pass the string literal as an argument' : 'token pasting is not supported; write the full name'),
      );
      return;
    }
    this.macros.set(id.text, { name: id.text, params, variadic, body, pos: id.pos });
  }

  /** `#if` expression: defined(X), integers, C operators; unknown names are 0, as in C. */
  private evalIf(kw: Token, rest: Token[]): boolean {
    const pre: Token[] = [];
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i];
      if (t.kind === 'ident' && t.text === 'defined') {
        let name: Token | undefined;
        if (rest[i + 1]?.text === '(') {
          name = rest[i + 2];
          if (rest[i + 3]?.text !== ')') {
            report(this.sink, diag(t.pos, "missing ')' after \"defined\"", 'write defined(NAME)'));
            return false;
          }
          i += 3;
        } else {
          name = rest[i + 1];
          i += 1;
        }
        if (!name || name.kind !== 'ident') {
          report(this.sink, diag(t.pos, 'operator "defined" requires an identifier', 'write defined(NAME)'));
          return false;
        }
        pre.push({ ...t, kind: 'int', text: '1', value: this.macros.has(name.text) ? 1n : 0n });
        continue;
      }
      pre.push(t);
    }
    const expanded: Token[] = [];
    this.expandInto(pre, expanded);
    if (expanded.length === 0) {
      report(this.sink, diag(kw.pos, '#if with no expression', 'write #if 0, #if 1 or #if defined(CONFIG_NAME)'));
      return false;
    }
    const r = evalPpExpr(expanded, kw.pos);
    if ('error' in r) {
      report(this.sink, diag(r.pos, r.error, 'the #if expression may use integers, defined(NAME) and C operators'));
      return false;
    }
    return r.value !== 0n;
  }

  /** Macro-expand a token run (C rescanning with hide sets) and append to `out`. */
  private expandInto(input: Token[], out: Token[]): void {
    // Work stack, reversed, so expansions are pushed back for rescanning.
    const stack: Token[] = [];
    for (let i = input.length - 1; i >= 0; i--) stack.push(input[i]);
    while (stack.length) {
      const t = stack.pop()!;
      if (t.kind === 'ident' && (t.text === '__LINE__' || t.text === '__FILE__')) {
        out.push(t.text === '__LINE__' ? { ...t, kind: 'int', text: String(t.pos.line), value: BigInt(t.pos.line), suffix: '' } : { ...t, kind: 'string', text: JSON.stringify(t.pos.file), str: t.pos.file });
        continue;
      }
      if (t.kind === 'ident' && IS_CONFIG_TESTS.has(t.text) && stack.length >= 3) {
        // IS_ENABLED(CONFIG_X): 1 when CONFIG_X is defined to 1, as the kernel's kconfig.h computes
        // with token pasting; the name must not be expanded first.
        const [open, name, close] = [stack[stack.length - 1], stack[stack.length - 2], stack[stack.length - 3]];
        if (open.text === '(' && name.kind === 'ident' && close.text === ')') {
          stack.length -= 3;
          const body = this.macros.get(name.text)?.body;
          const on = t.text !== 'IS_MODULE' && body !== undefined && body.length === 1 && body[0].text === '1';
          out.push({ ...t, kind: 'int', text: on ? '1' : '0', value: on ? 1n : 0n, suffix: '' });
          continue;
        }
      }
      const m = t.kind === 'ident' ? this.macros.get(t.text) : undefined;
      if (!m || t.hide?.has(m.name)) {
        out.push(t);
        continue;
      }
      if (++this.expansions > MAX_EXPANSIONS) {
        report(this.sink, diag(t.pos, `macro expansion of '${m.name}' does not terminate`, 'check the #defines for a macro that feeds itself'));
        out.push(t);
        stack.length = 0;
        return;
      }
      const hide = new Set(t.hide ?? []);
      hide.add(m.name);
      if (m.params === null) {
        const body = m.body.map((b) => ({ ...b, pos: t.pos, hide }));
        for (let i = body.length - 1; i >= 0; i--) stack.push(body[i]);
        continue;
      }
      // Function-like: only an invocation if '(' follows.
      const next = stack[stack.length - 1];
      if (!next || next.kind !== 'punct' || next.text !== '(') {
        out.push(t);
        continue;
      }
      const open = stack.pop()!;
      const collected: Token[] = [];
      const args: Token[][] = [[]];
      let depth = 0;
      let closed = false;
      while (stack.length) {
        const a = stack.pop()!;
        collected.push(a);
        if (a.kind === 'punct') {
          if (a.text === '(') depth++;
          else if (a.text === ')') {
            if (depth === 0) {
              closed = true;
              break;
            }
            depth--;
          } else if (a.text === ',' && depth === 0 && !(m.variadic && args.length > m.params.length)) {
            args.push([]);
            continue;
          }
        }
        args[args.length - 1].push(a);
      }
      if (!closed) {
        // Leave the broken call unexpanded: the parser then reports the missing ')' where it belongs
        // and still parses what follows, instead of everything to the end of the file vanishing.
        out.push(t);
        for (let i = collected.length - 1; i >= 0; i--) stack.push(collected[i]);
        stack.push(open);
        out.push(stack.pop()!);
        continue;
      }
      if (args.length === 1 && args[0].length === 0 && m.params.length === 0) args.pop();
      const want = m.params.length;
      const okCount = m.variadic ? args.length >= want : args.length === want;
      if (!okCount && !(m.variadic && want === 0)) {
        report(
          this.sink,
          diag(t.pos, `macro '${m.name}' ${args.length < want ? 'requires' : 'passed'} ${args.length < want ? want : args.length} arguments, but ${args.length < want ? 'only ' + args.length + ' given' : 'takes just ' + want}`, `defined at ${m.pos.file}:${m.pos.line}`),
        );
        continue;
      }
      const expandedArgs = args.map((a) => {
        const e: Token[] = [];
        this.expandInto(a, e);
        return e;
      });
      const vaArgs = m.variadic ? expandedArgs.slice(want) : [];
      const body: Token[] = [];
      for (let b = 0; b < m.body.length; b++) {
        const bt = m.body[b];
        if (bt.text === ',' && m.body[b + 1]?.text === '##' && m.body[b + 2]?.text === '__VA_ARGS__') {
          const has = vaArgs.some((a) => a.length > 0);
          if (has) body.push({ ...bt, pos: t.pos, hide });
          b += 1; // skip '##'; __VA_ARGS__ is handled next
          continue;
        }
        if (bt.kind === 'ident') {
          const pi = m.params.indexOf(bt.text);
          if (pi >= 0) {
            body.push(...expandedArgs[pi]);
            continue;
          }
          if (m.variadic && bt.text === '__VA_ARGS__') {
            vaArgs.forEach((a, ai) => {
              if (ai > 0) body.push({ kind: 'punct', text: ',', pos: t.pos, bol: false, space: false, hide });
              body.push(...a);
            });
            continue;
          }
        }
        body.push({ ...bt, pos: t.pos, hide });
      }
      // Argument tokens keep their own positions but must not re-expand this macro.
      for (let i = body.length - 1; i >= 0; i--) {
        const bt = body[i];
        stack.push(bt.hide === hide ? bt : { ...bt, hide: union(bt.hide, m.name) });
      }
    }
  }
}

function union(h: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
  const s = new Set(h ?? []);
  s.add(name);
  return s;
}
