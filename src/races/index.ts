/**
 * The race check's public surface. runProgram wires `createRaceChecker` in as
 * one more EventObserver; it writes reports (source 'races') to the log:
 * - `kcsan-data-race`: two accesses from different threads, at least one a
 *   write, not both marked, with no common lock / CPU-local exclusion
 *   (`BUG: KCSAN: data-race in A / B`);
 * - `suspicious-rcu`: an RCU list whose writers mix `_rcu` and plain
 *   primitives while someone reads it without their lock, naming both
 *   writers (`WARNING: suspicious RCU usage`, lockdep_rcu_suspicious()'s
 *   layout; an `_rcu` walk outside any reader is the kernel's own warning);
 * - `use-after-free`: an object used by another thread after kfree_rcu(),
 *   outside a read-side section that began before it, while the grace period
 *   is still pending in this run (a potential use-after-free: once the memory
 *   is really freed, the simulated kernel's KASAN reports the access itself);
 * - `list-corruption`: a walk continuing from an entry another thread
 *   unlinked (the stale-cursor case of last_lr_irq).
 *
 * Options beyond env/log: `maxReports` (default 64) and `harnessFiles`
 * (reads made directly in those files, i.e. lab_check() assertions, are not
 * checked).
 *
 * What it reads from the event stream (producers, take note):
 * - AccessEvent for struct fields of shared objects; `loc.addr` of a list
 *   node's `next` equal to the node address given in ListEvents (as
 *   addrOf(node) is), so stale-cursor reads and list linkage are recognised;
 * - ListEvent for every list primitive; `entry` is the node added, removed
 *   or visited (for walks, each visited node);
 * - HeapEvent alloc / kfree / kfree_rcu with the object's id, and the `free`
 *   LockEvent when memory really goes (kfree_rcu: after the grace period);
 * - atomic read-modify-writes as marked accesses; a plain load followed, as
 *   that thread's next event, by a marked store to the same field is taken as
 *   one, so a plain read is processed when its thread moves on (or earlier,
 *   when another thread touches the same object, a list or the heap, or a
 *   task exits); a refcount_t's `refs.counter` is always taken as marked
 *   (the simulated refcount_read() reports a plain load);
 * - INIT_LIST_HEAD() as accesses to the head's `next`/`prev` before any
 *   ListEvent names the head: the list then belongs to that thread until
 *   another one touches it (Eraser's exclusive phase);
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
