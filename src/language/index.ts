/**
 * The language front end: kernel-C source files in, a Program (AST) and
 * diagnostics out. Runs unchanged in Node and in a Web Worker.
 *
 *   const { program, diagnostics } = parseProgram([{ path: 'klist.c', text }]);
 *   const more = program ? checkProgram(program, { builtins }) : [];
 *   for (const d of [...diagnostics, ...more]) console.error(formatDiagnostic(d, files));
 */
import type { Diagnostic, SourceFile } from '../engine/api.ts';
import type { Program } from './ast.ts';
import { capDiagnostics, diag, sortDiagnostics, type DiagSink } from './diagnostics.ts';
import { linkProgram } from './link.ts';
import { parseDecls } from './parser.ts';
import { preprocess } from './preprocess.ts';

export type * from './ast.ts';
export { checkProgram, KERNEL_GUARDS, KERNEL_STRUCTS, type CheckOptions } from './check.ts';
export { formatDiagnostic } from './diagnostics.ts';
export { internalLinkName } from './link.ts';
export { DEFAULT_CONFIG_DEFINES } from './preprocess.ts';
export { FOR_EACH_MACROS } from './parse-stmt.ts';
export { TYPE_ARG_POSITIONS } from './parse-expr.ts';
export { KERNEL_INT_TYPEDEFS, KERNEL_TYPEDEFS } from './builtin-types.ts';

export interface ParseOptions {
  /** Extra macros, as if `#define NAME value` came first (`{ CONFIG_PREEMPT_RT: '1' }`). */
  defines?: Record<string, string>;
  /**
   * Macros fixed by the kernel configuration of the run: a value, or null
   * for "not defined" (CONFIG_X=n). They win over the defaults, `defines`
   * and the program's own #define/#undef (which get a warning).
   */
  forced?: Record<string, string | null>;
}

export interface ParseResult {
  /** null when any error was found (diagnostics say what). */
  program: Program | null;
  diagnostics: Diagnostic[];
  /**
   * When there were errors: what did parse (broken declarations and statements
   * left out). Not runnable; a caller may run checkProgram on it to report
   * name errors together with the syntax errors in one pass.
   */
  partial?: Program;
}

export function parseProgram(files: SourceFile[], opts: ParseOptions = {}): ParseResult {
  const sink: DiagSink = { list: [] };
  const order = files.map((f) => f.path);
  if (files.length === 0) {
    return { program: null, diagnostics: [diag({ file: '<input>', line: 1, col: 1 }, 'no source files given', 'pass at least one .c file')] };
  }
  try {
    const pp = preprocess(files, opts.defines ?? {}, sink, opts.forced ?? {});
    const decls = parseDecls(pp.tokens, sink, pp.units);
    const diagnostics = capDiagnostics(sortDiagnostics(sink.list, order), sink.dropped);
    const failed = diagnostics.some((d) => d.severity === 'error');
    const program: Program = { kind: 'Program', files: pp.files, decls, config: pp.config };
    linkProgram(program);
    return failed ? { program: null, diagnostics, partial: program } : { program, diagnostics };
  } catch (e) {
    // A bug in the front end must still come out as a diagnostic, never a stack trace.
    const where = { file: files[0].path, line: 1, col: 1 };
    if (e instanceof RangeError) {
      // Recursive descent on absurd nesting runs out of stack; say so instead of "internal error".
      sink.list.push(diag(where, 'the program nests expressions or blocks too deeply to simulate', 'split deeply nested expressions into several statements'));
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      sink.list.push(diag(where, `internal error in the C front end: ${msg}`, 'please report this program to the course maintainers'));
    }
    return { program: null, diagnostics: sortDiagnostics(sink.list, order) };
  }
}
