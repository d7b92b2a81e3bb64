/**
 * The exercise page's behaviour: file tabs, the editor (Monaco on desktop, a
 * plain textarea on phones or until Monaco arrives), Run / Grade through the
 * lab worker, markers, frame links, hints, drafts, solution diff, reset,
 * export/import. Mounted by ExerciseEditor.astro on its custom element.
 */
import type { RunResult, SourceFile } from '../../engine/api.ts';
import type { GradeView, MarkerView } from '../worker/protocol.ts';
import type { ExerciseView } from './exercises.ts';
import * as progress from './progress.ts';
import { frameLine, functionLines, lineNode, renderMessage, renderRun, summarize } from './terminal.ts';
import { grade, runWithGraph } from './worker-client.ts';
import { graphFigure, scenarioFigure } from './graph-dom.ts';
import { parseScenario } from './scenario.ts';
import type { LockGraphData } from './lockgraph.ts';

/** What the page needs from an editor; a textarea and Monaco both provide it. */
interface EditorAdapter {
  kind: 'plain' | 'monaco';
  show(path: string, readOnly: boolean): void;
  get(path: string): string;
  set(path: string, text: string): void;
  setMarkers(markers: MarkerView[]): void;
  reveal(path: string, line: number, col: number): void;
  focus(): void;
}

type Monaco = typeof import('monaco-editor/editor/editor.api.js');

const isPhone = () => matchMedia('(pointer: coarse)').matches && Math.min(innerWidth, innerHeight) < 820;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

