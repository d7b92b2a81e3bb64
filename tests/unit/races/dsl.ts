/**
 * A tiny DSL for driving the race check with hand-built event sequences:
 * actors (tasks on CPUs, and their interrupt handlers) call functions, take
 * locks, touch fields and lists; every step becomes the KernelEvent the
 * simulated kernel would emit, with a consistent EventContext.
 */
import { callTraceLines } from '../../../src/events/format.ts';
import type {
  EventContext,
  EventObserver,
  Frame,
  KernelEnv,
  KernelEvent,
  KernelLog,
  ListOp,
  LockdepMap,
  LockType,
  LogEntry,
  Report,
} from '../../../src/events/types.ts';
import { createRaceChecker } from '../../../src/races/index.ts';

export interface Obj {
  objId: number;
  label: string;
  addr: bigint;
  size: number;
}

export const testEnv: KernelEnv = {
  ident: () => '6.18.0-lab #1 Not tainted',
  dumpStack: (ctx) => [
    `CPU: ${ctx.cpu} PID: ${ctx.task.pid} Comm: ${ctx.task.comm} Not tainted 6.18.0-lab #1`,
    'Hardware name: Lockdep Lab simulated machine',
    ...callTraceLines(ctx),
  ],
};

export interface World {
  reports: Report[];
  events: KernelEvent[];
  observer: EventObserver;
  emit(e: KernelEvent): void;
  task(pid: number, comm: string, cpu: number): Actor;
  lock(name: string, lockType?: LockType): LockdepMap;
  obj(label: string, size?: number): Obj;
}

export interface Actor {
  readonly ctx: () => EventContext;
  /** Run `body` inside `fn` (pushes a frame at `file:line`). */
  call(fn: string, file: string, line: number, body: () => void): void;
  /** Move the innermost frame to `line` (the next event happens there). */
  at(line: number): Actor;
  spinLock(l: LockdepMap): void;
  spinUnlock(l: LockdepMap): void;
  /** raw_spin_lock_irqsave(): IRQs off, then the lock. */
  spinLockIrqsave(l: LockdepMap): void;
  spinUnlockIrqrestore(l: LockdepMap): void;
  readLock(l: LockdepMap): void;
  readUnlock(l: LockdepMap): void;
  irqOff(): void;
  irqOn(): void;
  bhOff(): void;
  bhOn(): void;
  preemptOff(): void;
  preemptOn(): void;
  rcuReadLock(): void;
  rcuReadUnlock(): void;
  read(o: Obj, field: string, marked?: boolean): void;
  write(o: Obj, field: string, marked?: boolean): void;
  list(op: ListOp, head: Obj, entry?: Obj): void;
  /** INIT_LIST_HEAD(head) as the interpreter emits it: a marked write of head->next, a plain write of head->prev. */
  initListHead(head: Obj): void;
  /** One list_iter(_rcu) event per entry. */
  walk(head: Obj, entries: Obj[], rcu?: boolean): void;
  alloc(o: Obj): void;
  kfree(o: Obj): void;
  kfreeRcu(o: Obj): void;
  /** The end of the grace period of an earlier kfreeRcu(o): the memory really goes. */
  gracePeriod(o: Obj): void;
  /** Run `body` as a hardirq handler `fn` on this actor's CPU, interrupting it. */
  hardirq(fn: string, file: string, line: number, body: (h: Actor) => void): void;
  /** Run `body` as softirq context on this actor's CPU. */
  softirq(fn: string, file: string, line: number, body: (h: Actor) => void): void;
  /**
   * The locking self-test's SOFTIRQ_ENTER()/SOFTIRQ_EXIT() (what the kernel
   * builtin softirq_enter() does): BH and IRQs off, then a softirq_enter
   * event, in this very task — SC stays even, only the event says "softirq".
   */
  selftestSoftirq(body: () => void): void;
}

