/**
 * Type names the parser knows without a typedef in the program: the kernel's
 * fixed-width integers and the opaque object types the runtime implements.
 * Knowing them is what lets `(u32)x` parse as a cast and `spinlock_t lock;`
 * as a declaration.
 */

/** Kernel integer typedefs -> [bits, signed]. LP64, as on x86_64 and arm64. */
export const KERNEL_INT_TYPEDEFS: ReadonlyMap<string, readonly [8 | 16 | 32 | 64, boolean]> = new Map([
  ['u8', [8, false]],
  ['u16', [16, false]],
  ['u32', [32, false]],
  ['u64', [64, false]],
  ['s8', [8, true]],
  ['s16', [16, true]],
  ['s32', [32, true]],
  ['s64', [64, true]],
  ['__u8', [8, false]],
  ['__u16', [16, false]],
  ['__u32', [32, false]],
  ['__u64', [64, false]],
  ['__s8', [8, true]],
  ['__s16', [16, true]],
  ['__s32', [32, true]],
  ['__s64', [64, true]],
  ['uint8_t', [8, false]],
  ['uint16_t', [16, false]],
  ['uint32_t', [32, false]],
  ['uint64_t', [64, false]],
  ['int8_t', [8, true]],
  ['int16_t', [16, true]],
  ['int32_t', [32, true]],
  ['int64_t', [64, true]],
  ['size_t', [64, false]],
  ['ssize_t', [64, true]],
  ['uintptr_t', [64, false]],
  ['phys_addr_t', [64, false]],
  ['dma_addr_t', [64, false]],
  ['resource_size_t', [64, false]],
  ['loff_t', [64, true]],
  ['gfp_t', [32, false]],
  ['pid_t', [32, true]],
  ['gpa_t', [64, false]],
  ['gfn_t', [64, false]],
  ['hpa_t', [64, false]],
  ['ktime_t', [64, true]],
  ['__le32', [32, false]],
  ['__le64', [64, false]],
] as const);

/**
 * Non-integer kernel typedefs (NamedType in the AST): objects the runtime
 * models. Program typedefs are added to these while parsing.
 */
export const KERNEL_TYPEDEFS: ReadonlySet<string> = new Set([
  'spinlock_t',
  'raw_spinlock_t',
  'rwlock_t',
  'atomic_t',
  'atomic64_t',
  'atomic_long_t',
  'refcount_t',
  'local_lock_t',
  'seqlock_t',
  'seqcount_t',
  'wait_queue_head_t',
  'cpumask_t',
  'cpumask_var_t',
  'irqreturn_t',
  'work_func_t',
]);
