/**
 * RCU's lockdep checks (RCU_LOCKDEP_WARN -> lockdep_rcu_suspicious()): the
 * "suspicious RCU usage" report, once per call site, only while lockdep is on
 * (debug_lockdep_rcu_enabled()). Layout: facts §e.12.
 */
import type { SourcePos } from '../events/types.ts';
import { ctxNow, type Kernel } from './kernel.ts';
import { synthFrames, taskRef } from './state.ts';

export function rcuSuspicious(k: Kernel, pos: SourcePos, msg: string): void {
  if (k.queries && !k.queries.debugLocks()) return;
  const key = `rcu:${pos.file}:${pos.line}:${pos.col}:${msg}`;
  if (k.once.has(key)) return;
  k.once.add(key);
  const ctx = ctxNow(k);
  const header = 'WARNING: suspicious RCU usage';
  const sep = (c: string) => c.repeat(header.length);
  const lines = ['', sep('='), header, k.env.ident(), sep('-'), `${pos.file}:${pos.line} ${msg}!`, '', 'other info that might help us debug this:', '', ''];
  lines.push('rcu_scheduler_active = 2, debug_locks = 1');
  if (k.queries) lines.push(...k.queries.heldLocksLines(taskRef(k.cur.task)));
  lines.push('', 'stack backtrace:', ...k.env.dumpStack(ctxNow(k, synthFrames('dump_stack_lvl', 'lockdep_rcu_suspicious'))));
  k.openLine = undefined;
  k.log.report({
    kind: 'suspicious-rcu',
    source: 'lockdep',
    header,
    lines,
    locks: [],
    sites: [{ pos: { ...pos }, message: msg }],
    task: ctx.task,
    cpu: ctx.cpu,
  });
}
