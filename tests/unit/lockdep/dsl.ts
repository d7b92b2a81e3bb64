/**
 * A small event-builder DSL for driving the lockdep model by hand, the way
 * lib/locking-selftest.c drives the real one: `s.L(A)`, `s.U(A)`,
 * `s.HARDIRQ_ENTER()`, `s.IRQ_DISABLE()`... Each call emits exactly the
 * events the simulated kernel would (irq/BH transitions, context entries,
 * acquire/release), with a consistent EventContext.
 */
import type {
  EventContext,
  Frame,
  KernelEnv,
  KernelEvent,
  KernelLog,
  LockdepConfig,
  LockdepMap,
  LockType,
  LogEntry,
  ReadMode,
  Report,
  SourcePos,
  TaskRef,
  WaitType,
} from '../../../src/events/types.ts';
import { callTraceLines } from '../../../src/events/format.ts';
import { createLockdep, type Lockdep } from '../../../src/lockdep/index.ts';

export const DEFAULT_CONFIG: LockdepConfig = {
  proveRawLockNesting: true,
  preemptRt: false,
  forceReadLockRecursive: false,
  keepGoing: false,
};

/** A KernelEnv that prints like a plain x86-64 VM. */
export function testEnv(ident = '6.18.0-lab #1 Not tainted'): KernelEnv {
  return {
    ident: () => ident,
    dumpStack: (ctx: EventContext) => [
      `CPU: ${ctx.cpu} PID: ${ctx.task.pid} Comm: ${ctx.task.comm} Not tainted ${ident.replace(/ Not tainted$/, '')}`,
      'Hardware name: Lockdep Lab simulated machine',
      ...callTraceLines(ctx),
    ],
  };
}

const WAITS: Record<LockType, [WaitType, WaitType]> = {
  raw_spinlock_t: ['SPIN', 'INV'],
  spinlock_t: ['CONFIG', 'INV'],
  rwlock_t: ['CONFIG', 'INV'],
  local_lock_t: ['CONFIG', 'INV'],
  mutex: ['SLEEP', 'INV'],
  rw_semaphore: ['SLEEP', 'INV'],
  rt_mutex: ['SLEEP', 'INV'],
  rcu: ['CONFIG', 'FREE'],
  lockdep_map: ['INV', 'INV'],
};

let nextId = 1;

/** A lock instance: `key` decides the class exactly as LockdepMap.key documents. */
export function mkLock(name: string, lockType: LockType, key = `static:${name}`, waits?: [WaitType, WaitType], initPos?: SourcePos): LockdepMap {
  const id = nextId++;
  const [inner, outer] = waits ?? WAITS[lockType];
  return { id, addr: 0xffff888100000000n + BigInt(id) * 0x100n, key, name, lockType, waitInner: inner, waitOuter: outer, initPos };
}

/** A frame of simulated code, with a stable offset and a source position. */
export function fr(fn: string, line = 1, file = 'test.c'): Frame {
  let h = 0;
  for (let i = 0; i < fn.length; i++) h = (h * 31 + fn.charCodeAt(i)) >>> 0;
  return { fn, pos: { file, line, col: 2 }, offset: 0x10 + (h % 0x40), size: 0x80 + ((h >>> 6) % 8) * 0x20 };
}

export interface Sim {
  lockdep: Lockdep;
  reports: Report[];
  log: LogEntry[];
  /** Current call stack, innermost first; tests push/pop frames. */
  stack: Frame[];
  task: TaskRef;
  cpu: number;
  ctx(): EventContext;
  emit(e: KernelEvent): void;
  acquire(lock: LockdepMap, o?: { read?: ReadMode; trylock?: boolean; subclass?: number; check?: boolean; nest?: LockdepMap; api?: string }): void;
  release(lock: LockdepMap, api?: string): void;
  init(lock: LockdepMap): void;
  setClass(lock: LockdepMap, key: string, name: string, subclass: number): void;
  downgrade(lock: LockdepMap): void;
  irqDisable(api?: string): void;
  irqEnable(api?: string): void;
  bhDisable(api?: string): void;
  bhEnable(api?: string): void;
  preemptDisable(): void;
  preemptEnable(): void;
  HARDIRQ_ENTER(threaded?: boolean): void;
  HARDIRQ_EXIT(): void;
  SOFTIRQ_ENTER(): void;
  SOFTIRQ_EXIT(): void;
  returnToUser(): void;
  taskExit(): void;
  free(lo: bigint, hi: bigint): void;
  /** Run `body` with `frame` pushed on the stack. */
  call(frame: Frame, body: () => void): void;
  /** Switch to another task (and CPU). */
  switchTo(task: TaskRef, cpu?: number): void;
  hardirqsEnabled: boolean;
  softirqsEnabled: boolean;
  hardirqCount: number;
  softirqCount: number;
  preemptCount: number;
  threaded: boolean;
}

