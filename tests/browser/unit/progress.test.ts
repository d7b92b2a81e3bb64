import { describe, expect, it } from 'vitest';
import * as progress from '../../../src/site/lib/progress.ts';

/** A Web Storage stand-in that can be made full or blocked. */
class MemStore implements progress.KeyValueStore {
  map = new Map<string, string>();
  quota = Infinity;
  blocked = false;
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    if (this.blocked) throw Object.assign(new Error('denied'), { name: 'SecurityError' });
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.blocked) throw Object.assign(new Error('denied'), { name: 'SecurityError' });
    const used = [...this.map].reduce((n, [a, b]) => n + (a === k ? 0 : a.length + b.length), 0);
    if (used + k.length + v.length > this.quota) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const draft = (over: Partial<progress.Draft> = {}): progress.Draft => ({ slug: 'abba', starterHash: 'h1', files: { 'abba.c': 'int x;' }, savedAt: 1000, ...over });

describe('drafts', () => {
  it('round-trips a draft keyed by slug and starter hash', () => {
    const s = new MemStore();
    expect(progress.saveDraft(s, draft())).toEqual({ ok: true, value: true });
    expect(progress.loadDraft(s, 'abba', 'h1')).toEqual({ ok: true, value: draft() });
  });

  it('does not load a draft typed over another starter, but keeps and offers it', () => {
    const s = new MemStore();
    progress.saveDraft(s, draft({ starterHash: 'old', savedAt: 5 }));
    progress.saveDraft(s, draft({ slug: 'other', starterHash: 'old' }));
    expect(progress.loadDraft(s, 'abba', 'new')).toEqual({ ok: true, value: null });
    const stale = progress.staleDrafts(s, 'abba', 'new');
    expect(stale.map((d) => [d.slug, d.starterHash])).toEqual([['abba', 'old']]);
    expect(progress.staleDrafts(s, 'abba', 'old')).toEqual([]);
  });

  it('reports a full store instead of losing the save silently', () => {
    const s = new MemStore();
    s.quota = 50;
    const r = progress.saveDraft(s, draft({ files: { 'abba.c': 'x'.repeat(200) } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.kind).toBe('full');
  });

  it('reports a blocked store', () => {
    const s = new MemStore();
    s.blocked = true;
    const r = progress.saveDraft(s, draft());
    expect(!r.ok && r.problem.kind).toBe('blocked');
    const l = progress.loadDraft(s, 'abba', 'h1');
    expect(!l.ok && l.problem.kind).toBe('blocked');
  });

  it('moves a corrupt value aside instead of overwriting the only copy', () => {
    const s = new MemStore();
    s.setItem(`${progress.PREFIX}draft:abba:h1`, '{not json');
    const r = progress.loadDraft(s, 'abba', 'h1');
    expect(!r.ok && r.problem.kind).toBe('corrupt');
    expect(s.getItem(`${progress.PREFIX}corrupt:draft:abba:h1`)).toBe('{not json');
    expect(s.getItem(`${progress.PREFIX}draft:abba:h1`)).toBeNull();
    // Valid JSON of the wrong shape is corrupt too.
    s.setItem(`${progress.PREFIX}draft:abba:h2`, '{"slug":"abba"}');
    expect(progress.loadDraft(s, 'abba', 'h2').ok).toBe(false);
  });
});

describe('solved marks, export and import', () => {
  it('exports drafts and solved marks and imports them into an empty store', () => {
    const a = new MemStore();
    progress.saveDraft(a, draft());
    progress.markSolved(a, 'abba', 'h1', 42);
    const exported = progress.exportProgress(a, new Date(0));
    expect(exported.format).toBe(progress.EXPORT_FORMAT);
    const b = new MemStore();
    const r = progress.importProgress(b, JSON.stringify(exported));
    expect(r).toEqual({ ok: true, value: { drafts: 1, keptNewer: 0, solved: 1 } });
    expect(progress.loadDraft(b, 'abba', 'h1')).toEqual({ ok: true, value: draft() });
    expect(progress.loadSolved(b)).toEqual({ ok: true, value: { abba: { starterHash: 'h1', at: 42 } } });
  });

  it('never replaces a newer draft with an older imported one', () => {
    const here = new MemStore();
    progress.saveDraft(here, draft({ files: { 'abba.c': 'newer' }, savedAt: 2000 }));
    const file = { format: progress.EXPORT_FORMAT, version: 1, exportedAt: '', drafts: [draft({ files: { 'abba.c': 'older' }, savedAt: 1000 })], solved: {} };
    const r = progress.importProgress(here, JSON.stringify(file));
    expect(r).toEqual({ ok: true, value: { drafts: 0, keptNewer: 1, solved: 0 } });
    const d = progress.loadDraft(here, 'abba', 'h1');
    expect(d.ok && d.value?.files['abba.c']).toBe('newer');
  });

  it('rejects files that are not a progress export, naming the problem', () => {
    const s = new MemStore();
    const notJson = progress.importProgress(s, 'hello');
    expect(!notJson.ok && 'error' in notJson && notJson.error).toMatch(/not JSON/);
    const wrong = progress.importProgress(s, JSON.stringify({ format: 'x' }));
    expect(!wrong.ok && 'error' in wrong && wrong.error).toMatch(/not a Lockdep Lab progress export/);
    const bad = progress.importProgress(s, JSON.stringify({ format: progress.EXPORT_FORMAT, version: 1, drafts: [{ slug: 1 }], solved: {} }));
    expect(!bad.ok && 'error' in bad && bad.error).toMatch(/drafts\[0\]/);
    expect(s.length).toBe(0);
  });
});

describe('starterHash', () => {
  it('changes when any starter text changes and ignores file order', () => {
    const a = progress.starterHash([{ path: 'a.c', text: 'x' }, { path: 'b.c', text: 'y' }]);
    expect(progress.starterHash([{ path: 'b.c', text: 'y' }, { path: 'a.c', text: 'x' }])).toBe(a);
    expect(progress.starterHash([{ path: 'a.c', text: 'x ' }, { path: 'b.c', text: 'y' }])).not.toBe(a);
    expect(progress.starterHash([{ path: 'a.c', text: 'xy' }, { path: 'b.c', text: '' }])).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{12}$/);
  });
});
