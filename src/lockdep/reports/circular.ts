/** print_circular_bug(): `WARNING: possible circular locking dependency detected`. */
import type { EventContext, Report, Stack } from '../../events/types.ts';
import { taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import type { BfsNode } from '../graph.ts';
import type { HeldLock, TaskState } from '../types.ts';
import { lockStack, banner, classLine, dumpStack, heldLocksLines, lockLine, makeReport, reportLock, siteOf, traceLines, type PrintEnv } from './common.ts';

export const CIRCULAR_HEADER = 'WARNING: possible circular locking dependency detected';

/** `target` is the BFS node of prev's class found from next's class; `currentTrace` is #0's trace. */
export function circularReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, next: HeldLock, prev: HeldLock, target: BfsNode, currentTrace: Stack): Report {
  const n = pe.nesting;
  const lines = banner(CIRCULAR_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} is trying to acquire lock:`, lockLine(next, n), '', 'but task is already holding lock:', lockLine(prev, n));
  lines.push('', 'which lock already depends on the new lock.', '', '', 'the existing dependency chain (in reverse order) is:');
  const sites = [siteOf(next.stack, `acquires ${className(next.cls)} while holding ${className(prev.cls)}: closes the cycle`), siteOf(prev.stack, `${className(prev.cls)} is held here`)];
  const locks = [reportLock(next.cls, 'acquiring', n), reportLock(prev.cls, 'holding', n)];
  for (let e: BfsNode | null = target; e; e = e.parent) {
    lines.push('', `-> #${e.depth}${classLine(e.cls, n)}:`);
    lines.push(...traceLines(e.edge ? e.edge.trace : currentTrace, 6));
    if (e.edge) {
      sites.push(siteOf(e.edge.trace, `dependency ${className(e.edge.from)} -> ${className(e.edge.to)} recorded here`));
      if (e !== target) locks.push(reportLock(e.cls, 'chain', n));
    }
  }
  lines.push('', 'other info that might help us debug this:', '');
  const source = next.cls;
  const tgt = prev.cls;
  const parent = target.parent ? target.parent.cls : source;
  if (parent !== source) lines.push('Chain exists of:', `  ${className(source)} --> ${className(parent)} --> ${className(tgt)}`, '');
  lines.push(' Possible unsafe locking scenario:', '', '       CPU0                    CPU1', '       ----                    ----');
  lines.push(`  ${prev.read ? 'rlock(' : 'lock('}${className(tgt)});`);
  lines.push(`                               lock(${className(parent)});`);
  lines.push(`                               lock(${className(tgt)});`);
  lines.push(`  ${next.read ? 'rlock(' : 'lock('}${className(source)});`);
  lines.push('', ' *** DEADLOCK ***', '');
  lines.push(...heldLocksLines(ts, n), '', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, ['print_circular_bug', 'check_noncircular', 'check_prev_add', 'validate_chain', '__lock_acquire', 'lock_acquire'], lockStack(next)));
  const chain: string[] = [];
  for (let e: BfsNode | null = target; e; e = e.parent) chain.unshift(className(e.cls));
  return makeReport('circular', CIRCULAR_HEADER, lines, locks, sites, ts.task, ctx.cpu, chain);
}
