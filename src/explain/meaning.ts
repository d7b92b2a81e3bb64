/**
 * Two or three sentences that say what a decoded report means, written from
 * the decoded facts (lock names, task state), so the reader gets the gist
 * before reading the lines.
 */
import { KIND_TITLES } from './kinds.ts';
import type { DecodedLock, DecodedReport } from './types.ts';

function first(r: DecodedReport, role: DecodedLock['role']): string | undefined {
  return r.locks.find((l) => l.role === role)?.name;
}

export function meaningOf(r: DecodedReport): string {
  const title = KIND_TITLES[r.kind];
  const who = r.task ? `${r.task.comm} (pid ${r.task.pid})` : 'the task';
  const acq = first(r, 'acquiring');
  const hold = first(r, 'holding');
  let detail = '';
  switch (r.kind) {
    case 'circular': {
      const cycle = r.chain?.nodes.map((n) => n.name) ?? [];
      detail =
        acq && hold
          ? `${who} takes ${acq} while holding ${hold}, but ${acq} was earlier held while ${hold} was taken${cycle.length > 2 ? ` (through ${cycle.slice(1, -1).join(', ')})` : ''}. Two CPUs running both paths at once can wait on each other forever. Fix by choosing one order for these locks everywhere, or by not holding one of them across the other.`
          : 'The cycle is in the dependency chain below.';
      break;
    }
    case 'recursive':
      detail = acq
        ? `${who} takes ${acq} while already holding a lock of the same class. If both are the same lock this deadlocks at once; if they are two instances taken in a well-defined order, tell lockdep with a nesting subclass.`
        : '';
      break;
    case 'inconsistent': {
      const ctx = r.task?.context?.words;
      detail = acq
        ? `${acq} is ${r.summary ?? 'used inconsistently'} ${ctx ? `The task is ${ctx}.` : ''} If the interrupt arrives on a CPU that holds the lock with that interrupt enabled, the handler spins on the lock forever. Every acquisition of the class must disable that interrupt (spin_lock_irqsave / spin_lock_bh), or the lock must not be taken in interrupt context.`
        : '';
      break;
    }
    case 'irq-safe-unsafe': {
      const safe = first(r, 'safe');
      const unsafe = first(r, 'unsafe');
      detail = `${who} would hold ${hold ?? safe ?? 'an irq-safe lock'} while taking ${acq ?? unsafe ?? 'an irq-unsafe lock'}. Since ${unsafe ?? 'the unsafe lock'} is held elsewhere with interrupts enabled, an interrupt that takes ${safe ?? 'the safe lock'} there deadlocks against this path. Make ${unsafe ?? 'the unsafe lock'} irq-safe everywhere, or stop nesting it inside ${safe ?? 'the safe lock'}.`;
      break;
    }
    case 'irq-inversion': {
      const other = first(r, 'unsafe') ?? first(r, 'safe');
      detail = `${acq ?? 'A lock'} just became ${r.locks.some((l) => l.role === 'unsafe') ? 'irq-safe' : 'irq-unsafe'}, and a recorded order connects it with ${other ?? 'another lock'} of the opposite kind. An interrupt can then complete the cycle.`;
      break;
    }
    case 'invalid-wait-context':
      detail = acq
        ? `${who} takes ${acq} (wait type {${r.locks.find((l) => l.role === 'acquiring')?.waitType?.raw ?? '?'}}) in a context that allows at most {${r.waitContext?.raw ?? '?'}} or under a held lock with a smaller wait type. Typical causes: a mutex under a spinlock or under rcu_read_lock(), or (PREEMPT_RT) a spinlock_t under a raw_spinlock_t.`
        : '';
      break;
    case 'bad-unlock-balance':
      detail = `${who} releases ${first(r, 'released') ?? 'a lock'} that it does not hold in this context.`;
      break;
    case 'held-lock-freed':
      detail = `${who} frees memory that contains ${first(r, 'freed') ?? 'a lock'} while it is held: the unlock that follows will touch freed memory.`;
      break;
    case 'lock-held-returning-to-user':
    case 'locks-held-at-exit': {
      const held = r.heldLocks?.locks.map((i) => r.locks[i].name) ?? [];
      detail = held.length ? `Still held: ${held.join(', ')}. Look for an error path that returns without unlocking.` : '';
      break;
    }
    case 'nested-lock-not-taken':
      detail = `${who} takes ${acq ?? 'a lock'} with nest lock ${first(r, 'nest') ?? '?'}, which it does not hold.`;
      break;
    case 'suspicious-rcu':
      detail = r.summary ? `Message: ${r.summary}` : '';
      break;
    case 'sleeping-in-atomic':
      detail = r.summary ? `${r.summary}. Held locks and the stack below show what made the context atomic.` : '';
      break;
    case 'kcsan-data-race':
      detail = r.summary ? `Race in ${r.summary}. Protect the accesses with a common lock, or mark them (READ_ONCE/WRITE_ONCE, atomics) if the race is intended.` : '';
      break;
    case 'unknown':
      detail = r.summary ?? '';
      break;
  }
  return `${title} ${detail}`.trim();
}
