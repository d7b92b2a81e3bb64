/** print_irq_inversion_bug(): `WARNING: possible irq lock inversion dependency detected`. */
import type { EventContext, Report, Stack } from '../../events/types.ts';
import { taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import type { BfsNode } from '../graph.ts';
import type { HeldLock, TaskState } from '../types.ts';
import { banner, classLine, dumpStack, heldLocksLines, lockLine, makeReport, reportLock, siteOf, type PrintEnv } from './common.ts';
import { irqScenarioLines, pathSites, shortestDependencies } from './irq-paths.ts';
import { usageStr } from '../usage.ts';
import type { ReportSite } from '../../events/types.ts';

/** Where the other lock became irq-safe (backwards) or irq-unsafe (forwards). */
function otherUsage(other: BfsNode, forwards: boolean, irqclass: string): (ReportSite | undefined)[] {
  const state = irqclass.startsWith('SOFTIRQ') ? 4 : 0;
  const bits = forwards ? [state + 2, state + 3] : [state, state + 1];
  return bits
    .filter((b) => other.cls.usageMask & (1 << b))
    .map((b) => siteOf(other.cls.usageTraces[b], `${className(other.cls)} became ${irqclass}-${forwards ? 'unsafe' : 'safe'} here (${usageStr[b]})`));
}

export const INVERSION_HEADER = 'WARNING: possible irq lock inversion dependency detected';

export function irqInversionReport(
  pe: PrintEnv,
  ts: TaskState,
  ctx: EventContext,
  hlock: HeldLock,
  root: BfsNode,
  other: BfsNode,
  forwards: boolean,
  irqclass: string,
  internal: readonly string[],
  stack: Stack,
  rootTrace: Stack,
): Report {
  const n = pe.nesting;
  const lines = banner(INVERSION_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} just changed the state of lock:`, lockLine(hlock, n));
  lines.push(
    forwards
      ? `but this lock took another, ${irqclass}-unsafe lock in the past:`
      : `but this lock was taken by another, ${irqclass}-safe lock in the past:`,
  );
  lines.push(classLine(other.cls, n), '', '', 'and interrupts could create inverse lock ordering between them.', '', '', 'other info that might help us debug this:');
  // The middle lock is the one a single hop from the root on the path.
  let middle: BfsNode | null = null;
  for (let e: BfsNode | null = other; e && e !== root; e = e.parent) middle = e;
  if (!middle) middle = root;
  if (forwards) lines.push(...irqScenarioLines(root.cls, other.cls, middle.cls, other.cls));
  else lines.push(...irqScenarioLines(other.cls, root.cls, middle.cls, root.cls));
  lines.push(...heldLocksLines(ts, n));
  lines.push('', 'the shortest dependencies between 2nd lock and 1st lock:');
  lines.push(...shortestDependencies(other, rootTrace, n));
  lines.push('', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, internal, stack));
  const safe = forwards ? root.cls : other.cls;
  const unsafe = forwards ? other.cls : root.cls;
  return makeReport(
    'irq-inversion',
    INVERSION_HEADER,
    lines,
    [reportLock(hlock.cls, 'acquiring', n), reportLock(safe, 'safe', n), reportLock(unsafe, 'unsafe', n)],
    [
      siteOf(stack, `${className(hlock.cls)} changes its irq state here`),
      ...otherUsage(other, forwards, irqclass),
      ...pathSites(other),
    ],
    ts.task,
    ctx.cpu,
  );
}
