/**
 * The race check: an observer of kernel events that keeps, per location, the
 * locks held at each access (Eraser's lockset discipline), the RCU list
 * rules, and object/entry lifetimes, and reports what one harmless run shows
 * *could* race. It knows nothing of the interpreter.
 *
 * Fields and lists follow Eraser: Virgin -> Exclusive(first thread) ->
 * Shared -> Shared-Modified, candidate lockset refined once shared, so what
 * the creating thread does before anyone else comes (initialise a device,
 * fill a list with plain list_add_tail(), then kthread_run() the users) is
 * never paired with later accesses. A list's first touch is its head's
 * INIT_LIST_HEAD() when the run shows one, so the thread that initialised it
 * owns it, not whichever thread happens to run the first list operation.
 * When a location is Shared-Modified and its candidate lockset is empty, the
 * current access is checked pairwise against the remembered accesses of
 * other threads, so that a report names two concrete accesses.
 *
 * The events carry no "thread created" edge, so the exclusive phase is the
 * only happens-before the check knows: accesses of a parent after it created
 * the child, but before the child touched the location, are paired as usual.
 */
import type {
  AccessEvent,
  EventContext,
  HeapEvent,
  KernelEnv,
  KernelEvent,
  KernelLog,
  ListEvent,
  ListOp,
  LockdepMap,
  Report,
} from '../events/types.ts';
import { contextKind, describePseudo, excludes, isRcuReader, pseudoBits, pseudoMembers, threadKeyOf, type CpuContexts, type CtxKind } from './context.ts';
import { ALL, EMPTY, createLocksetTable, intern, intersect, membersOf, union, withMember, type LocksetTable } from './lockset.ts';
import {
  heldPhrase,
  kcsanReport,
  removedEntryReport,
  siteName,
  sitePos,
  suspiciousRcuReport,
  topFrame,
  uafReport,
  type LockNote,
  type Side,
} from './report.ts';
import type { AccessRec, EntryState, FreedState, ListState, LocState, LocksetId, ThreadKey, ThreadState } from './types.ts';

export interface RaceCheckerOptions {
  env: KernelEnv;
  log: KernelLog;
  /** Stop reporting after this many reports (a runaway loop must not flood the log). Default 64. */
  maxReports?: number;
  /**
   * Files whose own reads are harness assertions (`lab_check(dev.count == 4, ...)`
   * reads state the scenario's threads wrote, with no lock): reads made
   * directly in them are not checked. Writes and list operations there still
   * are, since a harness may play one side of a race.
   */
  harnessFiles?: readonly string[];
}

/** Remembered accesses per location; the oldest is dropped beyond this. */
const HISTORY = 32;

interface RaceState {
  env: KernelEnv;
  log: KernelLog;
  maxReports: number;
  reports: number;
  seq: number;
  threads: Map<ThreadKey, ThreadState>;
  locks: Map<number, LockdepMap>;
  table: LocksetTable;
  fields: Map<number, Map<string, LocState>>;
  /** By head address: two heads in one object are two lists. */
  lists: Map<bigint, ListState>;
  /** By node address. */
  entries: Map<bigint, EntryState>;
  freed: Map<number, FreedState>;
  /** kfree_rcu()'d objects still waiting for their grace period, by start address. */
  rcuFreed: Map<bigint, FreedState>;
  /** Dedupe for reports not tied to one location's pair set. */
  once: Set<string>;
  /** Interned pseudo-lock sets by cpu * 8 + bits. */
  pseudo: Map<number, LocksetId>;
  harness: Set<string>;
  /** Interrupt contexts entered per CPU (ContextEvents). */
  cpus: Map<number, CpuContexts>;
  /** Context kind of the event being handled. */
  kind: CtxKind;
  /** Per thread, a plain read waiting for that thread's next event to see whether it is half of an atomic RMW. */
  pending: Map<ThreadKey, PendingRead>;
  /** Task threads by pid (fast path of thread()). */
  tasks: Map<number, ThreadState>;
  fnIds: Map<string, number>;
  /** Addresses of the `next` and `prev` (8 bytes on) of list heads and nodes seen in list events. */
  linkAddrs: Set<bigint>;
  /**
   * Field-level state of `*.next` words not yet known as list links, by
   * address: INIT_LIST_HEAD() writes a head's next before any list event
   * names the head, and the list takes its Eraser phase from there.
   */
  nextWords: Map<bigint, { objId: number; field: string; loc: LocState }>;
}

// ---------------------------------------------------------------------------
// Threads and locksets

