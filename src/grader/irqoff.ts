/**
 * "Hard IRQs off only when a hard interrupt shares the lock": disabling
 * interrupts around a lock that only a softirq (or another task) takes keeps
 * lockdep quiet, but stops every interrupt on the CPU for the whole critical
 * section; spin_lock_bh() is the kernel's answer when the other user is a
 * bottom half.
 */
import type { EventObserver, KernelEvent, SourcePos, Stack } from '../events/types.ts';

export interface IrqOffFinding {
  pos: SourcePos;
  api: string;
}

export interface IrqOffObserver extends EventObserver {
  /** Learner acquisitions with hard IRQs off, unless a hard interrupt took the class in this run. */
  findings(): IrqOffFinding[];
}

function baseClass(name: string): string {
  return name.replace(/(\/\d+|#\d+)+$/, '');
}

function sitePos(stack: Stack): SourcePos | undefined {
  for (const f of stack) if (f.pos && !f.synthetic) return f.pos;
  return undefined;
}

export function irqOffObserver(lockClass: string, editable: ReadonlySet<string>): IrqOffObserver {
  const want = baseClass(lockClass);
  let inHardirq = false;
  const sites: IrqOffFinding[] = [];
  return {
    event(e: KernelEvent) {
      if (e.kind !== 'acquire' || baseClass(e.lock.name) !== want) return;
      if (e.ctx.hardirqCount > 0 || e.ctx.nmi) {
        inHardirq = true;
        return;
      }
      // The learner's choice: an _irq/_irqsave lock call, or IRQs switched off
      // by hand with bottom halves enabled (so not a softirq the harness runs).
      if (e.ctx.hardirqsEnabled) return;
      if (!/_irq(save)?(_nested)?$/.test(e.api) && e.ctx.softirqCount !== 0) return;
      const pos = sitePos(e.ctx.stack);
      if (pos && editable.has(pos.file) && !sites.some((s) => s.pos.file === pos.file && s.pos.line === pos.line)) sites.push({ pos, api: e.api });
    },
    findings: () => (inHardirq ? [] : sites),
  };
}