export function world(opts: { withChecker?: boolean; harnessFiles?: string[] } = {}): World {
  const reports: Report[] = [];
  const events: KernelEvent[] = [];
  const log: KernelLog = {
    printk: (_e: Extract<LogEntry, { type: 'printk' }>) => {},
    report: (r) => reports.push(r),
  };
  const observer = opts.withChecker === false ? { event: () => {} } : createRaceChecker({ env: testEnv, log, harnessFiles: opts.harnessFiles });
  let nextId = 1;
  let nextAddr = 0xffff888100001000n;
  // The checker holds a plain read back by one event (atomic RMW pairing);
  // a run always ends with task exits, so reading the reports ends the run.
  let open = false;
  const idle: EventContext = {
    cpu: 0,
    task: { pid: 0, comm: 'swapper/0' },
    stack: [],
    hardirqCount: 0,
    softirqCount: 0,
    preemptCount: 0,
    nmi: false,
    hardirqsEnabled: true,
    softirqsEnabled: true,
  };
  const w: World = {
    get reports() {
      if (open) {
        open = false;
        observer.event({ kind: 'task_exit', ctx: idle });
      }
      return reports;
    },
    events,
    observer,
    emit(e) {
      events.push(e);
      observer.event(e);
      open = true;
    },
    task: (pid, comm, cpu) => actor(w, { cpu, task: { pid, comm }, hardirqCount: 0, softirqCount: 0 }),
    lock(name, lockType = 'raw_spinlock_t') {
      const id = nextId++;
      const addr = nextAddr;
      nextAddr += 0x40n;
      const key = name.startsWith('rcu') ? `map:${name}` : `site:vgic.c:${id}:1`;
      return { id, addr, key, name, lockType, waitInner: 'SPIN', waitOuter: 'INV' };
    },
    obj(label, size = 8) {
      const addr = nextAddr;
      nextAddr += 0x100n;
      return { objId: nextId++, label, addr, size };
    },
  };
  return w;
}

const rcuMap: LockdepMap = {
  id: 999_999,
  addr: 0xffffffff83000000n,
  key: 'map:rcu_read_lock',
  name: 'rcu_read_lock',
  lockType: 'rcu',
  waitInner: 'CONFIG',
  waitOuter: 'INV',
};

