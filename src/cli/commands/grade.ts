/**
 * `lockdep-lab grade <exercise> <file.c>...`: grade a submission as the site
 * does, for learners using their own editor, classrooms and CI.
 * `--batch <dir>` grades a folder of submissions on worker threads; a worker
 * that runs away or crashes is replaced and its submission recorded as an error.
 */
import { existsSync, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SourceFile } from '../../engine/api.ts';
import { formatText, toExercism, toJunit, toKtap, type NamedResult } from '../../grader/format.ts';
import { gradeWith, type RunFn } from '../../grader/grade.ts';
import { EXERCISES_DIR, loadExerciseDir } from '../../grader/load-node.ts';
import { formatLoadError } from '../../grader/schema.ts';
import type { Exercise, GradeResult } from '../../grader/types.ts';
import type { CliIo, Command } from '../main.ts';

const FORMATS = ['text', 'json', 'junit', 'tap'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `usage: lockdep-lab grade <exercise> <file.c>... [options]
       lockdep-lab grade <exercise> --batch <dir> [options]

Grade your version of an exercise's editable files, exactly as the site does.
<exercise> is a slug from 'lockdep-lab exercises' or a path to an exercise folder.
A file replaces the exercise file with the same name (or the only editable one).

options:
  --format text|json|junit|tap  output: text (default); json = Exercism test-runner
                                results.json v3; junit = JUnit XML; tap = KTAP as KUnit prints it
  --log                         text format: also print the whole kernel log
  --batch <dir>                 grade every submission in <dir>: each subfolder holds one
                                submission's .c files (a lone .c file is a one-file submission)
  --jobs <n>                    batch: worker threads (default: 2, at most the CPU count)
  --timeout <ms>                batch: wall-clock safety limit per submission (default 120000);
                                verdicts come from the step budget, never from this limit
  --watch                       re-grade whenever one of the files is saved (Ctrl-C to stop)
  --exercises <dir>             where exercises live (default: this checkout's exercises/)

exit status: 0 passed, 1 failed (batch: some submission did not pass), 2 could not grade`;

interface Args {
  exercise?: string;
  files: string[];
  format: Format;
  log: boolean;
  batch?: string;
  jobs: number;
  timeout: number;
  watch: boolean;
  exercisesDir: string;
}

function parseArgs(argv: string[], io: CliIo): Args | string {
  const a: Args = { files: [], format: 'text', log: false, jobs: Math.max(1, Math.min(2, availableParallelism())), timeout: 120_000, watch: false, exercisesDir: EXERCISES_DIR };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    try {
      if (x === '--format') {
        const f = val();
        if (!(FORMATS as readonly string[]).includes(f)) return `unknown format '${f}': use ${FORMATS.join(', ')}`;
        a.format = f as Format;
      } else if (x.startsWith('--format=')) {
        const f = x.slice(9);
        if (!(FORMATS as readonly string[]).includes(f)) return `unknown format '${f}': use ${FORMATS.join(', ')}`;
        a.format = f as Format;
      } else if (x === '--log') a.log = true;
      else if (x === '--batch') a.batch = resolve(io.cwd, val());
      else if (x === '--jobs') {
        a.jobs = Number(val());
        if (!Number.isInteger(a.jobs) || a.jobs < 1) return '--jobs needs a positive integer';
      } else if (x === '--timeout') {
        a.timeout = Number(val());
        if (!Number.isFinite(a.timeout) || a.timeout < 100) return '--timeout needs a number of milliseconds >= 100';
      } else if (x === '--watch') a.watch = true;
      else if (x === '--exercises') a.exercisesDir = resolve(io.cwd, val());
      else if (x.startsWith('-')) return `unknown option '${x}'`;
      else if (!a.exercise) a.exercise = x;
      else a.files.push(resolve(io.cwd, x));
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!a.exercise) return 'which exercise? (see: lockdep-lab exercises)';
  if (!a.batch && !a.files.length) return `which file(s) to grade? e.g. lockdep-lab grade ${a.exercise} my.c`;
  if (a.batch && a.files.length) return '--batch grades a folder: do not also name files';
  return a;
}

/** A slug under the exercises folder, or a path to an exercise folder. */
export function findExercise(name: string, cwd: string, dir: string): { exercise?: Exercise; error?: string } {
  const asPath = resolve(cwd, name);
  const folder = existsSync(join(asPath, 'exercise.json')) ? asPath : join(dir, name);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    let known: string[] = [];
    try {
      known = readdirSync(dir).filter((n) => existsSync(join(dir, n, 'exercise.json')));
    } catch {}
    return { error: `no exercise '${name}'${known.length ? `; known: ${known.join(', ')}` : ''}` };
  }
  const r = loadExerciseDir(folder, basename(folder));
  if (!r.exercise) return { error: `exercise '${name}' is malformed:\n${r.errors.map(formatLoadError).join('\n')}` };
  return { exercise: r.exercise };
}

