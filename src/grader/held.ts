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

export interface OneSectionFinding {
  pos?: SourcePos;
  /** The list the decision was made on and then changed. */
  list: string;
  /** Where the walk that decided it ran. */
  walkPos?: SourcePos;
}

export interface OneSectionObserver extends EventObserver {
  findings(): OneSectionFinding[];
}

/**
 * Check-then-act: inside a call of `fn`, a change to a list (list_add*,
 * list_del*, ...) must happen in the same critical section of `lockClass` as
 * the last walk of that list in the same call. A lookup in one section and
 * an insert in the next lets another task insert the same key in between;
 * lockdep and the race check see every access under the lock and say nothing.
 */
export function oneSectionObserver(lockClass: string, fn: string): OneSectionObserver {
  const want = baseClass(lockClass);
  // pid -> instance id -> section number while held
  const held = new Map<number, Map<number, number>>();
  let sections = 0;
  // activation key -> list head id -> section of its last walk (0: unlocked) and where
  const walks = new Map<string, Map<number, { section: number; pos?: SourcePos }>>();
  const out: OneSectionFinding[] = [];
  // A call of `fn` is named by its callers' positions (two calls from one
  // site in a loop share it, which is harmless: the last walk is what counts).
  const activation = (stack: Stack): string | undefined => {
    const frames = sourceFrames(stack);
    const i = frames.findIndex((f) => f.fn === fn);
    if (i < 0) return undefined;
    return frames
      .slice(i + 1)
      .map((f) => `${f.fn}@${f.pos!.file}:${f.pos!.line}:${f.pos!.col}`)
      .join('<');
  };
  const sectionOf = (pid: number): number => {
    const m = held.get(pid);
    if (!m || !m.size) return 0;
    return Math.max(...m.values());
  };
  return {
    event(e: KernelEvent) {
      if ((e.kind === 'acquire' || e.kind === 'release') && baseClass(e.lock.name) === want) {
        let m = held.get(e.ctx.task.pid);
        if (!m) held.set(e.ctx.task.pid, (m = new Map()));
        if (e.kind === 'acquire') m.set(e.lock.id, ++sections);
        else m.delete(e.lock.id);
        return;
      }
      if (e.kind !== 'list') return;
      const key = activation(e.ctx.stack);
      if (key === undefined) return;
      const pid = e.ctx.task.pid;
      const k = `${pid}|${key}`;
      let w = walks.get(k);
      if (!w) walks.set(k, (w = new Map()));
      const section = sectionOf(pid);
      const pos = sourceFrames(e.ctx.stack)[0]?.pos;
      if (e.op === 'list_iter' || e.op === 'list_iter_rcu') {
        w.set(e.head.objId, { section, ...(pos ? { pos } : {}) });
        return;
      }
      const last = w.get(e.head.objId);
      if (last && (last.section === 0 || last.section !== section) && !out.some((f) => f.pos?.line === pos?.line && f.pos?.file === pos?.file))
        out.push({ ...(pos ? { pos } : {}), list: e.head.label, ...(last.pos ? { walkPos: last.pos } : {}) });
      w.delete(e.head.objId);
    },
    findings: () => out,
  };
}
