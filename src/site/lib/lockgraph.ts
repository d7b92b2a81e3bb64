/**
 * Lock dependency graphs for the LockGraph component: the data (from the
 * lockdep model's `graph()` or recorded by hand) and a build-time layout.
 *
 * Layout: classes on a circle in first-seen order, so a cycle reads as a ring
 * and the edges of an AB-BA pair face each other; edge labels sit beside the
 * edge's midpoint. Good for the handful of classes a lesson shows.
 */

export interface GraphNode {
  /** Stable id (the class key, or the name). */
  id: string;
  /** Class name as lockdep prints it: `&k->k_lock`. */
  name: string;
  /** Usage string without braces, if known: `-.-.`. */
  usage?: string;
}

export interface GraphEdge {
  /** Held class id. */
  from: string;
  /** Class acquired while `from` was held. */
  to: string;
  /** Where the dependency was recorded: `klist.c:42 klist_add_tail()`. */
  label?: string;
  /** The dependency lockdep refused to add because it closes the cycle (drawn dashed). */
  attempted?: boolean;
}

export interface LockGraphData {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Node ids round the cycle to highlight (a→b→…→a), if any. */
  cycle?: string[];
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  w: number;
  h: number;
  inCycle: boolean;
}

export interface PlacedEdge extends GraphEdge {
  path: string;
  lx: number;
  ly: number;
  anchor: 'start' | 'middle' | 'end';
  inCycle: boolean;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

type Loose = Record<string, unknown>;

const CHAR_W = 7.4;
/** Width of one character of an edge label (11px monospace is 0.6 em = 6.6px wide; a little more for wider fonts). */
const LABEL_CHAR_W = 6.9;
const NODE_H = 30;

/** Finds a cycle by DFS when the caller did not name one (lockdep's BFS finds the same kind of loop). */
export function findCycle(g: LockGraphData): string[] | undefined {
  const adj = new Map<string, string[]>();
  for (const e of g.edges) adj.set(e.from, [...(adj.get(e.from) ?? []), e.to]);
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  let found: string[] | undefined;
  const visit = (n: string): void => {
    if (found) return;
    state.set(n, 1);
    stack.push(n);
    for (const m of adj.get(n) ?? []) {
      if (found) return;
      if (state.get(m) === 1) found = stack.slice(stack.indexOf(m));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of g.nodes) if (!state.has(n.id)) visit(n.id);
  return found;
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

export function layoutGraph(g: LockGraphData): GraphLayout {
  const cycle = g.cycle ?? findCycle(g) ?? [];
  const cycleEdges = new Set<string>();
  for (let i = 0; i < cycle.length; i++) cycleEdges.add(`${cycle[i]}\u0000${cycle[(i + 1) % cycle.length]}`);
  const n = g.nodes.length;
  const widest = Math.max(60, ...g.nodes.map((x) => x.name.length * CHAR_W + 24));
  // Wide enough that neighbours on the ring leave room for an edge label between them.
  const r = n <= 1 ? 0 : Math.max(n === 2 ? 90 : 150, (n * (widest + 60)) / (2 * Math.PI));
  const cx = r + widest / 2 + 40;
  const cy = r + NODE_H + 30;
  const nodes: PlacedNode[] = g.nodes.map((node, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
    const w = Math.max(60, node.name.length * CHAR_W + 24);
    return { ...node, x: cx + r * Math.cos(a), y: cy + r * Math.sin(a), w, h: NODE_H, inCycle: cycle.includes(node.id) };
  });
  const byId = new Map(nodes.map((x) => [x.id, x]));
  const pairs = new Set(g.edges.map((e) => `${e.from}\u0000${e.to}`));
  const edges: PlacedEdge[] = [];
  for (const e of g.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b || a === b) continue;
    // Two edges between the same pair (A→B and B→A) bow apart so both stay readable.
    const bow = pairs.has(`${e.to}\u0000${e.from}`) ? 38 : 0;
    const [x1, y1] = border(a, b.x, b.y);
    const [x2, y2] = border(b, a.x, a.y);
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    let nx = (y2 - y1) / len;
    let ny = -(x2 - x1) / len;
    // A single edge keeps its label on the outside of the ring, away from the other edges.
    if (!bow && (mx - cx) * nx + (my - cy) * ny < 0) {
      nx = -nx;
      ny = -ny;
    }
    const qx = mx + nx * bow;
    const qy = my + ny * bow;
    // Near-horizontal edges run between two boxes: their label goes below/above the boxes, not between them.
    const off = bow ? bow * 0.55 + 10 : Math.abs(ny) > 0.7 ? NODE_H / 2 + 8 : 10;
    const lx = mx + nx * off;
    // Text hangs below its baseline point when the label goes downwards.
    const ly = my + ny * off + (ny > 0.3 ? 10 : ny < -0.3 ? -2 : 4);
    edges.push({
      ...e,
      path: `M${f(x1)},${f(y1)} Q${f(qx)},${f(qy)} ${f(x2)},${f(y2)}`,
      lx,
      ly,
      anchor: Math.abs(nx) < 0.3 ? 'middle' : nx > 0 ? 'start' : 'end',
      inCycle: cycleEdges.has(`${e.from}\u0000${e.to}`),
    });
  }
  const labelPad = Math.max(0, ...g.edges.map((e) => (e.label?.length ?? 0) * LABEL_CHAR_W));
  const minX = Math.min(...nodes.map((x) => x.x - x.w / 2), ...edges.map((e) => (e.anchor === 'end' ? e.lx - (e.label?.length ?? 0) * LABEL_CHAR_W : e.anchor === 'middle' ? e.lx - labelPad / 2 : e.lx)));
  const shift = minX < 10 ? 10 - minX : 0;
  for (const x of nodes) x.x += shift;
  for (const e of edges) {
    e.lx += shift;
    e.path = e.path.replace(/(-?[\d.]+),(-?[\d.]+)/g, (_, a, b) => `${f(Number(a) + shift)},${b}`);
  }
  const maxX = Math.max(...nodes.map((x) => x.x + x.w / 2), ...edges.map((e) => (e.anchor === 'start' ? e.lx + (e.label?.length ?? 0) * LABEL_CHAR_W : e.lx + labelPad / 2)));
  const maxY = Math.max(...nodes.map((x) => x.y + x.h / 2), ...edges.map((e) => e.ly + 8));
  return { width: Math.ceil(maxX + 16), height: Math.ceil(maxY + 16), nodes, edges };
}

/** Where the line from the node's centre towards (tx, ty) leaves its box. */
function border(n: PlacedNode, tx: number, ty: number): [number, number] {
  const dx = tx - n.x;
  const dy = ty - n.y;
  if (!dx && !dy) return [n.x, n.y];
  const sx = n.w / 2 / Math.abs(dx || 1e-9);
  const sy = n.h / 2 / Math.abs(dy || 1e-9);
  const s = Math.min(sx, sy) + 0.06;
  return [n.x + dx * Math.min(s, 1), n.y + dy * Math.min(s, 1)];
}

function f(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
