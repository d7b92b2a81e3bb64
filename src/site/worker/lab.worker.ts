/// <reference lib="webworker" />
/**
 * The lab worker: runs and grades learner code off the main thread.
 * Protocol: ./protocol.ts. The engine and the grader are the same modules the
 * CLI uses (src/engine, src/grader), loaded lazily so that a Run does not pay
 * for the grader and a missing module is reported instead of breaking the build.
 */
import type { RunOptions, RunResult, SourceFile } from '../../engine/api.ts';
import type { GradeView, WorkerRequest, WorkerResponse } from './protocol.ts';
import { toGradeView } from './adapt.ts';
import { toGraphData, type LockGraphData } from '../lib/lockgraph.ts';

type EngineModule = { runProgram: (files: SourceFile[], options?: RunOptions) => RunResult | Promise<RunResult> };
type GraderModule = Record<string, unknown>;

// import.meta.glob resolves to {} when a module is absent, so the site builds
// before (and regardless of) the engine and grader landing.
const engineModules = import.meta.glob<EngineModule>('../../engine/index.ts');
const graderModules = import.meta.glob<GraderModule>(['../../grader/index.ts', '../../grader/grade.ts']);
const lockdepModules = import.meta.glob<Record<string, unknown>>('../../lockdep/index.ts');

type GraphModel = { event(e: unknown): void; graph(): unknown };

/** A second lockdep model watching the run, whose graph the page draws (null without src/lockdep). */
async function graphModel(engine: EngineModule): Promise<GraphModel | null> {
  const load = Object.values(lockdepModules)[0];
  const create = load ? ((await load()).createLockdep as ((o: unknown) => GraphModel) | undefined) : undefined;
  if (!create) return null;
  const sink = { printk() {}, report() {} };
  const env = { ident: () => '', dumpStack: () => [] };
  const defaults = ((engine as Record<string, unknown>).DEFAULT_CONFIG ?? { proveRawLockNesting: true, preemptRt: false, forceReadLockRecursive: false }) as object;
  return create({ config: { ...defaults, keepGoing: false }, env, log: sink });
}

async function loadEngine(): Promise<EngineModule | null> {
  const load = Object.values(engineModules)[0];
  return load ? await load() : null;
}

type GradeFn = (exercise: unknown, files: SourceFile[]) => unknown;

/** `grade` from src/grader/index.ts, else `gradeWith` from grade.ts wired to the engine. */
async function loadGrade(): Promise<GradeFn | null> {
  const index = graderModules['../../grader/index.ts'];
  if (index) {
    const m = await index();
    if (typeof m.grade === 'function') return m.grade as GradeFn;
  }
  const core = graderModules['../../grader/grade.ts'];
  const engine = await loadEngine();
  if (core && engine) {
    const m = await core();
    const gradeWith = m.gradeWith as ((run: unknown, ex: unknown, files: SourceFile[]) => unknown) | undefined;
    if (typeof gradeWith === 'function') return (ex, files) => gradeWith(engine.runProgram, ex, files);
  }
  return null;
}

const exerciseCache = new Map<string, unknown>();

async function loadExercise(slug: string, url: string): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const cached = exerciseCache.get(slug);
  if (cached) return { ok: true, value: cached };
  const res = await fetch(url);
  if (!res.ok) return { ok: false, message: `Could not load exercise data (${res.status} ${url}).` };
  const value: unknown = await res.json();
  exerciseCache.set(slug, value);
  return { ok: true, value };
}

/** The grader's runOptionsFor (src/grader/grade.ts), or null in a build without the grader. */
async function loadRunOptionsFor(): Promise<((exercise: unknown) => RunOptions) | null> {
  const core = graderModules['../../grader/grade.ts'] ?? graderModules['../../grader/index.ts'];
  if (!core) return null;
  const f = (await core()).runOptionsFor;
  return typeof f === 'function' ? (f as (exercise: unknown) => RunOptions) : null;
}

async function handle(msg: WorkerRequest): Promise<WorkerResponse> {
  if (msg.type === 'run') {
    const engine = await loadEngine();
    if (!engine) return { type: 'error', id: msg.id, missing: 'engine', message: 'This build of the site has no engine (src/engine/index.ts), so code cannot run yet.' };
    let base: RunOptions | undefined = msg.options;
    if (msg.exercise) {
      const ex = await loadExercise(msg.exercise.slug, msg.exercise.exerciseUrl);
      if (!ex.ok) return { type: 'error', id: msg.id, message: ex.message };
      const runOptionsFor = await loadRunOptionsFor();
      // The grader's options win: Run must show the log Grade will judge.
      if (runOptionsFor) base = { ...msg.options, ...runOptionsFor(ex.value) };
    }
    const model = msg.graph ? await graphModel(engine) : null;
    const options = model ? { ...base, observers: [model as never] } : base;
    const result = await engine.runProgram(msg.files, options);
    let graph: LockGraphData | undefined;
    if (model) {
      const circ = result.reports.find((r) => r.chain?.length);
      const site = circ?.sites[0]?.pos;
      graph = toGraphData(model.graph(), circ?.chain, site ? `${site.file}:${site.line}` : undefined) ?? undefined;
    }
    return { type: 'run-result', id: msg.id, result, graph };
  }
  if (msg.type === 'grade') {
    const gradeFn = await loadGrade();
    if (!gradeFn) return { type: 'error', id: msg.id, missing: 'grader', message: 'This build of the site has no grader (src/grader/index.ts), so exercises cannot be graded yet. Run still works.' };
    const ex = await loadExercise(msg.slug, msg.exerciseUrl);
    if (!ex.ok) return { type: 'error', id: msg.id, message: ex.message };
    const t0 = performance.now();
    const raw = await gradeFn(ex.value, msg.files);
    const view: GradeView = toGradeView(raw, performance.now() - t0);
    return { type: 'grade-result', id: msg.id, result: view };
  }
  const unknownMsg = msg as { id?: number; type?: string };
  return { type: 'error', id: unknownMsg.id ?? -1, message: `unknown request ${String(unknownMsg.type)}` };
}

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  let reply: WorkerResponse;
  try {
    reply = await handle(ev.data);
  } catch (e) {
    // An engine bug must reach the learner as a sentence, not a stack trace.
    const err = e as Error;
    reply = { type: 'error', id: ev.data.id, message: `Internal error in the lab engine: ${err?.message ?? String(e)}. Please report it with your code.` };
  }
  (self as unknown as Worker).postMessage(reply);
};