/** The engine, loaded lazily so that `--help` works while it is being built. */
export async function loadRunner(): Promise<RunFn | string> {
  try {
    const engine = '../../engine/run.ts';
    const m = (await import(engine)) as { runProgram?: RunFn };
    if (typeof m.runProgram !== 'function') return 'the simulator (src/engine/run.ts) exports no runProgram()';
    return m.runProgram;
  } catch (e) {
    return `the simulator could not be loaded: ${(e as Error).message}`;
  }
}

function render(results: NamedResult[], format: Format, log: boolean): string {
  switch (format) {
    case 'text':
      return results.map((r) => formatText(r.result, { log })).join('\n\n');
    case 'json':
      return JSON.stringify(results.length === 1 ? toExercism(results[0].result) : Object.fromEntries(results.map((r) => [r.name, toExercism(r.result)])), null, 2);
    case 'junit':
      return toJunit(results);
    case 'tap':
      return toKtap(results);
  }
}

function readSubmission(paths: string[]): { files: SourceFile[]; error?: string } {
  const files: SourceFile[] = [];
  for (const p of paths) {
    try {
      files.push({ path: basename(p), text: readFileSync(p, 'utf8') });
    } catch (e) {
      return { files, error: `cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }
  return { files };
}

function exitCode(results: GradeResult[]): number {
  if (results.every((r) => r.status === 'pass')) return 0;
  if (results.length === 1 && results[0].status === 'error') return 2;
  return 1;
}

// ---------------------------------------------------------------------------
// Batch

interface Submission {
  name: string;
  files: SourceFile[];
  error?: string;
}

function listSubmissions(dir: string): Submission[] {
  const out: Submission[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const cs = readdirSync(p)
        .filter((f) => /\.[ch]$/.test(f))
        .sort()
        .map((f) => join(p, f));
      const r = readSubmission(cs);
      out.push({ name, files: r.files, ...(r.error ? { error: r.error } : cs.length ? {} : { error: 'no .c or .h files in this submission' }) });
    } else if (/\.[ch]$/.test(name)) {
      const r = readSubmission([p]);
      out.push({ name: name.replace(/\.[ch]$/, ''), files: r.files, ...(r.error ? { error: r.error } : {}) });
    }
  }
  return out;
}

function errorResult(exercise: Exercise, message: string): GradeResult {
  return { exercise: exercise.slug, status: 'error', message, checks: [], diagnostics: [], log: '', timing: { totalMs: 0, runs: [] } };
}

interface WorkerMsg {
  id: number;
  result: GradeResult;
}

/** Grades `subs` on `jobs` worker threads; returns results in submission order. */
export async function gradeBatch(
  exercise: Exercise,
  subs: Submission[],
  opts: { jobs: number; timeoutMs: number; onProgress?: (done: number, total: number, last: NamedResult) => void },
): Promise<NamedResult[]> {
  const results: (NamedResult | undefined)[] = new Array(subs.length);
  let next = 0;
  let done = 0;
  const record = (i: number, result: GradeResult) => {
    results[i] = { name: subs[i].name, result };
    done++;
    opts.onProgress?.(done, subs.length, results[i]!);
  };
  const queue: number[] = [];
  for (let i = 0; i < subs.length; i++) {
    if (subs[i].error) record(i, errorResult(exercise, subs[i].error!));
    else queue.push(i);
  }

  await new Promise<void>((resolveAll) => {
    let live = 0;
    const maybeDone = () => {
      if (next >= queue.length && live === 0) resolveAll();
    };
    const spawn = () => {
      if (next >= queue.length) return maybeDone();
      const w = new Worker(new URL(import.meta.url), { workerData: { lockdepLabGrade: true, exercise } });
      live++;
      let current = -1;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let finished = false;
      const retire = (replace: boolean) => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        live--;
        void w.terminate();
        if (replace) spawn();
        else maybeDone();
      };
      const feed = () => {
        if (next >= queue.length) return retire(false);
        current = queue[next++];
        timer = setTimeout(() => {
          // The engine's step budget stops any runaway long before this; only a
          // stuck worker or a starved machine gets here, so it is no verdict.
          record(current, errorResult(exercise, `grading was stopped by the batch wall-clock safety limit (${opts.timeoutMs} ms): not a verdict on the submission; grade it again`));
          current = -1;
          retire(true);
        }, opts.timeoutMs);
        w.postMessage({ id: current, files: subs[current].files });
      };
      w.on('message', (m: WorkerMsg | { ready: true }) => {
        if ('ready' in m) return feed();
        if (timer) clearTimeout(timer);
        if (m.id === current) record(m.id, m.result);
        current = -1;
        feed();
      });
      w.on('error', (e) => {
        if (current >= 0) record(current, errorResult(exercise, `the grader crashed on this submission: ${e.message}`));
        current = -1;
        retire(true);
      });
      w.on('exit', () => {
        if (!finished && current >= 0) record(current, errorResult(exercise, 'the grader worker exited unexpectedly'));
        current = -1;
        retire(true);
      });
    };
    const n = Math.min(opts.jobs, Math.max(1, queue.length));
    if (!queue.length) return resolveAll();
    for (let i = 0; i < n; i++) spawn();
  });
  return results.map((r, i) => r ?? { name: subs[i].name, result: errorResult(exercise, 'not graded') });
}

/** Worker side: load the engine once, then grade what the parent sends. */
async function workerMain(): Promise<void> {
  const exercise = (workerData as { exercise: Exercise }).exercise;
  const run = await loadRunner();
  parentPort!.on('message', (m: { id: number; files: SourceFile[] }) => {
    let result: GradeResult;
    if (typeof run === 'string') result = errorResult(exercise, run);
    else {
      try {
        result = gradeWith(run, exercise, m.files);
      } catch (e) {
        result = errorResult(exercise, `internal error: ${(e as Error).message}`);
      }
    }
    // Full kernel logs of 1,000 submissions add up; the batch reports keep the reports themselves.
    parentPort!.postMessage({ id: m.id, result: { ...result, log: result.log.length > 20_000 ? result.log.slice(0, 20_000) + '\n[log truncated]' : result.log } });
  });
  parentPort!.postMessage({ ready: true });
}

function summaryTable(results: NamedResult[], ms: number): string {
  const w = Math.max(10, ...results.map((r) => r.name.length));
  const lines = [`${'submission'.padEnd(w)}  status  failed checks`];
  for (const { name, result: r } of results) {
    const failed = r.status === 'error' ? r.message.split('\n')[0] : r.checks.filter((c) => c.status === 'fail').map((c) => c.name).join(', ');
    lines.push(`${name.padEnd(w)}  ${r.status.toUpperCase().padEnd(6)}  ${failed}`);
  }
  const count = (s: string) => results.filter((r) => r.result.status === s).length;
  lines.push('', `${results.length} submissions: ${count('pass')} passed, ${count('fail')} failed, ${count('error')} could not be graded (${(ms / 1000).toFixed(1)} s)`);
  return lines.join('\n');
}

async function runBatch(exercise: Exercise, a: Args, io: CliIo): Promise<number> {
  let subs: Submission[];
  try {
    subs = listSubmissions(a.batch!);
  } catch (e) {
    io.err(`lockdep-lab grade: cannot read ${a.batch}: ${(e as Error).message}`);
    return 2;
  }
  if (!subs.length) {
    io.err(`lockdep-lab grade: no submissions in ${a.batch} (expected subfolders with .c files, or .c files)`);
    return 2;
  }
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const results = await gradeBatch(exercise, subs, {
    jobs: a.jobs,
    timeoutMs: a.timeout,
    onProgress: (done, total) => {
      const now = Date.now();
      if (done !== total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const fill = Math.round((done / total) * width);
      const line = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total}`;
      if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
      else if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) io.err(line);
    },
  });
  const ms = Date.now() - t0;
  io.out(a.format === 'text' ? summaryTable(results, ms) : render(results, a.format, false));
  return results.every((r) => r.result.status === 'pass') ? 0 : 1;
}

