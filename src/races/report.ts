/**
 * Report layouts. Each mirrors what the kernel prints for the nearest real
 * check (KCSAN for data races, KASAN for use-after-free, lib/list_debug.c's
 * WARN for list misuse, lockdep_rcu_suspicious() for RCU-list misuse), plus
 * one line of ours that says what the lockset model inferred — because these
 * are *potential* problems found from one harmless run, not caught overlaps.
 */
import { formatAddr, formatSymbol, stackLines } from '../events/format.ts';
import type { EventContext, Frame, KernelEnv, Report, ReportLock, ReportSite, SourcePos, Stack } from '../events/types.ts';
import { threadDesc } from './context.ts';
import type { AccessRec } from './types.ts';

const RULE = '==================================================================';

/** A held lock as reports show it; built by the checker from its lock table. */
export interface LockNote {
  name: string;
  classKey: string;
}

/** What the checker tells the printer about one side of a report. */
export interface Side {
  rec: AccessRec;
  /** Real locks in this access's lockset. */
  locks: LockNote[];
  /** Pseudo-locks in words: `IRQs off on cpu 0`. */
  cpuLocal: string[];
}

/** The frame KCSAN names a race by: the first one that is not kernel plumbing. */
export function topFrame(stack: Stack): Frame {
  return stack.find((f) => !f.synthetic) ?? stack[0] ?? { fn: '<unknown>', offset: 0, size: 0, synthetic: true };
}

export function sitePos(stack: Stack): SourcePos | undefined {
  return stack.find((f) => f.pos)?.pos;
}

