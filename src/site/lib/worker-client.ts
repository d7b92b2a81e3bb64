/**
 * A page's handle on the lab worker. One worker per page, created on first
 * use (so a lesson ships no engine code until a Run), replaced when it does
 * not answer in time: learner code that loops forever must never freeze the
 * page, and a terminated worker is the only sure way to stop it.
 */
import type { GradeRequest, GradeView, RunRequest, WorkerRequest, WorkerResponse } from '../worker/protocol.ts';
import type { RunResult } from '../../engine/api.ts';
import type { LockGraphData } from './lockgraph.ts';
import { RUN_STEP_BUDGET, RUN_TIME_BUDGET_MS } from './budgets.ts';

export { RUN_STEP_BUDGET, RUN_TIME_BUDGET_MS };

/** What a caller gets back: the result, or why there is none. */
export type Outcome<T> =
  | { ok: true; value: T; ms: number }
  | { ok: false; reason: 'timeout' | 'error'; message: string; ms: number };

/** How long past the engine's own limit we wait before killing the worker. */
const GRACE_MS = 5_000;
/** Longest any single request may take before the worker is replaced, whatever budgets were asked for. */
export const HARD_CAP_MS = RUN_TIME_BUDGET_MS + GRACE_MS;
/** A grade runs the program more than once (main run, functional checks), each under its own net. */
export const GRADE_CAP_MS = 2 * RUN_TIME_BUDGET_MS + GRACE_MS;

type Pending = { resolve: (r: WorkerResponse | null) => void; timer: ReturnType<typeof setTimeout> };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function spawn(): Worker {
  const w = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'lockdep-lab' });
  w.onmessage = (ev: MessageEvent<WorkerResponse>) => {
    const p = pending.get(ev.data.id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(ev.data.id);
    p.resolve(ev.data);
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    // A worker that failed to load answers nobody: fail everything waiting on it.
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.resolve({ type: 'error', id, message: `The lab worker failed: ${ev.message || 'could not load'}` });
    }
    kill();
  };
  return w;
}

function kill(): void {
  worker?.terminate();
  worker = null;
}

/** Number of workers started on this page (tests read it through window.__labWorkers). */
let started = 0;

/** A request before it gets its id (Omit distributed over the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

function send(msg: Unnumbered<WorkerRequest>, timeoutMs: number): Promise<{ res: WorkerResponse | null; ms: number }> {
  if (!worker) {
    worker = spawn();
    started++;
    (globalThis as { __labWorkers?: number }).__labWorkers = started;
  }
  const id = nextId++;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      // Everyone else waiting on this worker is lost with it.
      for (const [oid, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(oid);
        p.resolve({ type: 'error', id: oid, message: 'The lab worker was restarted while this was waiting; run again.' });
      }
      kill();
      resolve({ res: null, ms: performance.now() - t0 });
    }, timeoutMs);
    pending.set(id, { resolve: (res) => resolve({ res, ms: performance.now() - t0 }), timer });
    worker!.postMessage({ ...msg, id } as WorkerRequest);
  });
}

/** What the page says when the watchdog had to kill the worker: a safety limit, not a verdict. */
export function watchdogMessage(ms: number): string {
  return `Stopped by the ${Math.round(ms / 1000)} s safety limit — this is not a verdict on your code (the engine's step budget did not end it; the machine may be very busy). The runner was restarted; the page is fine. Run again.`;
}

function outcome<T>(res: WorkerResponse | null, ms: number, pick: (r: WorkerResponse) => T | undefined): Outcome<T> {
  if (!res) {
    return {
      ok: false,
      reason: 'timeout',
      message: watchdogMessage(ms),
      ms,
    };
  }
  if (res.type === 'error') return { ok: false, reason: 'error', message: res.message, ms };
  const v = pick(res);
  return v === undefined ? { ok: false, reason: 'error', message: `unexpected answer ${res.type}`, ms } : { ok: true, value: v, ms };
}

export async function run(files: RunRequest['files'], options: RunRequest['options'] = {}, watchdogMs?: number): Promise<Outcome<RunResult>> {
  const r = await runWithGraph(files, options, watchdogMs, false);
  return r.ok ? { ...r, value: r.value.result } : r;
}

/** A run that also brings back the lockdep model's dependency graph (exercise pages draw it). */
export async function runWithGraph(
  files: RunRequest['files'],
  options: RunRequest['options'] = {},
  watchdogMs?: number,
  graph = true,
  exercise?: RunRequest['exercise'],
): Promise<Outcome<{ result: RunResult; graph?: LockGraphData }>> {
  const opts = { maxSteps: RUN_STEP_BUDGET, maxTimeMs: RUN_TIME_BUDGET_MS, ...options };
  const limit = watchdogMs ?? Math.min(HARD_CAP_MS, (opts.maxTimeMs ?? RUN_TIME_BUDGET_MS) + GRACE_MS);
  const { res, ms } = await send({ type: 'run', files, options: opts, graph, ...(exercise ? { exercise } : {}) }, limit);
  return outcome(res, ms, (r) => (r.type === 'run-result' ? { result: r.result, graph: r.graph } : undefined));
}

export async function grade(req: Omit<GradeRequest, 'id' | 'type'>, timeoutMs = GRADE_CAP_MS): Promise<Outcome<GradeView>> {
  const { res, ms } = await send({ type: 'grade', ...req }, timeoutMs);
  return outcome(res, ms, (r) => (r.type === 'grade-result' ? r.result : undefined));
}

// Test and console hook: the same entry points the components use.
(globalThis as { __labRunner?: unknown }).__labRunner = { run, grade, workers: () => started };
