/**
 * File-scope driver: declarations one after another, each under a recovery
 * net, so every error in the program is reported in one pass.
 */
import type { TopLevelDecl } from './ast.ts';
import type { DiagSink } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import { newParser, peek, reportError, type Parser } from './parse-core.ts';
import { parseDeclaration, syncTopLevel } from './parse-decl.ts';

export function parseDecls(tokens: Token[], sink: DiagSink): TopLevelDecl[] {
  const p: Parser = newParser(tokens, sink);
  const decls: TopLevelDecl[] = [];
  // A header included by two .c files yields the same declarations twice, at the same source position.
  const seen = new Set<string>();
  while (peek(p).kind !== 'eof') {
    if (peek(p).kind === 'punct' && peek(p).text === ';') {
      p.i++;
      continue;
    }
    const before = p.i;
    try {
      for (const d of parseDeclaration(p, false)) {
        const key = `${d.kind}:${d.name ?? ''}:${d.pos.file}:${d.pos.line}:${d.pos.col}`;
        if (seen.has(key)) continue;
        seen.add(key);
        decls.push(d);
      }
    } catch (e) {
      reportError(p, e);
      syncTopLevel(p);
      if (p.i === before) p.i++;
    }
  }
  return decls;
}