function thread(s: RaceState, ctx: EventContext, kind: CtxKind): ThreadState {
  // Fast path without building a key string: most events come from tasks.
  const plainTask = kind === 'task' && ctx.task.pid !== 0;
  if (plainTask) {
    const t = s.tasks.get(ctx.task.pid);
    if (t) return t;
  }
  const key = threadKeyOf(ctx, kind);
  let t = s.threads.get(key);
  if (!t) {
    t = {
      key,
      interrupt: kind !== 'task',
      idx: s.threads.size,
      held: new Map(),
      heldAll: EMPTY,
      heldWrite: EMPTY,
      rcuDepth: 0,
      rcuSince: -1,
    };
    s.threads.set(key, t);
    if (plainTask) s.tasks.set(ctx.task.pid, t);
  }
  return t;
}

function noteRcu(s: RaceState, t: ThreadState, ctx: EventContext): void {
  if (s.kind !== 'task' || isRcuReader(ctx, t.rcuDepth)) {
    if (t.rcuSince < 0) t.rcuSince = s.seq;
  } else {
    t.rcuSince = -1;
  }
}

/** Eraser: a write is protected only by locks held for writing; a read by any held lock. */
function locksetOf(s: RaceState, t: ThreadState, ctx: EventContext, write: boolean): LocksetId {
  const held = write ? t.heldWrite : t.heldAll;
  const bits = pseudoBits(ctx, s.kind);
  if (bits === 0) return held;
  const pk = ctx.cpu * 8 + bits;
  let p = s.pseudo.get(pk);
  if (p === undefined) s.pseudo.set(pk, (p = intern(s.table, pseudoMembers(bits, ctx.cpu))));
  return union(s.table, held, p);
}

function lockNotes(s: RaceState, id: LocksetId): { locks: LockNote[]; cpuLocal: string[] } {
  const ids: number[] = [];
  const pseudo: string[] = [];
  for (const m of membersOf(s.table, id)) {
    if (m.startsWith('L')) ids.push(Number(m.slice(1)));
    else pseudo.push(m);
  }
  // Lock ids follow initialisation order, which reads better than the set's string order.
  const locks: LockNote[] = [];
  for (const i of ids.sort((a, b) => a - b)) {
    const l = s.locks.get(i);
    if (l) locks.push({ name: l.name, classKey: l.key });
  }
  return { locks, cpuLocal: describePseudo(pseudo) };
}

function side(s: RaceState, rec: AccessRec): Side {
  return { rec, ...lockNotes(s, rec.lockset) };
}

function onAcquire(s: RaceState, t: ThreadState, lock: LockdepMap, read: boolean): void {
  s.locks.set(lock.id, lock);
  if (lock.lockType === 'rcu') {
    t.rcuDepth++;
    return;
  }
  if (!excludes(lock)) return;
  const h = t.held.get(lock.id);
  if (h) {
    h.count++;
    return;
  }
  t.held.set(lock.id, { lock, read, count: 1 });
  t.heldAll = withMember(s.table, t.heldAll, `L${lock.id}`, true);
  if (!read) t.heldWrite = withMember(s.table, t.heldWrite, `L${lock.id}`, true);
}

function onRelease(s: RaceState, t: ThreadState, lock: LockdepMap): void {
  if (lock.lockType === 'rcu') {
    if (t.rcuDepth > 0) t.rcuDepth--;
    return;
  }
  // A lock released by another context than the one that took it (rare, but
  // legal for some lock kinds) is dropped from whichever thread holds it.
  let owner: ThreadState | undefined = t.held.has(lock.id) ? t : undefined;
  if (!owner) for (const o of s.threads.values()) if (o.held.has(lock.id)) owner = o;
  if (!owner) return;
  const h = owner.held.get(lock.id)!;
  if (--h.count > 0) return;
  owner.held.delete(lock.id);
  owner.heldAll = withMember(s.table, owner.heldAll, `L${lock.id}`, false);
  if (!h.read) owner.heldWrite = withMember(s.table, owner.heldWrite, `L${lock.id}`, false);
}

// ---------------------------------------------------------------------------
// Access records

function siteKey(rec: AccessRec): string {
  if (rec.site === undefined) {
    const f = topFrame(rec.ctx.stack);
    const p = sitePos(rec.ctx.stack);
    rec.site = p ? `${f.fn}@${p.file}:${p.line}:${p.col}` : f.fn;
  }
  return rec.site;
}

function isIter(op: ListOp): boolean {
  return op === 'list_iter' || op === 'list_iter_rcu';
}

function isRcuWriter(op: ListOp | undefined): boolean {
  return op === 'list_add_rcu' || op === 'list_add_tail_rcu' || op === 'list_del_rcu' || op === 'list_replace_rcu';
}

/**
 * RCU's one exception to the lockset rule: an RCU reader using the _rcu
 * iterator may run alongside writers that use the _rcu primitives (the
 * writers still need a common lock among themselves, which the lockset
 * check of writer pairs enforces).
 */
function rcuExempt(a: AccessRec, b: AccessRec): boolean {
  const r = a.write ? b : a;
  const w = a.write ? a : b;
  if (r.write || !w.write) return false;
  return r.op === 'list_iter_rcu' && r.rcuReader && isRcuWriter(w.op);
}