export function createSim(config: Partial<LockdepConfig> = {}, env: KernelEnv = testEnv()): Sim {
  // Lock ids (and so addresses) restart per simulated run, so golden texts are stable.
  nextId = 1;
  const reports: Report[] = [];
  const logEntries: LogEntry[] = [];
  const log: KernelLog = {
    printk: (e) => logEntries.push(e),
    report: (r) => {
      reports.push(r);
      logEntries.push({ type: 'report', report: r });
    },
  };
  const lockdep = createLockdep({ config: { ...DEFAULT_CONFIG, ...config }, env, log });
  const s: Sim = {
    lockdep,
    reports,
    log: logEntries,
    stack: [fr('selftest_fn')],
    task: { pid: 1, comm: 'swapper/0' },
    cpu: 0,
    hardirqsEnabled: true,
    softirqsEnabled: true,
    hardirqCount: 0,
    softirqCount: 0,
    preemptCount: 0,
    threaded: false,
    ctx() {
      return {
        cpu: s.cpu,
        task: s.task,
        stack: [...s.stack],
        hardirqCount: s.hardirqCount,
        softirqCount: s.softirqCount,
        preemptCount: s.preemptCount,
        nmi: false,
        hardirqsEnabled: s.hardirqsEnabled,
        softirqsEnabled: s.softirqsEnabled,
        hardirqThreaded: s.threaded,
      };
    },
    emit(e) {
      lockdep.event(e);
    },
    acquire(lock, o = {}) {
      s.emit({
        kind: 'acquire',
        ctx: s.ctx(),
        lock,
        subclass: o.subclass ?? 0,
        read: o.read ?? 0,
        trylock: o.trylock ?? false,
        check: o.check ?? true,
        nestLock: o.nest,
        api: o.api ?? 'lock_acquire',
      });
    },
    release(lock, api = 'lock_release') {
      s.emit({ kind: 'release', ctx: s.ctx(), lock, api });
    },
    init(lock) {
      s.emit({ kind: 'lock_init', ctx: s.ctx(), lock });
    },
    setClass(lock, key, name, subclass) {
      s.emit({ kind: 'set_class', ctx: s.ctx(), lock, key, name, subclass });
    },
    downgrade(lock) {
      s.emit({ kind: 'downgrade', ctx: s.ctx(), lock });
    },
    irqDisable(api = 'local_irq_disable') {
      if (!s.hardirqsEnabled) return;
      s.hardirqsEnabled = false;
      s.emit({ kind: 'hardirqs_off', ctx: s.ctx(), api });
    },
    irqEnable(api = 'local_irq_enable') {
      if (s.hardirqsEnabled) return;
      s.hardirqsEnabled = true;
      s.emit({ kind: 'hardirqs_on', ctx: s.ctx(), api });
    },
    bhDisable(api = 'local_bh_disable') {
      s.softirqCount += 2;
      if (s.softirqsEnabled) {
        s.softirqsEnabled = false;
        s.emit({ kind: 'softirqs_off', ctx: s.ctx(), api });
      }
    },
    bhEnable(api = '__local_bh_enable_ip') {
      s.softirqCount = Math.max(0, s.softirqCount - 2);
      if (s.softirqCount === 0 && !s.softirqsEnabled) {
        s.softirqsEnabled = true;
        s.emit({ kind: 'softirqs_on', ctx: s.ctx(), api });
      }
    },
    preemptDisable() {
      s.preemptCount++;
    },
    preemptEnable() {
      s.preemptCount = Math.max(0, s.preemptCount - 1);
    },
    HARDIRQ_ENTER(threaded = true) {
      s.irqDisable();
      s.hardirqCount++;
      s.threaded = threaded;
      s.emit({ kind: 'hardirq_enter', ctx: s.ctx() });
    },
    HARDIRQ_EXIT() {
      s.hardirqCount = Math.max(0, s.hardirqCount - 1);
      s.threaded = false;
      s.emit({ kind: 'hardirq_exit', ctx: s.ctx() });
      s.irqEnable();
    },
    SOFTIRQ_ENTER() {
      s.bhDisable();
      s.irqDisable();
      s.emit({ kind: 'softirq_enter', ctx: s.ctx() });
    },
    SOFTIRQ_EXIT() {
      s.emit({ kind: 'softirq_exit', ctx: s.ctx() });
      s.irqEnable();
      s.bhEnable();
    },
    returnToUser() {
      s.emit({ kind: 'return_to_user', ctx: s.ctx() });
    },
    taskExit() {
      s.emit({ kind: 'task_exit', ctx: s.ctx() });
    },
    free(lo, hi) {
      s.emit({ kind: 'free', ctx: s.ctx(), lo, hi });
    },
    call(frame, body) {
      s.stack.unshift(frame);
      try {
        body();
      } finally {
        s.stack.shift();
      }
    },
    switchTo(task, cpu = s.cpu) {
      s.task = task;
      s.cpu = cpu;
    },
  };
  return s;
}

