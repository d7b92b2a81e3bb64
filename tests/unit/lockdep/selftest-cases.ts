/**
 * lib/locking-selftest.c ported to the event DSL: every non-ww_mutex test
 * case locking_selftest() runs, in its order, grouped in rows exactly as the
 * kernel prints them, each cell with the kernel's expected verdict
 * (SUCCESS: debug_locks still 1; FAILURE: a report turned lockdep off) and,
 * beyond what the kernel checks, which report kind the model must print.
 */
import type { ReportKind } from '../../../src/events/types.ts';
import { createSim, selftestOps, type Flavour, type SelftestOps } from './dsl.ts';

export const FAILURE = 0;
export const SUCCESS = 1;

export type TestFn = (o: SelftestOps) => void;

export interface Cell {
  /** The kernel function name (`AA_spin`, `irqsafe3_hard_rlock_213`). */
  id: string;
  fn: TestFn;
  flavour: Flavour;
  irq: 'hard' | 'soft';
  expected: 0 | 1;
  /** Report kinds the model may print for a FAILURE cell. */
  kinds?: ReportKind[];
  /** force_read_lock_recursive at the time the kernel runs this case. */
  forceRecursive: boolean;
}

export interface Row {
  name: string;
  /** Text before each cell: `             |` pads that skip columns. */
  pad: string;
  /** DO_TESTCASE_2RW prints its pad once, before the first cell. */
  padOnce?: boolean;
  cells: Cell[];
  /** Separator/header lines printed before the row. */
  before?: string[];
}

export interface CellResult {
  debugLocks: boolean;
  kinds: ReportKind[];
}

export function runCell(c: Cell, nesting = true): CellResult {
  const s = createSim({ forceReadLockRecursive: c.forceRecursive, proveRawLockNesting: nesting });
  const o = selftestOps(s, c.flavour, c.irq);
  c.fn(o);
  return { debugLocks: s.lockdep.debugLocks(), kinds: s.reports.map((r) => r.kind) };
}

// ---------------------------------------------------------------------------
// Test bodies

const LU2 = (o: SelftestOps, x: string, y: string) => o.LOCK_UNLOCK_2(x, y);

const AA: TestFn = (o) => {
  o.LOCK('X1');
  o.LOCK('X2');
};
const ABBA: TestFn = (o) => {
  LU2(o, 'A', 'B');
  LU2(o, 'B', 'A');
};
const ABBCCA: TestFn = (o) => {
  LU2(o, 'A', 'B');
  LU2(o, 'B', 'C');
  LU2(o, 'C', 'A');
};
const ABCABC: TestFn = (o) => {
  LU2(o, 'A', 'B');
  LU2(o, 'C', 'A');
  LU2(o, 'B', 'C');
};
const ABBCCDDA: TestFn = (o) => {
  LU2(o, 'A', 'B');
  LU2(o, 'B', 'C');
  LU2(o, 'C', 'D');
  LU2(o, 'D', 'A');
};
const ABCDBDDA: TestFn = (o) => {
  LU2(o, 'A', 'B');
  LU2(o, 'C', 'D');
  LU2(o, 'B', 'D');
  LU2(o, 'D', 'A');
};
const ABCDBCDA: TestFn = (o) => {
  LU2(o, 'A', 'B');
  LU2(o, 'C', 'D');
  LU2(o, 'B', 'C');
  LU2(o, 'D', 'A');
};
const double_unlock: TestFn = (o) => {
  o.LOCK('A');
  o.UNLOCK('A');
  o.UNLOCK('A');
};
const init_held: TestFn = (o) => {
  o.LOCK('A');
  o.INIT('A');
};