function conflicts(s: RaceState, a: AccessRec, b: AccessRec): boolean {
  return (
    a.thread !== b.thread &&
    (a.write || b.write) &&
    !(a.marked && b.marked) &&
    intersect(s.table, a.lockset, b.lockset) === EMPTY &&
    !rcuExempt(a, b)
  );
}

/**
 * History slot of an access: thread, kind, function and line packed in one
 * number, so the hot path hashes no strings. Function names are interned.
 */
function slotOf(s: RaceState, t: ThreadState, ctx: EventContext, write: boolean): number {
  let f: (typeof ctx.stack)[number] | undefined;
  for (const fr of ctx.stack)
    if (!fr.synthetic) {
      f = fr;
      break;
    }
  f ??= ctx.stack[0];
  let fn = 0;
  let line = 0;
  if (f) {
    fn = s.fnIds.get(f.fn) ?? -1;
    if (fn < 0) s.fnIds.set(f.fn, (fn = s.fnIds.size + 1));
    line = (f.pos?.line ?? 0) & 0xfffff;
  }
  // thread idx and fn id stay far below 2^10 and 2^12 in course runs; 2^53 is not approached.
  return ((t.idx * 2 + (write ? 1 : 0)) * 4096 + (fn & 0xfff)) * 1048576 + line;
}

/** Keep the latest record per key; beyond HISTORY keys, forget the oldest key. */
function remember(map: Map<number, AccessRec>, key: number, rec: AccessRec): void {
  map.set(key, rec);
  if (map.size > HISTORY) map.delete(map.keys().next().value!);
}

function emit(s: RaceState, r: Report): void {
  if (s.reports >= s.maxReports) return;
  s.reports++;
  s.log.report(r);
}

// ---------------------------------------------------------------------------
// Data races

function opName(rec: AccessRec): string {
  if (!rec.op) return '';
  if (rec.op === 'list_iter') return ' (list walk)';
  if (rec.op === 'list_iter_rcu') return ' (_rcu list walk)';
  return ` (${rec.op}())`;
}

/**
 * A reader an author may believe RCU protects: inside rcu_read_lock(), or
 * lockless with IRQs/BH/preemption off (the vgic fold's argument). A reader
 * that is in a read-side section only because its spinlock disabled
 * preemption is relying on the lock, not on RCU.
 */
function inRcuSection(s: RaceState, r: AccessRec): boolean {
  return r.rcuReader && (r.rcuLocked || !membersOf(s.table, r.lockset).some((m) => m.startsWith('L')));
}

/** Our one line: what each side held, and that this is an inference. */
function whyLine(s: RaceState, other: AccessRec, cur: AccessRec, list?: ListState): string {
  const o = side(s, other);
  const c = side(s, cur);
  const role = (r: AccessRec) => (r.write ? 'writer' : 'reader');
  const otherName = other.write === cur.write ? `other ${role(other)}` : role(other);
  let rcu = '';
  const r = !other.write ? other : !cur.write ? cur : undefined;
  const w = r === other ? cur : other;
  if (r && r.op === 'list_iter' && inRcuSection(s, r) && w.op)
    rcu = '; being in an RCU read-side section does not help a walk that is not list_for_each_entry_rcu()';
  else if (r && r.op === 'list_iter_rcu' && r.rcuReader && w.op && !isRcuWriter(w.op))
    rcu = `; ${w.op}() is not RCU-safe, so an RCU reader needs every writer to use the _rcu primitives`;
  // For a list, the lock every writer holds is the one the other side lacks.
  let common = '';
  if (list && list.writerLocks !== ALL) {
    const names = lockNotes(s, list.writerLocks).locks.map((l) => l.name);
    if (names.length > 0) common = `; every writer of ${list.label} holds ${names.join(', ')}`;
  }
  return (
    `the ${otherName} in ${topFrame(other.ctx.stack).fn}${opName(other)} held ${heldPhrase(o)}; ` +
    `this ${role(cur)} in ${topFrame(cur.ctx.stack).fn}${opName(cur)} held ${heldPhrase(c)}${common}${rcu}` +
    ` -- a potential race inferred from locksets, not a caught overlap`
  );
}

/**
 * Eraser refinement for one access, then the pairwise search that turns an
 * empty candidate lockset into a report about two concrete accesses.
 */
