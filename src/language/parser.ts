/**
 * File-scope driver: declarations one after another, each under a recovery
 * net, so every error in the program is reported in one pass.
 */
import type { TopLevelDecl } from './ast.ts';
import { diag, report, type DiagSink } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import { accept, at, newParser, peek, reportError, skipBalanced, type Parser } from './parse-core.ts';
import { parseDeclaration, syncTopLevel } from './parse-decl.ts';

/**
 * File-scope kernel macros with no meaning in a one-program simulation
 * (module metadata, symbol exports, initcalls, compile-time asserts): accepted
 * so code pasted from the kernel parses, then dropped.
 */
export const FILE_SCOPE_IGNORED: ReadonlySet<string> = new Set([
  'EXPORT_SYMBOL', 'EXPORT_SYMBOL_GPL', 'EXPORT_SYMBOL_NS', 'EXPORT_SYMBOL_NS_GPL', 'EXPORT_PER_CPU_SYMBOL',
  'EXPORT_PER_CPU_SYMBOL_GPL', 'MODULE_LICENSE', 'MODULE_AUTHOR', 'MODULE_DESCRIPTION', 'MODULE_ALIAS',
  'MODULE_VERSION', 'MODULE_IMPORT_NS', 'module_init', 'module_exit', 'module_param', 'MODULE_PARM_DESC',
  'early_initcall', 'core_initcall', 'postcore_initcall', 'arch_initcall', 'subsys_initcall', 'fs_initcall',
  'device_initcall', 'late_initcall', 'static_assert', '_Static_assert', 'ALLOW_ERROR_INJECTION', 'NOKPROBE_SYMBOL',
]);

/**
 * `units` (from the preprocessor) says where each translation unit's tokens
 * begin; every function and variable declared at file scope is tagged with
 * its unit, so `static` symbols can be kept per unit (see link.ts).
 */
export function parseDecls(tokens: Token[], sink: DiagSink, units: ReadonlyArray<{ path: string; start: number }> = []): TopLevelDecl[] {
  const p: Parser = newParser(tokens, sink);
  const decls: TopLevelDecl[] = [];
  // A header included by two .c files yields the same declarations twice, at the same source position.
  const seen = new Set<string>();
  let lastFailed = false;
  while (peek(p).kind !== 'eof') {
    if (peek(p).kind === 'punct' && peek(p).text === ';') {
      p.i++;
      continue;
    }
    const t = peek(p);
    if (t.kind === 'ident' && FILE_SCOPE_IGNORED.has(t.text) && at(p, '(', 1)) {
      p.i++;
      try {
        skipBalanced(p);
      } catch (e) {
        reportError(p, e);
        break;
      }
      accept(p, ';');
      continue;
    }
    if (t.kind === 'punct' && t.text === '}') {
      if (!lastFailed) report(sink, diag(t.pos, "unmatched '}' at file scope", 'remove it, or check the braces of the function above'));
      p.i++;
      continue;
    }
    const before = p.i;
    // The body of a definition whose header failed: skip it quietly instead of reporting it again.
    if (lastFailed && peek(p).kind === 'punct' && peek(p).text === '{') {
      try {
        skipBalanced(p);
      } catch {
        break;
      }
      continue;
    }
    let unit: string | undefined;
    for (const u of units) if (u.start <= before) unit = u.path;
    try {
      const got = parseDeclaration(p, false);
      // A stray '{' after an earlier error (a K&R body, a broken header) is most likely its body; only a
      // complete function definition proves the parser is back in step.
      if (got.some((d) => d.kind === 'FunctionDef')) lastFailed = false;
      for (const d of got) {
        const key = `${d.kind}:${d.name ?? ''}:${d.pos.file}:${d.pos.line}:${d.pos.col}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (unit !== undefined && (d.kind === 'FunctionDef' || d.kind === 'FunctionDecl' || d.kind === 'VarDecl')) d.unit = unit;
        decls.push(d);
      }
    } catch (e) {
      reportError(p, e);
      lastFailed = true;
      syncTopLevel(p);
      if (p.i === before) p.i++;
    }
  }
  return decls;
}
