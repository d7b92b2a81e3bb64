/**
 * The fixed tables: which header line starts which kind of report, and which
 * lesson teaches each kind. Kept in one place so the vocabulary of the
 * decoder, the CLI's `--json` and the site never drift apart.
 */
import type { DecodedKind } from './types.ts';
import { matchKernelHeader } from './kernel-lines.ts';

export interface HeaderRule {
  kind: DecodedKind;
  /** Matched against the peeled, trimmed line. Anchored; no nested quantifiers. */
  re: RegExp;
}

// Old kernels (before ~4.12) wrapped headers in `[ INFO: ... ]` / `[ BUG: ... ]`;
// the wait-context report kept the brackets. Both forms are accepted.
const W = String.raw`^(?:\[ )?(?:WARNING|INFO|BUG): `;

export const HEADER_RULES: readonly HeaderRule[] = [
  { kind: 'circular', re: new RegExp(W + String.raw`possible circular locking dependency detected`) },
  { kind: 'recursive', re: new RegExp(W + String.raw`possible recursive locking detected`) },
  { kind: 'inconsistent', re: new RegExp(W + String.raw`inconsistent lock state`) },
  {
    kind: 'irq-safe-unsafe',
    re: new RegExp(W + String.raw`([A-Z_]+(?:-READ)?)-safe -> ([A-Z_]+(?:-READ)?)-unsafe lock order detected`),
  },
  { kind: 'irq-inversion', re: new RegExp(W + String.raw`possible irq lock inversion dependency detected`) },
  { kind: 'invalid-wait-context', re: new RegExp(W + String.raw`Invalid wait context`) },
  { kind: 'bad-unlock-balance', re: new RegExp(W + String.raw`bad unlock balance detected!`) },
  { kind: 'held-lock-freed', re: new RegExp(W + String.raw`held lock freed!`) },
  { kind: 'locks-held-at-exit', re: new RegExp(W + String.raw`[^ ]+\/\d+ still has locks held!`) },
  // 2.6.2x printed this instead of naming the task in the header.
  { kind: 'locks-held-at-exit', re: new RegExp(W + String.raw`lock held at task exit time!`) },
  { kind: 'lock-held-returning-to-user', re: new RegExp(W + String.raw`lock held when returning to user space!`) },
  { kind: 'nested-lock-not-taken', re: new RegExp(W + String.raw`Nested lock was not taken`) },
  { kind: 'suspicious-rcu', re: /^"?(?:\[ )?(?:WARNING|INFO): suspicious RCU usage/ },
  // 2.6.3x: the RCU report was named after rcu_dereference_check().
  { kind: 'suspicious-rcu', re: /^(?:\[ )?(?:WARNING|INFO): suspicious rcu_dereference_check\(\) usage/ },
  { kind: 'sleeping-in-atomic', re: /^BUG: sleeping function called from invalid context/ },
  { kind: 'kcsan-data-race', re: /^BUG: KCSAN: (?:data-race|racing read|racing write|assert: race)/ },
  // Lockdep speaking, but not one of the reports above: internal checks and capacity limits.
  { kind: 'unknown', re: /^DEBUG_LOCKS_WARN_ON\(/ },
  { kind: 'unknown', re: /^BUG: MAX_[A-Z_]+ too low!/ },
  { kind: 'unknown', re: /^BUG: looking up invalid subclass/ },
  { kind: 'unknown', re: /^INFO: trying to register non-static key\./ },
  { kind: 'unknown', re: /^WARNING: (?:chain_key collision|bad contention detected!)/ },
  { kind: 'unknown', re: /^WARNING: CPU: \d+ PID: \d+ at kernel\/locking\// },
];

export function matchHeader(body: string): { kind: DecodedKind; m: RegExpExecArray } | undefined {
  if (body.length === 0 || body.length > 300) return undefined;
  const c = body[0];
  if (c === '[' || c === 'W' || c === 'I' || c === 'B' || c === 'D' || c === '"') {
    for (const r of HEADER_RULES) {
      const m = r.re.exec(body);
      if (m) return { kind: r.kind, m };
    }
  }
  // Oopses, WARNs, sanitizers, watchdogs: other kernel reports that logs mix in.
  const k = matchKernelHeader(body);
  return k ? { kind: k.kind, m: /.*/.exec(body)! } : undefined;
}

/** The course lesson that teaches each kind (site paths). */
export const LESSONS: Readonly<Record<DecodedKind, string>> = {
  circular: '/lessons/foundations/abba/',
  recursive: '/lessons/foundations/recursive-locking/',
  inconsistent: '/lessons/foundations/irq-contexts/',
  'irq-safe-unsafe': '/lessons/foundations/irq-contexts/',
  'irq-inversion': '/lessons/foundations/irq-contexts/',
  'invalid-wait-context': '/lessons/foundations/wait-types/',
  'bad-unlock-balance': '/lessons/foundations/reading-a-splat/',
  'held-lock-freed': '/lessons/foundations/classes/',
  'lock-held-returning-to-user': '/lessons/foundations/reading-a-splat/',
  'locks-held-at-exit': '/lessons/foundations/reading-a-splat/',
  'nested-lock-not-taken': '/lessons/foundations/classes/',
  'suspicious-rcu': '/lessons/case-studies/vgic-ap-list/',
  'sleeping-in-atomic': '/lessons/foundations/wait-types/',
  'kcsan-data-race': '/lessons/case-studies/vgic-ap-list/',
  unknown: '/lessons/foundations/reading-a-splat/',
};

/** One sentence per kind, for the top of an annotated report. */
export const KIND_TITLES: Readonly<Record<DecodedKind, string>> = {
  circular: 'Possible ABBA deadlock: two lock classes were taken in both orders.',
  recursive: 'A task takes a lock class it already holds (self-deadlock unless the nesting is annotated).',
  inconsistent: 'One lock class is used both inside an interrupt and with that interrupt enabled.',
  'irq-safe-unsafe': 'A new lock order would let an interrupt-safe lock wait for an interrupt-unsafe one.',
  'irq-inversion': 'A lock changed its interrupt usage and now inverts an existing lock order.',
  'invalid-wait-context': 'A lock that may sleep (or spin on PREEMPT_RT) is taken where that is not allowed.',
  'bad-unlock-balance': 'A lock is released that this task does not hold (double unlock or wrong context).',
  'held-lock-freed': 'Memory containing a held lock was freed or re-initialised.',
  'lock-held-returning-to-user': 'A system call returned to user space with a lock still held.',
  'locks-held-at-exit': 'A task exited or froze while still holding locks.',
  'nested-lock-not-taken': 'A lock taken with a nest_lock annotation while that nest lock is not held.',
  'suspicious-rcu': 'RCU-protected data accessed without the protection the code claims.',
  'sleeping-in-atomic': 'A function that may sleep was called in atomic context (lock held, IRQs off, in interrupt).',
  'kcsan-data-race': 'Two CPUs accessed the same memory concurrently, at least one writing, without synchronisation.',
  unknown: 'A lockdep message that is not one of the standard reports (internal check or capacity limit).',
};
