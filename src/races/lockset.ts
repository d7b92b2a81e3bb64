/**
 * Interned locksets. A run touches few distinct sets, so each set gets a
 * small id and intersections are memoised; the hot path then compares
 * numbers instead of building sets.
 *
 * Members are strings: `L<lock id>` for lock instances, `irqs@0`-style names
 * for the CPU-local pseudo-locks of ./context.ts.
 */
import type { LocksetId } from './types.ts';

export interface LocksetTable {
  byKey: Map<string, LocksetId>;
  members: string[][];
  meet: Map<number, LocksetId>;
  join: Map<number, LocksetId>;
  /** `<set id>+<member>` / `<set id>-<member>` -> set id. */
  step: Map<string, LocksetId>;
}

export const EMPTY: LocksetId = 0;
/** Candidate lockset before refinement: "every lock" (Eraser's initial C(v)). */
export const ALL: LocksetId = -1;

export function createLocksetTable(): LocksetTable {
  return { byKey: new Map([['', EMPTY]]), members: [[]], meet: new Map(), join: new Map(), step: new Map() };
}

/** Id of a set given its members (any order, duplicates allowed). */
export function intern(t: LocksetTable, members: string[]): LocksetId {
  const sorted = [...new Set(members)].sort();
  const key = sorted.join(',');
  let id = t.byKey.get(key);
  if (id === undefined) {
    id = t.members.length;
    t.members.push(sorted);
    t.byKey.set(key, id);
  }
  return id;
}

export function intersect(t: LocksetTable, a: LocksetId, b: LocksetId): LocksetId {
  if (a === ALL) return b;
  if (b === ALL || a === b) return a;
  if (a === EMPTY || b === EMPTY) return EMPTY;
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  // Ids stay far below 2^20 in any run the course makes; pack the pair in one number.
  const k = lo * 1048576 + hi;
  let r = t.meet.get(k);
  if (r === undefined) {
    const hb = new Set(t.members[hi]);
    r = intern(
      t,
      t.members[lo].filter((m) => hb.has(m)),
    );
    t.meet.set(k, r);
  }
  return r;
}

export function union(t: LocksetTable, a: LocksetId, b: LocksetId): LocksetId {
  if (a === EMPTY || a === b) return b;
  if (b === EMPTY) return a;
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  const k = lo * 1048576 + hi;
  let r = t.join.get(k);
  if (r === undefined) {
    r = intern(t, [...t.members[lo], ...t.members[hi]]);
    t.join.set(k, r);
  }
  return r;
}

/** The set with `member` added (`add`) or removed; memoised, as threads take the same locks over and over. */
export function withMember(t: LocksetTable, id: LocksetId, member: string, add: boolean): LocksetId {
  const k = `${id}${add ? '+' : '-'}${member}`;
  let r = t.step.get(k);
  if (r === undefined) {
    r = intern(t, add ? [...t.members[id], member] : t.members[id].filter((m) => m !== member));
    t.step.set(k, r);
  }
  return r;
}

export function membersOf(t: LocksetTable, id: LocksetId): readonly string[] {
  return id === ALL ? [] : t.members[id];
}
