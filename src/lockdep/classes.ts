/**
 * Lock class registration: look_up_lock_class() / register_lock_class() keyed
 * by (key, subclass), name versions (count_matching_names()) and the printed
 * name (__print_lock_name(): name, `#N` when name_version > 1, `/S`).
 */
import type { LockdepMap } from '../events/types.ts';
import type { LdLockType, LockClass, MapInfo } from './types.ts';

export interface ClassRegistry {
  byKey: Map<string, LockClass>;
  /** lock_classes[]; index 0 unused as in the kernel. */
  list: LockClass[];
  maps: Map<number, MapInfo>;
}

export function createRegistry(): ClassRegistry {
  return { byKey: new Map(), list: [undefined as unknown as LockClass], maps: new Map() };
}

export function mapInfo(reg: ClassRegistry, lock: LockdepMap): MapInfo {
  let mi = reg.maps.get(lock.id);
  if (!mi) {
    mi = { key: lock.key, name: lock.name, baseSubclass: 0, novalidate: false, cache: [] };
    reg.maps.set(lock.id, mi);
  }
  return mi;
}

/** lockdep_init_map(): forget the class cache, take the init's key and name. */
export function reinitMap(reg: ClassRegistry, lock: LockdepMap, key: string, name: string, subclass: number, novalidate: boolean): MapInfo {
  const mi = mapInfo(reg, lock);
  mi.key = key;
  mi.name = name;
  mi.baseSubclass = subclass;
  mi.novalidate = novalidate;
  mi.cache = [];
  return mi;
}

function hashStr(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function keySymbol(key: string, idx: number): { sym: string; size: number } {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (kind === 'static' || kind === 'percpu') return { sym: rest, size: 0x18 };
  if (kind === 'key') return { sym: rest, size: 0x8 };
  if (kind === 'map') return { sym: `__${rest}_key`, size: 0x8 };
  return { sym: `__key.${idx}`, size: 0x8 };
}

function ldTypeOf(lock: LockdepMap): LdLockType {
  return lock.lockType === 'local_lock_t' ? 'PERCPU' : 'NORMAL';
}

/**
 * The class for an acquisition of `lock` in `requested` subclass, registering
 * it on first use. Subclass 0 lands in lockdep_set_subclass()'s subclass, as
 * the kernel's class_cache[0] does.
 */
export function registerLockClass(reg: ClassRegistry, lock: LockdepMap, mi: MapInfo, requested: number): LockClass {
  const subclass = requested === 0 ? mi.baseSubclass : requested;
  const id = mi.key + '/' + subclass;
  let cls = reg.byKey.get(id);
  if (!cls) {
    const idx = reg.list.length;
    let version = 0;
    let inherited = -1;
    for (let i = 1; i < reg.list.length; i++) {
      const c = reg.list[i];
      if (c.key === mi.key) {
        inherited = c.nameVersion;
        break;
      }
      if (c.name === mi.name) version = Math.max(version, c.nameVersion);
    }
    const { sym, size } = keySymbol(mi.key, idx);
    const h = hashStr(mi.key);
    cls = {
      idx,
      key: mi.key,
      subclass,
      name: mi.name,
      nameVersion: inherited >= 0 ? inherited : version + 1,
      lockType: lock.lockType,
      ldType: ldTypeOf(lock),
      waitInner: lock.waitInner,
      waitOuter: lock.waitOuter,
      usageMask: 0,
      usageTraces: [],
      locksAfter: [],
      locksBefore: [],
      keyAddr: 0xffffffff86000000n + BigInt((h % 0x3fffff) * 8 + subclass),
      keySym: `${sym}+0x${subclass.toString(16)}/0x${size.toString(16)}`,
      initPos: lock.initPos,
      novalidate: mi.novalidate,
      bfsGen: 0,
    };
    reg.byKey.set(id, cls);
    reg.list.push(cls);
  }
  mi.cache[requested] = cls;
  return cls;
}

/** __print_lock_name(). */
export function className(cls: LockClass): string {
  let s = cls.name;
  if (cls.nameVersion > 1) s += '#' + cls.nameVersion;
  if (cls.subclass) s += '/' + cls.subclass;
  return s;
}
