/**
 * Maps the grader's GradeResult (src/grader/types.ts) to the page's GradeView.
 * Tolerant by design: a missing field gets a neutral default, so a change in
 * the grader degrades the display instead of breaking the page.
 */
import type { GradeResult } from '../../grader/types.ts';
import type { GradeCheckView, GradeView, MarkerView } from './protocol.ts';

export function toGradeView(raw: unknown, timeMs: number): GradeView {
  const r = (raw ?? {}) as Partial<GradeResult>;
  const checks: GradeCheckView[] = (r.checks ?? []).map((c) => ({
    name: String(c.name ?? 'check'),
    status: c.status === 'pass' || c.status === 'skip' ? c.status : 'fail',
    message: String(c.message ?? ''),
    description: c.description,
    output: c.report,
    reportKind: c.reportKind,
    hint: c.hint,
    markers: (c.markers ?? []).map(
      (m): MarkerView => ({ file: m.pos.file, line: m.pos.line, col: m.pos.col, message: m.message, severity: m.severity ?? 'error' }),
    ),
  }));
  const status: GradeView['status'] = r.status === 'pass' ? 'pass' : r.status === 'error' ? 'error' : 'fail';
  return {
    status,
    message: String(r.message ?? (status === 'pass' ? 'All checks pass.' : '')),
    checks,
    log: String(r.log ?? ''),
    diagnostics: (r.diagnostics ?? []).map((d) => ({ file: d.file, line: d.line, col: d.col, severity: d.severity, message: d.message, hint: d.hint })),
    timeMs: r.timing?.totalMs ?? timeMs,
  };
}
