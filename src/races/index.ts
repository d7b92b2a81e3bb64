/**
 * The race check's public surface. runProgram wires `createRaceChecker` in as
 * one more EventObserver; it writes reports (source 'races') to the log:
 * - `kcsan-data-race`: two accesses from different threads, at least one a
 *   write, not both marked, with no common lock / CPU-local exclusion
 *   (`BUG: KCSAN: data-race in A / B`);
 * - `suspicious-rcu`: an RCU list whose writers mix `_rcu` and plain
 *   primitives while someone reads it without their lock, or an `_rcu` walk
 *   outside any reader (`WARNING: suspicious RCU usage`);
 * - `use-after-free`: an object used by another thread after kfree(), or
 *   after kfree_rcu() outside a read-side section that began before it;
 * - `list-corruption`: a walk continuing from an entry another thread unlinked.
 *
 * What it reads from the event stream (producers, take note):
 * - AccessEvent for struct fields of shared objects; `loc.addr` of a list
 *   node's `next` equal to the node address given in ListEvents (as
 *   addrOf(node) is), so stale-cursor reads and list linkage are recognised;
 * - ListEvent for every list primitive; `entry` is the node added, removed
 *   or visited (for walks, each visited node);
 * - HeapEvent alloc / kfree / kfree_rcu with the object's id;
 * - AcquireEvent/ReleaseEvent for every lock instance, and for
 *   rcu_read_lock() as a map of lockType 'rcu'; the IRQ/BH/preempt state is
 *   taken from each event's ctx.
 */
import type { EventObserver, KernelEnv, KernelLog } from '../events/types.ts';
import { createRaceState, raceEvent, type RaceCheckerOptions } from './checker.ts';

export type { RaceCheckerOptions } from './checker.ts';

export function createRaceChecker(opts: { env: KernelEnv; log: KernelLog } & Partial<RaceCheckerOptions>): EventObserver {
  const state = createRaceState(opts);
  return { event: (e) => raceEvent(state, e) };
}
