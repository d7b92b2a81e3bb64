/**
 * A grade in the formats graders and CI read: plain text for people,
 * Exercism's results.json (v3), JUnit XML, and KTAP as the kernel's KUnit
 * prints it. Pure: the site can offer the same downloads.
 */
import type { CheckResult, GradeResult } from './types.ts';

/** One graded submission, named (batch mode names them after their folder). */
export interface NamedResult {
  name: string;
  result: GradeResult;
}

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

export function formatText(r: GradeResult, opts: { log?: boolean; reports?: boolean } = {}): string {
  const out: string[] = [];
  const head = r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'ERROR';
  out.push(`${r.exercise}: ${head} — ${r.message}`);
  for (const d of r.diagnostics) out.push(`${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}`);
  out.push('');
  const w = Math.max(...r.checks.map((c) => c.name.length), 4);
  for (const c of r.checks) {
    out.push(`  [${MARK[c.status]}] ${c.name.padEnd(w)}  ${c.message}`);
    if (c.status !== 'fail') continue;
    for (const m of c.markers.slice(0, 6)) out.push(`         at ${m.pos.file}:${m.pos.line}:${m.pos.col}: ${m.message}`);
    if (c.hint) out.push(`         hint: ${c.hint}`);
    if (c.report && opts.reports !== false) out.push('', indent(c.report, '         '), '');
  }
  if (opts.log && r.log) out.push('', '--- kernel log ---', r.log.trimEnd());
  const ms = r.timing.totalMs.toFixed(1);
  out.push('', `${r.checks.filter((c) => c.status === 'pass').length} passed, ${r.checks.filter((c) => c.status === 'fail').length} failed (${ms} ms)`);
  return out.join('\n');
}

/** Exercism test-runner results.json, version 3. */
export interface ExercismResults {
  version: 3;
  status: 'pass' | 'fail' | 'error';
  message?: string;
  tests: { name: string; status: 'pass' | 'fail' | 'error'; message?: string; output?: string; test_code: string; task_id?: number }[];
}

/** Exercism truncates `output` at 500 characters; we do it ourselves so the cut is visible. */
const OUTPUT_LIMIT = 500;

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 30) + '\n... (truncated; see the log)';
}

export function toExercism(r: GradeResult): ExercismResults {
  const tests = r.checks.map((c, i) => {
    const t: ExercismResults['tests'][number] = {
      name: `${c.name}: ${c.description}`,
      status: c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'fail' : 'error',
      test_code: c.description,
      task_id: i + 1,
    };
    if (c.status !== 'pass') t.message = c.hint ? `${c.message}\nHint: ${c.hint}` : c.message;
    if (c.report) t.output = clip(c.report, OUTPUT_LIMIT);
    return t;
  });
  const out: ExercismResults = { version: 3, status: r.status, tests };
  if (r.status === 'error') out.message = [r.message, ...r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`)].join('\n');
  return out;
}

function xml(s: string): string {
  // XML 1.0 cannot carry most control characters at all, escaped or not.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export function toJunit(results: readonly NamedResult[]): string {
  const count = (f: (c: CheckResult) => boolean) => results.reduce((n, x) => n + x.result.checks.filter(f).length, 0);
  const errors = results.filter((x) => x.result.status === 'error').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lockdep-lab" tests="${count(() => true)}" failures="${count((c) => c.status === 'fail')}" errors="${errors}" skipped="${count((c) => c.status === 'skip')}" time="${secs(results.reduce((t, x) => t + x.result.timing.totalMs, 0))}">`,
  ];
  for (const { name, result: r } of results) {
    const n = r.checks.length;
    lines.push(
      `  <testsuite name="${xml(name)}" tests="${n}" failures="${r.checks.filter((c) => c.status === 'fail').length}" errors="${r.status === 'error' ? 1 : 0}" skipped="${r.checks.filter((c) => c.status === 'skip').length}" time="${secs(r.timing.totalMs)}">`,
    );
    if (r.status === 'error') {
      lines.push(`    <testcase classname="${xml(name)}" name="build" time="0.000">`);
      lines.push(`      <error message="${xml(r.message)}">${xml(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'))}</error>`);
      lines.push('    </testcase>');
    }
    for (const c of r.checks) {
      lines.push(`    <testcase classname="${xml(name)}" name="${xml(c.name)}" time="0.000">`);
      if (c.status === 'fail') {
        const body = [c.message, ...c.markers.map((m) => `at ${m.pos.file}:${m.pos.line}:${m.pos.col}: ${m.message}`), c.hint ? `hint: ${c.hint}` : '', c.report ?? '']
          .filter(Boolean)
          .join('\n');
        lines.push(`      <failure message="${xml(c.message)}" type="${xml(c.reportKind ?? c.kind)}">${xml(body)}</failure>`);
      } else if (c.status === 'skip') lines.push(`      <skipped message="${xml(c.message)}"/>`);
      lines.push('    </testcase>');
    }
    if (r.log) lines.push(`    <system-out>${xml(r.log)}</system-out>`);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n');
}

/** KTAP test names are single tokens, as KUnit's are. */
function ktapName(s: string): string {
  return s.replace(/[^A-Za-z0-9_./-]+/g, '_').replace(/-/g, '_');
}

/** KTAP v1 as KUnit prints it: one subtest per submission, one case per check. */
export function toKtap(results: readonly NamedResult[]): string {
  const lines = ['KTAP version 1', `1..${results.length}`];
  const totals = { pass: 0, fail: 0, skip: 0 };
  results.forEach(({ name, result: r }, i) => {
    const counts = { pass: 0, fail: 0, skip: 0 };
    lines.push('    KTAP version 1', `    # Subtest: ${ktapName(name)}`, `    # module: lockdep_lab_${ktapName(r.exercise)}`, `    1..${r.checks.length}`);
    if (r.status === 'error') for (const l of r.message.split('\n')) lines.push(`    # ${l}`);
    r.checks.forEach((c, j) => {
      counts[c.status]++;
      if (c.status === 'fail') {
        const at = c.markers[0]?.pos;
        lines.push(`    # ${ktapName(c.name)}: EXPECTATION FAILED${at ? ` at ${at.file}:${at.line}` : ''}`);
        for (const l of c.message.split('\n')) lines.push(`    # ${l}`.trimEnd());
        if (c.report) for (const l of c.report.split('\n')) lines.push(`    # ${l}`.trimEnd());
      }
      const tail = c.status === 'skip' ? ` # SKIP ${c.message}` : '';
      lines.push(`    ${c.status === 'fail' ? 'not ok' : 'ok'} ${j + 1} ${ktapName(c.name)}${tail}`);
    });
    lines.push(`# ${ktapName(name)}: pass:${counts.pass} fail:${counts.fail} skip:${counts.skip} total:${r.checks.length}`);
    totals.pass += counts.pass;
    totals.fail += counts.fail;
    totals.skip += counts.skip;
    lines.push(`${r.status === 'pass' ? 'ok' : 'not ok'} ${i + 1} ${ktapName(name)}`);
  });
  lines.push(`# Totals: pass:${totals.pass} fail:${totals.fail} skip:${totals.skip} total:${totals.pass + totals.fail + totals.skip}`);
  return lines.join('\n');
}
