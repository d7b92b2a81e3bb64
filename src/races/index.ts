/**
 * The race check's public surface. runProgram wires `createRaceChecker` in as
 * one more EventObserver; it writes `kcsan-data-race`, `use-after-free`,
 * `list-corruption` and `suspicious-rcu` reports (source 'races') to the log.
 */
import type { EventObserver, KernelEnv, KernelLog } from '../events/types.ts';
import { createRaceState, raceEvent, type RaceCheckerOptions } from './checker.ts';

export type { RaceCheckerOptions } from './checker.ts';

export function createRaceChecker(opts: { env: KernelEnv; log: KernelLog } & Partial<RaceCheckerOptions>): EventObserver {
  const state = createRaceState(opts);
  return { event: (e) => raceEvent(state, e) };
}
