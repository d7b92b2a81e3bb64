/**
 * The simulated memory: objects (globals, per-CPU copies, heap blocks, stack
 * variables, string literals) with deterministic addresses, holding typed
 * values per byte offset. Pointers are (object, offset) pairs, so `&k->k_lock`,
 * `container_of`, pointer comparison and NULL behave as in C without a byte
 * array, and every field keeps a stable address for %px and for reports.
 */
import type { IntRT, RType, PtrRT } from './rtypes.ts';

export type Region = 'global' | 'percpu' | 'heap' | 'stack' | 'string' | 'kernel';

export interface MemObj {
  id: number;
  base: bigint;
  size: number;
  t: RType;
  region: Region;
  /** Printed name: the global's symbol, `kzalloc(struct foo)`, a local's name. */
  label: string;
  /** Global symbol (globals and per-CPU copies): keys static lock classes. */
  sym?: string;
  /** Per-CPU copy: which CPU. */
  cpu?: number;
  /** Values by byte offset (scalars only; aggregates are spread over their fields). */
  cells: Map<number, Value>;
  /** Unwritten cells read as zero (globals, kzalloc) rather than uninitialised. */
  zeroed: boolean;
  freed?: boolean;
  /** A heap block not yet used through a typed pointer: its type comes from the first one. */
  untyped?: boolean;
  /** Where kfree happened, for use-after-free reports. */
  freedAt?: string;
  /** String literal contents (char arrays made from a literal). */
  str?: string;
  /** Per-offset runtime extras owned by the kernel (lock instances, work items...). */
  ext?: Map<number, unknown>;
}

export interface IntV {
  k: 'i';
  t: IntRT;
  v: bigint;
}
/**
 * A data pointer. `obj` null: a pointer that is not into an object (NULL, or
 * an integer cast to a pointer) whose numeric value is `addr`.
 */
export interface PtrV {
  k: 'p';
  t: PtrRT;
  obj: MemObj | null;
  off: number;
  addr?: bigint;
  /** Read from never-written stack memory. */
  uninit?: boolean;
}
/** A function designator or function pointer. */
export interface FnV {
  k: 'f';
  name: string;
}
export interface VoidV {
  k: 'v';
}
/** An aggregate (struct/array) value, by reference to its storage; copied on assignment. */
export interface AggV {
  k: 'a';
  t: RType;
  obj: MemObj;
  off: number;
}
export type Value = IntV | PtrV | FnV | VoidV | AggV;

export const VOIDV: VoidV = { k: 'v' };

/** Address layout, x86-64 style, so printed pointers look like kernel pointers. */
const REGION_BASE: Record<Region, bigint> = {
  global: 0xffffffff82a00000n,
  percpu: 0xffff88813bc00000n,
  heap: 0xffff888104000000n,
  stack: 0xffffc90000010000n,
  string: 0xffffffff82000000n,
  kernel: 0xffffffff83000000n,
};

export interface Memory {
  objs: MemObj[];
  /** The most recent stack objects (a ring), so an address cast back to a pointer can find them. */
  recentStack: MemObj[];
  next: Record<Region, bigint>;
  heapBytes: number;
  nextId: number;
}

export function createMemory(): Memory {
  return { objs: [], recentStack: [], next: { ...REGION_BASE }, heapBytes: 0, nextId: 1 };
}

export function allocObj(
  mem: Memory,
  region: Region,
  t: RType,
  size: number,
  label: string,
  zeroed: boolean,
  extra?: Partial<MemObj>,
): MemObj {
  // Heap blocks get kmalloc-like size classes; others are packed at 16 bytes.
  const align = region === 'heap' ? Math.max(64, pow2(size)) : 16;
  const a = BigInt(align);
  const base = ((mem.next[region] + a - 1n) / a) * a;
  mem.next[region] = base + BigInt(Math.max(size, 1));
  const obj: MemObj = { id: mem.nextId++, base, size, t, region, label, cells: new Map(), zeroed, ...extra };
  if (region === 'heap') mem.heapBytes += size;
  // Stack objects are short-lived; not keeping them lets memory stay flat in long loops.
  if (region !== 'stack') mem.objs.push(obj);
  else mem.recentStack[mem.nextId % RECENT_STACK] = obj;
  return obj;
}

function pow2(n: number): number {
  let p = 8;
  while (p < n && p < 4096) p *= 2;
  return p;
}

export function addrOf(p: { obj: MemObj | null; off: number; addr?: bigint }): bigint {
  if (p.obj) return p.obj.base + BigInt(p.off);
  return p.addr ?? 0n;
}

/** The object that contains an absolute address, if any (for integers cast back to pointers). */
const RECENT_STACK = 1024;

export function objAt(mem: Memory, addr: bigint): MemObj | null {
  for (const o of mem.recentStack) {
    if (o && addr >= o.base && addr < o.base + BigInt(Math.max(o.size, 1))) return o;
  }
  for (const o of mem.objs) {
    if (addr >= o.base && addr < o.base + BigInt(Math.max(o.size, 1))) return o;
  }
  return null;
}

export function ext<T>(obj: MemObj, off: number): T | undefined {
  return obj.ext?.get(off) as T | undefined;
}

export function setExt(obj: MemObj, off: number, v: unknown): void {
  (obj.ext ??= new Map()).set(off, v);
}