// ---------------------------------------------------------------------------

async function runOnce(exercise: Exercise, run: RunFn, a: Args, io: CliIo): Promise<number> {
  const sub = readSubmission(a.files);
  if (sub.error) {
    io.err(`lockdep-lab grade: ${sub.error}`);
    return 2;
  }
  const result = gradeWith(run, exercise, sub.files);
  io.out(render([{ name: exercise.slug, result }], a.format, a.log));
  return exitCode([result]);
}

async function runWatch(exercise: Exercise, run: RunFn, a: Args, io: CliIo): Promise<number> {
  const again = async () => {
    if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
    await runOnce(exercise, run, a, io);
    io.out(`\nwatching ${a.files.map((f) => basename(f)).join(', ')} — save to re-grade, Ctrl-C to stop`);
  };
  await again();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Editors save by rename as often as by write; watch the folders and filter by name.
  const names = new Set(a.files.map((f) => basename(f)));
  const dirs = new Set(a.files.map((f) => resolve(f, '..')));
  for (const d of dirs)
    watch(d, (_e, name) => {
      if (!name || !names.has(String(name))) return;
      clearTimeout(timer);
      timer = setTimeout(() => void again(), 80);
    });
  return new Promise<number>(() => {});
}

export const command: Command = {
  name: 'grade',
  summary: 'grade your solution to an exercise (text, Exercism JSON, JUnit, KTAP; --batch, --watch)',
  help: HELP,
  async run(argv, io) {
    const a = parseArgs(argv, io);
    if (typeof a === 'string') {
      io.err(`lockdep-lab grade: ${a}\n\n${HELP}`);
      return 2;
    }
    const { exercise, error } = findExercise(a.exercise!, io.cwd, a.exercisesDir);
    if (!exercise) {
      io.err(`lockdep-lab grade: ${error}`);
      return 2;
    }
    if (a.batch) return runBatch(exercise, a, io);
    const run = await loadRunner();
    if (typeof run === 'string') {
      io.err(`lockdep-lab grade: ${run}`);
      return 2;
    }
    if (a.watch) return runWatch(exercise, run, a, io);
    return runOnce(exercise, run, a, io);
  },
};

if (!isMainThread && (workerData as { lockdepLabGrade?: boolean } | null)?.lockdepLabGrade) void workerMain();