function checkShared(s: RaceState, loc: LocState, cur: AccessRec): void {
  loc.candidate = intersect(s.table, loc.candidate, cur.lockset);
  if (cur.write) loc.phase = 'shared-modified';
  // A loop repeating one access against an unchanged history finds nothing
  // new: rescan only when this slot's access or some other slot changed.
  const prev = loc.history.get(cur.slot);
  const same =
    prev !== undefined && prev.lockset === cur.lockset && prev.marked === cur.marked && prev.rcuReader === cur.rcuReader && prev.op === cur.op;
  if (!same) loc.version++;
  const scanned = same && prev.checked === loc.version;
  cur.checked = loc.version;
  if (!scanned && loc.phase === 'shared-modified' && loc.candidate === EMPTY) {
    // Every conflicting pair not yet reported, oldest partner first: the scan
    // is skipped next time if nothing changes, so it must not stop early.
    for (const h of loc.history.values()) {
      if (!conflicts(s, h, cur)) continue;
      const a = siteKey(h);
      const b = siteKey(cur);
      const pair = a < b ? a + '|' + b : b + '|' + a;
      if (loc.reported.has(pair)) continue;
      loc.reported.add(pair);
      const o = side(s, h);
      const c = side(s, cur);
      const kind = (r: AccessRec) => `${r.write ? 'write' : 'read'}${opName(r)} of ${r.label}`;
      emit(
        s,
        kcsanReport(s.env, o, c, whyLine(s, h, cur, loc.list), [
          `${kind(h)} holding ${heldPhrase(o)}: races with ${siteName(cur)}`,
          `${kind(cur)} holding ${heldPhrase(c)}: races with ${siteName(h)}`,
        ]),
      );
    }
  }
  remember(loc.history, cur.slot, cur);
}

function newLoc(key: string, phase: LocState['phase'], owner: ThreadKey): LocState {
  return { key, phase, owner, candidate: ALL, history: new Map(), version: 0, reported: new Set() };
}

/**
 * Eraser's exclusive phase: whatever the first thread does before anyone
 * else comes is initialisation (it may even take locks, as a setup path
 * calling the normal API does); spawning the others orders it before them.
 * True while the access belongs to that phase and must not be checked.
 */
function exclusive(loc: LocState, thread: ThreadKey): boolean {
  if (loc.phase !== 'exclusive') return false;
  if (loc.owner === thread) return true;
  loc.phase = 'shared';
  return false;
}

// ---------------------------------------------------------------------------
// Lifetimes: freed objects and unlinked entries

function checkFreed(s: RaceState, t: ThreadState, objId: number, cur: AccessRec): boolean {
  const f = s.freed.get(objId);
  if (!f) return false;
  // Freed memory: the kernel's own KASAN reports the access; nothing to add.
  if (f.really) return true;
  if (f.rec.thread === cur.thread) return false;
  // A reader whose read-side section already covered the kfree_rcu() is
  // guaranteed the object outlives the section; a later one is not.
  if (f.how === 'kfree_rcu' && cur.rcuReader && t.rcuSince >= 0 && t.rcuSince < f.rec.seq) return false;
  // A use-after-free is the whole story for this access: say so once per site, and let no other check pile on.
  const k = `uaf|${objId}|${siteKey(cur)}`;
  if (s.once.has(k)) return true;
  s.once.add(k);
  const freer = `${f.how}() in ${siteName(f.rec)} (${f.rec.interrupt ? 'interrupt' : `task ${f.rec.ctx.task.pid}`} on cpu ${f.rec.ctx.cpu})`;
  // (kfree() frees at once, so only kfree_rcu() with its grace period pending gets here.)
  let why: string;
  if (!cur.rcuReader)
    why = `${f.label} was queued for freeing by ${freer}; this access is outside any RCU read-side critical section, so the grace period may already have ended`;
  else
    why =
      `${f.label} was queued for freeing by ${freer}; this RCU read-side section began after that ` +
      `(the pointer was kept across a quiescent state), so it does not hold off the grace period -- pin the object with a reference before leaving the section`;
  emit(s, uafReport(s.env, cur, f.rec, f.how, f.label, f.lo, f.hi, `${why} -- a potential use-after-free inferred from lifetimes, not a caught access`));
  return true;
}

/**
 * A walk that stands on an entry another thread unlinked: either a list_iter
 * step visiting it, or a plain read of its `next` pointer (how
 * list_for_each_entry_continue() leaves a cursor kept from earlier).
 */
function checkRemoved(s: RaceState, t: ThreadState, node: bigint, cur: AccessRec): void {
  const es = s.entries.get(node);
  const rm = es?.removed;
  if (!es || !rm || rm.thread === cur.thread) return;
  // list_del_rcu() keeps ->next valid for readers that were already inside.
  if (rm.op === 'list_del_rcu' && cur.rcuReader && cur.op !== 'list_iter' && t.rcuSince >= 0 && t.rcuSince < rm.seq) return;
  const k = `removed|${node}|${siteKey(cur)}|${siteKey(rm)}`;
  if (s.once.has(k)) return;
  s.once.add(k);
  const at = { ...cur, addr: es.addr };
  const held = heldPhrase(side(s, cur));
  const why =
    `${es.label} was taken off ${es.headLabel} by ${rm.op}() in ${siteName(rm)} (${rm.interrupt ? 'interrupt' : `task ${rm.ctx.task.pid}`} on cpu ${rm.ctx.cpu}) ` +
    `before this walk (holding ${held}) continued from it: a cursor kept across a lock release or a quiescent state must be pinned and re-checked to be still on the list`;
  emit(s, removedEntryReport(s.env, at, rm, es.label, es.headLabel, why));
}