const rlock_AA1: TestFn = (o) => {
  o.RL('X1');
  o.RL('X1');
};
const rlock_AA1B: TestFn = (o) => {
  o.RL('X1');
  o.RL('X2');
};
const rsem_AA1: TestFn = (o) => {
  o.RSL('X1');
  o.RSL('X1');
};
const rsem_AA1B: TestFn = (o) => {
  o.RSL('X1');
  o.RSL('X2');
};
const rlock_AA2: TestFn = (o) => {
  o.RL('X1');
  o.WL('X2');
};
const rsem_AA2: TestFn = (o) => {
  o.RSL('X1');
  o.WSL('X2');
};
const rlock_AA3: TestFn = (o) => {
  o.WL('X1');
  o.RL('X2');
};
const rsem_AA3: TestFn = (o) => {
  o.WSL('X1');
  o.RSL('X2');
};
const rlock_ABBA1: TestFn = (o) => {
  o.RL('X1'), o.L('Y1'), o.U('Y1'), o.RU('X1');
  o.L('Y1'), o.WL('X1'), o.WU('X1'), o.U('Y1');
};
const rwsem_ABBA1: TestFn = (o) => {
  o.RSL('X1'), o.ML('Y1'), o.MU('Y1'), o.RSU('X1');
  o.ML('Y1'), o.WSL('X1'), o.WSU('X1'), o.MU('Y1');
};
const rlock_chaincache_ABBA1: TestFn = (o) => {
  o.RL('X1'), o.L('Y1'), o.U('Y1'), o.RU('X1');
  o.L('Y1'), o.RL('X1'), o.RU('X1'), o.U('Y1');
  o.L('Y1'), o.WL('X1'), o.WU('X1'), o.U('Y1');
};
const rlock_ABBA2: TestFn = (o) => {
  o.RL('X1'), o.L('Y1'), o.U('Y1'), o.RU('X1');
  o.L('Y1'), o.RL('X1'), o.RU('X1'), o.U('Y1');
};
const rwsem_ABBA2: TestFn = (o) => {
  o.RSL('X1'), o.ML('Y1'), o.MU('Y1'), o.RSU('X1');
  o.ML('Y1'), o.RSL('X1'), o.RSU('X1'), o.MU('Y1');
};
const rlock_ABBA3: TestFn = (o) => {
  o.WL('X1'), o.L('Y1'), o.U('Y1'), o.WU('X1');
  o.L('Y1'), o.WL('X1'), o.WU('X1'), o.U('Y1');
};
const rwsem_ABBA3: TestFn = (o) => {
  o.WSL('X1'), o.ML('Y1'), o.MU('Y1'), o.WSU('X1');
  o.ML('Y1'), o.WSL('X1'), o.WSU('X1'), o.MU('Y1');
};

type Three = [TestFn, TestFn, TestFn];
const PERMS3 = ['123', '132', '213', '231', '312', '321'] as const;
const PERMS2 = ['12', '21'] as const;

function perm(events: TestFn[], order: string): TestFn {
  return (o) => {
    for (const ch of order) events[Number(ch) - 1](o);
  };
}

// write-read / write-read / write-read deadlock even if read is recursive
const W1R2_W2R3_W3R1: Three = [
  (o) => (o.WL('X1'), o.RL('Y1'), o.RU('Y1'), o.WU('X1')),
  (o) => (o.WL('Y1'), o.RL('Z1'), o.RU('Z1'), o.WU('Y1')),
  (o) => (o.WL('Z1'), o.RL('X1'), o.RU('X1'), o.WU('Z1')),
];
// write-write / read-read / write-read deadlock even if read is recursive
const W1W2_R2R3_W3R1: Three = [
  (o) => (o.WL('X1'), o.WL('Y1'), o.WU('Y1'), o.WU('X1')),
  (o) => (o.RL('Y1'), o.RL('Z1'), o.RU('Z1'), o.RU('Y1')),
  (o) => (o.WL('Z1'), o.RL('X1'), o.RU('X1'), o.WU('Z1')),
];
// write-write / read-read / read-write is not deadlock (the kernel names this one W1R2_R2R3_W3W1)
const W1R2_R2R3_W3W1: Three = [
  (o) => (o.WL('X1'), o.WL('Y1'), o.WU('Y1'), o.WU('X1')),
  (o) => (o.RL('Y1'), o.RL('Z1'), o.RU('Z1'), o.RU('Y1')),
  (o) => (o.RL('Z1'), o.WL('X1'), o.WU('X1'), o.RU('Z1')),
];
// write-read / read-read / write-write is not deadlock (the kernel names this one W1W2_R2R3_R3W1)
const W1W2_R2R3_R3W1: Three = [
  (o) => (o.WL('X1'), o.RL('Y1'), o.RU('Y1'), o.WU('X1')),
  (o) => (o.RL('Y1'), o.RL('Z1'), o.RU('Z1'), o.RU('Y1')),
  (o) => (o.WL('Z1'), o.WL('X1'), o.WU('X1'), o.WU('Z1')),
];

