/**
 * The lock type each locking API takes as its first argument, so the checker
 * can refuse `spin_lock(&mutex)` the way the kernel build does
 * (-Werror=incompatible-pointer-types) instead of letting it run silently.
 */

const FAMILIES: Array<[string, string[]]> = [
  [
    'spinlock_t',
    ['spin_lock', 'spin_lock_irq', 'spin_lock_irqsave', 'spin_lock_bh', 'spin_lock_nested', 'spin_lock_irqsave_nested', 'spin_lock_nest_lock',
      'spin_trylock', 'spin_trylock_irq', 'spin_trylock_irqsave', 'spin_trylock_bh', 'spin_unlock', 'spin_unlock_irq', 'spin_unlock_irqrestore',
      'spin_unlock_bh', 'spin_lock_init', 'spin_is_locked', 'assert_spin_locked'],
  ],
  [
    'raw_spinlock_t',
    ['raw_spin_lock', 'raw_spin_lock_irq', 'raw_spin_lock_irqsave', 'raw_spin_lock_bh', 'raw_spin_lock_nested', 'raw_spin_lock_irqsave_nested',
      'raw_spin_trylock', 'raw_spin_trylock_irq', 'raw_spin_trylock_irqsave', 'raw_spin_unlock', 'raw_spin_unlock_irq',
      'raw_spin_unlock_irqrestore', 'raw_spin_unlock_bh', 'raw_spin_lock_init', 'raw_spin_is_locked'],
  ],
  [
    'rwlock_t',
    ['read_lock', 'read_lock_irq', 'read_lock_irqsave', 'read_lock_bh', 'read_unlock', 'read_unlock_irq', 'read_unlock_irqrestore', 'read_unlock_bh',
      'read_trylock', 'write_lock', 'write_lock_irq', 'write_lock_irqsave', 'write_lock_bh', 'write_unlock', 'write_unlock_irq',
      'write_unlock_irqrestore', 'write_unlock_bh', 'write_trylock', 'rwlock_init'],
  ],
  [
    'struct mutex',
    ['mutex_lock', 'mutex_lock_nested', 'mutex_lock_interruptible', 'mutex_lock_interruptible_nested', 'mutex_lock_killable', 'mutex_lock_io',
      'mutex_trylock', 'mutex_unlock', 'mutex_init', 'mutex_is_locked', 'mutex_lock_nest_lock'],
  ],
  [
    'struct rw_semaphore',
    ['down_read', 'down_read_nested', 'down_read_trylock', 'down_read_killable', 'down_read_interruptible', 'down_write', 'down_write_nested',
      'down_write_trylock', 'down_write_killable', 'up_read', 'up_write', 'downgrade_write', 'init_rwsem'],
  ],
  ['struct semaphore', ['down', 'down_interruptible', 'down_killable', 'down_trylock', 'down_timeout', 'up', 'sema_init']],
];

/** Locking API name -> the C type its first argument points to. */
export const LOCK_ARG_TYPE: ReadonlyMap<string, string> = new Map(FAMILIES.flatMap(([type, apis]) => apis.map((a): [string, string] => [a, type])));

/** The locking API family to suggest for a lock type (`struct mutex` -> `mutex_lock`). */
export const LOCK_FOR_TYPE: ReadonlyMap<string, string> = new Map([
  ['spinlock_t', 'spin_lock*'],
  ['raw_spinlock_t', 'raw_spin_lock*'],
  ['rwlock_t', 'read_lock*/write_lock*'],
  ['struct mutex', 'mutex_lock*'],
  ['struct rw_semaphore', 'down_read*/down_write*'],
  ['struct semaphore', 'down*/up'],
]);
