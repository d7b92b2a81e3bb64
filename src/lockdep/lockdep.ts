/**
 * The validator proper: lock_acquire()/__lock_acquire(), lock_release() with
 * reacquire_held_locks(), mark_usage()/mark_lock()/mark_lock_irq(),
 * validate_chain() -> check_deadlock() and check_prevs_add() ->
 * check_prev_add() (check_noncircular(), check_irq_usage()), the irq-state
 * hooks and the one-shot debug_locks switch. Reports are built by
 * ./reports/*.ts; this module decides when.
 */
import type { EventContext, Frame, KernelEvent, KernelLog, LockdepConfig, LockdepMap, ReadMode, Report, Stack } from '../events/types.ts';
import { taskName } from '../events/format.ts';
import { createChainCache, hlockId, iterateChainKey, lookupChainCacheAdd, type ChainCache } from './chains.ts';
import { className, createRegistry, mapInfo, registerLockClass, reinitMap, type ClassRegistry } from './classes.ts';
import { addEdge, bfs, calcDep, calcDepb, findEdge, rootNode, usageMatch, usageSkip, type BfsCounter, type BfsNode } from './graph.ts';
import { copyHeld, findHeldLock, heldSlot, lookUpClass, newCpuState, newTaskState } from './held-locks.ts';
import { dumpStack, callerFrame, heldLocksLines, lockStack, synth, type PrintEnv } from './reports/common.ts';
import { circularReport } from './reports/circular.ts';
import { inconsistentReport, type IrqView } from './reports/inconsistent.ts';
import { irqInversionReport } from './reports/irq-inversion.ts';
import { irqSafeUnsafeReport } from './reports/irq-safe-unsafe.ts';
import {
  badUnlockReport,
  heldLockFreedReport,
  debugLocksWarnReport,
  internalReport,
  invalidWaitContextReport,
  nestedLockReport,
  returnToUserReport,
  stillHasLocksReport,
} from './reports/misc.ts';
import { recursiveReport } from './reports/recursive.ts';
import {
  INITIAL_CHAIN_KEY,
  LOCKF_ENABLED_IRQ_ALL,
  LOCKF_IRQ,
  LOCKF_USED,
  LOCKF_USED_IN_IRQ_ALL,
  LOCKF_USED_READ,
  LOCK_ENABLED_HARDIRQ,
  LOCK_ENABLED_HARDIRQ_READ,
  LOCK_ENABLED_SOFTIRQ,
  LOCK_ENABLED_SOFTIRQ_READ,
  LOCK_USAGE_DIR_MASK,
  LOCK_USAGE_READ_MASK,
  LOCK_USAGE_STATES,
  LOCK_USED,
  LOCK_USED_IN_HARDIRQ,
  LOCK_USED_IN_HARDIRQ_READ,
  LOCK_USED_IN_SOFTIRQ,
  LOCK_USED_IN_SOFTIRQ_READ,
  LOCK_USED_READ,
  MAX_LOCKDEP_SUBCLASSES,
  MAX_LOCK_DEPTH,
  type CpuState,
  type HeldLock,
  type LockClass,
  type TaskState,
} from './types.ts';
import { exclusiveBit, exclusiveMask, findExclusiveMatch, originalMask, stateName } from './usage.ts';
import { taskWaitContext, waitContextInvalid } from './wait-context.ts';

export interface LockdepState {
  config: LockdepConfig;
  log: KernelLog;
  pe: PrintEnv;
  /** debug_locks. */
  debugLocks: boolean;
  reg: ClassRegistry;
  chains: ChainCache;
  bfs: BfsCounter;
  tasks: Map<number, TaskState>;
  cpus: Map<number, CpuState>;
  /** keepGoing only: reports already printed (kind, locks, first site), so a loop does not flood the log. */
  seen: Set<string>;
}

export function createState(config: LockdepConfig, env: PrintEnv['env'], log: KernelLog): LockdepState {
  return {
    config,
    log,
    pe: { env, nesting: config.proveRawLockNesting },
    debugLocks: true,
    reg: createRegistry(),
    chains: createChainCache(),
    bfs: { gen: 0, visits: 0 },
    tasks: new Map(),
    cpus: new Map(),
    seen: new Set(),
  };
}

// ---------------------------------------------------------------------------
// Reporting and the one-shot switch

/**
 * debug_locks_off() + print: the first report wins and turns lockdep off;
 * with keepGoing (a teaching knob) lockdep stays on. The report is built only
 * when it will be printed.
 */
