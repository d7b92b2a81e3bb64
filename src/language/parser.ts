/**
 * File-scope driver: declarations one after another, each under a recovery
 * net, so every error in the program is reported in one pass.
 */
import type { TopLevelDecl } from './ast.ts';
import type { DiagSink } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import { newParser, peek, reportError, skipBalanced, type Parser } from './parse-core.ts';
import { parseDeclaration, syncTopLevel } from './parse-decl.ts';

export function parseDecls(tokens: Token[], sink: DiagSink): TopLevelDecl[] {
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
    try {
      const got = parseDeclaration(p, false);
      // A stray '{' after an earlier error (a K&R body, a broken header) is most likely its body; only a
      // complete function definition proves the parser is back in step.
      if (got.some((d) => d.kind === 'FunctionDef')) lastFailed = false;
      for (const d of got) {
        const key = `${d.kind}:${d.name ?? ''}:${d.pos.file}:${d.pos.line}:${d.pos.col}`;
        if (seen.has(key)) continue;
        seen.add(key);
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
