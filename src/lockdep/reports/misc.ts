/**
 * The smaller lockdep reports: invalid wait context, bad unlock balance, held
 * lock freed, locks held on return to user space / at exit, nested lock not
 * taken, and the one-paragraph "turning off the locking correctness
 * validator" messages.
 */
import type { EventContext, Frame, Report, Stack } from '../../events/types.ts';
import { formatAddr, formatIp, taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import type { HeldLock, TaskState } from '../types.ts';
import { lockStack, banner, dumpStack, heldLocksLines, lockLine, makeReport, reportLock, siteOf, synth, type PrintEnv } from './common.ts';

export const WAIT_HEADER = '[ BUG: Invalid wait context ]';
export const UNLOCK_HEADER = 'WARNING: bad unlock balance detected!';
export const FREED_HEADER = 'WARNING: held lock freed!';
export const USER_HEADER = 'WARNING: lock held when returning to user space!';
export const NESTED_HEADER = 'WARNING: Nested lock was not taken';

export function invalidWaitContextReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, next: HeldLock, taskCtx: number): Report {
  const n = pe.nesting;
  const lines = banner(WAIT_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} is trying to lock:`, lockLine(next, n), 'other info that might help us debug this:', `context-{${taskCtx}:${taskCtx}}`);
  lines.push(...heldLocksLines(ts, n), 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, ['print_lock_invalid_wait_context', '__lock_acquire', 'lock_acquire'], lockStack(next)));
  const holders = ts.held.slice(0, ts.depth).map((h) => siteOf(h.stack, `${className(h.cls)} is held here`));
  return makeReport(
    'invalid-wait-context',
    WAIT_HEADER,
    lines,
    [reportLock(next.cls, 'acquiring', n), ...ts.held.slice(0, ts.depth).map((h) => reportLock(h.cls, 'held', n))],
    [siteOf(next.stack, `${className(next.cls)} may not be taken in this context (invalid wait context)`), ...holders],
    ts.task,
    ctx.cpu,
  );
}

export function badUnlockReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, name: string, classKey: string, ip: Frame | undefined): Report {
  const lines = banner(UNLOCK_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} is trying to release lock (${name}) at:`, formatIp(ip), 'but there are no more locks to release!');
  lines.push('', 'other info that might help us debug this:', ...heldLocksLines(ts, pe.nesting), '', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, ['print_unlock_imbalance_bug', 'lock_release']));
  return makeReport(
    'bad-unlock-balance',
    UNLOCK_HEADER,
    lines,
    [{ name, classKey, role: 'released' }],
    [siteOf(ctx.stack, `releases ${name}, which this task does not hold here`)],
    ts.task,
    ctx.cpu,
  );
}

export function heldLockFreedReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, hlock: HeldLock, lo: bigint, hi: bigint, internal: readonly string[]): Report {
  const lines = banner(FREED_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} is freeing memory ${formatAddr(lo)}-${formatAddr(hi - 1n)}, with a lock still held there!`);
  lines.push(lockLine(hlock, pe.nesting), ...heldLocksLines(ts, pe.nesting), '', 'stack backtrace:');
  lines.push(...dumpStack(pe.env, ctx, internal));
  return makeReport(
    'held-lock-freed',
    FREED_HEADER,
    lines,
    [reportLock(hlock.cls, 'freed', pe.nesting)],
    [siteOf(ctx.stack, `frees or re-initialises ${className(hlock.cls)} while it is held`), siteOf(hlock.stack, `${className(hlock.cls)} was taken here`)],
    ts.task,
    ctx.cpu,
  );
}

export function returnToUserReport(pe: PrintEnv, ts: TaskState, ctx: EventContext): Report {
  const lines = banner(USER_HEADER, pe.env.ident());
  lines.push(`${taskName(ts.task)} is leaving the kernel with locks still held!`, ...heldLocksLines(ts, pe.nesting));
  return makeReport(
    'lock-held-returning-to-user',
    USER_HEADER,
    lines,
    ts.held.slice(0, ts.depth).map((h) => reportLock(h.cls, 'held', pe.nesting)),
    ts.held.slice(0, ts.depth).map((h) => siteOf(h.stack, `${className(h.cls)} is taken here and never released`)),
    ts.task,
    ctx.cpu,
  );
}

export function stillHasLocksReport(pe: PrintEnv, ts: TaskState, ctx: EventContext): Report {
  const header = `WARNING: ${taskName(ts.task)} still has locks held!`;
  const lines = banner(header, pe.env.ident(), 36);
  lines.push(...heldLocksLines(ts, pe.nesting), '', 'stack backtrace:', ...dumpStack(pe.env, ctx, ['debug_check_no_locks_held', 'do_exit']));
  return makeReport(
    'locks-held-at-exit',
    header,
    lines,
    ts.held.slice(0, ts.depth).map((h) => reportLock(h.cls, 'held', pe.nesting)),
    ts.held.slice(0, ts.depth).map((h) => siteOf(h.stack, `${className(h.cls)} is taken here and never released`)),
    ts.task,
    ctx.cpu,
  );
}

export function nestedLockReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, hlock: HeldLock, nestName: string): Report {
  const lines = banner(NESTED_HEADER, pe.env.ident());
  const dump = dumpStack(pe.env, ctx, ['__lock_acquire', 'lock_acquire'], lockStack(hlock));
  lines.push(`${taskName(ts.task)} is trying to lock:`, lockLine(hlock, pe.nesting), '', 'but this task is not holding:', nestName);
  lines.push('', 'stack backtrace:', ...dump, '', 'other info that might help us debug this:', ...heldLocksLines(ts, pe.nesting), '', 'stack backtrace:', ...dump);
  return makeReport(
    'nested-lock-not-taken',
    NESTED_HEADER,
    lines,
    [reportLock(hlock.cls, 'acquiring', pe.nesting)],
    [siteOf(hlock.stack, `${className(hlock.cls)} is taken with nest_lock ${nestName}, which is not held`)],
    ts.task,
    ctx.cpu,
  );
}

/** print_lockdep_off() and friends: lockdep refuses to go on. */
export function internalReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, msgLines: string[], extra: string[], stack: Stack | undefined): Report {
  const lines = [...msgLines, ...extra];
  if (stack) lines.push(...dumpStack(pe.env, ctx, ['__lock_acquire', 'lock_acquire'], stack));
  return makeReport('lockdep-internal', msgLines[0], lines, [], [siteOf(stack ?? ctx.stack, msgLines[0])], ts.task, ctx.cpu);
}

/**
 * DEBUG_LOCKS_WARN_ON(cond): lockdep turns itself off and WARN()s from
 * `fn` (a lockdep.c function; `line` is its WARN site).
 */
export function debugLocksWarnReport(pe: PrintEnv, ts: TaskState, ctx: EventContext, cond: string, fn: string, line: number, internal: readonly string[]): Report {
  const msg = `DEBUG_LOCKS_WARN_ON(${cond})`;
  const at = synth(fn);
  const lines = [
    '------------[ cut here ]------------',
    msg,
    `WARNING: CPU: ${ctx.cpu} PID: ${ts.task.pid} at kernel/locking/lockdep.c:${line} ${at.fn}+0x${at.offset.toString(16)}/0x${at.size.toString(16)}`,
    'Modules linked in:',
    ...dumpStack(pe.env, ctx, internal),
    '---[ end trace 0000000000000000 ]---',
  ];
  return makeReport('lockdep-internal', msg, lines, [], [siteOf(ctx.stack, msg)], ts.task, ctx.cpu);
}
