/**
 * Build time: run a lesson's program through the engine with a lockdep model
 * attached, and read the model's dependency graph. Used by LockGraph so the
 * picture comes from the model's own data, never a hand-made image.
 *
 * The engine and lockdep modules are written in parallel; they are loaded by
 * import.meta.glob so the site builds before they land. Returns null (and the
 * component says so) when they are missing.
 */
import type { GraphEdge, LockGraphData } from './lockgraph.ts';

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

/** `stats_reset() stats.c:30`: the innermost learner frame of a recorded stack. */
function stackLabel(stack: unknown): string | undefined {
  if (!Array.isArray(stack)) return undefined;
  const f = (stack as Loose[]).find((x) => !x.synthetic && x.pos && typeof x.fn === 'string');
  if (!f) return undefined;
  const pos = f.pos as Loose;
  return `${f.fn}() ${pos.file}:${pos.line}`;
}

/**
 * Maps the model's graph() (classes + edges with recording stacks) onto
 * LockGraphData. `closing` is the circular report's chain and the site of the
 * refused dependency: lockdep never adds the edge that closes a cycle, so it
 * is drawn as an attempted (dashed) edge.
 */
export function toGraphData(raw: unknown, chain?: string[], closingLabel?: string): LockGraphData | null {
  const g = raw as Loose | null;
  if (!g || typeof g !== 'object') return null;
  const rawNodes = (Array.isArray(g.nodes) ? g.nodes : Array.isArray(g.classes) ? g.classes : []) as Loose[];
  const rawEdges = (Array.isArray(g.edges) ? g.edges : Array.isArray(g.deps) ? g.deps : []) as Loose[];
  const nodes = rawNodes.map((n) => {
    const name = String(n.name ?? n.label ?? n.id ?? n.key);
    return { id: String(n.id ?? n.key ?? n.classKey ?? name), name, usage: typeof n.usage === 'string' ? n.usage : undefined };
  });
  const ids = new Set(nodes.map((n) => n.id));
  const byName = new Map(nodes.map((n) => [n.name, n.id]));
  const ref = (v: unknown): string => {
    const s = typeof v === 'object' && v ? String((v as Loose).id ?? (v as Loose).key ?? (v as Loose).name) : String(v);
    return ids.has(s) ? s : (byName.get(s) ?? s);
  };
  const edges: GraphEdge[] = rawEdges.map((e) => {
    const label = e.label ?? e.where ?? e.site ?? e.pos;
    const pos = label as Loose | undefined;
    const text =
      typeof label === 'string'
        ? label
        : pos && typeof pos === 'object' && 'file' in pos
          ? `${e.fn ? `${e.fn}() ` : ''}${pos.file}:${pos.line}`
          : stackLabel(e.stack);
    return { from: ref(e.from ?? e.prev ?? e.held), to: ref(e.to ?? e.next ?? e.acquired), label: text };
  });
  let cycle = Array.isArray(g.cycle) ? (g.cycle as unknown[]).map(ref) : undefined;
  if (!cycle && chain?.length) {
    const named = chain.map((c) => byName.get(c) ?? byName.get(c.replace(/\/\d+$/, '')) ?? c);
    if (named.every((c) => ids.has(c))) {
      cycle = named;
      const from = named[named.length - 1];
      const to = named[0];
      if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, label: closingLabel ? `refused: ${closingLabel}` : 'refused: closes the cycle', attempted: true });
    }
  }
  return { nodes, edges, cycle: cycle?.length ? cycle : undefined };
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