// ---------------------------------------------------------------------------
// Lock flavours of the self-test (locking-selftest-{spin,wlock,rlock,...}.h)

export type Flavour = 'spin' | 'wlock' | 'rlock' | 'mutex' | 'wsem' | 'rsem' | 'rtmutex';

interface FlavourDef {
  type: LockType;
  prefix: string;
  lock: string;
  unlock: string;
  read: ReadMode;
}

const FLAVOURS: Record<Flavour, FlavourDef> = {
  spin: { type: 'spinlock_t', prefix: 'lock', lock: 'spin_lock', unlock: 'spin_unlock', read: 0 },
  wlock: { type: 'rwlock_t', prefix: 'rwlock', lock: 'write_lock', unlock: 'write_unlock', read: 0 },
  rlock: { type: 'rwlock_t', prefix: 'rwlock', lock: 'read_lock', unlock: 'read_unlock', read: 1 },
  mutex: { type: 'mutex', prefix: 'mutex', lock: 'mutex_lock', unlock: 'mutex_unlock', read: 0 },
  wsem: { type: 'rw_semaphore', prefix: 'rwsem', lock: 'down_write', unlock: 'up_write', read: 0 },
  rsem: { type: 'rw_semaphore', prefix: 'rwsem', lock: 'down_read', unlock: 'up_read', read: 1 },
  rtmutex: { type: 'rt_mutex', prefix: 'rtmutex', lock: 'rt_mutex_lock', unlock: 'rt_mutex_unlock', read: 0 },
};

const TYPE_PREFIX: Record<string, LockType> = { lock: 'spinlock_t', rwlock: 'rwlock_t', mutex: 'mutex', rwsem: 'rw_semaphore', rtmutex: 'rt_mutex' };

/**
 * The self-test's locks: A-D are static (own class each); X1/X2, Y1/Y2,
 * Z1/Z2 are initialised by init_class_X/Y/Z(), so each pair shares one class
 * (the init call site), printed as the stringified argument.
 */
export interface SelftestLocks {
  get(prefix: string, name: string): LockdepMap;
  raw(name: string): LockdepMap;
  localA: LockdepMap;
  rcu: LockdepMap;
  rcuBh: LockdepMap;
  rcuSched: LockdepMap;
  fsReclaim: LockdepMap;
}

export function selftestLocks(): SelftestLocks {
  const cache = new Map<string, LockdepMap>();
  const get = (prefix: string, name: string): LockdepMap => {
    const k = `${prefix}_${name}`;
    let l = cache.get(k);
    if (!l) {
      const type = TYPE_PREFIX[prefix];
      const shared = /^[XYZ][12]$/.exec(name);
      const argName = { lock: 'lock', rwlock: 'rwlock', mutex: 'mutex', rwsem: 'rwsem', rtmutex: 'rtmutex' }[prefix] ?? prefix;
      l = shared
        ? mkLock(prefix === 'rtmutex' ? 'init_shared_classes' : argName, type, `site:lib/locking-selftest.c:init_class_${name[0]}:${prefix}`)
        : mkLock(k, type);
      cache.set(k, l);
    }
    return l;
  };
  const raw = (name: string): LockdepMap => {
    const k = `raw_lock_${name}`;
    let l = cache.get(k);
    if (!l) {
      l = mkLock(k, 'raw_spinlock_t');
      cache.set(k, l);
    }
    return l;
  };
  return {
    get,
    raw,
    localA: mkLock('local_A', 'local_lock_t', 'percpu:local_A'),
    rcu: mkLock('rcu_read_lock', 'rcu', 'map:rcu_read_lock'),
    rcuBh: mkLock('rcu_read_lock_bh', 'rcu', 'map:rcu_read_lock_bh'),
    rcuSched: mkLock('rcu_read_lock_sched', 'rcu', 'map:rcu_read_lock_sched', ['SPIN', 'FREE']),
    fsReclaim: mkLock('fs_reclaim', 'lockdep_map', 'map:fs_reclaim'),
  };
}