export function mountExercise(root: HTMLElement): void {
  const view = JSON.parse(root.querySelector('.lab-ex-data')!.textContent!) as ExerciseView;
  const $ = <T extends Element>(sel: string) => root.querySelector<T>(sel)!;
  const notices = $<HTMLElement>('.lab-ex-notices');
  const term = $<HTMLElement>('.lab-term');
  const checksList = $<HTMLElement>('.lab-ex-checks');
  const gradeSummary = $<HTMLElement>('.lab-ex-grade-summary');
  const hintsList = $<HTMLElement>('.lab-ex-hints ol');
  const hintButton = $<HTMLButtonElement>('.lab-ex-hint');
  const kindHint = $<HTMLElement>('.lab-ex-kind-hint');
  const tabs = [...root.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const textarea = $<HTMLTextAreaElement>('.lab-ex-plain');
  const host = $<HTMLElement>('.lab-ex-host');
  const status = $<HTMLElement>('.lab-ex-status');
  // Not a live region: "Saving…" on every keystroke would drown a screen reader.
  const saved = $<HTMLElement>('.lab-ex-saved');
  const starter = new Map(view.files.map((f) => [f.path, f.text]));
  const editable = new Set(view.files.filter((f) => f.editable).map((f) => f.path));
  const texts = new Map(starter);
  let current = view.files.find((f) => f.editable)?.path ?? view.files[0].path;
  let passed = false;
  let hintsShown = 0;
  let lastMarkers: MarkerView[] = [];
  let solutionDiff: SourceFile[] | null = null;

  // ---- notices -----------------------------------------------------------
  const notice = (text: string, kind: 'info' | 'warn' | 'error' | 'ok' = 'info', actions: [string, () => void][] = [], key?: string): HTMLElement => {
    if (key) notices.querySelector(`[data-key="${key}"]`)?.remove();
    const n = h('div', { class: `lab-notice lab-notice-${kind}` }, h('span', {}, text));
    if (key) n.dataset.key = key;
    for (const [label, fn] of actions) {
      const b = h('button', { type: 'button', class: 'lab-btn lab-btn-small' }, label);
      b.addEventListener('click', () => {
        fn();
        n.remove();
      });
      n.append(b);
    }
    const close = h('button', { type: 'button', class: 'lab-notice-close', 'aria-label': 'Dismiss' }, '×');
    close.addEventListener('click', () => n.remove());
    n.append(close);
    notices.append(n);
    return n;
  };
  const problem = (p: progress.StorageProblem) => notice(p.message, 'error', [['Export progress', doExport]], `storage-${p.kind}`);

  // ---- storage -----------------------------------------------------------
  const opened = progress.openStore();
  const store = opened.ok ? opened.value : null;
  if (!opened.ok) problem(opened.problem);
  if (store) {
    const d = progress.loadDraft(store, view.slug, view.starterHash);
    if (!d.ok) problem(d.problem);
    else if (d.value) {
      for (const [p, t] of Object.entries(d.value.files)) if (editable.has(p)) texts.set(p, t);
      notice(`Restored your draft from ${new Date(d.value.savedAt).toLocaleString()}.`, 'ok', [], 'restored');
    }
    const stale = progress.staleDrafts(store, view.slug, view.starterHash);
    if (stale.length) {
      const s = stale[0];
      notice(
        `This exercise's starter code changed since your draft of ${new Date(s.savedAt).toLocaleString()}. Your old draft is kept, not loaded.`,
        'warn',
        [
          ['Load old draft', () => {
            if (!confirm('Replace the code in the editor with your old draft? (The current text stays saved only if you export it first.)')) return;
            for (const [p, t] of Object.entries(s.files)) if (editable.has(p)) setText(p, t);
            save();
          }],
          ['Delete old draft', () => {
            if (confirm('Delete the draft you wrote for the older starter? This cannot be undone.')) progress.deleteDraft(store, s.slug, s.starterHash);
          }],
        ],
        'stale',
      );
    }
    const solved = progress.loadSolved(store);
    if (solved.ok && solved.value[view.slug]) markPassed(false);
  }

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  function save(): void {
    clearTimeout(saveTimer);
    dirty = false;
    if (!store) return;
    const files: Record<string, string> = {};
    for (const p of editable) files[p] = texts.get(p) ?? '';
    const r = progress.saveDraft(store, { slug: view.slug, starterHash: view.starterHash, files, savedAt: Date.now() });
    if (!r.ok) problem(r.problem);
    else {
      notices.querySelector('[data-key^="storage-full"]')?.remove();
      saved.textContent = 'Draft saved.';
    }
  }
  function changed(path: string, text: string): void {
    texts.set(path, text);
    dirty = true;
    saved.textContent = 'Saving…';
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 300);
  }
  addEventListener('pagehide', () => dirty && save());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && dirty && save());

  // ---- editors -----------------------------------------------------------
  const plain: EditorAdapter = {
    kind: 'plain',
    show(path, readOnly) {
      textarea.value = texts.get(path) ?? '';
      textarea.readOnly = readOnly;
      textarea.setAttribute('aria-label', `${path} (${readOnly ? 'read-only' : 'editable'})`);
    },
    get: (path) => texts.get(path) ?? '',
    set(path, text) {
      texts.set(path, text);
      if (path === current) textarea.value = text;
    },
    setMarkers() {},
    reveal(path, line, col) {
      selectTab(path);
      const lines = textarea.value.split('\n');
      const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, col - 1);
      textarea.focus();
      textarea.setSelectionRange(at, at + (lines[line - 1]?.length ?? 0) - Math.max(0, col - 1));
    },
    focus: () => textarea.focus(),
  };
  textarea.addEventListener('input', () => editable.has(current) && changed(current, textarea.value));
  let editor: EditorAdapter = plain;

  function setText(path: string, text: string): void {
    texts.set(path, text);
    editor.set(path, text);
  }

  function selectTab(path: string): void {
    current = path;
    for (const t of tabs) {
      const on = t.dataset.path === path;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
    }
    editor.show(path, !editable.has(path));
  }
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => selectTab(t.dataset.path!));
    t.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const next = tabs[(i + d + tabs.length) % tabs.length];
      next.focus();
      selectTab(next.dataset.path!);
    });
  });
  selectTab(current);

  async function mountMonaco(): Promise<void> {
    const { monaco, DARK_THEME, LIGHT_THEME } = (await import('./monaco.ts')) as { monaco: Monaco; DARK_THEME: string; LIGHT_THEME: string };
    const theme = () => (document.documentElement.dataset.theme === 'light' ? LIGHT_THEME : DARK_THEME);
    const models = new Map(
      view.files.map((f) => [f.path, monaco.editor.createModel(texts.get(f.path) ?? '', 'c', monaco.Uri.parse(`file:///${view.slug}/${f.path}`))]),
    );
    let programmatic = false;
    for (const [path, model] of models)
      model.onDidChangeContent(() => {
        if (!programmatic && editable.has(path)) changed(path, model.getValue());
      });
    const ed = monaco.editor.create(host, {
      model: models.get(current)!,
      theme: theme(),
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      scrollBeyondLastLine: false,
      readOnly: !editable.has(current),
      readOnlyMessage: { value: 'This file is part of the environment or the harness and is read-only.' },
      ariaLabel: `${current}: code editor. Ctrl+M (macOS: Ctrl+Shift+M) lets Tab leave the editor.`,
      tabSize: 8,
      insertSpaces: false,
    });
    // Ctrl/Cmd+Enter is Monaco's "insert line below"; here it means Run and must not touch the text.
    monaco.editor.addKeybindingRules([{ keybinding: monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, command: '-editor.action.insertLineAfter' }]);
    ed.addAction({ id: 'lockdep-lab.run', label: 'Lockdep Lab: Run', keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => void doRun() });
    new MutationObserver(() => monaco.editor.setTheme(theme())).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const views = new Map<string, ReturnType<typeof ed.saveViewState>>();
    const sev = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info };
    editor = {
      kind: 'monaco',
      show(path, readOnly) {
        const prev = ed.getModel();
        if (prev) views.set([...models].find(([, m]) => m === prev)![0], ed.saveViewState());
        ed.setModel(models.get(path)!);
        ed.updateOptions({ readOnly, ariaLabel: `${path} (${readOnly ? 'read-only' : 'editable'}): code editor. Ctrl+M (macOS: Ctrl+Shift+M) lets Tab leave the editor.` });
        const vs = views.get(path);
        if (vs) ed.restoreViewState(vs);
      },
      get: (path) => models.get(path)?.getValue() ?? '',
      set(path, text) {
        programmatic = true;
        models.get(path)?.setValue(text);
        programmatic = false;
      },
      setMarkers(markers) {
        for (const [path, model] of models) {
          monaco.editor.setModelMarkers(
            model,
            'lockdep-lab',
            markers
              .filter((m) => m.file === path || m.file.endsWith('/' + path))
              .map((m) => ({
                startLineNumber: m.line,
                startColumn: Math.max(1, m.col),
                endLineNumber: m.line,
                endColumn: model.getLineMaxColumn(Math.min(Math.max(1, m.line), model.getLineCount())),
                message: m.message,
                severity: sev[m.severity],
                source: 'lockdep-lab',
              })),
          );
        }
      },
      reveal(path, line, col) {
        selectTab(path);
        ed.revealLineInCenter(line);
        ed.setPosition({ lineNumber: line, column: Math.max(1, col) });
        ed.focus();
      },
      focus: () => ed.focus(),
    };
    textarea.hidden = true;
    host.hidden = false;
    root.dataset.editor = 'monaco';
    editor.show(current, !editable.has(current));
    editor.setMarkers(lastMarkers);
    (window as unknown as { __labMonaco?: unknown }).__labMonaco = { editor: ed, monaco };
    if (solutionDiff) renderSolution(solutionDiff);
  }

  const forcePlain = new URLSearchParams(location.search).get('editor') === 'plain';
  if (forcePlain || isPhone()) {
    root.dataset.editor = 'plain';
    $<HTMLElement>('.lab-ex-mode').textContent = 'Plain text editor (phone or ?editor=plain); Tab moves focus as usual.';
    $<HTMLElement>('.lab-ex-tabkeys').hidden = true;
  } else {
    root.dataset.editor = 'loading';
    mountMonaco().catch((e) => {
      root.dataset.editor = 'plain';
      notice(`The code editor could not load (${(e as Error).message}); you can keep working in the plain editor.`, 'warn');
    });
  }

  // ---- run and grade ---------------------------------------------------------
  const fnIndex = () => {
    const idx = new Map<string, { path: string; line: number }>();
    for (const f of view.files) for (const [fn, line] of functionLines(texts.get(f.path) ?? '')) if (!idx.has(fn)) idx.set(fn, { path: f.path, line });
    return idx;
  };
  const termOpts = () => {
    const idx = fnIndex();
    return {
      hasFunction: (fn: string) => idx.has(fn),
      onFrame: (fn: string, offset: number) => {
        const at = idx.get(fn);
        if (!at) return false;
        editor.reveal(at.path, frameLine(at.line, offset, (texts.get(at.path) ?? '').split('\n').length), 1);
        return true;
      },
      onPosition: (file: string, line: number, col: number) => editor.reveal(view.files.find((f) => f.path === file || file.endsWith('/' + f.path))?.path ?? current, line, col),
    };
  };
  const allFiles = (): SourceFile[] => view.files.map((f) => ({ path: f.path, text: texts.get(f.path) ?? '' }));
  const setMarkers = (m: MarkerView[]) => {
    lastMarkers = m;
    editor.setMarkers(m);
  };
  const runButton = $<HTMLButtonElement>('.lab-ex-run');
  const gradeButton = $<HTMLButtonElement>('.lab-ex-grade');
  const busy = (on: boolean) => {
    runButton.disabled = on;
    gradeButton.disabled = on;
    root.toggleAttribute('data-busy', on);
  };

  function offerKindHint(kind: string | undefined): void {
    const text = kind ? view.hintsByReportKind[kind] : undefined;
    kindHint.replaceChildren();
    if (!text) return;
    const b = h('button', { type: 'button', class: 'lab-btn lab-btn-small' }, `Hint for this ${kind} report`);
    b.addEventListener('click', () => {
      kindHint.replaceChildren(h('p', { class: 'lab-hint' }, text));
    });
    kindHint.append(b);
  }

  function markersOfRun(r: RunResult): MarkerView[] {
    const out: MarkerView[] = [];
    for (const rep of r.reports) for (const s of rep.sites) out.push({ file: s.pos.file, line: s.pos.line, col: s.pos.col, message: `${rep.header}\n${s.message}`, severity: 'error' });
    for (const d of r.diagnostics) out.push({ file: d.file, line: d.line, col: d.col, message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message, severity: d.severity === 'note' ? 'info' : d.severity });
    if (r.budget?.pos) out.push({ ...r.budget.pos, message: r.budget.message, severity: 'error' });
    return out;
  }

  async function doRun(): Promise<void> {
    if (runButton.disabled) return;
    busy(true);
    renderMessage(term, `$ lockdep-lab run ${[...editable].join(' ')}\n  running…`);
    // The worker applies the grader's runOptionsFor(exercise): Run shows the log Grade judges.
    const r = await runWithGraph(allFiles(), { entry: view.entry, config: view.config, cpus: view.cpus }, undefined, true, { slug: view.slug, exerciseUrl: root.dataset.exerciseUrl! });
    busy(false);
    if (!r.ok) {
      renderMessage(term, r.message, 'error');
      status.textContent = r.message;
      return;
    }
    const { result, graph } = r.value;
    renderRun(term, result, termOpts());
    setMarkers(markersOfRun(result));
    offerKindHint(result.reports[0]?.kind);
    renderPictures(result, graph);
    status.textContent = summarize(result);
  }

  /** What lockdep saw: the run's dependency graph and the first report's unsafe scenario, drawn. */
  function renderPictures(result: RunResult, graph: LockGraphData | undefined): void {
    const box = $<HTMLElement>('.lab-ex-pictures');
    const body = box.querySelector<HTMLElement>('.lab-ex-pictures-body')!;
    body.replaceChildren();
    const withScenario = result.reports.find((x) => x.lines.some((l) => /Possible unsafe locking scenario/.test(l)));
    const sc = withScenario ? parseScenario(withScenario.lines.join('\n')) : null;
    if (sc?.steps.length) body.append(scenarioFigure(sc, `The unsafe scenario of "${withScenario!.header}"`));
    if (graph && graph.edges.length) body.append(graphFigure(graph, 'The lock dependency graph lockdep built during this run; a cycle is drawn in red, the dependency it refused dashed.'));
    box.hidden = body.childElementCount === 0;
  }

  function renderGrade(g: GradeView): void {
    gradeSummary.textContent = `${g.status === 'pass' ? 'PASS' : g.status === 'error' ? 'COULD NOT GRADE' : 'FAIL'}: ${g.message}`;
    gradeSummary.dataset.status = g.status;
    checksList.replaceChildren(
      ...g.checks.map((c) => {
        const li = h('li', { class: `lab-check lab-check-${c.status}` }, h('span', { class: 'lab-check-mark', 'aria-hidden': 'true' }, c.status === 'pass' ? '✔' : c.status === 'skip' ? '–' : '✘'), h('strong', {}, `${c.name} `), h('span', { class: 'sr-only' }, `${c.status}: `), c.message);
        if (c.output) li.append(h('details', {}, h('summary', {}, 'report'), h('pre', { class: 'lab-term lab-term-small' }, c.output)));
        return li;
      }),
    );
    const lines = g.log.replace(/\n$/, '').split('\n');
    term.replaceChildren();
    for (const d of g.diagnostics) term.append(h('span', { class: 'lab-term-line lab-term-error' }, `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}${d.hint ? `\n    hint: ${d.hint}` : ''}`));
    const opts = termOpts();
    for (const l of lines) term.append(lineNode(l, opts));
    setMarkers([
      ...g.diagnostics.map((d): MarkerView => ({ file: d.file, line: d.line, col: d.col, message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message, severity: d.severity === 'warning' ? 'warning' : d.severity === 'note' ? 'info' : 'error' })),
      ...g.checks.flatMap((c) => c.markers),
    ]);
    offerKindHint(g.checks.find((c) => c.reportKind)?.reportKind);
    if (g.status === 'pass') markPassed(true);
  }

  async function doGrade(): Promise<void> {
    if (gradeButton.disabled) return;
    busy(true);
    gradeSummary.textContent = 'Grading…';
    checksList.replaceChildren();
    const files = allFiles().filter((f) => editable.has(f.path));
    const r = await grade({ slug: view.slug, exerciseUrl: root.dataset.exerciseUrl!, files });
    busy(false);
    if (!r.ok) {
      gradeSummary.textContent = r.message;
      gradeSummary.dataset.status = 'error';
      return;
    }
    renderGrade(r.value);
    status.textContent = gradeSummary.textContent;
  }

  function markPassed(now: boolean): void {
    passed = true;
    root.dataset.passed = 'true';
    if (!now) return;
    if (store) {
      const r = progress.markSolved(store, view.slug, view.starterHash);
      if (!r.ok) problem(r.problem);
    }
    notice('Solved! The reference solution is now available to compare with yours.', 'ok', [], 'solved');
    document.dispatchEvent(new CustomEvent('lab:solved', { detail: { slug: view.slug } }));
  }

  runButton.addEventListener('click', () => void doRun());
  gradeButton.addEventListener('click', () => void doGrade());
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void doRun();
    }
  });

  // ---- hints ---------------------------------------------------------------
  hintButton.addEventListener('click', () => {
    if (hintsShown >= view.hints.length) return;
    hintsList.append(h('li', { class: 'lab-hint', tabindex: '-1' }, view.hints[hintsShown++]));
    (hintsList.lastElementChild as HTMLElement).focus();
    hintButton.textContent = hintsShown >= view.hints.length ? 'No more hints' : `Show hint ${hintsShown + 1} of ${view.hints.length}`;
    hintButton.disabled = hintsShown >= view.hints.length;
  });

  // ---- reset ---------------------------------------------------------------
  $<HTMLButtonElement>('.lab-ex-reset').addEventListener('click', () => {
    if (!confirm('Reset every editable file to the starter code? Your current code will be replaced (export your progress first to keep a copy).')) return;
    for (const p of editable) setText(p, starter.get(p)!);
    save();
    notice('Reset to the starter code.', 'info', [], 'reset');
  });

  // ---- solution --------------------------------------------------------------
  const solutionBox = $<HTMLElement>('.lab-ex-solution');
  function renderSolution(sol: SourceFile[]): void {
    solutionBox.hidden = false;
    const body = solutionBox.querySelector<HTMLElement>('.lab-ex-solution-body')!;
    body.replaceChildren();
    const monacoRef = (window as unknown as { __labMonaco?: { monaco: Monaco } }).__labMonaco;
    for (const f of sol) {
      const mine = texts.get(f.path) ?? '';
      body.append(h('h4', {}, `${f.path}: your code (left) and the reference (right)`));
      if (monacoRef) {
        const box = h('div', { class: 'lab-ex-diff' });
        body.append(box);
        const { monaco } = monacoRef;
        const diff = monaco.editor.createDiffEditor(box, {
          readOnly: true,
          originalEditable: false,
          automaticLayout: true,
          renderSideBySide: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          originalAriaLabel: `${f.path}: your code (read-only copy)`,
          modifiedAriaLabel: `${f.path}: reference solution (read-only)`,
        });
        diff.setModel({ original: monaco.editor.createModel(mine, 'c'), modified: monaco.editor.createModel(f.text, 'c') });
        // The diff options' aria labels do not reach Monaco's edit context; the inner editors' own option does.
        diff.getOriginalEditor().updateOptions({ ariaLabel: `${f.path}: your code (read-only copy)` });
        diff.getModifiedEditor().updateOptions({ ariaLabel: `${f.path}: reference solution (read-only)` });
      } else {
        body.append(h('div', { class: 'lab-ex-diff-plain' }, h('pre', { 'aria-label': 'your code', tabindex: '0' }, mine), h('pre', { 'aria-label': 'reference solution', tabindex: '0' }, f.text)));
      }
    }
  }
  $<HTMLButtonElement>('.lab-ex-show-solution').addEventListener('click', async () => {
    if (!passed && !confirm('You have not passed this exercise yet. Looking at the reference solution now spoils the exercise; show it anyway? (It opens beside your code and never replaces it.)')) return;
    const res = await fetch(root.dataset.solutionUrl!).catch(() => null);
    if (!res?.ok) {
      notice('Could not load the reference solution (offline?). Try again later.', 'error');
      return;
    }
    solutionDiff = ((await res.json()) as { files: SourceFile[] }).files;
    renderSolution(solutionDiff);
    solutionBox.querySelector<HTMLElement>('h3')?.focus();
  });

  // ---- export / import ---------------------------------------------------------
  function doExport(): void {
    if (dirty) save();
    const data = store ? progress.exportProgress(store) : null;
    const payload = data ?? { format: progress.EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), drafts: [{ slug: view.slug, starterHash: view.starterHash, files: Object.fromEntries([...editable].map((p) => [p, texts.get(p) ?? ''])), savedAt: Date.now() }], solved: {} };
    const a = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(payload, null, 2)], { type: 'application/json' })), download: `lockdep-lab-progress-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(a);
    a.click();
    a.remove();
  }
  $<HTMLButtonElement>('.lab-ex-export').addEventListener('click', doExport);
  const importInput = $<HTMLInputElement>('.lab-ex-import');
  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    importInput.value = '';
    if (!file || !store) {
      if (!store) notice('Storage is not available in this browser, so progress cannot be imported.', 'error');
      return;
    }
    const r = progress.importProgress(store, await file.text());
    if (!r.ok) {
      notice('error' in r ? r.error : r.problem.message, 'error', [], 'import');
      return;
    }
    notice(`Imported ${r.value.drafts} draft(s) and ${r.value.solved} solved mark(s); ${r.value.keptNewer} newer draft(s) here were kept. Reload to open an imported draft of this exercise.`, 'ok', [['Reload', () => location.reload()]], 'import');
  });

  (window as unknown as { __labEditor?: unknown }).__labEditor = {
    get: (path: string) => (editor.kind === 'monaco' ? editor.get(path) : texts.get(path)),
    set: (path: string, text: string) => {
      setText(path, text);
      changed(path, text);
    },
    kind: () => editor.kind,
    run: doRun,
    grade: doGrade,
  };
}