const irqsafe1: TestFn[] = [
  (o) => (o.IRQ_ENTER(), o.LOCK('A'), o.UNLOCK('A'), o.IRQ_EXIT()),
  (o) => (o.LOCK('A'), o.UNLOCK('A')),
];
const irqsafe2A: TestFn[] = [
  (o) => (o.SOFTIRQ_ENTER(), o.LOCK('A'), o.UNLOCK('A'), o.SOFTIRQ_EXIT()),
  (o) => (o.HARDIRQ_DISABLE(), o.LOCK('A'), o.HARDIRQ_ENABLE(), o.UNLOCK('A')),
];
const irqsafe2B: TestFn[] = [
  (o) => (o.IRQ_ENTER(), o.LOCK('A'), o.UNLOCK('A'), o.IRQ_EXIT()),
  (o) => (o.IRQ_DISABLE(), o.LOCK('A'), o.IRQ_ENABLE(), o.UNLOCK('A')),
];
const irqsafe3: Three = [
  (o) => (o.LOCK('A'), o.LOCK('B'), o.UNLOCK('B'), o.UNLOCK('A')),
  (o) => (o.LOCK('B'), o.UNLOCK('B')),
  (o) => (o.IRQ_ENTER(), o.LOCK('A'), o.UNLOCK('A'), o.IRQ_EXIT()),
];
const irqsafe4: Three = [
  (o) => (o.IRQ_DISABLE(), o.LOCK('A'), o.LOCK('B'), o.UNLOCK('B'), o.UNLOCK('A'), o.IRQ_ENABLE()),
  (o) => (o.LOCK('B'), o.UNLOCK('B')),
  (o) => (o.IRQ_ENTER(), o.LOCK('A'), o.UNLOCK('A'), o.IRQ_EXIT()),
];
const irq_inversion: Three = [
  (o) => (o.IRQ_DISABLE(), o.WL('A'), o.LOCK('B'), o.UNLOCK('B'), o.WU('A'), o.IRQ_ENABLE()),
  (o) => (o.LOCK('B'), o.UNLOCK('B')),
  (o) => (o.IRQ_ENTER(), o.RL('A'), o.RU('A'), o.IRQ_EXIT()),
];
const irq_read_recursion: Three = [
  (o) => (o.IRQ_DISABLE(), o.WL('A'), o.WU('A'), o.IRQ_ENABLE()),
  (o) => (o.RL('A'), o.RU('A')),
  (o) => (o.IRQ_ENTER(), o.LOCK('A'), o.L('B'), o.U('B'), o.UNLOCK('A'), o.IRQ_EXIT()),
];
const irq_read_recursion2: Three = [
  (o) => (o.IRQ_DISABLE(), o.L('B'), o.LOCK('A'), o.UNLOCK('A'), o.U('B'), o.IRQ_ENABLE()),
  (o) => (o.RL('A'), o.RU('A')),
  (o) => (o.IRQ_ENTER(), o.L('B'), o.U('B'), o.IRQ_EXIT()),
];
const irq_read_recursion3: Three = [
  (o) => (o.IRQ_DISABLE(), o.WL('B'), o.LOCK('A'), o.UNLOCK('A'), o.WU('B'), o.IRQ_ENABLE()),
  (o) => (o.RL('A'), o.RU('A')),
  (o) => (o.IRQ_ENTER(), o.RL('B'), o.RU('B'), o.IRQ_EXIT()),
];

// queued_read_lock_tests(): force_read_lock_recursive is 0 again here.
const rwA = (o: SelftestOps) => o.locks.get('rwlock', 'A');
const readLockA = (o: SelftestOps) => (o.s.preemptDisable(), o.s.acquire(rwA(o), { read: 1, api: 'read_lock' }));
const readUnlockA = (o: SelftestOps) => (o.s.release(rwA(o), 'read_unlock'), o.s.preemptEnable());
const queued_read_lock_hardirq_RE_Er: TestFn = (o) => {
  o.HARDIRQ_ENTER(), readLockA(o), o.LOCK('B'), o.UNLOCK('B'), readUnlockA(o), o.HARDIRQ_EXIT();
  o.HARDIRQ_DISABLE(), o.LOCK('B'), readLockA(o), readUnlockA(o), o.UNLOCK('B'), o.HARDIRQ_ENABLE();
};
const queued_read_lock_hardirq_ER_rE: TestFn = (o) => {
  o.HARDIRQ_ENTER(), o.LOCK('B'), readLockA(o), readUnlockA(o), o.UNLOCK('B'), o.HARDIRQ_EXIT();
  o.HARDIRQ_DISABLE(), readLockA(o), o.LOCK('B'), o.UNLOCK('B'), readUnlockA(o), o.HARDIRQ_ENABLE();
};
const queued_read_lock_hardirq_inversion: TestFn = (o) => {
  o.HARDIRQ_ENTER(), o.LOCK('B'), o.UNLOCK('B'), o.HARDIRQ_EXIT();
  o.HARDIRQ_DISABLE(), o.LOCK('B'), readLockA(o), readUnlockA(o), o.UNLOCK('B'), o.HARDIRQ_ENABLE();
  readLockA(o), readUnlockA(o);
};

