/**
 * Renders a run's kernel log like a terminal: printk lines plain, reports as
 * highlighted blocks (header emphasised), diagnostics as file:line:col errors.
 * Stack frame lines (`klist_next+0x1b/0x160`) become buttons when the caller
 * can jump to a function (the exercise editor), so every frame links to code.
 */
import type { Diagnostic, RunResult } from '../../engine/api.ts';
import type { LogEntry } from '../../events/types.ts';
import { RUN_TIME_BUDGET_MS } from './budgets.ts';

export interface TerminalOptions {
  /** Called with a function name and the frame's `+0xOFF` when a stack frame is activated; false if it is not in the learner's files. */
  onFrame?: (fn: string, offset: number) => boolean;
  /** Called with a file:line:col of a diagnostic. */
  onPosition?: (file: string, line: number, col: number) => void;
  /** Knows whether a function name is defined in the shown sources. */
  hasFunction?: (fn: string) => boolean;
}

export const FRAME = /^(\s*)(\?\s)?([A-Za-z_][\w.]*)\+0x([0-9a-f]+)\/0x[0-9a-f]+(.*)$/;
const AT_SITE = /^(.*\bat: )([A-Za-z_]\w*)\+0x([0-9a-f]+)(\/0x[0-9a-f]+)(.*)$/;
/** Header-like lines inside reports. */
const HEADERISH = /^(WARNING|BUG|INFO|=+$|-+$)/;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function lineNode(text: string, opts: TerminalOptions): HTMLElement {
  const m = FRAME.exec(text);
  if (m && opts.onFrame && (!opts.hasFunction || opts.hasFunction(m[3]))) {
    const span = el('span', 'lab-term-line');
    span.append(m[1] + (m[2] ?? ''));
    const b = el('button', 'lab-term-frame', text.trim().slice((m[2] ?? '').length));
    b.type = 'button';
    b.title = `Go to ${m[3]} in the editor`;
    b.addEventListener('click', () => opts.onFrame!(m[3], parseInt(m[4], 16)));
    span.append(b);
    if (m[5]) span.append(m[5]);
    return span;
  }
  // `..., at: klist_next+0x1b/0x160` in lock lines names a site too.
  const at = AT_SITE.exec(text);
  if (at && opts.onFrame && (!opts.hasFunction || opts.hasFunction(at[2]))) {
    const span = el('span', 'lab-term-line', at[1]);
    const b = el('button', 'lab-term-frame', `${at[2]}+0x${at[3]}${at[4]}`);
    b.type = 'button';
    b.title = `Go to ${at[2]} in the editor`;
    b.addEventListener('click', () => opts.onFrame!(at[2], parseInt(at[3], 16)));
    span.append(b, at[5]);
    return span;
  }
  const span = el('span', 'lab-term-line', text);
  if (HEADERISH.test(text)) span.classList.add('lab-term-strong');
  return span;
}

function diagnosticNode(d: Diagnostic, opts: TerminalOptions): HTMLElement {
  const span = el('span', `lab-term-line lab-term-${d.severity}`);
  const where = `${d.file}:${d.line}:${d.col}`;
  if (opts.onPosition) {
    const b = el('button', 'lab-term-frame', where);
    b.type = 'button';
    b.addEventListener('click', () => opts.onPosition!(d.file, d.line, d.col));
    span.append(b);
  } else span.append(where);
  span.append(`: ${d.severity}: ${d.message}`);
  if (d.hint) span.append(el('span', 'lab-term-hint', `\n    hint: ${d.hint}`));
  return span;
}

function entryNode(entry: LogEntry, opts: TerminalOptions): HTMLElement {
  if (entry.type === 'printk') return el('span', 'lab-term-line', entry.text.replace(/\n$/, ''));
  const block = el('span', 'lab-term-report');
  block.dataset.kind = entry.report.kind;
  block.setAttribute('role', 'group');
  block.setAttribute('aria-label', `report: ${entry.report.header}`);
  for (const line of entry.report.lines) {
    const n = lineNode(line, opts);
    if (line.includes(entry.report.header)) n.classList.add('lab-term-header');
    block.append(n);
  }
  return block;
}

/** One-line summary a screen reader announces after a run. */
export function summarize(result: RunResult): string {
  const ms = result.stats?.timeMs;
  const t = typeof ms === 'number' ? ` in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : '';
  switch (result.status) {
    case 'clean':
      return `Ran to the end${t}: no report.`;
    case 'reported':
      return `Ran${t}: ${result.reports.length} report${result.reports.length === 1 ? '' : 's'}: ${result.reports.map((r) => r.header).join('; ')}`;
    case 'invalid':
      return `Could not run: ${result.diagnostics.filter((d) => d.severity === 'error').length} error(s).`;
    case 'budget':
      return budgetSummary(result, t);
  }
}

/**
 * Which limit ended a run, in words that do not blame the learner for a busy
 * machine: the step budget is the verdict (the same on every machine), the
 * wall clock only a safety net.
 */
function safetyLimitMessage(t = ''): string {
  return `Stopped by the ${RUN_TIME_BUDGET_MS / 1000} s safety limit${t} — this is not a verdict on your code: the step budget had not run out, the machine is busy or slow. Run again.`;
}

function budgetSummary(result: RunResult, t: string): string {
  const b = result.budget;
  switch (b?.kind) {
    case 'steps':
      return `Ran out of steps${t} (${result.stats.steps.toLocaleString('en-US')} steps): ${b.message}`;
    case 'time':
      return safetyLimitMessage(t);
    case 'memory':
      return `Ran out of memory${t}: ${b.message}`;
    default:
      return `Stopped by a budget${t}: ${b?.message ?? ''}`;
  }
}

export function renderRun(target: HTMLElement, result: RunResult, opts: TerminalOptions = {}): void {
  target.replaceChildren();
  for (const d of result.diagnostics) target.append(diagnosticNode(d, opts));
  for (const entry of result.log) target.append(entryNode(entry, opts));
  // The engine's "time budget exhausted … ran too long" would blame the code for a busy machine.
  if (result.budget) target.append(el('span', 'lab-term-line lab-term-error', `[budget] ${result.budget.kind === 'time' ? safetyLimitMessage() : result.budget.message}`));
  target.append(el('span', `lab-term-line lab-term-status lab-term-status-${result.status}`, `# ${summarize(result)}`));
}

export function renderMessage(target: HTMLElement, text: string, kind: 'error' | 'info' = 'info'): void {
  target.replaceChildren(el('span', `lab-term-line lab-term-${kind === 'error' ? 'error' : 'status'}`, text));
}

/**
 * The source line a `fn+0xOFF` frame points at, given the line fn's definition
 * starts on. The simulated kernel prints OFF = 4 + 16 * (line - start) + col % 16
 * (src/kernel/state.ts frameOf), so the line comes back exactly; anything
 * outside the function falls back to its first line.
 */
export function frameLine(defLine: number, offset: number, lineCount: number): number {
  if (!(offset >= 4)) return defLine;
  const line = defLine + Math.floor((offset - 4) / 16);
  return line <= lineCount ? line : defLine;
}

/** Function definitions in C source: name -> 1-based line, for frame links. */
export function functionLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  const def = /^(?:static\s+|inline\s+|__always_inline\s+|noinline\s+)*[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\([^;]*$/;
  lines.forEach((l, i) => {
    if (/^\s/.test(l) || /^#/.test(l)) return;
    const m = def.exec(l);
    if (m && !['if', 'for', 'while', 'switch', 'return', 'sizeof'].includes(m[1]) && !out.has(m[1])) out.set(m[1], i + 1);
  });
  return out;
}
