/**
 * The "Explain my splat" page: decode a pasted log in the browser with the
 * same decoder as `lockdep-lab explain` (src/explain, loaded on first use) and
 * show every line with its explanation on hover/focus, plus a summary card per
 * report: kind, locks, contexts, the scenario, and the lesson that teaches it.
 */
import type { DecodedLog, DecodedReport } from '../../explain/types.ts';

type ExplainModule = { decodeLog: (t: string) => DecodedLog; KIND_TITLES: Record<string, string> };

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

function reportCard(r: DecodedReport, i: number, titles: Record<string, string>, base: string): HTMLElement {
  const card = h('section', { class: 'lab-explain-report', 'aria-labelledby': `rep-${i}` });
  card.append(h('h3', { id: `rep-${i}` }, `Report ${i + 1}: ${r.kind}`));
  const title = titles[r.kind] ?? '';
  if (title && !r.meaning?.startsWith(title)) card.append(h('p', { class: 'lab-explain-kind' }, title));
  card.append(h('p', {}, h('code', {}, r.header)));
  if (r.meaning) card.append(h('p', {}, r.meaning));
  const facts = h('dl', { class: 'lab-explain-facts' });
  if (r.task) facts.append(h('dt', {}, 'Task'), h('dd', {}, `${r.task.comm}/${r.task.pid}${r.task.context ? ` — ${r.task.context.words}` : ''}`));
  if (r.summary) facts.append(h('dt', {}, 'Summary'), h('dd', {}, r.summary));
  for (const l of r.locks.filter((x, k, all) => all.findIndex((y) => y.name === x.name && y.role === x.role) === k)) {
    const bits: string[] = [l.role];
    if (l.usage) bits.push(`{${l.usage.raw}}: ${l.usage.words}`);
    if (l.waitType) bits.push(`{${l.waitType.raw}}: ${l.waitType.withNesting.words}`);
    facts.append(h('dt', {}, h('code', {}, l.name)), h('dd', {}, bits.join('; ')));
  }
  if (r.chain?.exists?.length) facts.append(h('dt', {}, 'Chain'), h('dd', {}, h('code', {}, r.chain.exists.join(' --> '))));
  card.append(facts);
  if (r.scenario?.lanes.length) {
    const lanes = r.scenario.lanes;
    const steps = lanes.flatMap((lane, li) => lane.steps.map((s) => ({ ...s, li }))).sort((a, b) => a.n - b.n);
    const table = h('table', {}, h('caption', { class: 'sr-only' }, `${r.scenario.title}: CPUs side by side, time runs downwards`));
    table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'lab-lanes-t' }, 'time'), ...lanes.map((l) => h('th', { scope: 'col' }, l.cpu)))));
    const body = h('tbody');
    steps.forEach((s, k) =>
      body.append(
        h('tr', {}, h('td', { class: 'lab-lanes-t' }, String(k + 1)), ...lanes.map((_, li) => (li === s.li ? h('td', { class: `lab-lanes-step${s.op === 'interrupt' ? ' lab-lanes-event' : ''}`, style: `padding-inline-start: ${s.inInterrupt && s.op !== 'interrupt' ? 1.8 : 0.6}rem` }, h('code', {}, s.text)) : h('td', { class: 'lab-lanes-idle' })))),
      ),
    );
    table.append(body);
    card.append(h('figure', { class: 'lab-lanes', tabindex: '0', role: 'group', 'aria-label': r.scenario.title }, table));
  }
  if (r.truncated) card.append(h('p', { class: 'lab-explain-warn' }, 'This report is cut off: the usual last sections are missing.'));
  if (r.lesson) card.append(h('p', {}, h('a', { href: base + r.lesson.replace(/^\//, '') }, `The lesson that teaches ${r.kind} reports`)));
  return card;
}

function linesList(log: DecodedLog): HTMLElement {
  const ol = h('ol', { class: 'lab-splat-lines', 'aria-label': 'Your log, line by line' });
  for (const l of log.lines) {
    const li = h('li', { class: 'lab-splat-line', 'data-role': l.role }, h('code', {}, l.text || ' '));
    if (l.explain || !l.placed) {
      const id = `ln-${l.n}`;
      li.tabIndex = 0;
      li.setAttribute('aria-describedby', id);
      li.append(h('span', { class: 'lab-splat-note', role: 'tooltip', id }, h('span', { class: 'lab-splat-role' }, l.placed ? l.role.replace(/[-_]/g, ' ') : 'not placed'), l.explain ?? 'This line is not part of a report the decoder recognises (kept as it was).'));
    }
    ol.append(li);
  }
  return ol;
}

export function mountExplain(root: HTMLElement): void {
  const input = root.querySelector<HTMLTextAreaElement>('#lab-explain-input')!;
  const out = root.querySelector<HTMLElement>('#lab-explain-output')!;
  const status = root.querySelector<HTMLElement>('#lab-explain-status')!;
  const base = root.dataset.base!;
  let mod: Promise<ExplainModule> | null = null;
  const explain = async () => {
    status.textContent = 'Decoding…';
    mod ??= import('../../explain/index.ts') as unknown as Promise<ExplainModule>;
    const m = await mod;
    const log = m.decodeLog(input.value);
    out.replaceChildren();
    const placed = log.lines.filter((l) => l.placed).length;
    status.textContent = log.reports.length
      ? `${log.reports.length} report${log.reports.length > 1 ? 's' : ''} found; ${placed} of ${log.lines.length} lines placed. Tab through the lines below for their meaning.`
      : `No lockdep, KCSAN or might_sleep report found in ${log.lines.length} lines.`;
    log.reports.forEach((r, i) => out.append(reportCard(r, i, m.KIND_TITLES, base)));
    if (log.lines.length) out.append(h('h3', {}, 'Line by line'), linesList(log));
  };
  root.querySelector('#lab-explain-run')!.addEventListener('click', () => void explain());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void explain();
    }
  });
  root.querySelector('#lab-explain-example')?.addEventListener('click', () => {
    input.value = JSON.parse(root.querySelector('#lab-explain-sample')!.textContent!) as string;
    void explain();
  });
}
