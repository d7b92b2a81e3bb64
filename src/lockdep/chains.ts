/**
 * Lock chains: the chain key (iterate_chain_key() over hlock_id()s of the
 * current irq context) and the global chain cache (lookup_chain_cache_add()).
 * The key is a 53-bit number so the hot path needs no allocation; the kernel
 * uses a 64-bit jhash and also ignores collisions outside CONFIG_DEBUG_LOCKDEP.
 */
import type { ReadMode } from '../events/types.ts';

const LO = 2097152; // 2^21

/** hlock_id(): class_idx | read << MAX_LOCKDEP_KEYS_BITS. */
export function hlockId(classIdx: number, read: ReadMode): number {
  return classIdx | (read << 13);
}

export function iterateChainKey(key: number, id: number): number {
  const hi = Math.floor(key / LO) >>> 0;
  const lo = key % LO;
  let h1 = Math.imul(hi ^ id, 0x9e3779b1);
  h1 = Math.imul(h1 ^ (h1 >>> 16) ^ lo, 0x85ebca6b);
  h1 = (h1 ^ (h1 >>> 13)) >>> 0;
  let h2 = Math.imul(lo ^ Math.imul(id, 0xc2b2ae35), 0x27d4eb2f);
  h2 = Math.imul(h2 ^ (h2 >>> 15) ^ hi, 0x165667b1);
  h2 = (h2 ^ (h2 >>> 16)) & (LO - 1);
  return h1 * LO + h2;
}

export interface ChainCache {
  keys: Set<number>;
}

export function createChainCache(): ChainCache {
  return { keys: new Set() };
}

/** True when the chain is new (and now cached): the caller must validate it. */
export function lookupChainCacheAdd(cache: ChainCache, key: number): boolean {
  if (cache.keys.has(key)) return false;
  cache.keys.add(key);
  return true;
}
