/**
 * The grader's public entry: `grade(exercise, files)` with the real engine.
 * Pure (no Node APIs), so the site's Web Worker imports exactly this.
 */
import type { SourceFile } from '../engine/api.ts';
import { runProgram } from '../engine/run.ts';
import { gradeWith, type GradeOptions } from './grade.ts';
import { selfTest, type SelfTestResult } from './selftest.ts';
import type { Exercise, GradeResult } from './types.ts';

export type * from './types.ts';
export { buildCatalog, sortExercises, starterFiles, COURSE_ORDER, type Catalog } from './catalog.ts';
export { loadExercise, applySubmission } from './load.ts';
export { formatLoadError, type LoadError } from './schema.ts';
export { formatText, toExercism, toJunit, toKtap } from './format.ts';
export { gradeWith, runOptionsFor, DEFAULT_BUDGETS, type GradeOptions, type RunFn } from './grade.ts';

export function grade(exercise: Exercise, files: readonly SourceFile[], opts: GradeOptions = {}): GradeResult {
  return gradeWith(runProgram, exercise, files, opts);
}

export function selfTestExercise(exercise: Exercise): SelfTestResult {
  return selfTest(exercise, (ex, files) => grade(ex, files));
}
