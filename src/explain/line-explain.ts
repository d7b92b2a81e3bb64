/**
 * Short English explanations for single report lines (hover/focus text on
 * the site, indented notes in the terminal rendering).
 */
import type { DecodedKind, DecodedLock } from './types.ts';

export function headerExplain(kind: DecodedKind, header: string): string {
  const bracket = header.startsWith('[') ? ' (bracketed header: a kernel before ~4.12)' : '';
  const texts: Record<DecodedKind, string> = {
    circular: 'Lockdep found a lock order that closes a cycle in its dependency graph: a possible ABBA deadlock.',
    recursive: 'Lockdep saw a task take a lock class it already holds.',
    inconsistent: 'Lockdep saw one lock class used in two ways that cannot coexist (inside an interrupt, and with that interrupt enabled).',
    'irq-safe-unsafe': 'Lockdep refuses a new lock order: an interrupt-safe lock would be held while taking an interrupt-unsafe one.',
    'irq-inversion': 'A lock just changed its interrupt usage, and an existing lock order now allows an interrupt deadlock.',
    'invalid-wait-context': 'Lockdep\'s wait-type check: this lock may not be taken in the current context (a sleeping lock under a spinlock, a spinlock_t under a raw one, ...).',
    'bad-unlock-balance': 'A lock was released that lockdep does not see as held by this task in this context.',
    'held-lock-freed': 'Memory that contains a held lock is being freed or re-initialised.',
    'lock-held-returning-to-user': 'A system call is returning to user space with a kernel lock still held.',
    'locks-held-at-exit': 'A task is exiting (or freezing) while it still holds locks.',
    'nested-lock-not-taken': 'A lock was taken with a nest_lock annotation, but the nest lock is not held.',
    'suspicious-rcu': 'An RCU_LOCKDEP_WARN() check failed: RCU-protected data used without the required protection.',
    'sleeping-in-atomic': 'might_sleep() fired: a function that can sleep was called where sleeping is forbidden.',
    'kcsan-data-race': 'KCSAN caught two unsynchronised accesses to the same memory, at least one a write.',
    unknown: 'A lockdep message outside the standard reports: an internal check or a capacity limit.',
  };
  return texts[kind] + bracket;
}

export function kernelExplain(raw: string, tainted?: boolean, taint?: string): string {
  const t = tainted === undefined ? '' : tainted ? ` The kernel is tainted (${taint ?? ''}): e.g. W = an earlier warning, O/E = out-of-tree or unsigned modules.` : ' Not tainted.';
  return `Kernel release and build number.${t}`;
}

export function lockExplain(l: DecodedLock, role: DecodedLock['role']): string {
  const parts: string[] = [];
  const who: Record<DecodedLock['role'], string> = {
    acquiring: 'being acquired',
    holding: 'already held',
    chain: 'in the dependency chain',
    safe: 'irq-safe side',
    unsafe: 'irq-unsafe side',
    held: 'held',
    freed: 'held, inside the memory being freed',
    released: 'being released',
    nest: 'nest lock',
    other: 'mentioned',
  };
  parts.push(`Lock class ${l.name} (${who[role]}).`);
  if (l.version !== undefined) parts.push(`#${l.version}: several classes share the name ${l.className}; this is one of them.`);
  if (l.subclass) parts.push(`/${l.subclass}: nesting subclass ${l.subclass} (spin_lock_nested / mutex_lock_nested), a separate class for lockdep.`);
  if (l.usage) parts.push(`Usage {${l.usage.raw}}: ${l.usage.words}.`);
  if (l.waitType) {
    const w = l.waitType;
    parts.push(
      w.withNesting.words === w.withoutNesting.words
        ? `Wait type {${w.raw}}: ${w.withNesting.words}.`
        : `Wait type {${w.raw}}: with CONFIG_PROVE_RAW_LOCK_NESTING ${w.withNesting.words}; without it ${w.withoutNesting.words}.`,
    );
  }
  if (l.address) parts.push(`Instance at ${l.address}.`);
  if (l.at) parts.push(`Taken at ${l.at}.`);
  return parts.join(' ');
}

