/**
 * print_lock_class_header() and print_shortest_lock_dependencies{,_backwards}():
 * the dependency paths under the irq-safe->unsafe and irq-inversion reports,
 * and print_irq_lock_scenario().
 */
import type { ReportSite, Stack } from '../../events/types.ts';
import { formatAddr } from '../../events/format.ts';
import { className } from '../classes.ts';
import type { BfsNode } from '../graph.ts';
import { LOCK_TRACE_STATES, type LockClass } from '../types.ts';
import { usageStr } from '../usage.ts';
import { classLine, siteOf, traceLines } from './common.ts';

export function classHeaderLines(cls: LockClass, depth: number, nesting: boolean): string[] {
  const pad = ' '.repeat(depth);
  const out = [`${pad}->${classLine(cls, nesting)} {`];
  for (let bit = 0; bit < LOCK_TRACE_STATES; bit++) {
    if (!(cls.usageMask & (1 << bit))) continue;
    const head = `${pad}   ${usageStr[bit]}`;
    out.push(head + ' at:');
    // printk() returns the length printed, without the trailing newline.
    out.push(...traceLines(cls.usageTraces[bit], depth + head.length + 4));
  }
  out.push(`${pad} }`, `${pad} ... key      at: [<${formatAddr(cls.keyAddr)}>] ${cls.keySym}`);
  return out;
}

/** Forward variant: each entry's own edge trace; the root's trace is the current stack. */
export function shortestDependencies(leaf: BfsNode, rootTrace: Stack, nesting: boolean): string[] {
  const out: string[] = [];
  for (let e: BfsNode | null = leaf; e; e = e.parent) {
    const pad = ' '.repeat(e.depth);
    out.push(...classHeaderLines(e.cls, e.depth, nesting), `${pad} ... acquired at:`);
    out.push(...traceLines(e.edge ? e.edge.trace : rootTrace, 2), '');
  }
  return out;
}

/** Backward variant: an entry's trace belongs under its parent (the edge ends there). */
export function shortestDependenciesBackwards(leaf: BfsNode, nesting: boolean): string[] {
  const out: string[] = [];
  let trace: Stack | undefined;
  for (let e: BfsNode | null = leaf; e; e = e.parent) {
    const pad = ' '.repeat(e.depth);
    out.push(...classHeaderLines(e.cls, e.depth, nesting));
    if (trace) out.push(`${pad} ... acquired at:`, ...traceLines(trace, 2), '');
    trace = e.edge ? e.edge.trace : undefined;
  }
  return out;
}

/** Editor markers for every edge on a BFS path (leaf back to the root). */
export function pathSites(leaf: BfsNode): (ReportSite | undefined)[] {
  const out: (ReportSite | undefined)[] = [];
  for (let e: BfsNode | null = leaf; e && e.edge; e = e.parent) {
    out.push(siteOf(e.edge.trace, `dependency ${className(e.edge.from)} -> ${className(e.edge.to)} recorded here`));
  }
  return out;
}

export function irqScenarioLines(safe: LockClass, unsafe: LockClass, prevClass: LockClass, nextClass: LockClass): string[] {
  const middle = prevClass === safe ? nextClass : prevClass;
  const out: string[] = [];
  if (middle !== unsafe) out.push('Chain exists of:', `  ${className(safe)} --> ${className(middle)} --> ${className(unsafe)}`, '');
  out.push(' Possible interrupt unsafe locking scenario:', '', '       CPU0                    CPU1', '       ----                    ----');
  out.push(`  lock(${className(unsafe)});`, '                               local_irq_disable();');
  out.push(`                               lock(${className(safe)});`, `                               lock(${className(middle)});`);
  out.push('  <Interrupt>', `    lock(${className(safe)});`, '', ' *** DEADLOCK ***', '');
  return out;
}
