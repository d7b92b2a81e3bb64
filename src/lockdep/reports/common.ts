/**
 * Building blocks every lockdep report prints, in the kernel's layout:
 * banners, print_lock(), print_lock_name(), lockdep_print_held_locks(),
 * print_irqtrace_events(), stack traces and the `stack backtrace:` dump with
 * lockdep's own frames on top, as a real dump_stack() from inside lockdep has.
 */
import type { EventContext, Frame, KernelEnv, Report, ReportKind, ReportLock, ReportSite, Stack, TaskRef } from '../../events/types.ts';
import { formatAddr, formatIp, formatSymbol, stackLines, taskName } from '../../events/format.ts';
import { className } from '../classes.ts';
import { usageChars } from '../usage.ts';
import { waitTypeStr } from '../wait-context.ts';
import type { HeldLock, IrqTrace, LockClass, TaskState } from '../types.ts';

export interface PrintEnv {
  env: KernelEnv;
  /** CONFIG_PROVE_RAW_LOCK_NESTING: changes the printed wait-type numbers. */
  nesting: boolean;
}

/** Offsets of lockdep's and the lock API's own functions, as a 6.x x86-64 build prints them. */
const KNOWN: Record<string, [number, number]> = {
  lock_acquire: [0xce, 0x2d0],
  copy_process: [0x1f5e, 0x7530],
  __lock_acquire: [0x948, 0x1ef0],
  lock_release: [0x147, 0x2f0],
  dump_stack_lvl: [0x5b, 0x77],
  'mark_lock.cold': [0x48, 0xe1],
  mark_held_locks: [0x4f, 0x70],
  trace_hardirqs_on: [0x41, 0x120],
  lockdep_softirqs_on: [0x9b, 0x130],
  check_noncircular: [0x131, 0x150],
  print_circular_bug: [0x2a4, 0x330],
  print_bad_irq_dependency: [0x3fc, 0x520],
  check_prev_add: [0xa3, 0xd70],
  validate_chain: [0x4c8, 0x6f0],
  print_deadlock_bug: [0x1e5, 0x2c0],
  check_irq_usage: [0x3ab, 0x5b0],
  print_lock_invalid_wait_context: [0x1b4, 0x1d0],
  print_unlock_imbalance_bug: [0xf1, 0x110],
  debug_check_no_locks_freed: [0x1c0, 0x1e0],
  debug_check_no_locks_held: [0x31, 0x40],
  lockdep_sys_exit: [0x5a, 0x70],
  do_exit: [0x33e, 0xb60],
  _raw_spin_lock: [0x33, 0x80],
  _raw_spin_lock_irqsave: [0x4d, 0xa0],
  _raw_spin_lock_irq: [0x34, 0x80],
  _raw_spin_lock_bh: [0x38, 0x80],
  _raw_spin_lock_nested: [0x2f, 0x80],
  _raw_read_lock: [0x40, 0x80],
  _raw_write_lock: [0x2f, 0x80],
  mutex_lock_nested: [0x1b, 0x30],
  down_read: [0x3f, 0x1e0],
  down_write: [0x3c, 0xe0],
  // irq-state callers as the seed 001 splat prints them.
  irqentry_enter: [0x54, 0x60],
  asm_sysvec_apic_timer_interrupt: [0x16, 0x20],
  __irq_exit_rcu: [0xf9, 0x170],
  _raw_spin_unlock_irqrestore: [0x3a, 0x70],
  _raw_spin_unlock_irq: [0x29, 0x50],
  __local_bh_enable_ip: [0x80, 0xd0],
  lockdep_hardirqs_on_prepare: [0xe4, 0x190],
};

