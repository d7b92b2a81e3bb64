/**
 * The dependency graph: lock_list edges with dependency-type bits, and the
 * breadth-first searches over strong paths (__bfs() with only_xr), each
 * linear in the size of the graph.
 */
import type { ReadMode, Stack } from '../events/types.ts';
import {
  DEP_EN_MASK,
  DEP_SN_MASK,
  DEP_SR_MASK,
  LOCKF_IRQ,
  type LockClass,
  type LockList,
} from './types.ts';

/** A BFS node: struct lock_list as used during a search (class, parent, only_xr). */
export interface BfsNode {
  cls: LockClass;
  parent: BfsNode | null;
  /** The edge that reached this node (null for the root). */
  edge: LockList | null;
  onlyXr: boolean;
  depth: number;
}

/** __calc_dep_bit(): bit0 = prev exclusive, bit1 = next non-recursive. */
export function calcDep(prevRead: ReadMode, nextRead: ReadMode): number {
  return 1 << ((prevRead === 0 ? 1 : 0) + (nextRead !== 2 ? 2 : 0));
}

/** __calc_dep_bitb(): the same edge seen from `next` going backwards. */
export function calcDepb(prevRead: ReadMode, nextRead: ReadMode): number {
  return 1 << ((nextRead !== 2 ? 1 : 0) + (prevRead === 0 ? 2 : 0));
}

export function findEdge(from: LockClass, to: LockClass): LockList | undefined {
  const list = from.locksAfter;
  for (let i = 0; i < list.length; i++) if (list[i].to === to) return list[i];
  return undefined;
}

/** add_lock_to_list() twice: forward entry on `from`, backward entry on `to`, both at the tail. */
export function addEdge(from: LockClass, to: LockClass, dep: number, depb: number, trace: Stack): LockList {
  const e: LockList = { from, to, dep, depb, trace };
  from.locksAfter.push(e);
  to.locksBefore.push(e);
  return e;
}

/**
 * The BFS work area, one per lockdep instance: parallel arrays instead of a
 * node object per visited class, so a search over a large graph allocates
 * nothing until it finds a match (then only the path is built).
 */
export interface BfsCounter {
  gen: number;
  /** Queue entries dequeued over all searches (work done, for the benchmark). */
  visits: number;
  cls?: LockClass[];
  edge?: (LockList | null)[];
  parent?: Int32Array;
  onlyXr?: Uint8Array;
}

export function rootNode(cls: LockClass, onlyXr: boolean): BfsNode {
  return { cls, parent: null, edge: null, onlyXr, depth: 0 };
}

function grow(c: BfsCounter, need: number): void {
  if (c.parent && c.parent.length >= need) return;
  let size = c.parent ? c.parent.length : 1024;
  while (size < need) size *= 2;
  const parent = new Int32Array(size);
  const onlyXr = new Uint8Array(size);
  if (c.parent && c.onlyXr) {
    parent.set(c.parent);
    onlyXr.set(c.onlyXr);
  }
  c.parent = parent;
  c.onlyXr = onlyXr;
}

/** Build the BfsNode chain root..qi (the passed root object stays the root). */
function materialise(c: BfsCounter, qi: number, root: BfsNode): BfsNode {
  const idx: number[] = [];
  for (let i = qi; i > 0; i = c.parent![i]) idx.push(i);
  let node = root;
  for (let k = idx.length - 1; k >= 0; k--) {
    const i = idx[k];
    node = { cls: c.cls![i], parent: node, edge: c.edge![i], onlyXr: c.onlyXr![i] === 1, depth: node.depth + 1 };
  }
  return node;
}

/**
 * __bfs(): breadth-first over locks_after (forward) or locks_before
 * (backward). A class is "accessed" the first time it is dequeued; an edge
 * that continues a -(*R)-> step with -(S*)-> is not a strong path and is
 * dropped. Returns the first node `match` accepts (with its path to the
 * root). `match` and `skip` see a reused cursor: read it, do not keep it.
 */
export function bfs(
  counter: BfsCounter,
  root: BfsNode,
  forward: boolean,
  match: (n: BfsNode) => boolean,
  skip?: (n: BfsNode) => boolean,
): BfsNode | null {
  const gen = ++counter.gen;
  grow(counter, 16);
  const cls = (counter.cls ??= []);
  const edge = (counter.edge ??= []);
  let parent = counter.parent!;
  let onlyXr = counter.onlyXr!;
  cls[0] = root.cls;
  edge[0] = null;
  parent[0] = -1;
  onlyXr[0] = root.onlyXr ? 1 : 0;
  let tail = 1;
  const cursor: BfsNode = { cls: root.cls, parent: null, edge: null, onlyXr: root.onlyXr, depth: 0 };
  let qi = 0;
  for (; qi < tail; qi++) {
    const c = cls[qi];
    if (c.bfsGen === gen) continue;
    c.bfsGen = gen;
    const e = edge[qi];
    if (e) {
      let dep = forward ? e.dep : e.depb;
      if (onlyXr[parent[qi]]) dep &= ~(DEP_SR_MASK | DEP_SN_MASK);
      if (!dep) continue;
      onlyXr[qi] = dep & (DEP_SN_MASK | DEP_EN_MASK) ? 0 : 1;
    }
    cursor.cls = c;
    cursor.edge = e;
    cursor.onlyXr = onlyXr[qi] === 1;
    if (skip && skip(cursor)) continue;
    if (match(cursor)) {
      counter.visits += qi + 1;
      return qi === 0 ? root : materialise(counter, qi, root);
    }
    const list = forward ? c.locksAfter : c.locksBefore;
    if (tail + list.length > parent.length) {
      grow(counter, tail + list.length);
      parent = counter.parent!;
      onlyXr = counter.onlyXr!;
    }
    for (let i = 0; i < list.length; i++) {
      const le = list[i];
      const next = forward ? le.to : le.from;
      if (next.bfsGen === gen) continue;
      cls[tail] = next;
      edge[tail] = le;
      parent[tail] = qi;
      onlyXr[tail] = 0;
      tail++;
    }
  }
  counter.visits += qi;
  return null;
}

/** usage_match(): a class with one of `mask`'s bits, read bits ignored on only-*R paths. */
export function usageMatch(mask: number): (n: BfsNode) => boolean {
  return (n) => (n.onlyXr ? (n.cls.usageMask & LOCKF_IRQ & mask) !== 0 : (n.cls.usageMask & mask) !== 0);
}

/** usage_skip(): local_lock_t and wait-override maps are cut out of irq-inversion searches. */
export function usageSkip(n: BfsNode): boolean {
  return n.cls.ldType !== 'NORMAL';
}

/** The path from the root to `n`, root first. */
export function pathOf(n: BfsNode): BfsNode[] {
  const out: BfsNode[] = [];
  for (let p: BfsNode | null = n; p; p = p.parent) out.push(p);
  return out.reverse();
}