// fs_reclaim_tests(): fs_reclaim_acquire(gfp) takes the fs_reclaim map only when the mask allows __GFP_FS reclaim.
const GFP_KERNEL = { fs: true };
const GFP_NOFS = { fs: false };
function fsReclaim(o: SelftestOps, gfp: { fs: boolean }, nofs: boolean, body?: () => void) {
  const takes = gfp.fs && !nofs;
  if (takes) o.s.acquire(o.locks.fsReclaim, { api: 'fs_reclaim_acquire' });
  body?.();
  if (takes) o.s.release(o.locks.fsReclaim, 'fs_reclaim_release');
}
const fs_reclaim_correct_nesting: TestFn = (o) => fsReclaim(o, GFP_KERNEL, false, () => fsReclaim(o, GFP_NOFS, false));
const fs_reclaim_wrong_nesting: TestFn = (o) => fsReclaim(o, GFP_KERNEL, false, () => fsReclaim(o, GFP_KERNEL, false));
const fs_reclaim_protected_nesting: TestFn = (o) => fsReclaim(o, GFP_KERNEL, false, () => fsReclaim(o, GFP_KERNEL, true));

// wait_context_tests(): guard(outer)(); guard(inner)(); with the inner guard dropped first.
type Guard = { enter: (o: SelftestOps) => void; exit: (o: SelftestOps) => void };
const guards: Record<string, Guard> = {
  HARDIRQ: { enter: (o) => o.s.HARDIRQ_ENTER(true), exit: (o) => o.s.HARDIRQ_EXIT() },
  NOTTHREADED_HARDIRQ: { enter: (o) => o.s.HARDIRQ_ENTER(false), exit: (o) => o.s.HARDIRQ_EXIT() },
  SOFTIRQ: { enter: (o) => o.s.SOFTIRQ_ENTER(), exit: (o) => o.s.SOFTIRQ_EXIT() },
  RCU: { enter: (o) => o.s.acquire(o.locks.rcu, { read: 2, check: false, api: 'rcu_read_lock' }), exit: (o) => o.s.release(o.locks.rcu, 'rcu_read_unlock') },
  RCU_BH: {
    enter: (o) => (o.s.bhDisable(), o.s.acquire(o.locks.rcuBh, { read: 2, check: false, api: 'rcu_read_lock_bh' })),
    exit: (o) => (o.s.release(o.locks.rcuBh, 'rcu_read_unlock_bh'), o.s.bhEnable()),
  },
  RCU_SCHED: {
    enter: (o) => (o.s.preemptDisable(), o.s.acquire(o.locks.rcuSched, { read: 2, check: false, api: 'rcu_read_lock_sched' })),
    exit: (o) => (o.s.release(o.locks.rcuSched, 'rcu_read_unlock_sched'), o.s.preemptEnable()),
  },
  raw_spinlock_A: { enter: (o) => o.s.acquire(o.locks.raw('A'), { api: 'raw_spin_lock' }), exit: (o) => o.s.release(o.locks.raw('A'), 'raw_spin_unlock') },
  spinlock_A: { enter: (o) => o.s.acquire(o.locks.get('lock', 'A'), { api: 'spin_lock' }), exit: (o) => o.s.release(o.locks.get('lock', 'A'), 'spin_unlock') },
  mutex_A: { enter: (o) => o.s.acquire(o.locks.get('mutex', 'A'), { api: 'mutex_lock' }), exit: (o) => o.s.release(o.locks.get('mutex', 'A'), 'mutex_unlock') },
  RCU_inner: { enter: (o) => o.s.acquire(o.locks.rcu, { read: 2, check: false, api: 'rcu_read_lock' }), exit: (o) => o.s.release(o.locks.rcu, 'rcu_read_unlock') },
  raw_spinlock_B: { enter: (o) => o.s.acquire(o.locks.raw('B'), { api: 'raw_spin_lock' }), exit: (o) => o.s.release(o.locks.raw('B'), 'raw_spin_unlock') },
  spinlock_B: { enter: (o) => o.s.acquire(o.locks.get('lock', 'B'), { api: 'spin_lock' }), exit: (o) => o.s.release(o.locks.get('lock', 'B'), 'spin_unlock') },
  mutex_B: { enter: (o) => o.s.acquire(o.locks.get('mutex', 'B'), { api: 'mutex_lock' }), exit: (o) => o.s.release(o.locks.get('mutex', 'B'), 'mutex_unlock') },
};
function inner_in_outer(outer: Guard, inner: Guard): TestFn {
  return (o) => {
    outer.enter(o);
    inner.enter(o);
    inner.exit(o);
    outer.exit(o);
  };
}