function where(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}` : '?';
}

/** `vgic_flush_pending_lpis (vgic.c:201)`: a function and where, for our own lines. */
export function siteName(rec: AccessRec): string {
  return `${topFrame(rec.ctx.stack).fn} (${where(sitePos(rec.ctx.stack))})`;
}

/** dump_stack_print_info(): the `CPU:` / `Hardware name:` lines, without the trace. */
function headerLines(env: KernelEnv, ctx: EventContext): string[] {
  const all = env.dumpStack(ctx);
  const end = all.findIndex((l) => l.startsWith('Call Trace:'));
  return end < 0 ? all : all.slice(0, end);
}

/** KCSAN's get_access_type() for the two kinds we model. */
function accessType(rec: AccessRec): string {
  return (rec.write ? 'write' : 'read') + (rec.marked ? ' (marked)' : '');
}

function accessLine(rec: AccessRec): string {
  return `${accessType(rec)} to 0x${formatAddr(rec.addr)} of ${rec.size} bytes by ${threadDesc(rec.ctx, rec.interrupt)} on cpu ${rec.ctx.cpu}:`;
}

/** `&vgic_cpu->ap_list_lock`, `no lock`, `no lock (only IRQs off on cpu 0)`. */
export function heldPhrase(side: Side): string {
  const names = side.locks.map((l) => l.name);
  if (names.length > 0) {
    // Any spinlock implies preemption off; saying so again is noise.
    const extra = side.cpuLocal.filter((c) => !c.startsWith('preemption off'));
    return names.join(', ') + (extra.length ? ` (and ${extra.join(', ')})` : '');
  }
  return side.cpuLocal.length ? `no lock (only ${side.cpuLocal.join(', ')})` : 'no lock';
}

function reportLocks(sides: Side[]): ReportLock[] {
  const out: ReportLock[] = [];
  const seen = new Set<string>();
  for (const s of sides)
    for (const l of s.locks)
      if (!seen.has(l.classKey + l.name)) {
        seen.add(l.classKey + l.name);
        out.push({ name: l.name, classKey: l.classKey, role: 'held' });
      }
  return out;
}

function sites(entries: { rec: AccessRec; message: string }[]): ReportSite[] {
  const out: ReportSite[] = [];
  for (const { rec, message } of entries) {
    const pos = sitePos(rec.ctx.stack);
    if (pos) out.push({ pos, message });
  }
  return out;
}

/**
 * `BUG: KCSAN: data-race in A / B`: the earlier access first (KCSAN prints
 * the watchpoint's owner, then the access that hit it), function names in
 * the title ordered lexicographically as kernel/kcsan/report.c does.
 */
export function kcsanReport(env: KernelEnv, other: Side, cur: Side, why: string, siteMsgs: [string, string]): Report {
  const a = topFrame(other.rec.ctx.stack);
  const b = topFrame(cur.rec.ctx.stack);
  const [first, second] = formatSymbol(a) < formatSymbol(b) ? [a, b] : [b, a];
  const header = `BUG: KCSAN: data-race in ${first.fn} / ${second.fn}`;
  const lines = [
    RULE,
    header,
    '',
    accessLine(other.rec),
    ...stackLines(other.rec.ctx.stack, 0),
    '',
    accessLine(cur.rec),
    ...stackLines(cur.rec.ctx.stack, 0),
    '',
    why,
    '',
    'Reported by Kernel Concurrency Sanitizer on:',
    ...headerLines(env, cur.rec.ctx),
    RULE,
  ];
  return {
    kind: 'kcsan-data-race',
    source: 'races',
    header,
    lines,
    locks: reportLocks([other, cur]),
    sites: sites([
      { rec: other.rec, message: siteMsgs[0] },
      { rec: cur.rec, message: siteMsgs[1] },
    ]),
    task: cur.rec.ctx.task,
    cpu: cur.rec.ctx.cpu,
  };
}

/**
 * KASAN's layout for an access to an object another context freed: the
 * access with its stack, then `Freed by task N:` with the freeing stack.
 */
export function uafReport(
  env: KernelEnv,
  cur: AccessRec,
  freed: AccessRec,
  how: 'kfree' | 'kfree_rcu',
  objLabel: string,
  lo: bigint,
  hi: bigint,
  why: string,
): Report {
  const top = topFrame(cur.ctx.stack);
  const header = `BUG: KASAN: slab-use-after-free in ${formatSymbol(top)}`;
  const who = (r: AccessRec) => (r.interrupt ? `interrupt on cpu ${r.ctx.cpu}` : `task ${r.ctx.task.pid}`);
  const off = cur.addr >= lo ? cur.addr - lo : 0n;
  const lines = [
    RULE,
    header,
    `${cur.write ? 'Write' : 'Read'} of size ${cur.size} at addr ${formatAddr(cur.addr)} by task ${cur.ctx.task.comm}/${cur.ctx.task.pid}`,
    '',
    ...env.dumpStack(cur.ctx),
    '',
    `Freed by ${who(freed)}:`,
    ...stackLines(freed.ctx.stack, 0),
    ...(how === 'kfree_rcu' ? [' kvfree_call_rcu', ''] : ['']),
    `The buggy address belongs to the object ${objLabel} at ${formatAddr(lo)}`,
    ` which belongs to a region of size ${hi - lo}`,
    `The buggy address is located ${off} bytes inside of`,
    ` freed ${hi - lo}-byte region [${formatAddr(lo)}, ${formatAddr(hi)})`,
    '',
    why,
    RULE,
  ];
  const freer = `${how}() of ${objLabel} in ${topFrame(freed.ctx.stack).fn}`;
  return {
    kind: 'use-after-free',
    source: 'races',
    header,
    lines,
    locks: [],
    sites: sites([
      { rec: cur, message: `uses ${objLabel} after ${freer} on cpu ${freed.ctx.cpu}` },
      { rec: freed, message: `${freer}: another context still uses it afterwards` },
    ]),
    task: cur.ctx.task,
    cpu: cur.ctx.cpu,
  };
}

/**
 * A walk that continues from an entry another context unlinked. The kernel
 * has no check for this (it faults on LIST_POISON1 or loops on a
 * list_del_init()'d node), so we print it the way lib/list_debug.c prints
 * list misuse: a WARN with a `list_... corruption` message.
 */
export function removedEntryReport(env: KernelEnv, cur: AccessRec, removed: AccessRec, entryLabel: string, headLabel: string, why: string): Report {
  const top = topFrame(cur.ctx.stack);
  const pos = sitePos(cur.ctx.stack);
  const poison =
    removed.op === 'list_del'
      ? 'is LIST_POISON1 (dead000000000100)'
      : removed.op === 'list_del_init'
        ? `points to itself (${formatAddr(cur.addr)})`
        : 'still points into the list, but the entry is no longer on it';
  const msg = `list_for_each_entry corruption, ${formatAddr(cur.addr)}->next ${poison}`;
  const header = `WARNING: CPU: ${cur.ctx.cpu} PID: ${cur.ctx.task.pid} at ${where(pos)} ${formatSymbol(top)}`;
  const lines = ['------------[ cut here ]------------', msg, header, why, ...env.dumpStack(cur.ctx), '---[ end trace 0000000000000000 ]---'];
  return {
    kind: 'list-corruption',
    source: 'races',
    header,
    lines,
    locks: [],
    sites: sites([
      { rec: cur, message: `walks ${headLabel} from ${entryLabel}, which ${removed.op}() in ${topFrame(removed.ctx.stack).fn} took off the list` },
      { rec: removed, message: `${removed.op}() of ${entryLabel}: another context still walks from it afterwards` },
    ]),
    task: cur.ctx.task,
    cpu: cur.ctx.cpu,
  };
}

/**
 * lockdep_rcu_suspicious()'s layout, for RCU-list rules. `at` gives the
 * `file:line` the warning is about, `cur` the context whose stack is dumped.
 */
export function suspiciousRcuReport(
  env: KernelEnv,
  at: AccessRec,
  cur: AccessRec,
  msg: string,
  info: string[],
  extraSites: { rec: AccessRec; message: string }[],
  locks: LockNote[],
): Report {
  const header = 'WARNING: suspicious RCU usage';
  const lines = [
    '',
    '=============================',
    header,
    env.ident(),
    '-----------------------------',
    `${where(sitePos(at.ctx.stack))} ${msg}!`,
    '',
    'other info that might help us debug this:',
    '',
    ...info,
    '',
    'stack backtrace:',
    ...env.dumpStack(cur.ctx),
  ];
  return {
    kind: 'suspicious-rcu',
    source: 'races',
    header,
    lines,
    locks: locks.map((l) => ({ name: l.name, classKey: l.classKey, role: 'held' as const })),
    sites: sites(extraSites),
    task: cur.ctx.task,
    cpu: cur.ctx.cpu,
  };
}
