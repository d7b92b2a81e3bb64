/** print_usage_bug(): `WARNING: inconsistent lock state`. */
import type { EventContext, Report, Stack } from '../../events/types.ts';
import { taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import { usageStr } from '../usage.ts';
import type { HeldLock, TaskState } from '../types.ts';
import { banner, dumpStack, heldLocksLines, irqStampLines, irqStateTag, lockLine, makeReport, reportLock, siteOf, traceLines, type PrintEnv } from './common.ts';

export const INCONSISTENT_HEADER = 'WARNING: inconsistent lock state';

export interface IrqView {
  hc: number;
  sc: number;
  he: boolean;
  se: boolean;
}

export function inconsistentReport(
  pe: PrintEnv,
  ts: TaskState,
  ctx: EventContext,
  hlock: HeldLock,
  prevBit: number,
  newBit: number,
  view: IrqView,
  internal: readonly string[],
  stack: Stack,
): Report {
  const n = pe.nesting;
  const name = className(hlock.cls);
  const lines = banner(INCONSISTENT_HEADER, pe.env.ident());
  lines.push(`inconsistent {${usageStr[prevBit]}} -> {${usageStr[newBit]}} usage.`);
  lines.push(`${taskName(ts.task)} ${irqStateTag(view.hc, ctx, view.sc, view.he, view.se)} takes:`);
  lines.push(lockLine(hlock, n));
  lines.push(`{${usageStr[prevBit]}} state was registered at:`);
  const prevTrace = hlock.cls.usageTraces[prevBit];
  lines.push(...traceLines(prevTrace, 1));
  lines.push(...irqStampLines(ts.trace));
  lines.push('', 'other info that might help us debug this:', ' Possible unsafe locking scenario:', '', '       CPU0', '       ----');
  lines.push(`  lock(${name});`, '  <Interrupt>', `    lock(${name});`, '', ' *** DEADLOCK ***', '');
  lines.push(...heldLocksLines(ts, n), '', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, internal, stack));
  return makeReport(
    'inconsistent',
    INCONSISTENT_HEADER,
    lines,
    [reportLock(hlock.cls, 'acquiring', n)],
    [
      siteOf(stack, `${name} becomes {${usageStr[newBit]}} here, but it is also {${usageStr[prevBit]}}`),
      siteOf(prevTrace, `${name} became {${usageStr[prevBit]}} here`),
    ],
    ts.task,
    ctx.cpu,
  );
}