// local_lock_tests()
const localLock = (o: SelftestOps) => (o.s.preemptDisable(), o.s.acquire(o.locks.localA, { api: 'local_lock' }));
const localUnlock = (o: SelftestOps) => (o.s.release(o.locks.localA, 'local_unlock'), o.s.preemptEnable());
const spinLock = (o: SelftestOps, x: string) => o.s.acquire(o.locks.get('lock', x), { api: 'spin_lock' });
const spinUnlock = (o: SelftestOps, x: string) => o.s.release(o.locks.get('lock', x), 'spin_unlock');
const local_lock_2: TestFn = (o) => {
  localLock(o), localUnlock(o);
  o.HARDIRQ_ENTER(), spinLock(o, 'A'), spinUnlock(o, 'A'), o.HARDIRQ_EXIT();
  o.HARDIRQ_DISABLE(), spinLock(o, 'A'), localLock(o), localUnlock(o), spinUnlock(o, 'A'), o.HARDIRQ_ENABLE();
};
const local_lock_3A: TestFn = (o) => {
  localLock(o), spinLock(o, 'B'), spinUnlock(o, 'B'), localUnlock(o);
  o.HARDIRQ_ENTER(), spinLock(o, 'A'), spinUnlock(o, 'A'), o.HARDIRQ_EXIT();
  o.HARDIRQ_DISABLE(), spinLock(o, 'A'), localLock(o), localUnlock(o), spinUnlock(o, 'A'), o.HARDIRQ_ENABLE();
};
const local_lock_3B: TestFn = (o) => {
  local_lock_3A(o);
  o.HARDIRQ_DISABLE(), spinLock(o, 'A'), spinLock(o, 'B'), spinUnlock(o, 'B'), spinUnlock(o, 'A'), o.HARDIRQ_DISABLE();
};

const hardirq_deadlock_softirq_not_deadlock: TestFn = (o) => {
  const ml = () => o.s.acquire(o.locks.get('mutex', 'A'), { api: 'mutex_lock' });
  const mu = () => o.s.release(o.locks.get('mutex', 'A'), 'mutex_unlock');
  ml(), o.HARDIRQ_DISABLE(), spinLock(o, 'C'), spinUnlock(o, 'C'), o.HARDIRQ_ENABLE(), mu();
  o.HARDIRQ_ENTER(), spinLock(o, 'A'), spinUnlock(o, 'A'), o.HARDIRQ_EXIT();
  o.HARDIRQ_DISABLE(), spinLock(o, 'A'), spinLock(o, 'B'), spinUnlock(o, 'B'), spinUnlock(o, 'A'), o.HARDIRQ_ENABLE();
  o.HARDIRQ_DISABLE(), spinLock(o, 'B'), spinLock(o, 'C'), spinUnlock(o, 'C'), spinUnlock(o, 'B'), o.HARDIRQ_ENABLE();
  o.SOFTIRQ_ENTER(), spinLock(o, 'D'), spinUnlock(o, 'D'), o.SOFTIRQ_EXIT();
  o.SOFTIRQ_DISABLE(), spinLock(o, 'D'), spinUnlock(o, 'D'), o.SOFTIRQ_ENABLE();
  o.HARDIRQ_DISABLE(), spinLock(o, 'C'), spinLock(o, 'D'), spinUnlock(o, 'D'), spinUnlock(o, 'C'), o.HARDIRQ_ENABLE();
};

/**
 * test_lockdep_set_subclass_name(): lockdep_set_subclass() must keep the
 * name. The kernel compares name pointers; here the class the next plain
 * acquisition lands in must print as the same name with `/1`, otherwise the
 * case turns lockdep off the way DEBUG_LOCKS_WARN_ON() would.
 */
const test_lockdep_set_subclass_name: TestFn = (o) => {
  const l = o.locks.get('rwsem', 'X1');
  o.s.setClass(l, l.key, l.name, 1);
  o.s.acquire(l, { read: 1, api: 'down_read' });
  o.s.release(l, 'up_read');
  const cls = o.s.lockdep.graph().classes.find((c) => c.classKey === `${l.key}/1`);
  if (!cls || cls.name !== `${l.name}/1`) o.s.init(l), o.s.acquire(l), o.s.init(l);
};

// ---------------------------------------------------------------------------
// The table, in locking_selftest()'s order

const SEP = '  --------------------------------------------------------------------------';
const CIRC: ReportKind[] = ['circular'];
const IRQ_KINDS: ReportKind[] = ['inconsistent', 'irq-safe-unsafe', 'irq-inversion'];

