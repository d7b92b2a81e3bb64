/**
 * Learner progress in localStorage: drafts, solved exercises, export/import.
 *
 * Drafts are keyed by exercise slug AND the hash of the starter they were
 * typed over. When an author updates a starter, the old draft is not loaded
 * into the editor (it may not fit the new starter) and is not deleted either:
 * the editor offers it ("you have a draft for an older starter") and the
 * learner decides. Nothing a learner typed is dropped silently.
 *
 * Every storage failure comes back as a StorageProblem the UI must show:
 * `blocked` (storage disabled, private mode, sandboxed iframe), `full`
 * (quota exceeded), `corrupt` (a value that is not ours to parse; it is moved
 * aside under a `corrupt:` key, never overwritten).
 *
 * Plain functions over a Storage-like object, so the same code runs in the
 * page and in unit tests.
 */

export const PREFIX = 'lockdep-lab:v1:';
export const EXPORT_FORMAT = 'lockdep-lab-progress';

/** The subset of the Web Storage API used here. */
export interface KeyValueStore {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type StorageProblemKind = 'blocked' | 'full' | 'corrupt';

export interface StorageProblem {
  kind: StorageProblemKind;
  /** One sentence for the learner: what happened and what to do. */
  message: string;
}

export interface Draft {
  slug: string;
  starterHash: string;
  /** path -> text, editable files only. */
  files: Record<string, string>;
  /** ms since epoch. */
  savedAt: number;
}

export interface SolvedEntry {
  starterHash: string;
  at: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problem: StorageProblem };

export interface ProgressExport {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  drafts: Draft[];
  solved: Record<string, SolvedEntry>;
}

const draftKey = (slug: string, hash: string) => `${PREFIX}draft:${slug}:${hash}`;
const SOLVED_KEY = `${PREFIX}solved`;

/** localStorage, or the problem that stops us from using it. */
export function openStore(): Result<KeyValueStore> {
  try {
    const s = globalThis.localStorage;
    if (!s) return { ok: false, problem: blocked() };
    const probe = `${PREFIX}probe`;
    s.setItem(probe, '1');
    s.removeItem(probe);
    return { ok: true, value: s };
  } catch (e) {
    return { ok: false, problem: isQuota(e) ? full() : blocked() };
  }
}

function blocked(): StorageProblem {
  return {
    kind: 'blocked',
    message:
      'This browser blocks local storage for this site, so your work is NOT saved between visits. Allow site data, or use Export progress before leaving.',
  };
}

function full(): StorageProblem {
  return {
    kind: 'full',
    message:
      'Local storage is full, so your latest changes were NOT saved. Export your progress, then free space (e.g. clear data of other sites) and type again to retry.',
  };
}

function corrupt(key: string): StorageProblem {
  return {
    kind: 'corrupt',
    message: `Saved data under "${key}" could not be read; it was kept aside as "corrupt:${key.slice(PREFIX.length)}" and the exercise starts from the starter. Export progress to keep a copy.`,
  };
}

function isQuota(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  const code = (e as { code?: number } | null)?.code;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

function write(store: KeyValueStore, key: string, value: string): Result<true> {
  try {
    store.setItem(key, value);
    return { ok: true, value: true };
  } catch (e) {
    return { ok: false, problem: isQuota(e) ? full() : blocked() };
  }
}

/** Moves an unreadable value aside so a later save cannot overwrite the only copy. */
function quarantine(store: KeyValueStore, key: string, raw: string): StorageProblem {
  try {
    store.setItem(`${PREFIX}corrupt:${key.slice(PREFIX.length)}`, raw);
    store.removeItem(key);
  } catch {
    /* reported as corrupt either way */
  }
  return corrupt(key);
}

function readJson<T>(store: KeyValueStore, key: string, valid: (v: unknown) => v is T): Result<T | null> {
  let raw: string | null;
  try {
    raw = store.getItem(key);
  } catch {
    return { ok: false, problem: blocked() };
  }
  if (raw === null) return { ok: true, value: null };
  try {
    const v: unknown = JSON.parse(raw);
    if (valid(v)) return { ok: true, value: v };
  } catch {
    /* fall through */
  }
  return { ok: false, problem: quarantine(store, key, raw) };
}

function isRecordOfStrings(v: unknown): v is Record<string, string> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

export function isDraft(v: unknown): v is Draft {
  const d = v as Draft;
  return (
    !!d &&
    typeof d === 'object' &&
    typeof d.slug === 'string' &&
    typeof d.starterHash === 'string' &&
    typeof d.savedAt === 'number' &&
    isRecordOfStrings(d.files)
  );
}

function isSolvedMap(v: unknown): v is Record<string, SolvedEntry> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every(
    (e) => !!e && typeof e === 'object' && typeof (e as SolvedEntry).starterHash === 'string' && typeof (e as SolvedEntry).at === 'number',
  );
}

export function saveDraft(store: KeyValueStore, draft: Draft): Result<true> {
  return write(store, draftKey(draft.slug, draft.starterHash), JSON.stringify(draft));
}

/** The draft typed over exactly this starter, if any. */
export function loadDraft(store: KeyValueStore, slug: string, starterHash: string): Result<Draft | null> {
  const r = readJson(store, draftKey(slug, starterHash), isDraft);
  if (r.ok && r.value && (r.value.slug !== slug || r.value.starterHash !== starterHash)) {
    return { ok: true, value: null };
  }
  return r;
}

/** Drafts of this exercise typed over OTHER starters (an author changed it since), newest first. */
export function staleDrafts(store: KeyValueStore, slug: string, starterHash: string): Draft[] {
  const out: Draft[] = [];
  for (const key of keys(store)) {
    if (!key.startsWith(`${PREFIX}draft:${slug}:`) || key === draftKey(slug, starterHash)) continue;
    const hash = key.slice(`${PREFIX}draft:${slug}:`.length);
    const r = readJson(store, key, isDraft);
    if (r.ok && r.value && r.value.slug === slug && r.value.starterHash === hash) out.push(r.value);
  }
  return out.sort((a, b) => b.savedAt - a.savedAt);
}

export function deleteDraft(store: KeyValueStore, slug: string, starterHash: string): Result<true> {
  try {
    store.removeItem(draftKey(slug, starterHash));
    return { ok: true, value: true };
  } catch {
    return { ok: false, problem: blocked() };
  }
}

function keys(store: KeyValueStore): string[] {
  const out: string[] = [];
  try {
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k !== null) out.push(k);
    }
  } catch {
    /* blocked store: no keys */
  }
  return out;
}

