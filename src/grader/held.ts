/**
 * "Held across": a lock a caller took must stay held for the whole of a
 * call. Dropping it inside the call and taking it again keeps lockdep and
 * the race check quiet (every access is still under the lock) but opens a
 * window in the middle of a walk that the lock exists to close.
 */
import type { EventObserver, KernelEvent, SourcePos, Stack } from '../events/types.ts';

export interface HeldAcrossFinding {
  pos?: SourcePos;
  /** The listed function the lock was dropped inside. */
  fn: string;
  /** The function that released it. */
  releasedIn: string;
}

export interface HeldAcrossObserver extends EventObserver {
  findings(): HeldAcrossFinding[];
}

function baseClass(name: string): string {
  return name.replace(/(\/\d+|#\d+)+$/, '');
}

function sourceFrames(stack: Stack): Stack {
  return stack.filter((f) => f.pos && !f.synthetic);
}

/**
 * Watches `lockClass` (printed name, without `/N`): a release made inside a
 * call of one of `functions` of an instance taken before that call started
 * (fewer of those calls on the stack at the acquisition) is a finding.
 */
export function heldAcrossObserver(lockClass: string, functions: readonly string[]): HeldAcrossObserver {
  const want = baseClass(lockClass);
  const fns = new Set(functions);
  // task pid -> lock instance id -> listed calls on the stack when it was taken
  const depthAt = new Map<number, Map<number, number>>();
  const out: HeldAcrossFinding[] = [];
  const listed = (stack: Stack) => sourceFrames(stack).filter((f) => fns.has(f.fn));
  return {
    event(e: KernelEvent) {
      if ((e.kind !== 'acquire' && e.kind !== 'release') || baseClass(e.lock.name) !== want) return;
      let m = depthAt.get(e.ctx.task.pid);
      if (!m) depthAt.set(e.ctx.task.pid, (m = new Map()));
      const inCalls = listed(e.ctx.stack);
      if (e.kind === 'acquire') {
        m.set(e.lock.id, inCalls.length);
        return;
      }
      const before = m.get(e.lock.id);
      m.delete(e.lock.id);
      if (before === undefined || inCalls.length <= before) return;
      // The outermost listed call the lock was held across.
      const across = inCalls[inCalls.length - 1 - before];
      const top = sourceFrames(e.ctx.stack)[0];
      if (!out.some((f) => f.fn === across.fn && f.pos?.line === top?.pos?.line))
        out.push({ ...(top?.pos ? { pos: top.pos } : {}), fn: across.fn, releasedIn: top?.fn ?? '?' });
    },
    findings: () => out,
  };
}
