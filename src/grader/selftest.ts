/**
 * The exercise self-test: an exercise is only as good as its grading, so every
 * shipped exercise proves that its starter fails with the expected report,
 * its reference (and alternative) solutions pass, and each known wrong fix
 * fails the check it names, for the report it names.
 */
import type { SourceFile } from '../engine/api.ts';
import type { Exercise, GradeResult } from './types.ts';

export type GradeFn = (exercise: Exercise, files: readonly SourceFile[]) => GradeResult;

export interface SelfTestCase {
  /** `starter`, `solution`, `alternatives/<name>`, `wrong/<name>`. */
  name: string;
  ok: boolean;
  /** What was expected and, if not ok, what happened instead. */
  message: string;
  result: GradeResult;
}

export interface SelfTestResult {
  slug: string;
  ok: boolean;
  cases: SelfTestCase[];
}

function editableOf(exercise: Exercise): SourceFile[] {
  const editable = new Set(exercise.meta.files.filter((f) => f.editable).map((f) => f.path));
  return exercise.files.filter((f) => editable.has(f.path));
}

function failingSummary(r: GradeResult): string {
  if (r.status === 'error') return `could not grade (${r.message})`;
  const failed = r.checks.filter((c) => c.status === 'fail');
  if (!failed.length) return 'it passed every check';
  return failed.map((c) => `${c.name} failed${c.reportKind ? ` with "${c.reportKind}"` : ''}: ${c.message}`).join('; ');
}

function expectFail(name: string, r: GradeResult, check: string, report: string | undefined): SelfTestCase {
  const c = r.checks.find((x) => x.name === check);
  const want = `must fail "${check}"${report ? ` with a "${report}" report` : ''}`;
  const ok = r.status === 'fail' && !!c && c.status === 'fail' && (!report || c.reportKind === report);
  return { name, ok, message: ok ? `${want}: it does` : `${want}, but ${failingSummary(r)}`, result: r };
}

function expectPass(name: string, r: GradeResult): SelfTestCase {
  const ok = r.status === 'pass';
  return { name, ok, message: ok ? 'passes every check' : `must pass, but ${failingSummary(r)}`, result: r };
}

export function selfTest(exercise: Exercise, grade: GradeFn): SelfTestResult {
  const cases: SelfTestCase[] = [];
  const st = exercise.meta.starter;
  cases.push(expectFail('starter', grade(exercise, editableOf(exercise)), st.check, st.report));
  cases.push(expectPass('solution', grade(exercise, exercise.solution)));
  for (const a of exercise.alternatives) cases.push(expectPass(`alternatives/${a.name}`, grade(exercise, a.files)));
  for (const w of exercise.wrong) {
    const c = expectFail(`wrong/${w.name}`, grade(exercise, w.files), w.fails, w.report);
    if (!c.ok) c.message += ` — stated reason: ${w.why}`;
    cases.push(c);
  }
  return { slug: exercise.slug, ok: cases.every((c) => c.ok), cases };
}
