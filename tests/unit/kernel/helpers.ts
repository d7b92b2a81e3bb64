/** Run a program with only a recording observer, and summarise events as short strings. */
import type { KernelEvent } from '../../../src/events/types.ts';
import { runProgram, type EngineOptions } from '../../../src/engine/index.ts';
import type { RunResult } from '../../../src/engine/api.ts';

export function record(src: string, opts: EngineOptions = {}): { events: KernelEvent[]; r: RunResult } {
  const events: KernelEvent[] = [];
  const r = runProgram([{ path: 't.c', text: src }], { lockdep: false, races: false, ...opts, observers: [{ event: (e) => events.push(e) }] });
  return { events, r };
}

/** The irq transitions of a task's first switch-in (taskStartIrqtrace); tested on their own in contexts.test.ts. */
const TASK_START = new Set(['syscall_exit_to_user_mode', 'do_syscall_64', '__schedule', 'finish_task_switch']);

export function isTaskStart(e: KernelEvent): boolean {
  return (e.kind === 'hardirqs_on' || e.kind === 'hardirqs_off') && TASK_START.has(e.api);
}

/** One line per lock/irq/context event: `acquire spin_lock_irqsave &k->k_lock r0 cpu0 HE0 SE1 HC0 SC0`. */
export function summary(events: KernelEvent[], withCtx = false): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (isTaskStart(e)) continue;
    const c = e.ctx;
    const st = withCtx ? ` cpu${c.cpu} ${c.task.comm} HE${+c.hardirqsEnabled} SE${+c.softirqsEnabled} HC${c.hardirqCount} SC${c.softirqCount} P${c.preemptCount}` : '';
    switch (e.kind) {
      case 'acquire':
        out.push(`acquire ${e.api} ${e.lock.name} r${e.read}${e.trylock ? ' try' : ''}${e.subclass ? ` sub${e.subclass}` : ''}${e.check ? '' : ' nocheck'}${e.nestLock ? ` nest=${e.nestLock.name}` : ''}${st}`);
        break;
      case 'release':
        out.push(`release ${e.api} ${e.lock.name}${st}`);
        break;
      case 'hardirqs_on':
      case 'hardirqs_off':
      case 'softirqs_on':
      case 'softirqs_off':
        out.push(`${e.kind} ${e.api}${st}`);
        break;
      case 'lock_init':
        out.push(`lock_init ${e.lock.name} ${e.lock.key}${st}`);
        break;
      case 'set_class':
        out.push(`set_class ${e.lock.name} -> ${e.key} ${e.name} sub${e.subclass}${e.novalidate ? ' novalidate' : ''}`);
        break;
      case 'downgrade':
        out.push(`downgrade ${e.lock.name}`);
        break;
      case 'access':
      case 'list':
      case 'alloc':
      case 'kfree':
      case 'kfree_rcu':
        break;
      case 'free':
        out.push(`free ${e.hi - e.lo}`);
        break;
      default:
        out.push(`${e.kind}${st}`);
    }
  }
  return out;
}