function raise(st: LockdepState, build: () => Report): void {
  if (!st.config.keepGoing) {
    if (!st.debugLocks) return;
    st.debugLocks = false;
    st.log.report(build());
    return;
  }
  const r = build();
  const site = r.sites[0];
  const sig = `${r.kind}|${r.header}|${r.locks.map((l) => l.classKey + ':' + l.role).join(',')}|${site ? `${site.pos.file}:${site.pos.line}:${site.pos.col}` : ''}`;
  if (st.seen.has(sig)) return;
  st.seen.add(sig);
  st.log.report(r);
}

/** What the caller does after a failed check: stop (one-shot) or carry on (keepGoing). */
function failed(st: LockdepState): boolean {
  return !st.config.keepGoing;
}

// ---------------------------------------------------------------------------
// Per-task / per-CPU state

export function taskOf(st: LockdepState, ctx: EventContext): TaskState {
  let ts = st.tasks.get(ctx.task.pid);
  if (!ts) {
    ts = newTaskState(ctx);
    st.tasks.set(ctx.task.pid, ts);
  }
  // set_task_comm() renames a task: reports print its name as of now.
  ts.task = ctx.task;
  ts.lastCtx = ctx;
  return ts;
}

function cpuOf(st: LockdepState, ctx: EventContext): CpuState {
  let c = st.cpus.get(ctx.cpu);
  if (!c) {
    c = newCpuState(ctx);
    st.cpus.set(ctx.cpu, c);
  }
  return c;
}

/** task_irq_context(): 2 * in-hardirq + 1 * in-softirq, as lockdep counts them. */
function irqContextOf(cpu: CpuState, ts: TaskState): number {
  return (cpu.hardirqContext ? 2 : 0) + (ts.softirqContext ? 1 : 0);
}

function viewOf(cpu: CpuState, ts: TaskState): IrqView {
  return { hc: cpu.hardirqContext, sc: ts.softirqContext, he: cpu.hardirqsEnabled, se: ts.softirqsEnabled };
}

function inInterrupt(ctx: EventContext): boolean {
  return ctx.hardirqCount > 0 || ctx.softirqCount > 0 || ctx.nmi;
}

// ---------------------------------------------------------------------------
// mark_lock() and friends

/** Where a usage bit is being set: at an acquisition or while enabling irqs/BH over held locks. */
const enum_MARK_ACQUIRE = 0;
const enum_MARK_HARDIRQS_ON = 1;
const enum_MARK_SOFTIRQS_ON = 2;
type MarkSource = 0 | 1 | 2;

interface MarkCtx {
  st: LockdepState;
  ts: TaskState;
  cpu: CpuState;
  ctx: EventContext;
  source: MarkSource;
  /** HE as lockdep prints it during this marking (still 0 while hardirqs are being enabled). */
  he: boolean;
}

function markTrace(m: MarkCtx, h: HeldLock): Stack {
  if (m.source === enum_MARK_ACQUIRE) return [synth('lock_acquire'), ...lockStack(h)];
  if (m.source === enum_MARK_HARDIRQS_ON) return [synth('lockdep_hardirqs_on_prepare'), synth('trace_hardirqs_on'), ...m.ctx.stack];
  return [synth('lockdep_softirqs_on'), synth('__local_bh_enable_ip'), ...m.ctx.stack];
}

function markInternal(m: MarkCtx): string[] {
  if (m.source === enum_MARK_ACQUIRE) return ['mark_lock.cold', '__lock_acquire', 'lock_acquire'];
  if (m.source === enum_MARK_HARDIRQS_ON) return ['mark_lock.cold', 'mark_held_locks', 'lockdep_hardirqs_on_prepare', 'trace_hardirqs_on'];
  return ['mark_lock.cold', 'mark_held_locks', 'lockdep_softirqs_on', '__local_bh_enable_ip'];
}

function markStack(m: MarkCtx, h: HeldLock): Stack {
  return m.source === enum_MARK_ACQUIRE ? lockStack(h) : m.ctx.stack;
}

function printUsageBug(m: MarkCtx, h: HeldLock, prevBit: number, newBit: number): void {
  const view = { ...viewOf(m.cpu, m.ts), he: m.he };
  raise(m.st, () => inconsistentReport(m.st.pe, m.ts, m.ctx, h, prevBit, newBit, view, markInternal(m), markStack(m, h)));
}

/** valid_state(). */
function validState(m: MarkCtx, h: HeldLock, newBit: number, badBit: number): boolean {
  if (h.cls.usageMask & (1 << badBit)) {
    printUsageBug(m, h, badBit, newBit);
    return false;
  }
  return true;
}

