/**
 * Messages between a page and the lab worker (src/site/worker/lab.worker.ts).
 *
 * The worker runs learner code through the engine (`runProgram`, src/engine)
 * and grades it (`grade`, src/grader) off the main thread. Everything here is
 * structured-clone data: no functions, no class instances.
 *
 * One request, one response with the same `id`. The page never trusts the
 * worker to come back: src/site/lib/worker-client.ts terminates and replaces a
 * worker that does not answer within the run's wall-clock safety net plus a margin (an
 * infinite loop in learner code that escapes the engine's own budgets), so the
 * page stays responsive.
 */
import type { RunOptions, RunResult, SourceFile } from '../../engine/api.ts';
import type { LockGraphData } from '../lib/lockgraph.ts';

/** The serialisable subset of RunOptions (observers cannot cross a worker boundary). */
export type WorkerRunOptions = Omit<RunOptions, 'observers'>;

export interface RunRequest {
  type: 'run';
  id: number;
  files: SourceFile[];
  options?: WorkerRunOptions;
  /** Also return the lock dependency graph the lockdep model built during the run. */
  graph?: boolean;
  /**
   * Run as the grader runs this exercise: the worker fetches it from
   * `exerciseUrl` and uses the grader's runOptionsFor(exercise) (entry, config,
   * budgets, race check), so Run and Grade print the same log.
   */
  exercise?: { slug: string; exerciseUrl: string };
}

export interface GradeRequest {
  type: 'grade';
  id: number;
  /** Exercise slug; the worker fetches the exercise's data from `exerciseUrl`. */
  slug: string;
  /** URL of the exercise JSON written at build time (`<base>exercises/<slug>/exercise.json`). */
  exerciseUrl: string;
  /** The learner's editable files (read-only files come from the exercise itself). */
  files: SourceFile[];
}

export type WorkerRequest = RunRequest | GradeRequest;

/** A source position to underline in the editor. */
export interface MarkerView {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

/** One check of a grade, as the page shows it. */
export interface GradeCheckView {
  name: string;
  status: 'pass' | 'fail' | 'error' | 'skip';
  message: string;
  /** What the check tests. */
  description?: string;
  /** Report text attached to the check. */
  output?: string;
  /** Report kind that made it fail (the editor offers the matching hint first). */
  reportKind?: string;
  hint?: string;
  markers: MarkerView[];
}

/** The page's view of a grade result (src/site/worker/adapt.ts maps the grader's GradeResult to it). */
export interface GradeView {
  status: 'pass' | 'fail' | 'error';
  message: string;
  checks: GradeCheckView[];
  /** The main run's kernel log as dmesg shows it. */
  log: string;
  diagnostics: { file: string; line: number; col: number; severity: string; message: string; hint?: string }[];
  timeMs: number;
}

export type WorkerResponse =
  | { type: 'run-result'; id: number; result: RunResult; graph?: LockGraphData }
  | { type: 'grade-result'; id: number; result: GradeView }
  /**
   * The worker could not do the job (exercise data not found, an engine bug):
   * reported as text, never a stack trace.
   */
  | { type: 'error'; id: number; message: string };