function hashStr(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

const synthCache = new Map<string, Frame>();

/** A kernel-internal frame with stable offsets (no source link). */
export function synth(fn: string): Frame {
  let f = synthCache.get(fn);
  if (!f) {
    const k = KNOWN[fn];
    const h = hashStr(fn);
    f = k ? { fn, offset: k[0], size: k[1], synthetic: true } : { fn, offset: 0x10 + (h % 0x70), size: 0x80 + ((h >>> 8) % 0x10) * 0x10, synthetic: true };
    synthCache.set(fn, f);
  }
  return f;
}

/**
 * The out-of-line kernel function behind a lock API, whose frame sits on top
 * of the caller's in a lockdep trace (`_raw_spin_lock_irqsave` for
 * `spin_lock_irqsave`). Inline APIs and raw annotations have none.
 */
export function lockFunctionFor(api: string): string | undefined {
  const m = /^(?:raw_)?(spin|read|write)_(lock|trylock)(.*)$/.exec(api);
  if (m) return `_raw_${m[1]}_${m[2]}${m[3]}`;
  if (/^mutex_lock(_interruptible|_killable|_io)?$/.test(api)) return `${api}_nested`;
  if (/^mutex_(lock|trylock)/.test(api)) return api;
  if (/^(down|up)_(read|write)/.test(api) || api === 'down_read_trylock' || api === 'down_write_trylock') return api;
  if (/^rt_mutex_lock/.test(api)) return api.endsWith('_nested') ? api : `${api}_nested`;
  return undefined;
}

/** The acquisition stack as lockdep records it: lock function frame + the caller's stack. */
export function withLockFunction(stack: Stack, api: string): Stack {
  if (stack.length && stack[0].synthetic) return stack;
  const fn = lockFunctionFor(api);
  return fn ? [synth(fn), ...stack] : stack;
}

/** The acquisition stack of a held lock as a lockdep trace shows it (built only when printed). */
export function lockStack(h: HeldLock): Stack {
  return withLockFunction(h.stack, h.api);
}

/** The `_RET_IP_` a lock API records: its caller, the first non-internal frame. */
export function callerFrame(stack: Stack): Frame | undefined {
  for (const f of stack) if (!f.synthetic) return f;
  return stack[0];
}

export function banner(header: string, ident: string, width = header.length): string[] {
  return ['', '='.repeat(width), header, ident, '-'.repeat(width)];
}

/** print_lock_name(): ` (name){usage}-{o:i}`. */
export function classLine(cls: LockClass, nesting: boolean): string {
  return ` (${className(cls)}){${usageChars(cls)}}-{${waitTypeStr(cls, nesting)}}`;
}

/** print_lock(): `%px (name){....}-{o:i}, at: fn+0x../0x..`. */
export function lockLine(h: HeldLock, nesting: boolean): string {
  const at = callerFrame(h.stack);
  return formatAddr(h.instance.addr) + classLine(h.cls, nesting) + ', at: ' + (at ? formatSymbol(at) : '0x0');
}

/** lockdep_print_held_locks(). */
export function heldLocksLines(ts: TaskState, nesting: boolean): string[] {
  const d = ts.depth;
  const who = taskName(ts.task);
  if (!d) return [`no locks held by ${who}.`];
  const out = [`${d} lock${d > 1 ? 's' : ''} held by ${who}:`];
  for (let i = 0; i < d; i++) out.push(` #${i}: ` + lockLine(ts.held[i], nesting));
  return out;
}

/** print_irqtrace_events(). */
export function irqStampLines(t: IrqTrace): string[] {
  return [
    `irq event stamp: ${t.irqEvents}`,
    `hardirqs last  enabled at (${t.hardirqEnableEvent}): ${formatIp(t.hardirqEnableIp)}`,
    `hardirqs last disabled at (${t.hardirqDisableEvent}): ${formatIp(t.hardirqDisableIp)}`,
    `softirqs last  enabled at (${t.softirqEnableEvent}): ${formatIp(t.softirqEnableIp)}`,
    `softirqs last disabled at (${t.softirqDisableEvent}): ${formatIp(t.softirqDisableIp)}`,
  ];
}

/** print_lock_trace(trace, spaces). */
export function traceLines(stack: Stack | undefined, spaces: number): string[] {
  return stack ? stackLines(stack, spaces) : [];
}

/** `stack backtrace:` is printed by the caller; this is dump_stack() from inside lockdep. */
export function dumpStack(env: KernelEnv, ctx: EventContext, internal: readonly string[], stack: Stack = ctx.stack): string[] {
  const frames = [synth('dump_stack_lvl'), ...internal.map(synth), ...stack];
  return env.dumpStack({ ...ctx, stack: frames });
}

/** A marker for the first frame of `stack` that has a source position. */
export function siteOf(stack: Stack | undefined, message: string): ReportSite | undefined {
  if (!stack) return undefined;
  for (const f of stack) if (!f.synthetic && f.pos) return { pos: f.pos, message };
  return undefined;
}

export function reportLock(cls: LockClass, role: ReportLock['role'], nesting: boolean): ReportLock {
  return {
    name: className(cls),
    classKey: `${cls.key}/${cls.subclass}`,
    usage: usageChars(cls),
    waitType: waitTypeStr(cls, nesting),
    role,
  };
}

export function makeReport(
  kind: ReportKind,
  header: string,
  lines: string[],
  locks: ReportLock[],
  sites: (ReportSite | undefined)[],
  task: TaskRef,
  cpu: number,
  chain?: string[],
): Report {
  const r: Report = { kind, source: 'lockdep', header, lines, locks, sites: sites.filter((s): s is ReportSite => !!s), task, cpu };
  if (chain) r.chain = chain;
  return r;
}

/** `[HC%u[%lu]:SC%u[%lu]:HE%u:SE%u]`. */
export function irqStateTag(hc: number, ctx: EventContext, sc: number, he: boolean, se: boolean): string {
  return `[HC${hc}[${ctx.hardirqCount}]:SC${sc}[${ctx.softirqCount}]:HE${he ? 1 : 0}:SE${se ? 1 : 0}]`;
}
