/**
 * The kernel's identity and dump_stack() as every report prints them, with
 * the taint flags a run accumulates (W after a WARN, D after an oops).
 */
import type { EventContext, KernelEnv } from '../events/types.ts';
import { callTraceLines, formatSymbol } from '../events/format.ts';

export const KERNEL_RELEASE = '6.18.0-lockdep-lab';
export const KERNEL_VERSION = '#1';
export const HARDWARE_NAME = 'Lockdep Lab simulated machine';

/** print_tainted() flag order; 'P' prints 'G' when unset. */
const TAINT_ORDER = 'PFSRMBUDAWCIOELKXTNJ';

export interface Taint {
  flags: Set<string>;
}

export function taintString(t: Taint): string {
  if (t.flags.size === 0) return 'Not tainted';
  let s = '';
  for (const c of TAINT_ORDER) s += t.flags.has(c) ? c : c === 'P' ? 'G' : ' ';
  return 'Tainted: ' + s.trimEnd();
}

export function createEnv(taint: Taint): KernelEnv {
  return {
    ident: () => `${KERNEL_RELEASE} ${KERNEL_VERSION} ${taintString(taint)}`,
    dumpStack: (ctx: EventContext) => [cpuLine(ctx, taint), `Hardware name: ${HARDWARE_NAME}`, ...callTraceLines(ctx)],
  };
}

/** `CPU: 0 PID: 1006 Comm: rngd Not tainted 6.18.0-lockdep-lab #1` */
export function cpuLine(ctx: EventContext, taint: Taint): string {
  return `CPU: ${ctx.cpu} PID: ${ctx.task.pid} Comm: ${ctx.task.comm} ${taintString(taint)} ${KERNEL_RELEASE} ${KERNEL_VERSION}`;
}

/** `RIP: 0010:klist_next+0x1b/0x160` for the innermost learner frame. */
export function ripLine(ctx: EventContext): string {
  const f = ctx.stack.find((fr) => !fr.synthetic) ?? ctx.stack[0];
  return f ? `RIP: 0010:${formatSymbol(f)}` : 'RIP: 0010:0x0';
}