// ---------------------------------------------------------------------------
// RCU list rules

function checkRcuRules(s: RaceState, st: ListState, cur: AccessRec): void {
  // (An _rcu walk outside any reader is __list_check_rcu()'s warning, which
  // the simulated kernel prints itself, with the caller's lockdep condition.)
  if (st.rcuWriters === 0 || st.plainWriters === 0) return;
  const writers = [...st.writers.values()];
  const rcuW = writers.filter((w) => isRcuWriter(w.op));
  const plainW = writers.filter((w) => !isRcuWriter(w.op));
  if (rcuW.length === 0 || plainW.length === 0) return;
  // Mixing only matters when someone reads without the writers' common lock.
  const lockless = [...st.readers.values()].filter((r) => intersect(s.table, r.lockset, st.writerLocks) === EMPTY);
  if (lockless.length === 0) return;
  const reader = lockless[lockless.length - 1];
  for (const a of rcuW)
    for (const b of plainW) {
      const k = `${siteKey(a)}|${siteKey(b)}`;
      if (st.mixReported.has(k)) continue;
      st.mixReported.add(k);
      const line = (w: AccessRec) =>
        `  ${w.op}() in ${siteName(w)}, ${w.interrupt ? 'interrupt' : `task ${w.ctx.task.pid}`} on cpu ${w.ctx.cpu}, holding ${heldPhrase(side(s, w))}`;
      const info = [
        `RCU-list ${st.label} is read without the writers' lock, but its writers mix primitives:`,
        line(a),
        line(b),
        `reader: ${reader.op === 'list_iter_rcu' ? 'list_for_each_entry_rcu()' : 'list walk (not _rcu)'} in ${siteName(reader)}, holding ${heldPhrase(side(s, reader))}`,
        `One _rcu writer does not make an RCU list: either every writer uses the _rcu primitives under one common lock`,
        `and every lockless reader uses the _rcu iterators inside rcu_read_lock(), or the readers take the writers' lock.`,
      ];
      const locks = [...lockNotes(s, a.lockset).locks, ...lockNotes(s, b.lockset).locks];
      emit(
        s,
        suspiciousRcuReport(
          s.env,
          b,
          cur,
          `RCU-list written with both ${a.op}() and ${b.op}()!`,
          info,
          [
            { rec: a, message: `${a.op}() on ${st.label}, while ${siteName(b)} uses ${b.op}() on the same list` },
            { rec: b, message: `${b.op}() is not RCU-safe, yet ${siteName(a)} uses ${a.op}() on the same list for lockless readers` },
          ],
          locks.filter((l, i) => locks.findIndex((m) => m.name === l.name) === i),
        ),
      );
    }
}

// ---------------------------------------------------------------------------
// Events

function accessRec(s: RaceState, t: ThreadState, e: AccessEvent, lockset: LocksetId): AccessRec {
  return {
    thread: t.key,
    interrupt: t.interrupt,
    ctx: e.ctx,
    write: e.write,
    marked: e.marked,
    lockset,
    rcuReader: t.rcuSince >= 0,
    rcuLocked: t.rcuDepth > 0,
    seq: s.seq,
    slot: slotOf(s, t, e.ctx, e.write),
    addr: e.loc.addr,
    size: e.loc.size,
    label: e.loc.label,
  };
}

function harnessRead(s: RaceState, e: AccessEvent | ListEvent, write: boolean): boolean {
  if (write || s.harness.size === 0) return false;
  const f = topFrame(e.ctx.stack);
  return f.pos !== undefined && s.harness.has(f.pos.file);
}

function onAccess(s: RaceState, t: ThreadState, e: AccessEvent): void {
  if (harnessRead(s, e, e.write)) return;
  const lockset = locksetOf(s, t, e.ctx, e.write);
  if (s.freed.has(e.loc.objId) && checkFreed(s, t, e.loc.objId, accessRec(s, t, e, lockset))) return;
  if (s.linkAddrs.has(e.loc.addr)) {
    // Reading the `next` of an entry unlinked by list_del()/list_del_rcu() is
    // following a stale cursor; after list_del_init() it is list_empty(), which is fine.
    const es = e.write ? undefined : s.entries.get(e.loc.addr);
    if (es?.removed && es.removed.op !== 'list_del_init') checkRemoved(s, t, e.loc.addr, accessRec(s, t, e, lockset));
    // List linkage (a head's or node's next/prev) is checked at list level, where
    // the report can name the primitives; a second, field-level report of the
    // same race would only be noise.
    return;
  }
  let byField = s.fields.get(e.loc.objId);
  if (!byField) s.fields.set(e.loc.objId, (byField = new Map()));
  let loc = byField.get(e.loc.field);
  if (!loc) {
    byField.set(e.loc.field, (loc = newLoc(`${e.loc.objId}:${e.loc.field}`, 'exclusive', t.key)));
    if (e.loc.field === 'next' || e.loc.field.endsWith('.next')) s.nextWords.set(e.loc.addr, { objId: e.loc.objId, field: e.loc.field, loc });
  }
  if (exclusive(loc, t.key)) return;
  checkShared(s, loc, accessRec(s, t, e, lockset));
}

