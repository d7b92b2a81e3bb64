/** print_deadlock_bug(): `WARNING: possible recursive locking detected`. */
import type { EventContext, Report } from '../../events/types.ts';
import { taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import type { HeldLock, TaskState } from '../types.ts';
import { lockStack, banner, dumpStack, heldLocksLines, lockLine, makeReport, reportLock, siteOf, type PrintEnv } from './common.ts';

export const RECURSIVE_HEADER = 'WARNING: possible recursive locking detected';

export function recursiveReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, next: HeldLock, prev: HeldLock): Report {
  const n = pe.nesting;
  const lines = banner(RECURSIVE_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} is trying to acquire lock:`, lockLine(next, n), '', 'but task is already holding lock:', lockLine(prev, n));
  lines.push('', 'other info that might help us debug this:', ' Possible unsafe locking scenario:', '', '       CPU0', '       ----');
  lines.push(`  lock(${className(prev.cls)});`, `  lock(${className(next.cls)});`, '', ' *** DEADLOCK ***', '', ' May be due to missing lock nesting notation', '');
  lines.push(...heldLocksLines(ts, n), '', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, ['print_deadlock_bug', 'validate_chain', '__lock_acquire', 'lock_acquire'], lockStack(next)));
  const name = className(next.cls);
  return makeReport(
    'recursive',
    RECURSIVE_HEADER,
    lines,
    [reportLock(next.cls, 'acquiring', n), reportLock(prev.cls, 'holding', n)],
    [siteOf(next.stack, `acquires ${name} again: it is already held (same class)`), siteOf(prev.stack, `${name} was first taken here`)],
    ts.task,
    ctx.cpu,
  );
}