export function loadSolved(store: KeyValueStore): Result<Record<string, SolvedEntry>> {
  const r = readJson(store, SOLVED_KEY, isSolvedMap);
  return r.ok ? { ok: true, value: r.value ?? {} } : r;
}

export function markSolved(store: KeyValueStore, slug: string, starterHash: string, at = Date.now()): Result<true> {
  const cur = loadSolved(store);
  const map = cur.ok ? cur.value : {};
  map[slug] = { starterHash, at };
  return write(store, SOLVED_KEY, JSON.stringify(map));
}

export function exportProgress(store: KeyValueStore, now = new Date()): ProgressExport {
  const drafts: Draft[] = [];
  for (const key of keys(store)) {
    if (!key.startsWith(`${PREFIX}draft:`)) continue;
    const r = readJson(store, key, isDraft);
    if (r.ok && r.value) drafts.push(r.value);
  }
  const solved = loadSolved(store);
  return {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: now.toISOString(),
    drafts: drafts.sort((a, b) => (a.slug + a.starterHash).localeCompare(b.slug + b.starterHash)),
    solved: solved.ok ? solved.value : {},
  };
}

export interface ImportSummary {
  drafts: number;
  /** Drafts kept as they were because the stored one is newer. */
  keptNewer: number;
  solved: number;
}

/**
 * Merges an export into the store. Never replaces a newer draft with an older
 * one, and a solved mark is never removed by an import.
 */
export function importProgress(store: KeyValueStore, text: string): Result<ImportSummary> | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The file is not JSON. Choose a file made by "Export progress".' };
  }
  const d = data as ProgressExport;
  if (!d || d.format !== EXPORT_FORMAT || d.version !== 1 || !Array.isArray(d.drafts) || !isSolvedMap(d.solved)) {
    return { ok: false, error: `The file is not a Lockdep Lab progress export (expected "format": "${EXPORT_FORMAT}", "version": 1).` };
  }
  const bad = d.drafts.findIndex((x) => !isDraft(x));
  if (bad >= 0) return { ok: false, error: `drafts[${bad}] is malformed (needs slug, starterHash, savedAt and files).` };
  const summary: ImportSummary = { drafts: 0, keptNewer: 0, solved: 0 };
  for (const draft of d.drafts) {
    const cur = loadDraft(store, draft.slug, draft.starterHash);
    if (cur.ok && cur.value && cur.value.savedAt >= draft.savedAt) {
      summary.keptNewer++;
      continue;
    }
    const w = saveDraft(store, draft);
    if (!w.ok) return w;
    summary.drafts++;
  }
  const solved = loadSolved(store);
  const map = solved.ok ? solved.value : {};
  for (const [slug, entry] of Object.entries(d.solved)) {
    if (!map[slug] || map[slug].at < entry.at) {
      map[slug] = entry;
      summary.solved++;
    }
  }
  const w = write(store, SOLVED_KEY, JSON.stringify(map));
  if (!w.ok) return w;
  return { ok: true, value: summary };
}

/** Short stable hash of a starter (FNV-1a 64 over path and text), computed at build time and in tests. */
export function starterHash(files: readonly { path: string; text: string }[]): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    for (const ch of `${f.path}\0${f.text}\0`) {
      h ^= BigInt(ch.codePointAt(0)!);
      h = (h * prime) & mask;
    }
  }
  return h.toString(16).padStart(16, '0').slice(0, 12);
}