function isRemoval(op: ListOp): boolean {
  return op.startsWith('list_del') || op.startsWith('list_move') || op.startsWith('list_replace');
}

function listState(s: RaceState, t: ThreadState, addr: bigint, label: string): ListState {
  let st = s.lists.get(addr);
  if (!st) {
    // The head's INIT_LIST_HEAD() was its first touch, if the run showed one
    // (a stale record of a reallocated object does not count).
    const init = s.nextWords.get(addr);
    const word = init && s.fields.get(init.objId)?.get(init.field) === init.loc ? init.loc : undefined;
    s.nextWords.delete(addr);
    const loc = newLoc(`list:${addr}`, word && word.phase !== 'exclusive' ? 'shared' : 'exclusive', word?.owner ?? t.key);
    st = {
      loc,
      label,
      addr,
      writers: new Map(),
      rcuWriters: 0,
      plainWriters: 0,
      writerLocks: ALL,
      readers: new Map(),
      mixReported: new Set(),
    };
    st.loc.list = st;
    s.lists.set(addr, st);
  }
  return st;
}

/**
 * One list operation against one list: the lockset check, then the RCU
 * rules. In the exclusive phase neither applies: the owner's setup neither
 * races nor counts as a writer whose primitives must be _rcu.
 */
function listAccess(s: RaceState, st: ListState, rec: AccessRec): void {
  if (exclusive(st.loc, rec.thread)) return;
  checkShared(s, st.loc, rec);
  const site = rec.slot;
  if (rec.write) {
    const prev = st.writers.get(site);
    if (!prev || isRcuWriter(prev.op) !== isRcuWriter(rec.op)) {
      if (prev) isRcuWriter(prev.op) ? st.rcuWriters-- : st.plainWriters--;
      isRcuWriter(rec.op) ? st.rcuWriters++ : st.plainWriters++;
    }
    // Not bounded like the history: the mixed-primitives check must see every writer site.
    st.writers.set(site, rec);
    st.writerLocks = intersect(s.table, st.writerLocks, rec.lockset);
  } else remember(st.readers, site, rec);
  checkRcuRules(s, st, rec);
}

function onList(s: RaceState, t: ThreadState, e: ListEvent): void {
  const write = !isIter(e.op);
  if (harnessRead(s, e, write)) return;
  // list_del(entry) names no head (producers then pass the entry as head):
  // the list is the one the entry was last added to.
  const known = e.entry ? s.entries.get(e.entry.addr) : undefined;
  // list_replace(old, new) reports only the new node, which is on no list we
  // know yet: there is no list to charge the write to.
  if (e.op.startsWith('list_replace') && known === undefined) return;
  const resolve = known !== undefined && isRemoval(e.op);
  const headAddr = resolve && !e.op.startsWith('list_move') ? known.headAddr : e.head.addr;
  const headLabel = resolve && !e.op.startsWith('list_move') ? known.headLabel : e.head.label;
  const rec: AccessRec = {
    thread: t.key,
    interrupt: t.interrupt,
    ctx: e.ctx,
    write,
    marked: false,
    lockset: locksetOf(s, t, e.ctx, write),
    rcuReader: t.rcuSince >= 0,
    rcuLocked: t.rcuDepth > 0,
    op: e.op,
    seq: s.seq,
    slot: slotOf(s, t, e.ctx, write),
    addr: headAddr,
    size: 8,
    label: headLabel,
  };
  if (s.freed.size > 0) {
    if (checkFreed(s, t, e.head.objId, rec)) return;
    if (e.entry && checkFreed(s, t, e.entry.objId, { ...rec, addr: e.entry.addr, label: e.entry.label })) return;
  }
  if (!s.linkAddrs.has(headAddr)) s.linkAddrs.add(headAddr).add(headAddr + 8n);
  if (e.entry && !s.linkAddrs.has(e.entry.addr)) s.linkAddrs.add(e.entry.addr).add(e.entry.addr + 8n);
  if (e.entry) {
    const entry = e.entry;
    if (!write) {
      if (known?.headAddr === headAddr) checkRemoved(s, t, entry.addr, rec);
    } else if (e.op.startsWith('list_move')) {
      // Off the old list (a write there too), onto the new one.
      if (known && known.headAddr !== e.head.addr && !known.removed) listAccess(s, listState(s, t, known.headAddr, known.headLabel), { ...rec, addr: known.headAddr, label: known.headLabel });
      s.entries.set(entry.addr, { headAddr, headLabel, label: entry.label, objId: entry.objId, addr: entry.addr, removed: null });
    } else if (e.op.startsWith('list_del')) {
      if (known) known.removed = rec;
      else s.entries.set(entry.addr, { headAddr, headLabel, label: entry.label, objId: entry.objId, addr: entry.addr, removed: rec });
    } else if (e.op.startsWith('list_add'))
      s.entries.set(entry.addr, { headAddr, headLabel, label: entry.label, objId: entry.objId, addr: entry.addr, removed: null });
  }
  listAccess(s, listState(s, t, headAddr, headLabel), rec);
}

