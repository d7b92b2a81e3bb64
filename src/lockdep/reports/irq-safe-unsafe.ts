/** print_bad_irq_dependency(): `WARNING: %s-safe -> %s-unsafe lock order detected`. */
import type { EventContext, Report, Stack } from '../../events/types.ts';
import { taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import type { BfsNode } from '../graph.ts';
import type { HeldLock, TaskState } from '../types.ts';
import { stateName, usageStr } from '../usage.ts';
import { lockStack, banner, classLine, dumpStack, heldLocksLines, irqStateTag, lockLine, makeReport, reportLock, siteOf, traceLines, type PrintEnv } from './common.ts';
import type { IrqView } from './inconsistent.ts';
import { irqScenarioLines, pathSites, shortestDependencies, shortestDependenciesBackwards } from './irq-paths.ts';

export function irqSafeUnsafeReport(
  pe: PrintEnv,
  ts: TaskState,
  ctx: EventContext,
  view: IrqView,
  prev: HeldLock,
  next: HeldLock,
  backwardsEntry: BfsNode,
  forwardsEntry: BfsNode,
  bit1: number,
  bit2: number,
  currentTrace: Stack,
): Report {
  const n = pe.nesting;
  const irqclass = stateName(bit1);
  const header = `WARNING: ${irqclass}-safe -> ${irqclass}-unsafe lock order detected`;
  const safe = backwardsEntry.cls;
  const unsafe = forwardsEntry.cls;
  const lines = banner(header, pe.env.ident(), 53);
  lines.push(`${taskName(ts.task)} ${irqStateTag(view.hc, ctx, view.sc, view.he, view.se)} is trying to acquire:`, lockLine(next, n));
  lines.push('', 'and this task is already holding:', lockLine(prev, n), 'which would create a new lock dependency:');
  lines.push(`${classLine(prev.cls, n)} ->${classLine(next.cls, n)}`);
  lines.push('', `but this new dependency connects a ${irqclass}-irq-safe lock:`, classLine(safe, n));
  lines.push('', `... which became ${irqclass}-irq-safe at:`, ...traceLines(safe.usageTraces[bit1], 1));
  lines.push('', `to a ${irqclass}-irq-unsafe lock:`, classLine(unsafe, n));
  lines.push('', `... which became ${irqclass}-irq-unsafe at:`, '...', ...traceLines(unsafe.usageTraces[bit2], 1));
  lines.push('', 'other info that might help us debug this:', '');
  lines.push(...irqScenarioLines(safe, unsafe, prev.cls, next.cls));
  lines.push(...heldLocksLines(ts, n));
  lines.push('', `the dependencies between ${irqclass}-irq-safe lock and the holding lock:`);
  lines.push(...shortestDependenciesBackwards(backwardsEntry, n));
  lines.push('', 'the dependencies between the lock to be acquired', ` and ${irqclass}-irq-unsafe lock:`);
  lines.push(...shortestDependencies(forwardsEntry, currentTrace, n));
  lines.push('', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, ['print_bad_irq_dependency', 'check_irq_usage', 'check_prev_add', 'validate_chain', '__lock_acquire', 'lock_acquire'], lockStack(next)));
  return makeReport(
    'irq-safe-unsafe',
    header,
    lines,
    [reportLock(next.cls, 'acquiring', n), reportLock(prev.cls, 'holding', n), reportLock(safe, 'safe', n), reportLock(unsafe, 'unsafe', n)],
    [
      siteOf(next.stack, `acquires ${className(next.cls)} while holding ${className(prev.cls)}: connects ${irqclass}-safe ${className(safe)} to ${irqclass}-unsafe ${className(unsafe)}`),
      siteOf(safe.usageTraces[bit1], `${className(safe)} became ${irqclass}-irq-safe here (${usageStr[bit1]})`),
      siteOf(unsafe.usageTraces[bit2], `${className(unsafe)} became ${irqclass}-irq-unsafe here (${usageStr[bit2]})`),
      siteOf(prev.stack, `${className(prev.cls)} is held here`),
      ...pathSites(backwardsEntry),
      ...pathSites(forwardsEntry),
    ],
    ts.task,
    ctx.cpu,
  );
}
