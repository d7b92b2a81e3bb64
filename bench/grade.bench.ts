/**
 * Grading speed: per exercise, the time to grade its reference solution
 * (warm, median and p95 of repeated grades; target < 20 ms), then a batch of
 * 1,000 submissions graded by `lockdep-lab grade --batch`'s worker pool, and
 * how long a runaway (a busy loop, a printk flood) takes to hit the step
 * budget: the deciding limit, which must end far inside the wall-clock
 * safety net (DEFAULT_BUDGETS.maxTimeMs) even on a loaded machine.
 *
 *   npx node bench/grade.bench.ts [--batch N] [--jobs N] [--reps N]
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradeBatch } from '../src/cli/commands/grade.ts';
import { DEFAULT_BUDGETS, grade } from '../src/grader/index.ts';
import { loadAllExercises } from '../src/grader/load-node.ts';
import type { SourceFile } from '../src/engine/api.ts';
import type { Exercise } from '../src/grader/types.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const REPS = arg('--reps', 30);
const BATCH = arg('--batch', 1000);
const JOBS = arg('--jobs', 2);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const { exercises, errors } = loadAllExercises();
if (errors.length) {
  console.error(`${errors.length} exercise folder(s) failed to load; run 'lockdep-lab exercises check'`);
  process.exit(1);
}

console.log(`grade time of each reference solution (${REPS} warm runs after 5 warm-up runs)`);
// Wall time suffers when other processes share the cores; CPU time of this
// process is the better estimate of the grader's own cost on a busy machine.
console.log(`${'exercise'.padEnd(26)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'cpu med'.padStart(8)} ${'runs'.padStart(5)} ${'steps'.padStart(7)}  status`);
let worst = 0;
for (const ex of exercises) {
  for (let i = 0; i < 5; i++) grade(ex, ex.solution);
  const times: number[] = [];
  const cpu: number[] = [];
  let last = grade(ex, ex.solution);
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    last = grade(ex, ex.solution);
    const dc = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((dc.user + dc.system) / 1000);
  }
  const med = quantile(times, 0.5);
  const cpuMed = quantile(cpu, 0.5);
  worst = Math.max(worst, cpuMed);
  const steps = last.timing.runs.reduce((n, r) => n + r.steps, 0);
  console.log(
    `${ex.slug.padEnd(26)} ${med.toFixed(2).padStart(6)}ms ${quantile(times, 0.95).toFixed(2).padStart(6)}ms ${cpuMed.toFixed(2).padStart(6)}ms ${String(last.timing.runs.length).padStart(5)} ${String(steps).padStart(7)}  ${last.status}${cpuMed > 20 ? '  (over the 20 ms target)' : ''}`,
  );
}
const load = (await import('node:os')).loadavg()[0];
console.log(`slowest CPU-time median: ${worst.toFixed(2)} ms (target < 20 ms); load average ${load.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores\n`);

/** A realistic class: mostly attempts that fail, some that pass, the odd runaway and syntax error. */
function submissionsFor(ex: Exercise, n: number): { name: string; files: SourceFile[] }[] {
  const editable = new Set(ex.meta.files.filter((f) => f.editable).map((f) => f.path));
  const pool: SourceFile[][] = [
    ex.files.filter((f) => editable.has(f.path)),
    ex.solution,
    ...ex.alternatives.map((a) => a.files),
    ...ex.wrong.map((w) => w.files),
  ];
  const runaway = [...editable][0];
  const out: { name: string; files: SourceFile[] }[] = [];
  for (let i = 0; i < n; i++) {
    let files = pool[i % pool.length];
    if (i % 250 === 7) files = [{ path: runaway, text: files.find((f) => f.path === runaway)?.text.replace(/\{/, '{ for (;;) ;') ?? '' }];
    if (i % 250 === 11) files = [{ path: runaway, text: 'int broken( {' }];
    out.push({ name: `student-${String(i).padStart(4, '0')}`, files });
  }
  return out;
}

const abba = exercises.find((e) => e.slug === 'abba');
if (abba) {
  const editable = abba.meta.files.find((f) => f.editable)!.path;
  const base = abba.solution.find((f) => f.path === editable)!.text;
  const runaways: [string, string][] = [
    ['busy loop', 'void lab_busy(void) { unsigned long x = 0; for (;;) x += 1; }'],
    ['printk flood', 'void lab_busy(void) { for (int i = 0; ; i++) pr_info("spam spam spam spam spam spam spam spam %d\\n", i); }'],
  ];
  for (const [what, fn] of runaways) {
    // Called first thing from every function of the solution that the harness calls.
    const text = base.replace(/^(\w[^\n;]*\)\n\{\n)/m, `${fn}\n$1\tlab_busy();\n`);
    const t = performance.now();
    const r = grade(abba, [{ path: editable, text }]);
    const ms = performance.now() - t;
    const steps = r.timing.runs.reduce((n, x) => n + x.steps, 0);
    console.log(
      `runaway (${what}): ${(ms / 1000).toFixed(2)} s, ${steps.toLocaleString('en-US')} steps, ${r.status}: ${r.checks[0]?.message.slice(0, 60) ?? r.message.slice(0, 60)}; log kept ${r.log.length} chars; safety net ${DEFAULT_BUDGETS.maxTimeMs / 1000} s`,
    );
  }
  console.log('');
}

const ex = exercises.find((e) => e.slug === 'klist-irq') ?? exercises[0];
const subs = submissionsFor(ex, BATCH);
// Write them out as `--batch` reads them, to time the command's own path.
const dir = mkdtempSync(join(tmpdir(), 'lockdep-lab-batch-'));
for (const s of subs) {
  mkdirSync(join(dir, s.name));
  for (const f of s.files) writeFileSync(join(dir, s.name, f.path.split('/').pop()!), f.text);
}
const t0 = performance.now();
const results = await gradeBatch(ex, subs.map((s) => ({ name: s.name, files: s.files.map((f) => ({ path: f.path.split('/').pop()!, text: f.text })) })), { jobs: JOBS, timeoutMs: 10_000 });
const ms = performance.now() - t0;
rmSync(dir, { recursive: true, force: true });
const count = (s: string) => results.filter((r) => r.result.status === s).length;
console.log(`batch: ${BATCH} submissions of ${ex.slug} on ${JOBS} worker threads: ${(ms / 1000).toFixed(2)} s (${(ms / BATCH).toFixed(2)} ms per submission)`);
console.log(`       ${count('pass')} passed, ${count('fail')} failed, ${count('error')} could not be graded`);
