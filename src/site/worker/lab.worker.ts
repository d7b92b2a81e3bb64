/// <reference lib="webworker" />
/**
 * The lab worker: runs and grades learner code off the main thread.
 * Protocol: ./protocol.ts. The engine and the grader are the same modules the
 * CLI uses (src/engine, src/grader), imported lazily so that a Run does not
 * pay for the grader.
 */
import type { RunOptions } from '../../engine/api.ts';
import type { Exercise } from '../../grader/types.ts';
import type { GradeView, WorkerRequest, WorkerResponse } from './protocol.ts';
import { toGradeView } from './adapt.ts';
import { toGraphData, type LockGraphData } from '../lib/lockgraph.ts';

const loadEngine = () => import('../../engine/index.ts');
const loadGrader = () => import('../../grader/index.ts');

const exerciseCache = new Map<string, Exercise>();

async function loadExercise(slug: string, url: string): Promise<{ ok: true; value: Exercise } | { ok: false; message: string }> {
  const cached = exerciseCache.get(slug);
  if (cached) return { ok: true, value: cached };
  const res = await fetch(url);
  if (!res.ok) return { ok: false, message: `Could not load exercise data (${res.status} ${url}).` };
  const value = (await res.json()) as Exercise;
  exerciseCache.set(slug, value);
  return { ok: true, value };
}

async function handle(msg: WorkerRequest): Promise<WorkerResponse> {
  if (msg.type === 'run') {
    const engine = await loadEngine();
    let base: RunOptions | undefined = msg.options;
    if (msg.exercise) {
      const ex = await loadExercise(msg.exercise.slug, msg.exercise.exerciseUrl);
      if (!ex.ok) return { type: 'error', id: msg.id, message: ex.message };
      const { runOptionsFor } = await loadGrader();
      // The grader's options win: Run must show the log Grade will judge.
      base = { ...msg.options, ...runOptionsFor(ex.value) };
    }
    const model = msg.graph ? (await import('../lib/lockgraph-run.ts')).createGraphModel() : null;
    const options = model ? { ...base, observers: [model] } : base;
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
    const { grade } = await loadGrader();
    const ex = await loadExercise(msg.slug, msg.exerciseUrl);
    if (!ex.ok) return { type: 'error', id: msg.id, message: ex.message };
    const t0 = performance.now();
    const raw = grade(ex.value, msg.files);
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
