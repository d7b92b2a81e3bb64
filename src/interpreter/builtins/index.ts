/**
 * Every name the simulated kernel provides: functions and function-like
 * macros (builtins) and constant identifiers. `BUILTIN_NAMES` goes to the
 * checker so a call to anything else is an "implicit declaration" error.
 */
import type { Builtin } from '../interp.ts';
import { DYNAMIC_IDENTS } from '../interp.ts';
import type { Value } from '../memory.ts';
import { BOOL, INT, UINT, ULONG, VOIDP, type IntRT } from '../rtypes.ts';
import { mkInt } from '../values.ts';
import { coreBuiltins } from './core.ts';
import { kernelBuiltins } from './kernel.ts';
import { lockBuiltins } from './locks.ts';
import { memBuiltins } from './mem.ts';

export function makeBuiltins(): Map<string, Builtin> {
  return new Map(Object.entries({ ...coreBuiltins, ...kernelBuiltins, ...lockBuiltins, ...memBuiltins }));
}

const GFP: IntRT = { k: 'int', name: 'gfp_t', bits: 32, signed: false };

const INT_CONSTS: Record<string, [IntRT, bigint]> = {
  true: [BOOL, 1n],
  false: [BOOL, 0n],
  GFP_KERNEL: [GFP, 0xcc0n],
  GFP_ATOMIC: [GFP, 0x820n],
  GFP_NOWAIT: [GFP, 0x800n],
  GFP_NOIO: [GFP, 0xc00n],
  GFP_NOFS: [GFP, 0xc40n],
  GFP_KERNEL_ACCOUNT: [GFP, 0x400cc0n],
  __GFP_ZERO: [GFP, 0x100n],
  __GFP_NOWARN: [GFP, 0x2000n],
  HZ: [INT, 1000n],
  NR_CPUS: [INT, 8n],
  SINGLE_DEPTH_NESTING: [INT, 1n],
  MAX_LOCKDEP_SUBCLASSES: [UINT, 8n],
  IRQ_NONE: [INT, 0n],
  IRQ_HANDLED: [INT, 1n],
  IRQ_WAKE_THREAD: [INT, 2n],
  IRQF_SHARED: [ULONG, 0x80n],
  IRQF_ONESHOT: [ULONG, 0x2000n],
  IRQF_NO_THREAD: [ULONG, 0x10000n],
  IRQF_PERCPU: [ULONG, 0x400n],
  IRQF_TRIGGER_NONE: [ULONG, 0n],
  TASK_RUNNING: [UINT, 0n],
  TASK_INTERRUPTIBLE: [UINT, 1n],
  TASK_UNINTERRUPTIBLE: [UINT, 2n],
  BITS_PER_LONG: [INT, 64n],
  BITS_PER_BYTE: [INT, 8n],
  U8_MAX: [INT, 255n],
  U16_MAX: [INT, 65535n],
  U32_MAX: [UINT, 0xffffffffn],
  U64_MAX: [{ k: 'int', name: 'u64', bits: 64, signed: false }, 0xffffffffffffffffn],
  S32_MAX: [INT, 0x7fffffffn],
  INT_MAX: [INT, 0x7fffffffn],
  INT_MIN: [INT, -0x80000000n],
  UINT_MAX: [UINT, 0xffffffffn],
  LONG_MAX: [{ k: 'int', name: 'long', bits: 64, signed: true }, 0x7fffffffffffffffn],
  ULONG_MAX: [ULONG, 0xffffffffffffffffn],
  MAX_JIFFY_OFFSET: [ULONG, 0x3fffffffffffffffn],
  EPERM: [INT, 1n],
  ENOENT: [INT, 2n],
  EINTR: [INT, 4n],
  EIO: [INT, 5n],
  EAGAIN: [INT, 11n],
  ENOMEM: [INT, 12n],
  EFAULT: [INT, 14n],
  EBUSY: [INT, 16n],
  EEXIST: [INT, 17n],
  ENODEV: [INT, 19n],
  EINVAL: [INT, 22n],
  ENOSPC: [INT, 28n],
  ERANGE: [INT, 34n],
  ENOSYS: [INT, 38n],
  ETIMEDOUT: [INT, 110n],
  EDEADLK: [INT, 35n],
  ECANCELED: [INT, 125n],
  _RET_IP_: [ULONG, 0xffffffff81000000n],
  _THIS_IP_: [ULONG, 0xffffffff81000000n],
  LOCK_STATE_UNKNOWN: [INT, -1n],
  LOCK_STATE_NOT_HELD: [INT, 0n],
  LOCK_STATE_HELD: [INT, 1n],
};

export function makeConstants(): Map<string, Value> {
  const m = new Map<string, Value>();
  for (const [name, [t, v]] of Object.entries(INT_CONSTS)) m.set(name, mkInt(t, v));
  m.set('NULL', { k: 'p', t: VOIDP, obj: null, off: 0, addr: 0n });
  m.set('system_wq', { k: 'p', t: VOIDP, obj: null, off: 0, addr: 0xffffffff83f00000n });
  m.set('system_unbound_wq', { k: 'p', t: VOIDP, obj: null, off: 0, addr: 0xffffffff83f00040n });
  m.set('system_highpri_wq', { k: 'p', t: VOIDP, obj: null, off: 0, addr: 0xffffffff83f00080n });
  return m;
}

/** What the checker accepts as declared by the kernel (functions, macros and identifiers). */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  ...makeBuiltins().keys(),
  ...makeConstants().keys(),
  ...Object.keys(DYNAMIC_IDENTS),
  // Defining macros the interpreter binds statically (interp.ts bindDefineCallback).
  'DECLARE_WORK',
  'DECLARE_TASKLET',
  'DECLARE_TASKLET_OLD',
]);
