/**
 * Diagnostics in gcc's format, so learners read them the way they read a
 * kernel build log: `klist.c:12:5: error: expected ';' after expression`.
 */
import type { Diagnostic, SourceFile } from '../engine/api.ts';
import type { SourcePos } from '../events/types.ts';

export type { Diagnostic };

export function diag(
  pos: SourcePos,
  message: string,
  hint?: string,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  const d: Diagnostic = { file: pos.file, line: pos.line, col: pos.col, severity, message };
  if (hint) d.hint = hint;
  return d;
}

/** Where diagnostics go while one phase runs; phases share one sink per parseProgram. */
export interface DiagSink {
  list: Diagnostic[];
  /** Keys of `list`, so a place revisited by error recovery reports once. */
  keys?: Set<string>;
  /** Diagnostics beyond what we keep (a binary file can produce one per byte). */
  dropped?: number;
}

/** What the learner sees at most, like gcc's -fmax-errors. */
export const MAX_DIAGNOSTICS = 100;
/** What a sink keeps before it only counts: enough to sort and cap, bounded for garbage input. */
const MAX_KEPT = 1000;

export function report(sink: DiagSink, d: Diagnostic): void {
  const key = `${d.file}:${d.line}:${d.col}:${d.message}`;
  sink.keys ??= new Set(sink.list.map((o) => `${o.file}:${o.line}:${o.col}:${o.message}`));
  if (sink.keys.has(key)) return;
  if (sink.list.length >= MAX_KEPT) {
    sink.dropped = (sink.dropped ?? 0) + 1;
    return;
  }
  sink.keys.add(key);
  sink.list.push(d);
}

/** Keep the first MAX_DIAGNOSTICS (in output order) and say how many more there were, like gcc's -fmax-errors. */
export function capDiagnostics(list: Diagnostic[], dropped = 0): Diagnostic[] {
  if (list.length <= MAX_DIAGNOSTICS && dropped === 0) return list;
  const kept = list.slice(0, MAX_DIAGNOSTICS);
  const last = kept[kept.length - 1];
  const more = list.length - kept.length + dropped;
  kept.push({ file: last.file, line: last.line, col: last.col, severity: 'note', message: `${more} more diagnostics not shown`, hint: 'fix the ones above first; many later ones are often consequences' });
  return kept;
}

/** Stable order for output: by file (as given), line, column. */
export function sortDiagnostics(list: Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const rank = (f: string) => {
    const i = fileOrder.indexOf(f);
    return i < 0 ? fileOrder.length : i;
  };
  return [...list].sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line || a.col - b.col);
}

/**
 * gcc style: the location line, then (when the file's text is known) the
 * source line and a caret under the column, then the hint as a `note:`-like
 * line. Tabs in the source line are kept so the caret lines up in a terminal.
 */
export function formatDiagnostic(d: Diagnostic, sources?: readonly SourceFile[]): string {
  const out = [`${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`];
  const src = sources?.find((s) => s.path === d.file);
  if (src) {
    const line = src.text.split('\n')[d.line - 1];
    if (line !== undefined) {
      const text = line.replace(/\r$/, '');
      out.push(` ${String(d.line).padStart(4)} | ${text}`);
      const lead = text.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, ' ');
      out.push(`      | ${lead}^`);
    }
  }
  if (d.hint) out.push(`${d.file}:${d.line}:${d.col}: hint: ${d.hint}`);
  return out.join('\n');
}
