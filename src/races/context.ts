/**
 * What an EventContext means for concurrency: which thread it is, which
 * CPU-local exclusion it enjoys, and whether it is an RCU reader.
 */
import type { EventContext, LockdepMap } from '../events/types.ts';
import type { ThreadKey } from './types.ts';

/** Serving a softirq sets bit 0 of the SC count; local_bh_disable() adds 2. */
function servingSoftirq(ctx: EventContext): boolean {
  return (ctx.softirqCount & 1) === 1;
}

/** Which kind of context an event ran in. */
export type CtxKind = 'task' | 'softirq' | 'hardirq' | 'nmi';

/**
 * Interrupt contexts entered through ContextEvents, per CPU. The counts in
 * EventContext do not always say it: the locking self-test's
 * SOFTIRQ_ENTER() (local_bh_disable() + lockdep_softirq_enter()) leaves
 * SC even, yet what follows is softirq context for lockdep and for us.
 */
export interface CpuContexts {
  softirq: number;
  hardirq: number;
  nmi: number;
}

export function contextKind(ctx: EventContext, c: CpuContexts | undefined): CtxKind {
  if (ctx.nmi || (c !== undefined && c.nmi > 0)) return 'nmi';
  if (ctx.hardirqCount > 0 || (c !== undefined && c.hardirq > 0)) return 'hardirq';
  if (servingSoftirq(ctx) || (c !== undefined && c.softirq > 0)) return 'softirq';
  return 'task';
}

/**
 * The concurrency unit an access belongs to. Handlers of one kind never nest
 * on one CPU, so "the hardirq context of CPU n" is a single sequential thread;
 * tasks migrate, so they are keyed by pid (the idle tasks all have pid 0).
 */
export function threadKeyOf(ctx: EventContext, kind: CtxKind): ThreadKey {
  if (kind !== 'task') return `${kind}@${ctx.cpu}`;
  return ctx.task.pid === 0 ? `task:0@${ctx.cpu}` : `task:${ctx.task.pid}`;
}

/** KCSAN's get_thread_desc(): `task 123`, or `interrupt` outside task context. */
export function threadDesc(ctx: EventContext, interrupt: boolean): string {
  return interrupt ? 'interrupt' : `task ${ctx.task.pid}`;
}

/**
 * CPU-local pseudo-locks held by an access. Each one stands for a way the
 * kernel excludes other contexts *on the same CPU only*, and is handed out
 * so that two accesses share one exactly when they cannot overlap:
 * - `irqs@n`: hard IRQs off on CPU n, or being a hardirq handler there
 *   (handlers do not nest, and a task with IRQs off cannot be interrupted);
 * - `bh@n`: no softirq can run on CPU n (BH or IRQs off in a task, or being
 *   the softirq context itself) — but a hardirq can still come in, so hardirq
 *   context does not hold it;
 * - `preempt@n`: the task cannot be preempted by another task on CPU n;
 *   interrupts still can, so interrupt contexts do not hold it.
 * NMIs are excluded by nothing.
 */
export const IRQS_OFF = 1;
export const BH_OFF = 2;
export const PREEMPT_OFF = 4;

export function pseudoBits(ctx: EventContext, kind: CtxKind): number {
  if (kind === 'nmi') return 0;
  const irqsOff = !ctx.hardirqsEnabled;
  if (kind === 'hardirq') return IRQS_OFF;
  if (kind === 'softirq') return (irqsOff ? IRQS_OFF : 0) | BH_OFF;
  const bhOff = !ctx.softirqsEnabled || ctx.softirqCount >= 2;
  if (irqsOff) return IRQS_OFF | BH_OFF | PREEMPT_OFF;
  if (bhOff) return BH_OFF | PREEMPT_OFF;
  return ctx.preemptCount > 0 ? PREEMPT_OFF : 0;
}

export function pseudoMembers(bits: number, cpu: number): string[] {
  const out: string[] = [];
  if (bits & IRQS_OFF) out.push(`irqs@${cpu}`);
  if (bits & BH_OFF) out.push(`bh@${cpu}`);
  if (bits & PREEMPT_OFF) out.push(`preempt@${cpu}`);
  return out;
}

/**
 * Inside an RCU read-side critical section: rcu_read_lock() held, or any
 * region that disables preemption, BH or IRQs (all one flavour since the RCU
 * consolidation), or interrupt context.
 */
export function isRcuReader(ctx: EventContext, rcuDepth: number): boolean {
  return (
    rcuDepth > 0 ||
    !ctx.hardirqsEnabled ||
    ctx.hardirqCount > 0 ||
    ctx.nmi ||
    ctx.preemptCount > 0 ||
    !ctx.softirqsEnabled ||
    ctx.softirqCount > 0
  );
}

/** Maps that give no mutual exclusion: RCU read side, and bare lockdep maps (workqueue, fs_reclaim). */
export function excludes(lock: LockdepMap): boolean {
  return lock.lockType !== 'rcu' && lock.lockType !== 'lockdep_map';
}

/**
 * How a lockset's pseudo-locks read in a report line: only the strongest per
 * CPU (IRQs off implies BH and preemption off), `IRQs off on cpu 0`.
 */
export function describePseudo(members: readonly string[]): string[] {
  const rank: Record<string, number> = { irqs: 3, bh: 2, preempt: 1 };
  const best = new Map<string, string>();
  for (const m of members) {
    const [what, cpu] = m.split('@');
    const cur = best.get(cpu);
    if (!cur || rank[what] > rank[cur]) best.set(cpu, what);
  }
  const words: Record<string, string> = { irqs: 'IRQs off', bh: 'BH off', preempt: 'preemption off' };
  return [...best].map(([cpu, what]) => `${words[what]} on cpu ${cpu}`);
}
