/**
 * Fills status cells of progress tables (rows with data-slug / data-hash)
 * from localStorage, and wires the export/import controls of the progress page.
 */
import * as progress from './progress.ts';

export function fillProgressTable(doc: Document): progress.StorageProblem | null {
  const opened = progress.openStore();
  if (!opened.ok) return opened.problem;
  const store = opened.value;
  const solved = progress.loadSolved(store);
  for (const row of doc.querySelectorAll<HTMLElement>('tr[data-slug]')) {
    const slug = row.dataset.slug!;
    const hash = row.dataset.hash!;
    const cell = row.querySelector('.lab-progress-status');
    if (!cell) continue;
    const s = solved.ok ? solved.value[slug] : undefined;
    const draft = progress.loadDraft(store, slug, hash);
    const stale = progress.staleDrafts(store, slug, hash);
    let text = 'not started';
    if (s) text = `✔ solved ${new Date(s.at).toLocaleDateString()}${s.starterHash !== hash ? ' (starter updated since)' : ''}`;
    else if (draft.ok && draft.value) text = `in progress (saved ${new Date(draft.value.savedAt).toLocaleString()})`;
    else if (stale.length) text = 'draft for an older starter';
    cell.textContent = text;
    row.dataset.state = s ? 'solved' : draft.ok && draft.value ? 'draft' : 'none';
  }
  return solved.ok ? null : solved.problem;
}

export function wireProgressControls(doc: Document): void {
  const out = doc.querySelector<HTMLElement>('#lab-progress-message')!;
  const say = (t: string, kind: 'ok' | 'error' = 'ok') => {
    out.textContent = t;
    out.dataset.kind = kind;
  };
  const problem = fillProgressTable(doc);
  if (problem) say(problem.message, 'error');
  doc.querySelector('#lab-export')?.addEventListener('click', () => {
    const opened = progress.openStore();
    if (!opened.ok) return say(opened.problem.message, 'error');
    const data = progress.exportProgress(opened.value);
    const a = doc.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    a.download = `lockdep-lab-progress-${data.exportedAt.slice(0, 10)}.json`;
    doc.body.append(a);
    a.click();
    a.remove();
    say(`Exported ${data.drafts.length} draft(s) and ${Object.keys(data.solved).length} solved exercise(s).`);
  });
  const input = doc.querySelector<HTMLInputElement>('#lab-import');
  input?.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const opened = progress.openStore();
    if (!opened.ok) return say(opened.problem.message, 'error');
    const r = progress.importProgress(opened.value, await file.text());
    if (!r.ok) return say('error' in r ? r.error : r.problem.message, 'error');
    say(`Imported ${r.value.drafts} draft(s) and ${r.value.solved} solved mark(s); kept ${r.value.keptNewer} newer draft(s) already here.`);
    fillProgressTable(doc);
  });
}