function cell(id: string, fn: TestFn, flavour: Flavour, expected: 0 | 1, kinds: ReportKind[] | undefined, forceRecursive: boolean, irq: 'hard' | 'soft' = 'hard'): Cell {
  return { id, fn, flavour, irq, expected, kinds: expected === FAILURE ? kinds : undefined, forceRecursive };
}

const SIX: Flavour[] = ['spin', 'wlock', 'rlock', 'mutex', 'wsem', 'rsem', 'rtmutex'];

export function buildRows(opts: { proveRawLockNesting: boolean; queuedRwlocks?: boolean } = { proveRawLockNesting: true }): Row[] {
  const rows: Row[] = [];
  const force = true;
  const six = (desc: string, name: string, fn: TestFn, readSucceeds: boolean, kinds: ReportKind[]) => {
    rows.push({
      name: desc,
      pad: '',
      cells: SIX.map((f) => cell(`${name}_${f}`, fn, f, f === 'rlock' && readSucceeds ? SUCCESS : FAILURE, kinds, force)),
    });
  };
  six('A-A deadlock', 'AA', AA, true, ['recursive']);
  six('A-B-B-A deadlock', 'ABBA', ABBA, true, CIRC);
  six('A-B-B-C-C-A deadlock', 'ABBCCA', ABBCCA, true, CIRC);
  six('A-B-C-A-B-C deadlock', 'ABCABC', ABCABC, true, CIRC);
  six('A-B-B-C-C-D-D-A deadlock', 'ABBCCDDA', ABBCCDDA, true, CIRC);
  six('A-B-C-D-B-D-D-A deadlock', 'ABCDBDDA', ABCDBDDA, true, CIRC);
  six('A-B-C-D-B-C-D-A deadlock', 'ABCDBCDA', ABCDBCDA, true, CIRC);
  six('double unlock', 'double_unlock', double_unlock, false, ['bad-unlock-balance']);
  six('initialize held', 'init_held', init_held, false, ['held-lock-freed']);

  const PAD = '             |';
  const rw = (desc: string, a: [string, TestFn, 0 | 1, ReportKind[]], b?: [string, TestFn, 0 | 1, ReportKind[]], first = false) => {
    const cells = [cell(a[0], a[1], 'rlock', a[2], a[3], force)];
    if (b) cells.push(cell(b[0], b[1], 'rsem', b[2], b[3], force));
    rows.push({ name: desc, pad: PAD, cells, before: first ? [SEP] : undefined });
  };
  const R: ReportKind[] = ['recursive'];
  rw('recursive read-lock', ['rlock_AA1', rlock_AA1, SUCCESS, R], ['rsem_AA1', rsem_AA1, FAILURE, R], true);
  rw('recursive read-lock #2', ['rlock_AA1B', rlock_AA1B, SUCCESS, R], ['rsem_AA1B', rsem_AA1B, FAILURE, R]);
  rw('mixed read-write-lock', ['rlock_AA2', rlock_AA2, FAILURE, R], ['rsem_AA2', rsem_AA2, FAILURE, R]);
  rw('mixed write-read-lock', ['rlock_AA3', rlock_AA3, FAILURE, R], ['rsem_AA3', rsem_AA3, FAILURE, R]);
  rw('mixed read-lock/lock-write ABBA', ['rlock_ABBA1', rlock_ABBA1, FAILURE, CIRC], ['rwsem_ABBA1', rwsem_ABBA1, FAILURE, CIRC]);
  rw('mixed read-lock/lock-read ABBA', ['rlock_ABBA2', rlock_ABBA2, SUCCESS, CIRC], ['rwsem_ABBA2', rwsem_ABBA2, FAILURE, CIRC]);
  rw('mixed write-lock/lock-write ABBA', ['rlock_ABBA3', rlock_ABBA3, FAILURE, CIRC], ['rwsem_ABBA3', rwsem_ABBA3, FAILURE, CIRC]);
  rw('chain cached mixed R-L/L-W ABBA', ['rlock_chaincache_ABBA1', rlock_chaincache_ABBA1, FAILURE, CIRC]);

  const rr = (desc: string, name: string, ev: Three, expected: 0 | 1) => {
    for (const p of PERMS3) rows.push({ name: `${desc}/${p}`, pad: PAD, cells: [cell(`${name}_${p}`, perm(ev, p), 'rlock', expected, CIRC, force)] });
  };
  rr('rlock W1R2/W2R3/W3R1', 'W1R2_W2R3_W3R1', W1R2_W2R3_W3R1, FAILURE);
  rr('rlock W1W2/R2R3/W3R1', 'W1W2_R2R3_W3R1', W1W2_R2R3_W3R1, FAILURE);
  rr('rlock W1W2/R2R3/R3W1', 'W1W2_R2R3_R3W1', W1W2_R2R3_R3W1, SUCCESS);
  rr('rlock W1R2/R2R3/W3W1', 'W1R2_R2R3_W3W1', W1R2_R2R3_W3W1, SUCCESS);

  // DO_TESTCASE_3: spin and wlock must fail, rlock (recursive readers) must not.
  const three = (desc: string, name: string, fn: TestFn, irq: 'hard' | 'soft' | undefined, nr: string, before?: string[]) => {
    const i = irq ?? 'hard';
    const mid = irq ? `${irq}_` : '';
    rows.push({
      name: `${desc}/${nr}`,
      pad: '',
      before,
      cells: (['spin', 'wlock', 'rlock'] as Flavour[]).map((f) => cell(`${name}_${mid}${f}_${nr}`, fn, f, f === 'rlock' ? SUCCESS : FAILURE, IRQ_KINDS, force, i)),
    });
  };
  let firstIrq = true;
  const sixI = (desc: string, name: string, fn: TestFn, nr: string) => {
    three(`hard-${desc}`, name, fn, 'hard', nr, firstIrq ? [SEP] : undefined);
    firstIrq = false;
    three(`soft-${desc}`, name, fn, 'soft', nr);
  };
  for (const p of PERMS2) sixI('irqs-on + irq-safe-A', 'irqsafe1', perm(irqsafe1, p), p);
  for (const p of PERMS2) three('sirq-safe-A => hirqs-on', 'irqsafe2A', perm(irqsafe2A, p), undefined, p);
  for (const p of PERMS2) sixI('safe-A + irqs-on', 'irqsafe2B', perm(irqsafe2B, p), p);
  for (const p of PERMS3) sixI('safe-A + unsafe-B #1', 'irqsafe3', perm(irqsafe3, p), p);
  for (const p of PERMS3) sixI('safe-A + unsafe-B #2', 'irqsafe4', perm(irqsafe4, p), p);
  for (const p of PERMS3) sixI('irq lock-inversion', 'irq_inversion', perm(irq_inversion, p), p);

  // DO_TESTCASE_2RW: `      |` skips the spin column; wlock fails, rlock passes.
  const twoRW = (desc: string, name: string, ev: Three) => {
    for (const p of PERMS3) {
      for (const irq of ['hard', 'soft'] as const) {
        rows.push({
          name: `${irq}-${desc}/${p}`,
          pad: '      |',
          padOnce: true,
          cells: (['wlock', 'rlock'] as Flavour[]).map((f) => cell(`${name}_${irq}_${f}_${p}`, perm(ev, p), f, f === 'rlock' ? SUCCESS : FAILURE, IRQ_KINDS, force, irq)),
        });
      }
    }
  };
  twoRW('irq read-recursion', 'irq_read_recursion', irq_read_recursion);
  twoRW('irq read-recursion #2', 'irq_read_recursion2', irq_read_recursion2);
  twoRW('irq read-recursion #3', 'irq_read_recursion3', irq_read_recursion3);

  const single = (desc: string, id: string, fn: TestFn, expected: 0 | 1, kinds: ReportKind[], flavour: Flavour, before?: string[]) => {
    rows.push({ name: desc, pad: '', before, cells: [cell(id, fn, flavour, expected, kinds, false)] });
  };
  if (opts.queuedRwlocks !== false) {
    single('hardirq read-lock/lock-read', 'queued_read_lock_hardirq_RE_Er', queued_read_lock_hardirq_RE_Er, FAILURE, CIRC, 'spin', [
      SEP,
      '  | queued read lock tests |',
      '  ---------------------------',
    ]);
    single('hardirq lock-read/read-lock', 'queued_read_lock_hardirq_ER_rE', queued_read_lock_hardirq_ER_rE, SUCCESS, CIRC, 'spin');
    single('hardirq inversion', 'queued_read_lock_hardirq_inversion', queued_read_lock_hardirq_inversion, FAILURE, ['irq-inversion'], 'spin');
  }
  single('correct nesting', 'fs_reclaim_correct_nesting', fs_reclaim_correct_nesting, SUCCESS, R, 'spin', ['  --------------------', '  | fs_reclaim tests |', '  --------------------']);
  single('wrong nesting', 'fs_reclaim_wrong_nesting', fs_reclaim_wrong_nesting, FAILURE, R, 'spin');
  single('protected nesting', 'fs_reclaim_protected_nesting', fs_reclaim_protected_nesting, SUCCESS, R, 'spin');

  if (opts.proveRawLockNesting) {
    const W: ReportKind[] = ['invalid-wait-context'];
    const ctxRow = (desc: string, outer: string, kind: 'preemptible' | 'limited' | 'not', before?: string[]) => {
      const o = guards[outer];
      const inner: [string, string, Flavour, 0 | 1][] = [
        ['RCU', 'RCU_inner', 'rlock', SUCCESS],
        ['raw_spinlock', 'raw_spinlock_B', 'spin', SUCCESS],
        ['spinlock', 'spinlock_B', 'spin', kind === 'not' ? FAILURE : SUCCESS],
        ['mutex', 'mutex_B', 'mutex', kind === 'preemptible' ? SUCCESS : FAILURE],
      ];
      rows.push({
        name: desc,
        pad: '',
        before,
        cells: inner.map(([n, g, f, exp]) => cell(`${n}_in_${outer}`, inner_in_outer(o, guards[g]), f, exp, W, false)),
      });
    };
    ctxRow('in hardirq context', 'HARDIRQ', 'limited', [
      SEP,
      '  | wait context tests |',
      SEP,
      '                                 | rcu  | raw  | spin |mutex |',
      SEP,
    ]);
    ctxRow('in hardirq context (not threaded)', 'NOTTHREADED_HARDIRQ', 'not');
    ctxRow('in softirq context', 'SOFTIRQ', 'limited');
    ctxRow('in RCU context', 'RCU', 'limited');
    ctxRow('in RCU-bh context', 'RCU_BH', 'limited');
    ctxRow('in RCU-sched context', 'RCU_SCHED', 'not');
    ctxRow('in RAW_SPINLOCK context', 'raw_spinlock_A', 'not');
    ctxRow('in SPINLOCK context', 'spinlock_A', 'limited');
    ctxRow('in MUTEX context', 'mutex_A', 'preemptible');
  }

  const LL: ReportKind[] = ['irq-safe-unsafe'];
  single('local_lock inversion  2', 'local_lock_2', local_lock_2, SUCCESS, LL, 'spin', [SEP, '  | local_lock tests |', '  ---------------------']);
  single('local_lock inversion 3A', 'local_lock_3A', local_lock_3A, SUCCESS, LL, 'spin');
  single('local_lock inversion 3B', 'local_lock_3B', local_lock_3B, FAILURE, LL, 'spin');
  single('hardirq_unsafe_softirq_safe', 'hardirq_deadlock_softirq_not_deadlock', hardirq_deadlock_softirq_not_deadlock, FAILURE, LL, 'spin');
  single('compare name before and after', 'test_lockdep_set_subclass_name', test_lockdep_set_subclass_name, SUCCESS, [], 'rsem', [
    SEP,
    '  | lockdep_set_subclass() name test|',
    '  -----------------------------------',
  ]);
  return rows;
}

