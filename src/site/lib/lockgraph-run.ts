/**
 * Run a program with a second lockdep model watching, and read that model's
 * dependency graph. Used at build time by LockGraph and in the lab worker after
 * a Run, so the picture comes from the model's own data, never a hand-made image.
 */
import { runProgram, DEFAULT_CONFIG } from '../../engine/index.ts';
import { createLockdep, type Lockdep } from '../../lockdep/index.ts';
import { toGraphData, type LockGraphData } from './lockgraph.ts';

export { toGraphData };

/** A lockdep model that only watches (its reports go nowhere): the run's own model prints. */
export function createGraphModel(): Lockdep {
  const log = { printk() {}, report() {} };
  const env = { ident: () => '', dumpStack: () => [] };
  return createLockdep({ config: { ...DEFAULT_CONFIG, keepGoing: false }, env, log });
}

export interface GraphRun {
  graph: LockGraphData | null;
  /** Why there is no graph, or what the run said. */
  note: string;
  reportHeaders: string[];
}

export async function graphFromCode(code: string, file: string, entry: string): Promise<GraphRun> {
  const model = createGraphModel();
  const result = runProgram([{ path: file, text: code }], { entry, observers: [model] });
  if (result.status === 'invalid') {
    const d = result.diagnostics[0];
    throw new Error(`LockGraph: ${file} does not run${d ? `: ${d.file}:${d.line}:${d.col}: ${d.message}` : ''}`);
  }
  const circ = result.reports.find((r) => r.chain?.length);
  const site = circ?.sites[0]?.pos;
  return {
    graph: toGraphData(model.graph(), circ?.chain, site ? `${site.file}:${site.line}` : undefined),
    note: result.status,
    reportHeaders: result.reports.map((r) => r.header),
  };
}