/** check_usage_forwards() / check_usage_backwards(). */
function checkUsageDir(m: MarkCtx, h: HeldLock, bit: number, forwards: boolean): boolean {
  const readBit = bit + LOCK_USAGE_READ_MASK;
  const mask = (1 << bit) | (1 << readBit);
  const root = rootNode(h.cls, forwards ? h.read === 2 : h.read !== 0);
  const target = bfs(m.st.bfs, root, forwards, usageMatch(mask), usageSkip);
  if (!target) return true;
  const irqclass = target.cls.usageMask & (1 << bit) ? stateName(bit) : stateName(readBit);
  const st = m.st;
  raise(st, () => irqInversionReport(st.pe, m.ts, m.ctx, h, root, target, forwards, irqclass, markInternal(m), markStack(m, h), markTrace(m, h)));
  return false;
}

/** mark_lock_irq(). */
function markLockIrq(m: MarkCtx, h: HeldLock, newBit: number): boolean {
  const excl = exclusiveBit(newBit);
  const read = newBit & LOCK_USAGE_READ_MASK;
  const dir = newBit & LOCK_USAGE_DIR_MASK;
  if (!validState(m, h, newBit, excl)) return false;
  if (!read && !validState(m, h, newBit, excl + LOCK_USAGE_READ_MASK)) return false;
  return checkUsageDir(m, h, excl, !dir);
}

/** mark_lock(): set a usage bit; a new bit is checked at once. */
function markLock(m: MarkCtx, h: HeldLock, bit: number): boolean {
  const cls = h.cls;
  const f = 1 << bit;
  if (cls.usageMask & f) return true;
  cls.usageMask |= f;
  cls.usageTraces[bit] = markTrace(m, h);
  if (bit < LOCK_USED) {
    const ok = markLockIrq(m, h, bit);
    return ok || !failed(m.st);
  }
  return true;
}

/** The usage bits mark_usage() would set for this acquisition (all set already: nothing to do). */
function usageNeeded(h: HeldLock, hardirqContext: number, softirqContext: number, softirqsEnabled: boolean): number {
  let need = 1 << (h.read ? LOCK_USED_READ : LOCK_USED);
  if (h.check) {
    if (!h.trylock) {
      if (hardirqContext) need |= 1 << (h.read ? LOCK_USED_IN_HARDIRQ_READ : LOCK_USED_IN_HARDIRQ);
      if (softirqContext) need |= 1 << (h.read ? LOCK_USED_IN_SOFTIRQ_READ : LOCK_USED_IN_SOFTIRQ);
    }
    if (!h.hardirqsOff) {
      need |= 1 << (h.read ? LOCK_ENABLED_HARDIRQ_READ : LOCK_ENABLED_HARDIRQ);
      if (softirqsEnabled) need |= 1 << (h.read ? LOCK_ENABLED_SOFTIRQ_READ : LOCK_ENABLED_SOFTIRQ);
    }
  }
  return need;
}

/** mark_usage(): the bits an acquisition sets. */
function markUsage(m: MarkCtx, h: HeldLock): boolean {
  if (h.check) {
    if (!h.trylock) {
      if (m.cpu.hardirqContext && !markLock(m, h, h.read ? LOCK_USED_IN_HARDIRQ_READ : LOCK_USED_IN_HARDIRQ)) return false;
      if (m.ts.softirqContext && !markLock(m, h, h.read ? LOCK_USED_IN_SOFTIRQ_READ : LOCK_USED_IN_SOFTIRQ)) return false;
    }
    if (!h.hardirqsOff) {
      if (!markLock(m, h, h.read ? LOCK_ENABLED_HARDIRQ_READ : LOCK_ENABLED_HARDIRQ)) return false;
      if (m.ts.softirqsEnabled && !markLock(m, h, h.read ? LOCK_ENABLED_SOFTIRQ_READ : LOCK_ENABLED_SOFTIRQ)) return false;
    }
  }
  return markLock(m, h, h.read ? LOCK_USED_READ : LOCK_USED);
}

