/**
 * The grader: run a submission with the exercise's harness, then judge the run
 * with the exercise's checks. Pure and deterministic (bar timing); the engine
 * is passed in so this module loads in a Web Worker, in Node and in tests.
 */
import type { RunOptions, RunResult, SourceFile } from '../engine/api.ts';
import { LOCKDEP_REPORT_KINDS, type Report, type ReportKind } from '../events/types.ts';
import { blindingObserver, labChecksIn, scanSource } from './blinding.ts';
import { irqOffObserver, type IrqOffObserver } from './irqoff.ts';
import { heldAcrossObserver, oneSectionObserver, type HeldAcrossObserver, type OneSectionObserver } from './held.ts';
import { applySubmission, overlayFiles } from './load.ts';
import type { CheckResult, CheckSpec, Exercise, GradeResult, Marker } from './types.ts';

export type RunFn = (files: SourceFile[], options: RunOptions) => RunResult;

export interface GradeOptions {
  /**
   * Budgets per run. The step budget decides (the same submission gets the
   * same verdict on every machine); the wall-clock limit is only a safety
   * net far above what the step budget takes, and stopping there is "could
   * not grade", never a verdict.
   */
  maxSteps?: number;
  maxTimeMs?: number;
  maxMemory?: number;
  /** Bytes of kernel log kept in the result (default 64 KiB). */
  maxLogBytes?: number;
}

const STACK_OVERFLOW = /Maximum call stack size exceeded|too much recursion|call stack/i;

export const DEFAULT_BUDGETS = { maxSteps: 2_000_000, maxTimeMs: 20_000, maxMemory: 16 << 20, maxLogBytes: 64 << 10 };

/**
 * Keeps the head of a log that a printk flood made huge, as the kernel's
 * ring buffer keeps a bounded amount, and says how much was left out.
 */
export function capLog(text: string, maxBytes: number = DEFAULT_BUDGETS.maxLogBytes): string {
  if (text.length <= maxBytes) return text;
  let cut = text.lastIndexOf('\n', maxBytes);
  if (cut < maxBytes / 2) cut = maxBytes;
  const omitted = new TextEncoder().encode(text.slice(cut)).length;
  return `${text.slice(0, cut)}\n[... ${omitted} bytes of log omitted]\n`;
}

/** The run stopped on the wall clock: a verdict would depend on machine load. */
function wallClockMessage(limitMs: number): string {
  return `stopped by the wall-clock safety limit (${limitMs / 1000} s) before the step budget ran out: the machine is too busy or too slow — this is not a verdict on your code; grade again`;
}

/** Which reports each kind of check owns. */
const OWNED: Record<'lockdep' | 'races' | 'memory' | 'warnings', readonly ReportKind[]> = {
  lockdep: [...LOCKDEP_REPORT_KINDS, 'suspicious-rcu'],
  races: ['kcsan-data-race'],
  memory: ['list-corruption', 'use-after-free', 'double-free', 'refcount'],
  warnings: ['warning', 'bug', 'sleeping-in-atomic', 'unknown'],
};

const DESCRIBE: Record<CheckSpec['kind'] | 'runs', string> = {
  runs: 'the program builds and runs to the end within its step and memory budgets',
  lockdep: 'lockdep reports nothing',
  races: 'the race check finds no data race on shared lists or fields',
  memory: 'no list corruption, use-after-free, double free or refcount error',
  warnings: 'no WARN, BUG, failed lockdep_assert or sleeping-in-atomic splat',
  functional: "every lab_check() in the harness runs and passes: the fix still does the work",
  'not-blinded': 'lockdep is not blinded: no lockdep_off(), no novalidate class, no extra subclasses, no faked contexts or hand-made annotations',
  'held-across': 'a lock the caller holds stays held for the whole call: not dropped and re-taken in the middle',
  'one-section': 'the lookup that decides a list change and the change itself happen in one critical section',
  'irqs-off-needed': 'hard interrupts are disabled around a lock only when a hard interrupt handler takes it',
  'must-report': 'lockdep still catches a known-bad variant of the environment',
};

