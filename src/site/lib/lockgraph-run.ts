/**
 * Build time: run a lesson's program through the engine with a lockdep model
 * attached, and read the model's dependency graph. Used by LockGraph so the
 * picture comes from the model's own data, never a hand-made image.
 *
 * The engine and lockdep modules are written in parallel; they are loaded by
 * import.meta.glob so the site builds before they land. Returns null (and the
 * component says so) when they are missing.
 */
import { toGraphData, type LockGraphData } from './lockgraph.ts';

export { toGraphData };

type Loose = Record<string, unknown>;
const engineModules = import.meta.glob<Loose>('../../engine/index.ts');
const lockdepModules = import.meta.glob<Loose>('../../lockdep/index.ts');

async function load(mods: Record<string, () => Promise<Loose>>): Promise<Loose | null> {
  const l = Object.values(mods)[0];
  return l ? await l() : null;
}

export interface GraphRun {
  graph: LockGraphData | null;
  /** Why there is no graph, or what the run said. */
  note: string;
  reportHeaders: string[];
}

export async function graphFromCode(code: string, file: string, entry: string): Promise<GraphRun> {
  const engine = await load(engineModules);
  const lockdep = await load(lockdepModules);
  const runProgram = engine?.runProgram as ((files: unknown, opts: unknown) => unknown) | undefined;
  const createLockdep = lockdep?.createLockdep as ((...a: unknown[]) => Loose) | undefined;
  if (!runProgram || !createLockdep) {
    return { graph: null, note: 'This build has no engine/lockdep model yet, so the graph cannot be drawn.', reportHeaders: [] };
  }
  // A second model instance that watches the same events, so we can read its graph afterwards.
  const sink = { printk() {}, report() {} };
  const env = { ident: () => '6.18.0-lab #1 Not tainted', dumpStack: () => [] };
  const defaults = (engine?.DEFAULT_CONFIG ?? { proveRawLockNesting: true, preemptRt: false, forceReadLockRecursive: false }) as Loose;
  const model = createLockdep({ config: { ...defaults, keepGoing: false }, env, log: sink });
  const result = (await runProgram([{ path: file, text: code }], { entry, observers: [model] })) as Loose;
  const reports = (result.reports ?? []) as { header: string; kind: string; chain?: string[]; sites?: { pos: { file: string; line: number }; message: string }[] }[];
  if (result.status === 'invalid') {
    const d = ((result.diagnostics ?? []) as { file: string; line: number; col: number; message: string }[])[0];
    throw new Error(`LockGraph: ${file} does not run${d ? `: ${d.file}:${d.line}:${d.col}: ${d.message}` : ''}`);
  }
  const graphFn = model.graph as (() => unknown) | undefined;
  if (typeof graphFn !== 'function') return { graph: null, note: 'The lockdep model has no graph() yet.', reportHeaders: reports.map((r) => r.header) };
  const circ = reports.find((r) => r.chain?.length);
  const site = circ?.sites?.[0]?.pos;
  return {
    graph: toGraphData(graphFn.call(model), circ?.chain, site ? `${site.file}:${site.line}` : undefined),
    note: String(result.status ?? ''),
    reportHeaders: reports.map((r) => r.header),
  };
}