/** mark_held_locks(): every held lock (all contexts) gets `baseBit` (or its read variant). */
function markHeldLocks(m: MarkCtx, baseBit: number): boolean {
  for (let i = 0; i < m.ts.depth; i++) {
    const h = m.ts.held[i];
    if (!h.check) continue;
    if (!markLock(m, h, baseBit + (h.read ? LOCK_USAGE_READ_MASK : 0))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// The graph checks

/** check_deadlock(): 0 reported, 1 fine, 2 nested under nest_lock (no new edges). */
function checkDeadlock(st: LockdepState, ts: TaskState, ctx: EventContext, next: HeldLock): 0 | 1 | 2 {
  let nest: HeldLock | undefined;
  for (let i = 0; i < ts.depth; i++) {
    const prev = ts.held[i];
    if (next.nestLock && prev.instance.id === next.nestLock.id) nest = prev;
    if (prev.cls !== next.cls) continue;
    if (next.read === 2 && prev.read) continue;
    if (nest) return 2;
    raise(st, () => recursiveReport(st.pe, ts, ctx, next, prev));
    return failed(st) ? 0 : 1;
  }
  return 1;
}

/** check_irq_usage(): would the new edge connect an irq-safe lock to an irq-unsafe one? */
function checkIrqUsage(st: LockdepState, ts: TaskState, cpu: CpuState, ctx: EventContext, prev: HeldLock, next: HeldLock): boolean {
  let usage = 0;
  bfs(
    st.bfs,
    rootNode(prev.cls, prev.read !== 0),
    false,
    (n) => {
      usage |= n.onlyXr ? n.cls.usageMask & LOCKF_IRQ : n.cls.usageMask;
      return false;
    },
    usageSkip,
  );
  usage &= LOCKF_USED_IN_IRQ_ALL;
  if (!usage) return true;
  const that = rootNode(next.cls, next.read === 2);
  const fwd = bfs(st.bfs, that, true, usageMatch(exclusiveMask(usage)), usageSkip);
  if (!fwd) return true;
  const backMask = originalMask(fwd.cls.usageMask & LOCKF_ENABLED_IRQ_ALL);
  const back = bfs(st.bfs, rootNode(prev.cls, prev.read !== 0), false, usageMatch(backMask), usageSkip);
  if (!back) return true;
  const pair = findExclusiveMatch(back.cls.usageMask, fwd.cls.usageMask);
  if (!pair) return true;
  const trace = [synth('lock_acquire'), ...lockStack(next)];
  const view = viewOf(cpu, ts);
  raise(st, () => irqSafeUnsafeReport(st.pe, ts, ctx, view, prev, next, back, fwd, pair.bit, pair.exclBit, trace));
  return false;
}

interface TraceRef {
  trace: Stack | undefined;
}

/** check_prev_add(): circular check, irq-safety check, then add (or widen) the edge. */
function checkPrevAdd(st: LockdepState, ts: TaskState, cpu: CpuState, ctx: EventContext, prev: HeldLock, next: HeldLock, tr: TraceRef): boolean {
  const root = rootNode(next.cls, next.read === 2);
  const target = bfs(st.bfs, root, true, (n) => n.cls === prev.cls && (prev.read === 0 || !n.onlyXr));
  if (target) {
    if (prev.cls === next.cls) {
      raise(st, () => recursiveReport(st.pe, ts, ctx, next, prev));
    } else {
      const current: Stack = [synth('check_prev_add'), synth('validate_chain'), synth('__lock_acquire'), synth('lock_acquire'), ...lockStack(next)];
      raise(st, () => circularReport(st.pe, ts, ctx, next, prev, target, current));
    }
    return !failed(st);
  }
  if (!checkIrqUsage(st, ts, cpu, ctx, prev, next)) return !failed(st);
  const existing = findEdge(prev.cls, next.cls);
  if (existing) {
    existing.dep |= calcDep(prev.read, next.read);
    existing.depb |= calcDepb(prev.read, next.read);
    return true;
  }
  if (!tr.trace) tr.trace = [synth('lock_acquire'), ...lockStack(next)];
  addEdge(prev.cls, next.cls, calcDep(prev.read, next.read), calcDepb(prev.read, next.read), tr.trace);
  return true;
}

/** check_prevs_add(): edges from the trylocks just below plus the first non-trylock, same irq context only. */
function checkPrevsAdd(st: LockdepState, ts: TaskState, cpu: CpuState, ctx: EventContext, next: HeldLock): boolean {
  const tr: TraceRef = { trace: undefined };
  let depth = ts.depth;
  for (;;) {
    const prev = ts.held[depth - 1];
    if (prev.check) {
      if (!checkPrevAdd(st, ts, cpu, ctx, prev, next, tr)) return false;
      if (!prev.trylock) break;
    }
    depth--;
    if (!depth) break;
    if (ts.held[depth].irqContext !== ts.held[depth - 1].irqContext) break;
  }
  return true;
}

/** validate_chain(): the expensive checks, only on a chain-cache miss. */
function validateChain(st: LockdepState, ts: TaskState, cpu: CpuState, ctx: EventContext, h: HeldLock, chainHead: boolean, key: number): boolean {
  if (!h.trylock && h.check && lookupChainCacheAdd(st.chains, key)) {
    const ret = checkDeadlock(st, ts, ctx, h);
    if (!ret) return false;
    if (!chainHead && ret !== 2) return checkPrevsAdd(st, ts, cpu, ctx, h);
  }
  return true;
}

// ---------------------------------------------------------------------------
// Acquire / release

function debugLocksWarn(st: LockdepState, ts: TaskState, ctx: EventContext, cond: string, fn: string, line: number, internal: readonly string[]): void {
  raise(st, () => debugLocksWarnReport(st.pe, ts, ctx, cond, fn, line, internal));
}

/**
 * __lock_acquire() once the class is known. Returns false when lockdep stops
 * processing it. Positional arguments: this is the hot path and allocates
 * nothing when the chain is cached and the usage bits are already set.
 */
function lockAcquireClass(
  st: LockdepState,
  ts: TaskState,
  cpu: CpuState,
  ctx: EventContext,
  cls: LockClass,
  instance: LockdepMap,
  read: ReadMode,
  trylock: boolean,
  check: boolean,
  hardirqsOff: boolean,
  nestLock: LockdepMap | undefined,
  stack: Stack,
  api: string,
  references: number,
): boolean {
  const depth = ts.depth;
  if (depth >= MAX_LOCK_DEPTH) {
    debugLocksWarn(st, ts, ctx, 'depth >= MAX_LOCK_DEPTH', '__lock_acquire', 5047, ['__lock_acquire', 'lock_acquire']);
    return false;
  }
  if (depth && nestLock) {
    const top = ts.held[depth - 1];
    if (top.cls === cls) {
      top.references = Math.max(top.references, 1) + Math.max(references, 1);
      return true;
    }
  }
  const h = heldSlot(ts, depth);
  h.cls = cls;
  h.instance = instance;
  h.stack = stack;
  h.irqContext = irqContextOf(cpu, ts);
  h.trylock = trylock;
  h.read = read;
  h.check = check;
  h.hardirqsOff = hardirqsOff;
  h.references = references;
  h.nestLock = nestLock;
  h.api = api;

  if (!trylock) {
    const taskCtx = taskWaitContext(cpu.hardirqContext, ts.softirqContext, !!ctx.hardirqThreaded, st.pe.nesting);
    if (waitContextInvalid(cls, h.irqContext, ts.held, depth, taskCtx, st.pe.nesting)) {
      raise(st, () => invalidWaitContextReport(st.pe, ts, ctx, h, taskCtx));
      if (failed(st)) return false;
    }
  }

  const need = usageNeeded(h, cpu.hardirqContext, ts.softirqContext, ts.softirqsEnabled);
  if ((cls.usageMask & need) !== need) {
    const m: MarkCtx = { st, ts, cpu, ctx, source: enum_MARK_ACQUIRE, he: cpu.hardirqsEnabled };
    if (!markUsage(m, h)) return false;
  }

  let key = ts.currChainKey;
  let chainHead = depth === 0;
  h.prevChainKey = key;
  if (depth === 0 || ts.held[depth - 1].irqContext !== h.irqContext) {
    key = INITIAL_CHAIN_KEY;
    chainHead = true;
  }
  key = iterateChainKey(key, hlockId(cls.idx, read));

  if (nestLock && !isHeld(st, ts, nestLock)) {
    const nest = nestLock;
    raise(st, () => nestedLockReport(st.pe, ts, ctx, h, mapInfo(st.reg, nest).name));
    if (failed(st)) return false;
  }

  if (!validateChain(st, ts, cpu, ctx, h, chainHead, key)) return false;

  ts.currChainKey = key;
  ts.depth = depth + 1;
  if (ts.depth >= MAX_LOCK_DEPTH) {
    raise(st, () =>
      internalReport(
        st.pe,
        ts,
        ctx,
        ['BUG: MAX_LOCK_DEPTH too low!', 'turning off the locking correctness validator.'],
        [`depth: ${ts.depth}  max: ${MAX_LOCK_DEPTH}!`, ...heldLocksLines(ts, st.pe.nesting)],
        lockStack(h),
      ),
    );
    return false;
  }
  return true;
}

function isHeld(st: LockdepState, ts: TaskState, lock: LockdepMap): boolean {
  for (let i = 0; i < ts.depth; i++) {
    const h = ts.held[i];
    if (h.instance.id === lock.id) return true;
    if (h.references && lookUpClass(st.reg, lock) === h.cls) return true;
  }
  return false;
}

/** The class an acquisition lands in, or undefined after reporting why there is none. */
function classFor(st: LockdepState, ts: TaskState, ctx: EventContext, lock: LockdepMap, subclass: number): LockClass | undefined {
  const mi = mapInfo(st.reg, lock);
  const cached = mi.cache[subclass];
  if (cached) return cached;
  const effective = subclass === 0 ? mi.baseSubclass : subclass;
  if (effective >= MAX_LOCKDEP_SUBCLASSES || effective < 0 || !Number.isInteger(effective)) {
    raise(st, () =>
      internalReport(st.pe, ts, ctx, [`BUG: looking up invalid subclass: ${effective}`, 'turning off the locking correctness validator.'], [], ctx.stack),
    );
    return undefined;
  }
  if (mi.key === 'none') {
    raise(st, () =>
      internalReport(
        st.pe,
        ts,
        ctx,
        [
          'INFO: trying to register non-static key.',
          'The code is fine but needs lockdep annotation, or maybe',
          "you didn't initialize this object before use?",
          'turning off the locking correctness validator.',
        ],
        [],
        ctx.stack,
      ),
    );
    return undefined;
  }
  return registerLockClass(st.reg, lock, mi, subclass);
}

/** verify_lock_unused(): lockdep tracks nothing in NMI, but an NMI must not take a lock used elsewhere. */
function verifyLockUnused(st: LockdepState, ts: TaskState, ctx: EventContext, e: Extract<KernelEvent, { kind: 'acquire' }>): void {
  if (e.trylock) return;
  const mi = mapInfo(st.reg, e.lock);
  const cls = mi.cache[e.subclass] ?? st.reg.byKey.get(mi.key + '/' + (e.subclass || mi.baseSubclass));
  if (!cls) return;
  const mask = e.read ? LOCKF_USED : LOCKF_USED | LOCKF_USED_READ;
  if (!(cls.usageMask & mask)) return;
  const cpu = cpuOf(st, ctx);
  const h: HeldLock = {
    cls,
    instance: e.lock,
    stack: ctx.stack,
    irqContext: 2,
    trylock: false,
    read: e.read,
    check: e.check,
    hardirqsOff: true,
    references: 0,
    nestLock: e.nestLock,
    prevChainKey: 0,
    api: e.api,
  };
  const m: MarkCtx = { st, ts, cpu, ctx, source: enum_MARK_ACQUIRE, he: cpu.hardirqsEnabled };
  printUsageBug(m, h, LOCK_USED, LOCK_USAGE_STATES);
}

export function lockAcquire(st: LockdepState, e: Extract<KernelEvent, { kind: 'acquire' }>): void {
  const ctx = e.ctx;
  const ts = taskOf(st, ctx);
  if (ts.lockdepOff) return;
  if (ctx.nmi) {
    verifyLockUnused(st, ts, ctx, e);
    return;
  }
  const cls = classFor(st, ts, ctx, e.lock, e.subclass);
  if (!cls) return;
  let read = e.read;
  // read_lock_is_recursive(): forced by the self-test, or called in_interrupt(); PREEMPT_RT's
  // rwbase_rt readers are always recursive.
  if (read && e.lock.lockType === 'rwlock_t' && (st.config.forceReadLockRecursive || st.config.preemptRt || inInterrupt(ctx))) read = 2;
  const cpu = cpuOf(st, ctx);
  lockAcquireClass(st, ts, cpu, ctx, cls, e.lock, read, e.trylock, e.check && !cls.novalidate, !ctx.hardirqsEnabled, e.nestLock, ctx.stack, e.api, 0);
}

/** reacquire_held_locks(): put back the entries above a removed/changed one, re-running the checks. */
function reacquire(st: LockdepState, ts: TaskState, ctx: EventContext, saved: HeldLock[]): boolean {
  const cpu = cpuOf(st, ctx);
  for (const h of saved) {
    const ok = lockAcquireClass(st, ts, cpu, ctx, h.cls, h.instance, h.read, h.trylock, h.check, h.hardirqsOff, h.nestLock, h.stack, h.api, h.references);
    if (!ok) return false;
  }
  return true;
}

function unlockImbalance(st: LockdepState, ts: TaskState, ctx: EventContext, lock: LockdepMap): void {
  const mi = mapInfo(st.reg, lock);
  raise(st, () => badUnlockReport(st.pe, ts, ctx, mi.name, `${mi.key}/${mi.baseSubclass}`, callerFrame(ctx.stack)));
}

export function lockRelease(st: LockdepState, e: Extract<KernelEvent, { kind: 'release' }>): void {
  const ctx = e.ctx;
  const ts = taskOf(st, ctx);
  if (ts.lockdepOff || ctx.nmi) return;
  const depth = ts.depth;
  const i = depth > 0 ? findHeldLock(st.reg, ts, e.lock) : -1;
  if (i < 0) {
    unlockImbalance(st, ts, ctx, e.lock);
    return;
  }
  const h = ts.held[i];
  if (h.references) {
    h.references--;
    if (h.references) return;
  }
  ts.depth = i;
  ts.currChainKey = h.prevChainKey;
  if (i === depth - 1) return;
  const saved: HeldLock[] = [];
  for (let j = i + 1; j < depth; j++) saved.push(copyHeld(ts.held[j]));
  reacquire(st, ts, ctx, saved);
}

export function lockDowngrade(st: LockdepState, e: Extract<KernelEvent, { kind: 'downgrade' }>): void {
  const ctx = e.ctx;
  const ts = taskOf(st, ctx);
  if (ts.lockdepOff || ctx.nmi) return;
  const depth = ts.depth;
  const i = depth > 0 ? findHeldLock(st.reg, ts, e.lock) : -1;
  if (i < 0) {
    unlockImbalance(st, ts, ctx, e.lock);
    return;
  }
  const saved: HeldLock[] = [];
  for (let j = i; j < depth; j++) saved.push(copyHeld(ts.held[j]));
  saved[0].read = 1;
  ts.depth = i;
  ts.currChainKey = saved[0].prevChainKey;
  reacquire(st, ts, ctx, saved);
}

/** lockdep_set_class()/_subclass(): re-key the map; on a held lock, lock_set_class() re-keys the entry too. */
export function setClass(st: LockdepState, e: Extract<KernelEvent, { kind: 'set_class' }>): void {
  const ctx = e.ctx;
  const ts = taskOf(st, ctx);
  const i = ts.depth > 0 ? findHeldLock(st.reg, ts, e.lock) : -1;
  if (i < 0) {
    reinitMap(st.reg, e.lock, e.key, e.name, e.subclass, !!e.novalidate);
    return;
  }
  const mi = reinitMap(st.reg, e.lock, e.key, e.name, 0, !!e.novalidate);
  const cls = classFor(st, ts, ctx, e.lock, e.subclass);
  if (!cls) return;
  void mi;
  const depth = ts.depth;
  const saved: HeldLock[] = [];
  for (let j = i; j < depth; j++) saved.push(copyHeld(ts.held[j]));
  saved[0].cls = cls;
  ts.depth = i;
  ts.currChainKey = saved[0].prevChainKey;
  reacquire(st, ts, ctx, saved);
}

/** debug_check_no_locks_freed(): no held lock of this task may live in [lo, hi). */
export function checkNoLocksFreed(st: LockdepState, ctx: EventContext, lo: bigint, hi: bigint, internal: readonly string[], id?: number): void {
  const ts = taskOf(st, ctx);
  for (let i = 0; i < ts.depth; i++) {
    const h = ts.held[i];
    if (h.instance.id === id || (h.instance.addr >= lo && h.instance.addr < hi)) {
      raise(st, () => heldLockFreedReport(st.pe, ts, ctx, h, lo, hi, internal));
      return;
    }
  }
}

/** The init function whose debug_check_no_locks_freed() catches a re-initialised held lock. */
function initFunction(lock: LockdepMap): string {
  switch (lock.lockType) {
    case 'raw_spinlock_t':
    case 'spinlock_t':
      return '__raw_spin_lock_init';
    case 'rwlock_t':
      return '__rwlock_init';
    case 'mutex':
      return '__mutex_init';
    case 'rw_semaphore':
      return '__init_rwsem';
    case 'rt_mutex':
      return '__rt_mutex_init';
    default:
      return 'lockdep_init_map_type';
  }
}

/** Size of the lock object for the held-lock-freed range printed by lock init. */
function lockSize(lock: LockdepMap): bigint {
  switch (lock.lockType) {
    case 'mutex':
    case 'rt_mutex':
      return 0xa0n;
    case 'rw_semaphore':
      return 0x98n;
    default:
      return 0x40n;
  }
}

export function lockInit(st: LockdepState, e: Extract<KernelEvent, { kind: 'lock_init' }>): void {
  const lock = e.lock;
  checkNoLocksFreed(st, e.ctx, lock.addr, lock.addr + lockSize(lock), ['debug_check_no_locks_freed', initFunction(lock)], lock.id);
  if (!st.debugLocks) return;
  reinitMap(st.reg, lock, lock.key, lock.name, 0, false);
}

// ---------------------------------------------------------------------------
// IRQ state and contexts

/** The IP an irq-state transition is recorded at: the named kernel function, or the inline caller. */
function ipOf(e: { api: string; ip?: Frame; ctx: EventContext }): Frame {
  // The kernel says which caller it recorded; lockdep prints the same one.
  if (e.ip) return e.ip;
  for (const f of e.ctx.stack) if (f.fn === e.api) return f;
  if (/^(_|asm_|irqentry_|irq_)/.test(e.api)) return synth(e.api);
  return callerFrame(e.ctx.stack) ?? synth(e.api);
}

export function irqState(st: LockdepState, e: Extract<KernelEvent, { kind: 'hardirqs_on' | 'hardirqs_off' | 'softirqs_on' | 'softirqs_off' }>): void {
  const ctx = e.ctx;
  // ctx shows the state after the change: a task or CPU seen for the first time was in the other state.
  const newTask = !st.tasks.has(ctx.task.pid);
  const newCpu = !st.cpus.has(ctx.cpu);
  const ts = taskOf(st, ctx);
  const cpu = cpuOf(st, ctx);
  if (newTask && (e.kind === 'softirqs_on' || e.kind === 'softirqs_off')) ts.softirqsEnabled = e.kind === 'softirqs_off';
  if (newCpu && (e.kind === 'hardirqs_on' || e.kind === 'hardirqs_off')) cpu.hardirqsEnabled = e.kind === 'hardirqs_off';
  const t = ts.trace;
  switch (e.kind) {
    case 'hardirqs_on': {
      if (cpu.hardirqsEnabled || ctx.nmi) {
        cpu.hardirqsEnabled = true;
        return;
      }
      if (cpu.hardirqContext) {
        debugLocksWarn(st, ts, ctx, 'lockdep_hardirq_context()', 'lockdep_hardirqs_on_prepare', 4360, ['lockdep_hardirqs_on_prepare', 'trace_hardirqs_on']);
        return;
      }
      const m: MarkCtx = { st, ts, cpu, ctx, source: enum_MARK_HARDIRQS_ON, he: false };
      if (!markHeldLocks(m, LOCK_ENABLED_HARDIRQ)) return;
      if (ts.softirqsEnabled && !markHeldLocks(m, LOCK_ENABLED_SOFTIRQ)) return;
      if (!st.debugLocks) return;
      cpu.hardirqsEnabled = true;
      t.hardirqEnableIp = ipOf(e);
      t.hardirqEnableEvent = ++t.irqEvents;
      return;
    }
    case 'hardirqs_off':
      if (!cpu.hardirqsEnabled) return;
      cpu.hardirqsEnabled = false;
      t.hardirqDisableIp = ipOf(e);
      t.hardirqDisableEvent = ++t.irqEvents;
      return;
    case 'softirqs_on': {
      if (ts.softirqsEnabled) return;
      ts.softirqsEnabled = true;
      t.softirqEnableIp = ipOf(e);
      t.softirqEnableEvent = ++t.irqEvents;
      if (cpu.hardirqsEnabled) {
        const m: MarkCtx = { st, ts, cpu, ctx, source: enum_MARK_SOFTIRQS_ON, he: true };
        markHeldLocks(m, LOCK_ENABLED_SOFTIRQ);
      }
      return;
    }
    case 'softirqs_off':
      if (!ts.softirqsEnabled) return;
      ts.softirqsEnabled = false;
      t.softirqDisableIp = ipOf(e);
      t.softirqDisableEvent = ++t.irqEvents;
      return;
  }
}

export function contextChange(st: LockdepState, e: Extract<KernelEvent, { kind: 'hardirq_enter' | 'hardirq_exit' | 'softirq_enter' | 'softirq_exit' | 'nmi_enter' | 'nmi_exit' }>): void {
  const ctx = e.ctx;
  switch (e.kind) {
    case 'hardirq_enter': {
      const cpu = st.cpus.get(ctx.cpu);
      if (cpu) cpu.hardirqContext++;
      else cpuOf(st, ctx);
      taskOf(st, ctx);
      return;
    }
    case 'hardirq_exit': {
      const cpu = cpuOf(st, ctx);
      if (cpu.hardirqContext > 0) cpu.hardirqContext--;
      return;
    }
    case 'softirq_enter':
      taskOf(st, ctx).softirqContext++;
      return;
    case 'softirq_exit': {
      const ts = taskOf(st, ctx);
      if (ts.softirqContext > 0) ts.softirqContext--;
      return;
    }
    default:
      return;
  }
}

export function taskEnd(st: LockdepState, e: Extract<KernelEvent, { kind: 'return_to_user' | 'task_exit' }>): void {
  const ts = taskOf(st, e.ctx);
  if (!ts.depth) return;
  if (e.kind === 'return_to_user') raise(st, () => returnToUserReport(st.pe, ts, e.ctx));
  else raise(st, () => stillHasLocksReport(st.pe, ts, e.ctx));
}

/** Used by index.ts for `heldLocksLines`. */
export function printHeldLocks(st: LockdepState, ts: TaskState): string[] {
  return heldLocksLines(ts, st.pe.nesting);
}

export { className, dumpStack, taskName };