function onHeap(s: RaceState, t: ThreadState, e: HeapEvent): void {
  if (e.kind === 'alloc') {
    // Identities are not reused in practice, but a fresh object must not inherit any history.
    s.freed.delete(e.objId);
    s.rcuFreed.delete(e.lo);
    s.fields.delete(e.objId);
    for (const a of s.lists.keys()) if (a >= e.lo && a < e.hi) s.lists.delete(a);
    for (const a of s.entries.keys()) if (a >= e.lo && a < e.hi) s.entries.delete(a);
    return;
  }
  const rec: AccessRec = {
    thread: t.key,
    interrupt: t.interrupt,
    ctx: e.ctx,
    write: true,
    marked: false,
    lockset: EMPTY,
    rcuReader: t.rcuSince >= 0,
    rcuLocked: t.rcuDepth > 0,
    seq: s.seq,
    slot: 0,
    addr: e.lo,
    size: Number(e.hi - e.lo),
    label: e.label,
  };
  const f: FreedState = { how: e.kind, really: e.kind === 'kfree', rec, label: e.label, lo: e.lo, hi: e.hi };
  s.freed.set(e.objId, f);
  if (e.kind === 'kfree_rcu') s.rcuFreed.set(e.lo, f);
}

function cpuContexts(s: RaceState, cpu: number): CpuContexts {
  let c = s.cpus.get(cpu);
  if (!c) s.cpus.set(cpu, (c = { softirq: 0, hardirq: 0, nmi: 0 }));
  return c;
}

/**
 * A plain read held back until its thread's next event: the load half of an
 * atomic read-modify-write (refcount_dec_and_test(), atomic_*) may arrive as
 * a plain read followed by the marked write; the pair is one marked access.
 * Waiting for the same thread's next event, not the next event of the run,
 * keeps the pairing when something comes in between (another CPU's event,
 * or an interrupt on this one while refcount_*() prints its warning).
 */
interface PendingRead {
  e: AccessEvent;
  t: ThreadState;
  kind: CtxKind;
  seq: number;
  /** The thread's RCU reader state at the load (IRQ state events may change it before the flush). */
  rcuSince: number;
  rcuDepth: number;
}

/**
 * Events that are the thread's own next step. IRQ state changes and interrupt
 * entry/exit are not: an interrupt between the load and the store shows up as
 * hardirqs_off / hardirq_exit / hardirqs_on in the interrupted task's context.
 */
function ownStep(e: KernelEvent): boolean {
  switch (e.kind) {
    case 'hardirqs_on':
    case 'hardirqs_off':
    case 'softirqs_on':
    case 'softirqs_off':
    case 'hardirq_enter':
    case 'hardirq_exit':
    case 'softirq_enter':
    case 'softirq_exit':
    case 'nmi_enter':
    case 'nmi_exit':
    case 'lockdep_off':
    case 'lockdep_on':
      return false;
    default:
      return true;
  }
}

function flushPending(s: RaceState, p: PendingRead, next: KernelEvent | null): void {
  s.pending.delete(p.t.key);
  const rmw =
    next !== null &&
    next.kind === 'access' &&
    next.write &&
    next.marked &&
    next.loc.objId === p.e.loc.objId &&
    next.loc.addr === p.e.loc.addr;
  const kind = s.kind;
  const seq = s.seq;
  const { rcuSince, rcuDepth } = p.t;
  s.kind = p.kind;
  s.seq = p.seq;
  p.t.rcuSince = p.rcuSince;
  p.t.rcuDepth = p.rcuDepth;
  onAccess(s, p.t, rmw ? { ...p.e, marked: true } : p.e);
  s.kind = kind;
  s.seq = seq;
  p.t.rcuSince = rcuSince;
  p.t.rcuDepth = rcuDepth;
}

/**
 * Another thread's event may pass a pending read only when it cannot change
 * what that read finds: the Eraser phase of its location depends on order,
 * and list and heap events change which addresses are list links and which
 * objects are freed. A task leaving ends the run or its part in it: nothing
 * pending may be left behind.
 */