/** The self-test's macros over one flavour: LOCK/UNLOCK/INIT plus the fixed L/U/WL/RL/... shortcuts. */
export interface SelftestOps {
  s: Sim;
  locks: SelftestLocks;
  LOCK(x: string): void;
  UNLOCK(x: string): void;
  INIT(x: string): void;
  LOCK_UNLOCK_2(x: string, y: string): void;
  L(x: string): void;
  U(x: string): void;
  WL(x: string): void;
  WU(x: string): void;
  RL(x: string): void;
  RU(x: string): void;
  ML(x: string): void;
  MU(x: string): void;
  WSL(x: string): void;
  WSU(x: string): void;
  RSL(x: string): void;
  RSU(x: string): void;
  IRQ_DISABLE(): void;
  IRQ_ENABLE(): void;
  IRQ_ENTER(): void;
  IRQ_EXIT(): void;
  HARDIRQ_DISABLE(): void;
  HARDIRQ_ENABLE(): void;
  HARDIRQ_ENTER(): void;
  HARDIRQ_EXIT(): void;
  SOFTIRQ_DISABLE(): void;
  SOFTIRQ_ENABLE(): void;
  SOFTIRQ_ENTER(): void;
  SOFTIRQ_EXIT(): void;
}

export function selftestOps(s: Sim, flavour: Flavour = 'spin', irq: 'hard' | 'soft' = 'hard'): SelftestOps {
  const locks = selftestLocks();
  const f = FLAVOURS[flavour];
  const lk = (prefix: string, x: string, api: string, read: ReadMode = 0) => {
    const l = locks.get(prefix, x);
    if (TYPE_PREFIX[prefix] === 'spinlock_t' || TYPE_PREFIX[prefix] === 'rwlock_t') s.preemptDisable();
    s.acquire(l, { read, api });
  };
  const un = (prefix: string, x: string, api: string) => {
    s.release(locks.get(prefix, x), api);
    if (TYPE_PREFIX[prefix] === 'spinlock_t' || TYPE_PREFIX[prefix] === 'rwlock_t') s.preemptEnable();
  };
  const ops: SelftestOps = {
    s,
    locks,
    LOCK: (x) => lk(f.prefix, x, f.lock, f.read),
    UNLOCK: (x) => un(f.prefix, x, f.unlock),
    INIT: (x) => s.init(locks.get(f.prefix, x)),
    LOCK_UNLOCK_2: (x, y) => {
      ops.LOCK(x);
      ops.LOCK(y);
      ops.UNLOCK(y);
      ops.UNLOCK(x);
    },
    L: (x) => lk('lock', x, 'spin_lock'),
    U: (x) => un('lock', x, 'spin_unlock'),
    WL: (x) => lk('rwlock', x, 'write_lock'),
    WU: (x) => un('rwlock', x, 'write_unlock'),
    RL: (x) => lk('rwlock', x, 'read_lock', 1),
    RU: (x) => un('rwlock', x, 'read_unlock'),
    ML: (x) => lk('mutex', x, 'mutex_lock'),
    MU: (x) => un('mutex', x, 'mutex_unlock'),
    WSL: (x) => lk('rwsem', x, 'down_write'),
    WSU: (x) => un('rwsem', x, 'up_write'),
    RSL: (x) => lk('rwsem', x, 'down_read', 1),
    RSU: (x) => un('rwsem', x, 'up_read'),
    HARDIRQ_DISABLE: () => s.irqDisable(),
    HARDIRQ_ENABLE: () => s.irqEnable(),
    HARDIRQ_ENTER: () => s.HARDIRQ_ENTER(true),
    HARDIRQ_EXIT: () => s.HARDIRQ_EXIT(),
    SOFTIRQ_DISABLE: () => s.bhDisable(),
    SOFTIRQ_ENABLE: () => s.bhEnable(),
    SOFTIRQ_ENTER: () => s.SOFTIRQ_ENTER(),
    SOFTIRQ_EXIT: () => s.SOFTIRQ_EXIT(),
    IRQ_DISABLE: () => (irq === 'hard' ? s.irqDisable() : s.bhDisable()),
    IRQ_ENABLE: () => (irq === 'hard' ? s.irqEnable() : s.bhEnable()),
    IRQ_ENTER: () => (irq === 'hard' ? s.HARDIRQ_ENTER(true) : s.SOFTIRQ_ENTER()),
    IRQ_EXIT: () => (irq === 'hard' ? s.HARDIRQ_EXIT() : s.SOFTIRQ_EXIT()),
  };
  return ops;
}
