/**
 * Wait types (enum lockdep_wait_type) and check_wait_context()'s arithmetic.
 * The numbers depend on CONFIG_PROVE_RAW_LOCK_NESTING: without it
 * LD_WAIT_CONFIG is LD_WAIT_SPIN and everything above shifts down by one.
 */
import type { WaitType } from '../events/types.ts';
import type { HeldLock, LockClass } from './types.ts';

export function waitNumber(w: WaitType, nesting: boolean): number {
  switch (w) {
    case 'INV':
      return 0;
    case 'FREE':
      return 1;
    case 'SPIN':
      return 2;
    case 'CONFIG':
      return nesting ? 3 : 2;
    case 'SLEEP':
      return nesting ? 4 : 3;
  }
}

export function waitMax(nesting: boolean): number {
  return nesting ? 5 : 4;
}

/** The `{outer:inner}` pair as printed (outer INV prints as inner). */
export function waitTypeStr(cls: LockClass, nesting: boolean): string {
  const inner = waitNumber(cls.waitInner, nesting);
  const outer = cls.waitOuter === 'INV' ? inner : waitNumber(cls.waitOuter, nesting);
  return `${outer}:${inner}`;
}

/** task_wait_context(): what the context itself allows before any lock is held. */
export function taskWaitContext(hardirqContext: number, softirqContext: number, threaded: boolean, nesting: boolean): number {
  if (hardirqContext) return threaded ? waitNumber('CONFIG', nesting) : waitNumber('SPIN', nesting);
  if (softirqContext) return waitNumber('CONFIG', nesting);
  return waitMax(nesting);
}

/**
 * check_wait_context(): true when the acquisition is invalid. `held` is the
 * held-lock stack and `depth` its live size; only the current irq context's
 * segment constrains the new lock.
 */
export function waitContextInvalid(
  next: LockClass,
  nextIrqContext: number,
  held: readonly HeldLock[],
  depth: number,
  taskCtx: number,
  nesting: boolean,
): boolean {
  const nextInner = waitNumber(next.waitInner, nesting);
  if (!nextInner) return false;
  const nextOuter = next.waitOuter === 'INV' ? nextInner : waitNumber(next.waitOuter, nesting);
  let d = depth - 1;
  for (; d >= 0; d--) if (held[d].irqContext !== nextIrqContext) break;
  d++;
  let currInner = taskCtx;
  for (; d < depth; d++) {
    const cls = held[d].cls;
    const prevInner = waitNumber(cls.waitInner, nesting);
    if (prevInner) {
      currInner = Math.min(currInner, prevInner);
      if (cls.ldType === 'WAIT_OVERRIDE') currInner = prevInner;
    }
  }
  return nextOuter > currInner;
}
