/**
 * Runtime types: the AST's TypeNodes resolved to sizes and field layouts, so
 * every object and field has a stable simulated address (LP64, x86-64 ABI
 * alignment). Kernel object types the runtime implements (locks, list heads,
 * atomics, work items, timers) are given fixed layouts here; locks keep their
 * `dep_map` at offset 0 so `&lock->dep_map` and `lock` name the same instance.
 */

export interface IntRT {
  k: 'int';
  name: string;
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
}
export interface VoidRT {
  k: 'void';
}
export interface PtrRT {
  k: 'ptr';
  to: RType;
}
export interface ArrayRT {
  k: 'array';
  of: RType;
  n: number;
  /** DECLARE_BITMAP: number of valid bits. */
  bits?: number;
}
export interface FieldRT {
  name: string | null;
  t: RType;
  off: number;
}
export interface StructRT {
  k: 'struct';
  name: string;
  union: boolean;
  /** null until the definition is seen (incomplete type). */
  fields: FieldRT[] | null;
  size: number;
  align: number;
  /** Kernel object the runtime implements (`spinlock_t`, `list_head`...). */
  builtin?: string;
}
export interface FnRT {
  k: 'fn';
  ret: RType;
  params: RType[];
}
export type RType = IntRT | VoidRT | PtrRT | ArrayRT | StructRT | FnRT;

export const INT: IntRT = { k: 'int', name: 'int', bits: 32, signed: true };
export const UINT: IntRT = { k: 'int', name: 'unsigned int', bits: 32, signed: false };
export const LONG: IntRT = { k: 'int', name: 'long', bits: 64, signed: true };
export const ULONG: IntRT = { k: 'int', name: 'unsigned long', bits: 64, signed: false };
export const ULL: IntRT = { k: 'int', name: 'unsigned long long', bits: 64, signed: false };
export const BOOL: IntRT = { k: 'int', name: 'bool', bits: 8, signed: false };
export const CHAR: IntRT = { k: 'int', name: 'char', bits: 8, signed: true };
export const VOID: VoidRT = { k: 'void' };
export const VOIDP: PtrRT = { k: 'ptr', to: VOID };
export const CHARP: PtrRT = { k: 'ptr', to: CHAR };

export function intType(name: string, bits: 8 | 16 | 32 | 64, signed: boolean): IntRT {
  return { k: 'int', name, bits, signed };
}

export function ptrTo(t: RType): PtrRT {
  return { k: 'ptr', to: t };
}

export function sizeOf(t: RType): number {
  switch (t.k) {
    case 'int':
      return t.bits / 8;
    case 'void':
      return 1;
    case 'ptr':
    case 'fn':
      return 8;
    case 'array':
      return sizeOf(t.of) * t.n;
    case 'struct':
      return t.size;
  }
}

export function alignOf(t: RType): number {
  switch (t.k) {
    case 'int':
      return t.bits / 8;
    case 'void':
      return 1;
    case 'ptr':
    case 'fn':
      return 8;
    case 'array':
      return alignOf(t.of);
    case 'struct':
      return t.align;
  }
}

/** Lay out fields in declaration order with natural alignment (or all at 0 for a union). */
export function layoutStruct(s: StructRT, fields: { name: string | null; t: RType }[]): void {
  let off = 0;
  let align = 1;
  let size = 0;
  const out: FieldRT[] = [];
  for (const f of fields) {
    const a = alignOf(f.t);
    align = Math.max(align, a);
    if (s.union) {
      out.push({ name: f.name, t: f.t, off: 0 });
      size = Math.max(size, sizeOf(f.t));
    } else {
      off = Math.ceil(off / a) * a;
      out.push({ name: f.name, t: f.t, off });
      off += sizeOf(f.t);
      size = off;
    }
  }
  s.fields = out;
  s.align = align;
  s.size = Math.max(1, Math.ceil(size / align) * align);
}

/** Find a field by name, looking through anonymous members; returns its offset from the struct start. */
export function findField(s: StructRT, name: string): { t: RType; off: number } | null {
  if (!s.fields) return null;
  for (const f of s.fields) {
    if (f.name === name) return { t: f.t, off: f.off };
    if (f.name === null && f.t.k === 'struct') {
      const inner = findField(f.t, name);
      if (inner) return { t: inner.t, off: f.off + inner.off };
    }
  }
  return null;
}

export function typeName(t: RType): string {
  switch (t.k) {
    case 'int':
      return t.name;
    case 'void':
      return 'void';
    case 'ptr':
      return t.to.k === 'fn' ? `${typeName(t.to.ret)} (*)()` : `${typeName(t.to)} *`;
    case 'array':
      return `${typeName(t.of)}[${t.n}]`;
    case 'struct':
      return t.builtin && !t.builtin.startsWith('struct ') ? t.name : `${t.union ? 'union' : 'struct'} ${t.name}`;
    case 'fn':
      return `${typeName(t.ret)} ()`;
  }
}

/** Lock types as lockdep sees them, by the runtime's builtin tag. */
export const LOCK_BUILTINS: Record<string, import('../events/types.ts').LockType> = {
  raw_spinlock_t: 'raw_spinlock_t',
  spinlock_t: 'spinlock_t',
  rwlock_t: 'rwlock_t',
  'struct mutex': 'mutex',
  'struct rw_semaphore': 'rw_semaphore',
  'struct rt_mutex': 'rt_mutex',
  local_lock_t: 'local_lock_t',
  'struct lockdep_map': 'lockdep_map',
};

/**
 * The kernel object types the runtime implements, by the name a program uses
 * (typedef name or `struct name`).
 */