function actor(w: World, base: { cpu: number; task: { pid: number; comm: string }; hardirqCount: number; softirqCount: number }): Actor {
  const stack: Frame[] = [];
  let irqsOn = base.hardirqCount === 0;
  let bhDepth = 0;
  let preempt = 0;
  const ctx = (): EventContext => ({
    cpu: base.cpu,
    task: base.task,
    stack: stack.map((f) => ({ ...f, pos: f.pos ? { ...f.pos } : undefined })),
    hardirqCount: base.hardirqCount,
    softirqCount: base.softirqCount + 2 * bhDepth,
    preemptCount: preempt,
    nmi: false,
    hardirqsEnabled: irqsOn,
    softirqsEnabled: bhDepth === 0 && base.softirqCount === 0,
  });
  const acquire = (lock: LockdepMap, read: 0 | 1 | 2, api: string) =>
    w.emit({ kind: 'acquire', ctx: ctx(), lock, subclass: 0, read, trylock: false, check: lock.lockType !== 'rcu', api });
  const release = (lock: LockdepMap, api: string) => w.emit({ kind: 'release', ctx: ctx(), lock, api });
  const setIrqs = (on: boolean, api: string) => {
    if (irqsOn === on) return;
    irqsOn = on;
    w.emit({ kind: on ? 'hardirqs_on' : 'hardirqs_off', ctx: ctx(), api });
  };
  const handler = (fn: string, file: string, line: number, hard: boolean, body: (h: Actor) => void) => {
    const h = actor(w, { ...base, hardirqCount: hard ? 1 : 0, softirqCount: hard ? 0 : 1 });
    w.emit({ kind: hard ? 'hardirq_enter' : 'softirq_enter', ctx: h.ctx() });
    h.call(fn, file, line, () => body(h));
    w.emit({ kind: hard ? 'hardirq_exit' : 'softirq_exit', ctx: ctx() });
  };
  const a: Actor = {
    ctx,
    call(fn, file, line, body) {
      stack.unshift({ fn, pos: { file, line, col: 2 }, offset: 0x10 + (line % 0x100), size: 0x240 });
      try {
        body();
      } finally {
        stack.shift();
      }
    },
    at(line) {
      if (stack[0]?.pos) {
        stack[0] = { ...stack[0], pos: { ...stack[0].pos, line }, offset: 0x10 + (line % 0x100) };
      }
      return a;
    },
    spinLock(l) {
      preempt++;
      acquire(l, 0, 'raw_spin_lock');
    },
    spinUnlock(l) {
      release(l, 'raw_spin_unlock');
      preempt--;
    },
    spinLockIrqsave(l) {
      setIrqs(false, 'raw_spin_lock_irqsave');
      preempt++;
      acquire(l, 0, 'raw_spin_lock_irqsave');
    },
    spinUnlockIrqrestore(l) {
      release(l, 'raw_spin_unlock_irqrestore');
      preempt--;
      setIrqs(true, '_raw_spin_unlock_irqrestore');
    },
    readLock(l) {
      preempt++;
      acquire(l, 2, 'read_lock');
    },
    readUnlock(l) {
      release(l, 'read_unlock');
      preempt--;
    },
    irqOff: () => setIrqs(false, 'local_irq_disable'),
    irqOn: () => setIrqs(true, 'local_irq_enable'),
    bhOff() {
      bhDepth++;
      if (bhDepth === 1) w.emit({ kind: 'softirqs_off', ctx: ctx(), api: 'local_bh_disable' });
    },
    bhOn() {
      bhDepth--;
      if (bhDepth === 0) w.emit({ kind: 'softirqs_on', ctx: ctx(), api: 'local_bh_enable' });
    },
    preemptOff: () => void preempt++,
    preemptOn: () => void preempt--,
    rcuReadLock: () => acquire(rcuMap, 2, 'rcu_read_lock'),
    rcuReadUnlock: () => release(rcuMap, 'rcu_read_unlock'),
    read: (o, field, marked = false) =>
      w.emit({ kind: 'access', ctx: ctx(), write: false, marked, loc: { objId: o.objId, field, label: `${o.label}.${field}`, addr: fieldAddr(o, field), size: o.size } }),
    write: (o, field, marked = false) =>
      w.emit({ kind: 'access', ctx: ctx(), write: true, marked, loc: { objId: o.objId, field, label: `${o.label}.${field}`, addr: fieldAddr(o, field), size: o.size } }),
    list(op, head, entry) {
      // list_del(entry)/list_replace(old, new) take no head: like the interpreter, name the entry as head.
      const noHead = entry && (op.startsWith('list_del') || op.startsWith('list_replace'));
      const h = noHead ? entry : head;
      w.emit({
        kind: 'list',
        ctx: ctx(),
        op,
        head: { objId: h.objId, label: h.label, addr: h.addr },
        entry: entry && { objId: entry.objId, label: entry.label, addr: entry.addr },
      });
    },
    initListHead(head) {
      a.write(head, 'next', true);
      a.write(head, 'prev');
    },
    walk(head, entries, rcu = false) {
      for (const e of entries) a.list(rcu ? 'list_iter_rcu' : 'list_iter', head, e);
    },
    alloc: (o) => w.emit({ kind: 'alloc', ctx: ctx(), objId: o.objId, label: o.label, lo: o.addr, hi: o.addr + 0x80n }),
    // As the interpreter does: the memory goes at once (`free`), then the heap event.
    kfree: (o) => {
      w.emit({ kind: 'free', ctx: ctx(), lo: o.addr, hi: o.addr + 0x80n });
      w.emit({ kind: 'kfree', ctx: ctx(), objId: o.objId, label: o.label, lo: o.addr, hi: o.addr + 0x80n });
    },
    gracePeriod: (o) => w.emit({ kind: 'free', ctx: ctx(), lo: o.addr, hi: o.addr + 0x80n }),
    kfreeRcu: (o) => w.emit({ kind: 'kfree_rcu', ctx: ctx(), objId: o.objId, label: o.label, lo: o.addr, hi: o.addr + 0x80n }),
    selftestSoftirq(body) {
      a.bhOff();
      setIrqs(false, 'local_irq_disable');
      w.emit({ kind: 'softirq_enter', ctx: ctx() });
      body();
      w.emit({ kind: 'softirq_exit', ctx: ctx() });
      setIrqs(true, 'local_irq_enable');
      a.bhOn();
    },
    hardirq: (fn, file, line, body) => handler(fn, file, line, true, body),
    softirq: (fn, file, line, body) => handler(fn, file, line, false, body),
  };
  return a;
}

/**
 * Objects are laid out with their list node first: a list event's entry
 * address (the node) is then the address of `<member>.next`, as for the
 * interpreter's addrOf(node). Other fields get their own 8-byte slots.
 */
const fieldSlots = new Map<string, number>();
function fieldAddr(o: Obj, field: string): bigint {
  if (field.endsWith('.next') || field === 'next') return o.addr;
  let slot = fieldSlots.get(field);
  if (slot === undefined) fieldSlots.set(field, (slot = fieldSlots.size + 2));
  return o.addr + BigInt(8 * (slot % 28));
}

export function kinds(w: World): string[] {
  return w.reports.map((r) => r.kind);
}