/**
 * How an exercise's program is run, for grading and for a plain Run on the
 * site alike, so that both show the same kernel log.
 */
export function runOptionsFor(exercise: Exercise, opts: GradeOptions = {}): RunOptions {
  const meta = exercise.meta;
  return {
    entry: meta.entry,
    config: meta.config,
    maxSteps: opts.maxSteps ?? DEFAULT_BUDGETS.maxSteps,
    maxTimeMs: opts.maxTimeMs ?? DEFAULT_BUDGETS.maxTimeMs,
    maxMemory: opts.maxMemory ?? DEFAULT_BUDGETS.maxMemory,
    // Harnesses read results under the guarding lock or with marked accesses,
    // so a correct solution runs clean; an exercise that does not grade races
    // does not show them either, so Run and Grade print the same log.
    races: meta.checks.some((c) => c.kind === 'races'),
    ...(meta.cpus ? { cpus: meta.cpus } : {}),
  };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function reportText(r: Report): string {
  return r.lines.join('\n');
}

function reportMarkers(r: Report): Marker[] {
  return r.sites.map((s) => ({ pos: s.pos, message: s.message, severity: 'error' as const }));
}

/** A class name as configured: printed name without the `/N` subclass or `#N` instance suffix. */
function baseLock(name: string): string {
  return name.replace(/(\/\d+|#\d+)+$/, '');
}

/** The lock classes a report names (its lock lines and its cycle). */
function reportLocks(r: Report): string[] {
  return [...new Set([...r.locks.map((l) => baseLock(l.name)), ...(r.chain ?? []).map(baseLock)])];
}

/**
 * What else an expected report must show besides its kind: the classes it
 * involves and, for a report that names no lock, the function that raised it.
 */
export interface ReportMatch {
  locks?: readonly string[];
  in?: string;
}

/** Why `r` is not the expected report, or undefined when it is. */
export function reportMismatch(r: Report, want: ReportMatch): string | undefined {
  if (want.locks?.length) {
    const have = reportLocks(r);
    const missing = want.locks.map(baseLock).filter((l) => !have.includes(l));
    if (missing.length)
      return `it is about ${have.length ? have.join(', ') : 'no lock'}, not ${missing.join(' and ')}`;
  }
  if (want.in) {
    const fn = want.in.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
    const re = new RegExp(`(^|[\\s(])${fn}\\+0x`);
    if (!re.test(r.header) && !r.lines.some((l) => re.test(l))) return `it is not raised in ${want.in}()`;
  }
  return undefined;
}

function describeWant(kind: string, want: ReportMatch): string {
  return `"${kind}" report${want.locks?.length ? ` involving ${want.locks.join(' and ')}` : ''}${want.in ? ` raised in ${want.in}()` : ''}`;
}

function reportCheck(name: string, kind: 'lockdep' | 'races' | 'memory' | 'warnings', run: RunResult, exercise: Exercise, expect?: ReportKind, want: ReportMatch = {}): CheckResult {
  const owned = run.reports.filter((r) => OWNED[kind].includes(r.kind));
  const base = { name, kind, markers: [] as Marker[] };
  if (expect) {
    const description = `lockdep prints a ${describeWant(expect, want)}`;
    const sameKind = owned.filter((r) => r.kind === expect);
    const hit = sameKind.find((r) => !reportMismatch(r, want));
    if (hit)
      return { ...base, status: 'pass', description, message: `lockdep reports ${hit.header}`, reportKind: hit.kind, report: reportText(hit), markers: reportMarkers(hit) };
    const other = sameKind[0] ?? owned[0];
    const why = sameKind[0] ? reportMismatch(sameKind[0], want) : undefined;
    return {
      ...base,
      status: 'fail',
      description,
      message: why
        ? `expected a ${describeWant(expect, want)}; lockdep printed "${other!.header.trim()}", but ${why} — a report about other locks is not the problem this exercise is about`
        : other
          ? `expected a "${expect}" report, but lockdep printed: ${other.header}`
          : `expected lockdep to report "${expect}", but it printed nothing`,
      ...(other ? { reportKind: other.kind, report: reportText(other), markers: reportMarkers(other) } : {}),
    };
  }
  const first = owned[0];
  if (!first) return { ...base, status: 'pass', description: DESCRIBE[kind], message: DESCRIBE[kind] };
  const hint = exercise.meta.hintsByReportKind[first.kind];
  return {
    ...base,
    status: 'fail',
    description: DESCRIBE[kind],
    message: first.header.trim() + (owned.length > 1 ? ` (and ${owned.length - 1} more report${owned.length > 2 ? 's' : ''})` : ''),
    reportKind: first.kind,
    report: owned.map(reportText).join('\n\n'),
    ...(hint ? { hint } : {}),
    markers: owned.flatMap(reportMarkers),
  };
}

function functionalCheck(name: string, expect: string[] | undefined, program: SourceFile[], exercise: Exercise, run: RunResult): CheckResult {
  // lab_checks in read-only files are the contract; the learner's own files may lose theirs.
  const harness = exercise.meta.files.filter((f) => !f.editable).map((f) => f.path);
  const declared = labChecksIn(program.filter((f) => harness.includes(f.path)));
  const wanted = expect ?? [...new Set(declared.map((d) => d.message))];
  const problems: string[] = [];
  const markers: Marker[] = [];
  for (const m of wanted) {
    const ran = run.checks.filter((c) => c.message === m);
    if (!ran.length) {
      problems.push(`lab_check "${m}" never ran — the fix must not remove the work`);
      const d = declared.find((x) => x.message === m);
      if (d) markers.push({ pos: d.pos, message: 'this check never ran', severity: 'error' });
    } else {
      const bad = ran.find((c) => !c.passed);
      if (bad) {
        problems.push(`lab_check failed: ${m}`);
        markers.push({ pos: bad.pos, message: `failed: ${m}`, severity: 'error' });
      }
    }
  }
  for (const c of run.checks) {
    if (!c.passed && !wanted.includes(c.message)) {
      problems.push(`lab_check failed: ${c.message}`);
      markers.push({ pos: c.pos, message: `failed: ${c.message}`, severity: 'error' });
    }
  }
  return {
    name,
    kind: 'functional',
    status: problems.length ? 'fail' : 'pass',
    description: DESCRIBE.functional,
    message: problems.length ? problems.join('; ') : `all ${wanted.length} lab_check${wanted.length === 1 ? '' : 's'} ran and passed`,
    markers,
  };
}

function skipped(spec: CheckSpec, why: string): CheckResult {
  return { name: spec.name, kind: spec.kind, status: 'skip', description: DESCRIBE[spec.kind], message: why, markers: [] };
}

/**
 * A submission made from an older starter can lack a helper the read-only
 * files now call; say where it comes from instead of leaving the learner
 * with an error in a file they cannot edit.
 */
function starterDefines(exercise: Exercise, message: string): string | undefined {
  const m = /undefined reference to `(\w+)'|implicit declaration of function '(\w+)'/.exec(message);
  const name = m?.[1] ?? m?.[2];
  if (!name) return undefined;
  const editable = new Set(exercise.meta.files.filter((f) => f.editable).map((f) => f.path));
  const def = new RegExp(`^[A-Za-z_][\\w \\t\\*]*\\b${name}\\s*\\([^;]*$`, 'm');
  const file = exercise.files.find((f) => editable.has(f.path) && def.test(f.text));
  return file ? `the starter's ${file.path} defines ${name}(); keep it in your ${file.path} (npx lockdep-lab exercises start ${exercise.slug} <new dir> copies the current starter)` : undefined;
}

/** Grade `submitted` (the learner's versions of the editable files) against `exercise`. */
export function gradeWith(run: RunFn, exercise: Exercise, submitted: readonly SourceFile[], opts: GradeOptions = {}): GradeResult {
  const t0 = now();
  const meta = exercise.meta;
  const { files: program, errors: subErrors } = applySubmission(exercise, submitted);
  const runs: GradeResult['timing']['runs'] = [];
  const base = runOptionsFor(exercise, opts);
  const timed = (name: string, files: SourceFile[], options: RunOptions): RunResult => {
    const t = now();
    let r: RunResult;
    try {
      r = run(files, options);
    } catch (e) {
      // An engine bug must read as "could not grade", never as a crash of the grader.
      r = {
        status: 'invalid',
        diagnostics: [{ file: files[0]?.path ?? '?', line: 1, col: 1, severity: 'error', message: `internal error in the simulator: ${(e as Error)?.message ?? String(e)}` }],
        log: [],
        text: '',
        reports: [],
        checks: [],
        stats: { steps: 0, events: 0, timeMs: 0, heapBytes: 0 },
      };
    }
    runs.push({ name, ms: now() - t, steps: r.stats.steps });
    return r;
  };
  const finish = (status: GradeResult['status'], message: string, checks: CheckResult[], diagnostics: GradeResult['diagnostics'], log: string): GradeResult => ({
    exercise: exercise.slug,
    status,
    message,
    checks,
    diagnostics,
    log: capLog(log, opts.maxLogBytes ?? DEFAULT_BUDGETS.maxLogBytes),
    timing: { totalMs: now() - t0, runs },
  });

  if (subErrors.length)
    return finish('error', subErrors.join('; '), meta.checks.map((c) => skipped(c, 'not graded: the submission does not match the exercise')), [], '');

  const blind = blindingObserver(new Set(meta.files.filter((f) => f.editable).map((f) => f.path)));
  const held = new Map<string, HeldAcrossObserver>();
  for (const c of meta.checks) if (c.kind === 'held-across') held.set(c.name, heldAcrossObserver(c.lock, c.functions));
  const sections = new Map<string, OneSectionObserver>();
  for (const c of meta.checks) if (c.kind === 'one-section') sections.set(c.name, oneSectionObserver(c.lock, c.function));
  const irqOff = new Map<string, IrqOffObserver>();
  const editableFiles = new Set(meta.files.filter((f) => f.editable).map((f) => f.path));
  for (const c of meta.checks) if (c.kind === 'irqs-off-needed') irqOff.set(c.name, irqOffObserver(c.lock, editableFiles));
  const main = timed('main', program, { ...base, observers: [blind, ...held.values(), ...sections.values(), ...irqOff.values()] });
  const errs = main.diagnostics.filter((d) => d.severity === 'error');
  // Unbounded recursion exhausts the host's stack, not a simulated budget; it is
  // the learner's runaway all the same, so it fails the run instead of erroring.
  const overflow = main.status === 'invalid' && errs.length > 0 && errs.every((d) => STACK_OVERFLOW.test(d.message));
  if (overflow) {
    main.status = 'budget';
    main.budget = { kind: 'steps', message: 'kernel stack overflow: a function recursed without end (the simulated stack ran out)' };
  } else if (main.status === 'invalid' || errs.length) {
    const first = errs[0];
    const missing = first && starterDefines(exercise, first.message);
    const msg = (first ? `${first.file}:${first.line}:${first.col}: error: ${first.message}` : 'the program could not be run') + (missing ? ` — ${missing}` : '');
    return finish('error', `could not grade: ${msg}`, meta.checks.map((c) => skipped(c, 'not graded: the program does not build')), main.diagnostics, main.text);
  }

  const wallLimit = base.maxTimeMs ?? DEFAULT_BUDGETS.maxTimeMs;
  if (main.status === 'budget' && main.budget?.kind === 'time')
    return finish('error', `could not grade: ${wallClockMessage(wallLimit)}`, meta.checks.map((c) => skipped(c, 'not graded: the run hit the wall-clock safety limit')), main.diagnostics, main.text);

  const checks: CheckResult[] = [];
  if (main.status === 'budget' && main.budget) {
    checks.push({
      name: 'runs',
      kind: 'runs',
      status: 'fail',
      description: DESCRIBE.runs,
      message: main.budget.kind === 'steps' && !overflow ? `ran out of steps: ${main.budget.message}` : main.budget.message,
      markers: main.budget.pos ? [{ pos: main.budget.pos, message: main.budget.message, severity: 'error' }] : [],
    });
  } else checks.push({ name: 'runs', kind: 'runs', status: 'pass', description: DESCRIBE.runs, message: `ran to the end in ${main.stats.steps} steps`, markers: [] });

  const editable = new Set(meta.files.filter((f) => f.editable).map((f) => f.path));
  for (const spec of meta.checks) {
    switch (spec.kind) {
      case 'lockdep':
      case 'races':
      case 'memory':
      case 'warnings':
        checks.push(reportCheck(spec.name, spec.kind, main, exercise, spec.kind === 'lockdep' ? spec.expect : undefined, spec.kind === 'lockdep' && spec.locks ? { locks: spec.locks } : {}));
        break;
      case 'functional':
        checks.push(functionalCheck(spec.name, spec.expect, program, exercise, main));
        break;
      case 'not-blinded': {
        const allowed = spec.subclasses ?? {};
        const annotate = spec.annotate ?? Object.keys(allowed);
        const found = [
          ...scanSource(
            program.filter((f) => editable.has(f.path)),
            { annotate: annotate.length > 0 },
          ),
          ...blind.findings(allowed, { annotate, ...(spec.subclassSites ? { subclassSites: spec.subclassSites } : {}) }),
        ];
        const seen = new Set<string>();
        const uniq = found.filter((f) => {
          const k = `${f.pos?.file}:${f.pos?.line}:${f.message.slice(0, 20).toLowerCase()}`;
          return seen.has(k) ? false : (seen.add(k), true);
        });
        checks.push({
          name: spec.name,
          kind: spec.kind,
          status: uniq.length ? 'fail' : 'pass',
          description: DESCRIBE['not-blinded'],
          message: uniq.length ? uniq.map((f) => (f.pos ? `${f.pos.file}:${f.pos.line}: ` : '') + f.message).join('; ') : DESCRIBE['not-blinded'],
          markers: uniq.filter((f) => f.pos).map((f) => ({ pos: f.pos!, message: f.message, severity: 'error' as const })),
        });
        break;
      }
      case 'held-across': {
        const found = held.get(spec.name)!.findings();
        const desc = `${spec.lock} stays held across ${spec.functions.map((f) => `${f}()`).join(' and ')}`;
        checks.push({
          name: spec.name,
          kind: spec.kind,
          status: found.length ? 'fail' : 'pass',
          description: desc,
          message: found.length
            ? found.map((f) => `${f.pos ? `${f.pos.file}:${f.pos.line}: ` : ''}${f.releasedIn}() releases ${spec.lock} in the middle of ${f.fn}(), which its caller runs entirely under that lock`).join('; ') + ` — ${spec.message}`
            : `${spec.lock} is never dropped inside ${spec.functions.map((f) => `${f}()`).join(' or ')}`,
          markers: found.filter((f) => f.pos).map((f) => ({ pos: f.pos!, message: `${spec.lock} dropped in the middle of ${f.fn}()`, severity: 'error' as const })),
        });
        break;
      }
      case 'one-section': {
        const found = sections.get(spec.name)!.findings();
        checks.push({
          name: spec.name,
          kind: spec.kind,
          status: found.length ? 'fail' : 'pass',
          description: `in ${spec.function}(), the lookup and the change it decides happen in one critical section of ${spec.lock}`,
          message: found.length
            ? found
                .map((f) => `${f.pos ? `${f.pos.file}:${f.pos.line}: ` : ''}${spec.function}() changes ${f.list} in another critical section of ${spec.lock} than the walk that decided it${f.walkPos ? ` (${f.walkPos.file}:${f.walkPos.line})` : ''}`)
                .join('; ') + ` — ${spec.message}`
            : `${spec.function}() decides and changes the list under one hold of ${spec.lock}`,
          markers: found.filter((f) => f.pos).map((f) => ({ pos: f.pos!, message: `${spec.lock} was dropped since the lookup that decided this`, severity: 'error' as const })),
        });
        break;
      }
      case 'irqs-off-needed': {
        const found = irqOff.get(spec.name)!.findings();
        checks.push({
          name: spec.name,
          kind: spec.kind,
          status: found.length ? 'fail' : 'pass',
          description: `hard interrupts are disabled around ${spec.lock} only if a hard interrupt handler takes it`,
          message: found.length
            ? `${found.map((f) => `${f.pos.file}:${f.pos.line}: ${f.api}()`).join(', ')} takes ${spec.lock} with hard interrupts disabled, but no hard interrupt handler takes that lock — ${spec.message}`
            : `${spec.lock} is never taken with hard interrupts disabled needlessly`,
          markers: found.map((f) => ({ pos: f.pos, message: `hard interrupts disabled for ${spec.lock}, which no hard interrupt takes`, severity: 'error' as const })),
        });
        break;
      }
      case 'must-report': {
        const variant = exercise.variants[spec.variant] ?? [];
        const r = timed(spec.name, overlayFiles(program, variant), base);
        const want: ReportMatch = { ...(spec.locks ? { locks: spec.locks } : {}), ...(spec.in ? { in: spec.in } : {}) };
        const hit = r.reports.find((x) => spec.expect.includes(x.kind) && !reportMismatch(x, want));
        const near = r.reports.find((x) => spec.expect.includes(x.kind));
        const desc = `${DESCRIBE['must-report']} (variants/${spec.variant}: ${spec.expect.map((k) => describeWant(k, want)).join(' or ')})`;
        if (r.status === 'budget' && r.budget?.kind === 'time')
          return finish('error', `could not grade: the known-bad variant "${spec.variant}" run was ${wallClockMessage(wallLimit)}`, meta.checks.map((c) => skipped(c, 'not graded: a run hit the wall-clock safety limit')), main.diagnostics, main.text);
        if (r.status === 'invalid')
          checks.push({ name: spec.name, kind: spec.kind, status: 'fail', description: desc, message: `the known-bad variant "${spec.variant}" does not build with this code: ${r.diagnostics[0]?.message ?? 'unknown error'}`, markers: [] });
        else if (hit)
          checks.push({ name: spec.name, kind: spec.kind, status: 'pass', description: desc, message: `lockdep still catches the known-bad variant: ${hit.header}`, reportKind: hit.kind, report: reportText(hit), markers: [] });
        else
          checks.push({
            name: spec.name,
            kind: spec.kind,
            status: 'fail',
            description: desc,
            message: `${spec.message} (lockdep printed ${r.reports.length ? r.reports.map((x) => `"${x.header}"`).join(', ') : 'nothing'} for the known-bad variant "${spec.variant}"${near ? `; that ${near.kind} report does not count: ${reportMismatch(near, want)}` : ''})`,
            markers: [],
          });
        break;
      }
    }
  }

  const failed = checks.filter((c) => c.status === 'fail');
  const total = checks.length;
  return finish(
    failed.length ? 'fail' : 'pass',
    failed.length ? `${failed.length} of ${total} checks failed: ${failed.map((c) => c.name).join(', ')}` : `all ${total} checks passed`,
    checks,
    overflow ? main.diagnostics.filter((d) => !STACK_OVERFLOW.test(d.message)) : main.diagnostics,
    main.text,
  );
}