export function makeBuiltinTypes(): Map<string, StructRT> {
  const m = new Map<string, StructRT>();
  const def = (key: string, name: string, fields: { name: string | null; t: RType }[], union = false): StructRT => {
    const s: StructRT = { k: 'struct', name, union, fields: null, size: 0, align: 1, builtin: key };
    layoutStruct(s, fields);
    m.set(key, s);
    return s;
  };
  const u32 = intType('u32', 32, false);
  const lockdepMap = def('struct lockdep_map', 'lockdep_map', [
    { name: null, t: { k: 'array', of: ULONG, n: 5 } },
  ]);
  lockdepMap.fields = [];
  def('struct lock_class_key', 'lock_class_key', [{ name: 'subkeys', t: { k: 'array', of: CHAR, n: 8 } }]);
  const raw = def('raw_spinlock_t', 'raw_spinlock_t', [
    { name: 'dep_map', t: lockdepMap },
    { name: 'raw_lock', t: u32 },
    { name: 'owner_cpu', t: INT },
  ]);
  def('spinlock_t', 'spinlock_t', [
    { name: 'dep_map', t: lockdepMap },
    { name: 'rlock', t: raw },
  ], true);
  def('rwlock_t', 'rwlock_t', [{ name: 'dep_map', t: lockdepMap }, { name: 'raw_lock', t: u32 }]);
  const atomic = def('atomic_t', 'atomic_t', [{ name: 'counter', t: INT }]);
  def('atomic64_t', 'atomic64_t', [{ name: 'counter', t: LONG }]);
  const atomicLong = def('atomic_long_t', 'atomic_long_t', [{ name: 'counter', t: LONG }]);
  def('refcount_t', 'refcount_t', [{ name: 'refs', t: atomic }]);
  const listHead = def('struct list_head', 'list_head', []);
  layoutStruct(listHead, [
    { name: 'next', t: ptrTo(listHead) },
    { name: 'prev', t: ptrTo(listHead) },
  ]);
  const hnode = def('struct hlist_node', 'hlist_node', []);
  layoutStruct(hnode, [
    { name: 'next', t: ptrTo(hnode) },
    { name: 'pprev', t: ptrTo(ptrTo(hnode)) },
  ]);
  def('struct hlist_head', 'hlist_head', [{ name: 'first', t: ptrTo(hnode) }]);
  def('struct mutex', 'mutex', [
    { name: 'dep_map', t: lockdepMap },
    { name: 'owner', t: atomicLong },
    { name: 'wait_list', t: listHead },
  ]);
  def('struct rw_semaphore', 'rw_semaphore', [
    { name: 'dep_map', t: lockdepMap },
    { name: 'count', t: atomicLong },
    { name: 'wait_list', t: listHead },
  ]);
  def('struct rt_mutex', 'rt_mutex', [{ name: 'dep_map', t: lockdepMap }, { name: 'owner', t: VOIDP }]);
  def('local_lock_t', 'local_lock_t', [{ name: 'dep_map', t: lockdepMap }, { name: 'owner', t: VOIDP }]);
  const fnp = ptrTo({ k: 'fn', ret: VOID, params: [VOIDP] });
  const rcuHead = def('struct rcu_head', 'rcu_head', [{ name: 'next', t: VOIDP }, { name: 'func', t: fnp }]);
  m.set('struct callback_head', rcuHead);
  const work = def('struct work_struct', 'work_struct', [
    { name: 'data', t: atomicLong },
    { name: 'entry', t: listHead },
    { name: 'func', t: fnp },
  ]);
  const timer = def('struct timer_list', 'timer_list', [
    { name: 'entry', t: hnode },
    { name: 'expires', t: ULONG },
    { name: 'function', t: fnp },
    { name: 'flags', t: u32 },
  ]);
  def('struct delayed_work', 'delayed_work', [
    { name: 'work', t: work },
    { name: 'timer', t: timer },
    { name: 'cpu', t: INT },
  ]);
  def('struct tasklet_struct', 'tasklet_struct', [
    { name: 'next', t: VOIDP },
    { name: 'state', t: ULONG },
    { name: 'count', t: atomic },
    { name: 'use_callback', t: BOOL },
    { name: 'func', t: fnp },
    { name: 'data', t: ULONG },
  ]);
  def('struct task_struct', 'task_struct', [
    { name: 'pid', t: intType('pid_t', 32, true) },
    { name: 'cpu', t: INT },
    { name: 'comm', t: { k: 'array', of: CHAR, n: 16 } },
    { name: 'pi_lock', t: raw },
  ]);
  const wq = def('wait_queue_head_t', 'wait_queue_head_t', [
    { name: 'lock', t: m.get('spinlock_t')! },
    { name: 'head', t: listHead },
  ]);
  m.set('struct wait_queue_head', wq);
  def('struct completion', 'completion', [{ name: 'done', t: UINT }, { name: 'wait', t: wq }]);
  def('cpumask_t', 'cpumask_t', [{ name: 'bits', t: { k: 'array', of: ULONG, n: 1 } }]);
  m.set('struct cpumask', m.get('cpumask_t')!);
  def('seqcount_t', 'seqcount_t', [{ name: 'sequence', t: UINT }]);
  def('seqlock_t', 'seqlock_t', [{ name: 'seqcount', t: m.get('seqcount_t')! }, { name: 'lock', t: m.get('spinlock_t')! }]);
  def('struct workqueue_struct', 'workqueue_struct', [{ name: 'name', t: CHARP }]);
  def('struct device', 'device', [{ name: 'init_name', t: CHARP }]);
  def('struct kref', 'kref', [{ name: 'refcount', t: m.get('refcount_t')! }]);
  return m;
}

export function isLockStruct(t: RType): t is StructRT {
  return t.k === 'struct' && t.builtin !== undefined && t.builtin in LOCK_BUILTINS;
}
