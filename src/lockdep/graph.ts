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

export interface BfsCounter {
  gen: number;
}

export function rootNode(cls: LockClass, onlyXr: boolean): BfsNode {
  return { cls, parent: null, edge: null, onlyXr, depth: 0 };
}

/**
 * __bfs(): breadth-first over locks_after (forward) or locks_before
 * (backward). A class is "accessed" the first time it is dequeued; an edge
 * that continues a -(*R)-> step with -(S*)-> is not a strong path and is
 * dropped. Returns the first node `match` accepts.
 */
export function bfs(
  counter: BfsCounter,
  root: BfsNode,
  forward: boolean,
  match: (n: BfsNode) => boolean,
  skip?: (n: BfsNode) => boolean,
): BfsNode | null {
  const gen = ++counter.gen;
  const queue: BfsNode[] = [root];
  for (let qi = 0; qi < queue.length; qi++) {
    const n = queue[qi];
    if (n.cls.bfsGen === gen) continue;
    n.cls.bfsGen = gen;
    if (n.parent && n.edge) {
      let dep = forward ? n.edge.dep : n.edge.depb;
      if (n.parent.onlyXr) dep &= ~(DEP_SR_MASK | DEP_SN_MASK);
      if (!dep) continue;
      n.onlyXr = !(dep & (DEP_SN_MASK | DEP_EN_MASK));
    }
    if (skip && skip(n)) continue;
    if (match(n)) return n;
    const list = forward ? n.cls.locksAfter : n.cls.locksBefore;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      const c = forward ? e.to : e.from;
      if (c.bfsGen === gen) continue;
      queue.push({ cls: c, parent: n, edge: e, onlyXr: false, depth: n.depth + 1 });
    }
  }
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