export interface TableResult {
  lines: string[];
  total: number;
  successes: number;
  unexpected: number;
  failedCells: { cell: Cell; result: CellResult }[];
}

/** Run every row and print the table as locking_selftest() does. */
export function runSelftest(opts: { proveRawLockNesting: boolean } = { proveRawLockNesting: true }): TableResult {
  const lines = [
    '------------------------',
    '| Locking API testsuite:',
    '----------------------------------------------------------------------------',
    '                                 | spin |wlock |rlock |mutex | wsem | rsem |rtmutex',
    SEP,
  ];
  let total = 0;
  let successes = 0;
  let unexpected = 0;
  const failedCells: TableResult['failedCells'] = [];
  for (const row of buildRows(opts)) {
    if (row.before) lines.push(...row.before);
    let text = row.name.padStart(33) + ':';
    row.cells.forEach((c, i) => {
      if (!row.padOnce || i === 0) text += row.pad;
      const r = runCell(c, opts.proveRawLockNesting);
      const got = r.debugLocks ? SUCCESS : FAILURE;
      const kindOk = c.expected === SUCCESS || !c.kinds || (r.kinds.length > 0 && c.kinds.includes(r.kinds[0]));
      total++;
      if (got !== c.expected || !kindOk) {
        unexpected++;
        failedCells.push({ cell: c, result: r });
        text += 'FAILED|';
      } else {
        successes++;
        text += '  ok  |';
      }
    });
    lines.push(text);
  }
  if (unexpected) {
    lines.push('-----------------------------------------------------------------');
    lines.push(`BUG: ${String(unexpected).padStart(3)} unexpected failures (out of ${String(total).padStart(3)}) - debugging disabled! |`);
    lines.push('-----------------------------------------------------------------');
  } else {
    lines.push('-------------------------------------------------------');
    lines.push(`Good, all ${String(successes).padStart(3)} testcases passed! |`);
    lines.push('---------------------------------');
  }
  return { lines, total, successes, unexpected, failedCells };
}