function flushOthers(s: RaceState, e: KernelEvent): void {
  const all =
    e.kind === 'task_exit' ||
    e.kind === 'return_to_user' ||
    e.kind === 'list' ||
    e.kind === 'alloc' ||
    e.kind === 'kfree' ||
    e.kind === 'kfree_rcu' ||
    e.kind === 'free';
  if (!all && e.kind !== 'access') return;
  for (const q of [...s.pending.values()]) if (all || (e.kind === 'access' && q.e.loc.objId === e.loc.objId)) flushPending(s, q, null);
}

/**
 * refcount_t's counter (`refs.counter` inside it) is reached only through the
 * refcount_*() API, which is atomic; the simulated refcount_read() reports
 * its load as a plain read with no marked store after it, which would race
 * with every refcount_inc() elsewhere.
 */
function refcountCounter(field: string): boolean {
  return field === 'refs.counter' || field.endsWith('.refs.counter');
}

function onEvent(s: RaceState, e: KernelEvent): void {
  s.seq++;
  // Entering a context makes this event the handler's; leaving makes it the interrupted one's.
  if (e.kind === 'softirq_enter' || e.kind === 'hardirq_enter' || e.kind === 'nmi_enter') {
    cpuContexts(s, e.ctx.cpu)[e.kind === 'softirq_enter' ? 'softirq' : e.kind === 'hardirq_enter' ? 'hardirq' : 'nmi']++;
  } else if (e.kind === 'softirq_exit' || e.kind === 'hardirq_exit' || e.kind === 'nmi_exit') {
    const c = cpuContexts(s, e.ctx.cpu);
    const which = e.kind === 'softirq_exit' ? 'softirq' : e.kind === 'hardirq_exit' ? 'hardirq' : 'nmi';
    const key = `${which}@${e.ctx.cpu}`;
    // The handler's last event was its last chance to complete a pending read.
    const p = s.pending.get(key);
    if (p) flushPending(s, p, null);
    // The handler's own thread leaves its reader section with it.
    const h = s.threads.get(key);
    if (h && c[which] <= 1) h.rcuSince = -1;
    if (c[which] > 0) c[which]--;
  }
  s.kind = contextKind(e.ctx, s.cpus.get(e.ctx.cpu));
  const t = thread(s, e.ctx, s.kind);
  if (s.pending.size > 0) {
    const p = ownStep(e) ? s.pending.get(t.key) : undefined;
    if (p) flushPending(s, p, e);
    if (s.pending.size > 0) flushOthers(s, e);
  }
  switch (e.kind) {
    case 'acquire':
      onAcquire(s, t, e.lock, e.read !== 0);
      break;
    case 'release':
      onRelease(s, t, e.lock);
      break;
    case 'downgrade': {
      const h = t.held.get(e.lock.id);
      if (h && !h.read) {
        h.read = true;
        t.heldWrite = withMember(s.table, t.heldWrite, `L${e.lock.id}`, false);
      }
      break;
    }
    case 'lock_init':
    case 'set_class':
      s.locks.set(e.lock.id, e.lock);
      break;
    case 'free': {
      // The grace period of a kfree_rcu() ended and the memory went away.
      const f = s.rcuFreed.get(e.lo);
      if (f) {
        f.really = true;
        s.rcuFreed.delete(e.lo);
      }
      break;
    }
    default:
      break;
  }
  noteRcu(s, t, e.ctx);
  if (e.kind === 'access') {
    if (!e.marked && refcountCounter(e.loc.field)) onAccess(s, t, { ...e, marked: true });
    else if (!e.write && !e.marked) s.pending.set(t.key, { e, t, kind: s.kind, seq: s.seq, rcuSince: t.rcuSince, rcuDepth: t.rcuDepth });
    else onAccess(s, t, e);
  }
  else if (e.kind === 'list') onList(s, t, e);
  else if (e.kind === 'alloc' || e.kind === 'kfree' || e.kind === 'kfree_rcu') onHeap(s, t, e);
}

export function createRaceState(opts: RaceCheckerOptions): RaceState {
  return {
    env: opts.env,
    log: opts.log,
    maxReports: opts.maxReports ?? 64,
    reports: 0,
    seq: 0,
    threads: new Map(),
    locks: new Map(),
    table: createLocksetTable(),
    fields: new Map(),
    lists: new Map(),
    entries: new Map(),
    freed: new Map(),
    rcuFreed: new Map(),
    once: new Set(),
    pseudo: new Map(),
    harness: new Set(opts.harnessFiles ?? []),
    cpus: new Map(),
    kind: 'task',
    pending: new Map(),
    tasks: new Map(),
    fnIds: new Map(),
    linkAddrs: new Set(),
    nextWords: new Map(),
  };
}

export function raceEvent(s: RaceState, e: KernelEvent): void {
  onEvent(s, e);
}
