/**
 * Terminal rendering of a decoded log: a summary block per report (kind,
 * task, locks with decoded usage and wait types, the chain as arrows, the
 * scenario as CPU lanes, the lesson), then every input line with its role
 * and explanation. Unplaced lines are shown with `?` so nothing is hidden.
 */
import type { DecodedLog, DecodedReport, DecodedScenario } from './types.ts';

export interface TextOptions {
  /** Print the per-line annotation after the summaries (default true). */
  lines?: boolean;
  /** Wrap explanations at this width (default 100). */
  width?: number;
}

export function explainText(d: DecodedLog, opts: TextOptions = {}): string {
  const out: string[] = [];
  const width = opts.width ?? 100;
  if (d.reports.length === 0) {
    out.push('No lockdep, RCU, might_sleep or KCSAN report recognised in this input.');
  }
  d.reports.forEach((r, i) => {
    out.push(...summary(r, i, d.reports.length, width));
    out.push('');
  });
  if (opts.lines !== false) {
    out.push('Annotated lines (? = not part of a recognised report):');
    const numWidth = String(d.lines.length).length;
    for (const l of d.lines) {
      const mark = l.placed ? (l.report !== undefined ? String.fromCharCode(65 + (l.report % 26)) : ' ') : '?';
      out.push(`${String(l.n).padStart(numWidth)} ${mark} ${l.text}`);
      if (l.placed && l.explain && l.role !== 'blank' && l.role !== 'stack-frame' && l.role !== 'registers') {
        for (const w of wrap(l.explain, width - numWidth - 6)) out.push(`${' '.repeat(numWidth)}     ${w}`);
      }
    }
  }
  return out.join('\n');
}

function summary(r: DecodedReport, i: number, total: number, width: number): string[] {
  const out: string[] = [];
  const tag = String.fromCharCode(65 + (i % 26));
  out.push(`[${tag}] Report ${i + 1} of ${total}: ${r.kind} (lines ${r.start}-${r.end})${r.truncated ? ' - cut short' : ''}`);
  out.push(`    ${r.header}`);
  if (r.kernel) out.push(`    kernel: ${r.kernel.raw}`);
  for (const w of wrap(r.meaning, width - 4)) out.push(`    ${w}`);
  if (r.task) {
    out.push(`    task: ${r.task.comm} (pid ${r.task.pid})${r.task.context ? ` ${r.task.context.raw}` : ''}`);
    if (r.task.context) for (const w of wrap(r.task.context.words, width - 8)) out.push(`        ${w}`);
  }
  if (r.locks.length) {
    out.push('    locks:');
    const seen = new Set<string>();
    for (const l of r.locks) {
      const key = `${l.role} ${l.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const usage = l.usage ? `{${l.usage.raw}}` : '';
      const wait = l.waitType ? `-{${l.waitType.raw}}` : '';
      out.push(`      ${l.role.padEnd(9)} ${l.name}${usage}${wait}${l.at ? `  at ${l.at}` : ''}`);
      if (l.usage) for (const w of wrap(`usage: ${l.usage.words}`, width - 16)) out.push(`                ${w}`);
      if (l.waitType) {
        const w = l.waitType;
        const text =
          w.withNesting.words === w.withoutNesting.words
            ? `wait type: ${w.withNesting.words}`
            : `wait type: ${w.withNesting.words} with PROVE_RAW_LOCK_NESTING; ${w.withoutNesting.words} without`;
        for (const x of wrap(text, width - 16)) out.push(`                ${x}`);
      }
    }
  }
  if (r.chain && r.chain.nodes.length) {
    out.push('    chain:');
    for (const e of r.chain.edges) {
      const st = e.stack !== undefined ? r.stacks[e.stack] : undefined;
      const where = st && st.frames.length ? `  (${st.frames.slice(0, 4).join(' < ')})` : '';
      out.push(`      ${e.from} -> ${e.to}${e.isNew ? '  [new edge]' : ''}${where}`);
    }
    if (r.chain.exists) out.push(`      chain exists of: ${r.chain.exists.join(' --> ')}`);
  }
  if (r.scenario) out.push(...lanes(r.scenario));
  if (r.heldLocks) {
    const names = r.heldLocks.locks.map((k) => r.locks[k].name);
    out.push(`    held: ${names.length ? names.join(', ') : 'none'}`);
  }
  if (r.stacks.length) {
    out.push('    stacks:');
    for (const s of r.stacks) out.push(`      ${s.label}: lines ${s.title}-${s.lines.length ? s.lines[s.lines.length - 1] : s.title}${s.frames.length ? `, ${s.frames.slice(0, 3).join(' < ')}${s.frames.length > 3 ? ' ...' : ''}` : ''}`);
  }
  out.push(`    lesson: ${r.lesson}`);
  return out;
}

function lanes(s: DecodedScenario): string[] {
  const out = [`    scenario (${s.columns === 'inferred' ? 'columns inferred: indentation was lost' : 'as printed'}):`];
  const colW = 34;
  out.push('      ' + s.lanes.map((l) => l.cpu.padEnd(colW)).join(''));
  const rows: string[][] = [];
  const all = s.lanes.flatMap((l, li) => l.steps.map((st) => ({ li, st })));
  all.sort((a, b) => a.st.n - b.st.n);
  for (const { li, st } of all) {
    const row = s.lanes.map(() => '');
    row[li] = (st.inInterrupt ? '  ' : '') + st.text;
    rows.push(row);
  }
  for (const row of rows) out.push('      ' + row.map((c) => c.padEnd(colW)).join('').trimEnd());
  return out;
}

function wrap(text: string, width: number): string[] {
  const w = Math.max(20, width);
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const word of words) {
    if (cur.length + word.length + 1 > w && cur.length > 0) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines;
}