export function stepExplain(body: string): string {
  if (body === '<Interrupt>') return 'An interrupt arrives on this CPU; the indented lines run in the interrupt handler.';
  if (body === 'local_irq_disable();') return 'This CPU disables interrupts (as spin_lock_irqsave would).';
  const m = /^(r?lock|sync)\((.*)\);$/.exec(body);
  if (m) return `${m[1] === 'rlock' ? 'Takes for read' : m[1] === 'sync' ? 'Waits for readers of' : 'Takes'} ${m[2]}; blocks if another CPU holds it.`;
  return 'A step of the scenario.';
}

export function noiseExplain(body: string): string {
  if (/^<\/?TASK>$/.test(body)) return body.startsWith('</') ? 'End of the task-context part of the stack.' : 'Start of the task-context part of the stack.';
  if (/^<\/?IRQ>$|^<EOI>$/.test(body)) return body.startsWith('</') || body === '<EOI>' ? 'End of the interrupt part of the stack.' : 'Start of the interrupt part of the stack: frames above </IRQ> ran in hard interrupt context.';
  if (/^Code: /.test(body)) return 'Machine code around the instruction pointer.';
  if (/^(?:RIP|EIP|pc|lr|sp) ?: ?/.test(body)) return 'Where the interrupted code was executing.';
  return 'Register or raw stack dump; not needed to read the locking problem.';
}

export function irqWord(state: string): string {
  if (state.startsWith('HARDIRQ')) return 'a hard interrupt handler';
  if (state.startsWith('SOFTIRQ')) return 'a softirq (bottom half)';
  if (state.startsWith('RECLAIM_FS')) return 'filesystem reclaim';
  return state.toLowerCase();
}

/** `HARDIRQ` -> "hard interrupts enabled": what an irq-unsafe use had. */
export function irqEnabledWord(state: string): string {
  if (state.startsWith('HARDIRQ')) return 'hard interrupts enabled';
  if (state.startsWith('SOFTIRQ')) return 'softirqs enabled';
  if (state.startsWith('RECLAIM_FS')) return 'filesystem reclaim allowed';
  return `${state.toLowerCase()} enabled`;
}

export function usageBitWords(bit: string): string {
  const m = /^(IN-)?(HARDIRQ|SOFTIRQ|RECLAIM_FS)(-ON)?-([RW])$/.exec(bit);
  if (!m) {
    if (bit === 'INITIAL USE') return 'first use';
    if (bit === 'IN-NMI') return 'taken in NMI context';
    return bit;
  }
  const ctx = m[2] === 'HARDIRQ' ? 'hard interrupt' : m[2] === 'SOFTIRQ' ? 'softirq' : 'fs reclaim';
  const rw = m[4] === 'W' ? 'for write' : 'for read';
  return m[1] ? `taken ${rw} inside a ${ctx}` : `held ${rw} with ${ctx}s enabled`;
}

export function preemptWords(pc: number): string {
  const parts: string[] = [];
  if (pc & 0xff) parts.push(`preempt_disable depth ${pc & 0xff} (spinlocks held count here)`);
  if ((pc >> 8) & 0xff) parts.push(`softirq bits 0x${((pc >> 8) & 0xff).toString(16)}`);
  if ((pc >> 16) & 0xf) parts.push(`in hard interrupt (${(pc >> 16) & 0xf})`);
  if (pc & 0x100000) parts.push('in NMI');
  return parts.length ? parts.join(', ') : 'nothing disabled';
}

export function waitContextExplain(ctx: number): string {
  return `context-{${ctx}:${ctx}}: the wait type of where the task is (not of the held locks): ${
    ctx >= 4 ? 'task context (5 with raw-lock nesting checks, 4 without)' : ctx === 3 ? 'threaded-IRQ or softirq context (or, without nesting checks, task context)' : ctx === 2 ? 'a hard interrupt that is not threaded' : 'a very restricted context'
  }. The lock being taken must not have a larger wait type than this, nor than any lock held in this context.`;
}
