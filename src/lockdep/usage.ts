/**
 * Usage bits as lockdep prints and combines them: usage_str[], get_usage_chars(),
 * exclusive_bit(), exclusive_mask(), original_mask(), find_exclusive_match().
 */
import {
  LOCKF_ENABLED_IRQ_ALL,
  LOCKF_IRQ,
  LOCKF_IRQ_READ,
  LOCKF_USED_IN_IRQ_ALL,
  LOCK_USAGE_DIR_MASK,
  LOCK_USAGE_READ_MASK,
  LOCK_USAGE_STATE_MASK,
  LOCK_USED,
  type LockClass,
} from './types.ts';

export const usageStr: readonly string[] = [
  'IN-HARDIRQ-W',
  'IN-HARDIRQ-R',
  'HARDIRQ-ON-W',
  'HARDIRQ-ON-R',
  'IN-SOFTIRQ-W',
  'IN-SOFTIRQ-R',
  'SOFTIRQ-ON-W',
  'SOFTIRQ-ON-R',
  'INITIAL USE',
  'INITIAL READ USE',
  'IN-NMI',
];

const stateNames = ['HARDIRQ', 'SOFTIRQ'];
const stateRNames = ['HARDIRQ-READ', 'SOFTIRQ-READ'];

/** state_name(): `HARDIRQ`, `SOFTIRQ-READ`, ... for a usage bit. */
export function stateName(bit: number): string {
  const i = bit >> 2;
  return bit & LOCK_USAGE_READ_MASK ? stateRNames[i] : stateNames[i];
}

export function lockFlag(bit: number): number {
  return 1 << bit;
}

/** exclusive_bit(): same state, other direction, read stripped. */
export function exclusiveBit(newBit: number): number {
  const state = newBit & LOCK_USAGE_STATE_MASK;
  const dir = newBit & LOCK_USAGE_DIR_MASK;
  return state | (dir ^ LOCK_USAGE_DIR_MASK);
}

function invertDirMask(mask: number): number {
  let excl = 0;
  excl |= (mask & LOCKF_ENABLED_IRQ_ALL) >> LOCK_USAGE_DIR_MASK;
  excl |= (mask & LOCKF_USED_IN_IRQ_ALL) << LOCK_USAGE_DIR_MASK;
  return excl;
}

/** exclusive_mask(): flip the direction and include read and non-read variants. */
export function exclusiveMask(mask: number): number {
  let excl = invertDirMask(mask);
  excl |= (excl & LOCKF_IRQ_READ) >> LOCK_USAGE_READ_MASK;
  excl |= (excl & LOCKF_IRQ) << LOCK_USAGE_READ_MASK;
  return excl;
}

/** original_mask(): the usages @mask is exclusive to. */
export function originalMask(mask: number): number {
  return exclusiveMask(mask);
}

/** find_exclusive_match(): first (safe bit, unsafe bit) pair that conflicts. */
export function findExclusiveMatch(mask: number, exclMask: number): { bit: number; exclBit: number } | null {
  for (let bit = 0; bit < LOCK_USED; bit++) {
    if (!(mask & (1 << bit))) continue;
    const excl = exclusiveBit(bit);
    const exclRead = excl | LOCK_USAGE_READ_MASK;
    if (exclMask & (1 << excl)) return { bit, exclBit: excl };
    if (exclMask & (1 << exclRead)) return { bit, exclBit: exclRead };
  }
  return null;
}

function usageChar(cls: LockClass, bit: number): string {
  if (cls.usageMask & (1 << (bit + LOCK_USAGE_DIR_MASK))) {
    return cls.usageMask & (1 << bit) ? '?' : '+';
  }
  return cls.usageMask & (1 << bit) ? '-' : '.';
}

/** get_usage_chars(): hardirq-write, hardirq-read, softirq-write, softirq-read. */
export function usageChars(cls: LockClass): string {
  return usageChar(cls, 0) + usageChar(cls, 1) + usageChar(cls, 4) + usageChar(cls, 5);
}
