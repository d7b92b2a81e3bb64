/**
 * runProgram(): source files in, a kernel log and structured reports out.
 * Parse and check, build the simulated machine, wire the lockdep model, the
 * race check and any extra observers to its events, run the entry function
 * as a task on CPU 0 under the scheduler, and render the log as dmesg would.
 * Deterministic: the same input gives the same output.
 */
import type { EventObserver, KernelLog, LockdepConfig, LogEntry, Report, SourcePos } from '../events/types.ts';
import { checkProgram, parseProgram } from '../language/index.ts';
import type { FunctionDef, Program } from '../language/ast.ts';
import { createLockdep } from '../lockdep/index.ts';
import { createRaceChecker } from '../races/index.ts';
import { createKernel, createTask, KillTask, StopRun, type Host, type Kernel } from '../kernel/kernel.ts';
import { runScheduler, sequentialPolicy, taskEndEvent, type SchedPolicy } from '../kernel/sched.ts';
import { synthFrames } from '../kernel/state.ts';
import { callUser, callValue, checkBuildBugs, createInterp, currentPtr, initGlobals, type Interp } from '../interpreter/interp.ts';
import { createMemory } from '../interpreter/memory.ts';
import { BUILTIN_NAMES, makeBuiltins, makeConstants } from '../interpreter/builtins/index.ts';
import { rcuGracePeriod } from '../interpreter/builtins/mem.ts';
import type { Diagnostic, RunOptions, RunResult, SourceFile } from './api.ts';

export const DEFAULT_CONFIG: LockdepConfig = {
  proveRawLockNesting: true,
  preemptRt: false,
  forceReadLockRecursive: false,
  keepGoing: false,
};

/** Default wall-clock safety net (the grader's too); the 2,000,000-step budget normally ends a run first. */
export const DEFAULT_MAX_TIME_MS = 20_000;
/** printk lines kept in a run's log; more are dropped and counted, like an overflowing ring buffer. */
export const MAX_PRINTK = 10_000;

export interface EngineOptions extends RunOptions {
  /** Replace the sequential scheduler (the interleaving explorer's hook). */
  policy?: SchedPolicy;
}

/** LockdepConfig fields that are kernel CONFIG_ options, and their macro names. */
const CONFIG_MACROS: ReadonlyArray<readonly [keyof LockdepConfig, string]> = [
  ['proveRawLockNesting', 'CONFIG_PROVE_RAW_LOCK_NESTING'],
  ['preemptRt', 'CONFIG_PREEMPT_RT'],
  ['forceReadLockRecursive', 'CONFIG_LOCKDEP_FORCE_READ_LOCK_RECURSIVE'],
];

/** Config as the kernel would be built: program #defines over defaults, explicit options over both. */
export function effectiveConfig(program: Program | null, over: Partial<LockdepConfig> = {}): LockdepConfig {
  const c = { ...DEFAULT_CONFIG };
  if (program) {
    const on = (n: string) => n in program.config && program.config[n] !== '0';
    c.proveRawLockNesting = on('CONFIG_PROVE_RAW_LOCK_NESTING');
    c.preemptRt = on('CONFIG_PREEMPT_RT');
    c.forceReadLockRecursive = on('CONFIG_LOCKDEP_FORCE_READ_LOCK_RECURSIVE');
  }
  return { ...c, ...over };
}

/** printk levels for the `--json`/site view; the text is what dmesg shows (no prefixes). */
export function renderLog(log: LogEntry[]): string {
  const out: string[] = [];
  for (const e of log) {
    if (e.type === 'printk') out.push(e.text);
    else out.push(...e.report.lines);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function diagAt(pos: SourcePos | undefined, fallbackFile: string, severity: Diagnostic['severity'], message: string, hint?: string): Diagnostic {
  return { file: pos?.file ?? fallbackFile, line: pos?.line ?? 1, col: pos?.col ?? 1, severity, message, ...(hint ? { hint } : {}) };
}

/**
 * Check diagnostics of a partially parsed program worth showing beside its
 * syntax errors: none on a line that has a syntax error, and none naming an
 * identifier written on such a line (a declaration the parser had to drop
 * would otherwise make each of its uses "undeclared").
 */
function partialCheck(files: SourceFile[], syntax: Diagnostic[], checked: Diagnostic[]): Diagnostic[] {
  const text = new Map(files.map((f) => [f.path, f.text.split('\n')]));
  const badLines = new Set<string>();
  const badWords = new Set<string>();
  for (const d of syntax) {
    if (d.severity !== 'error') continue;
    badLines.add(`${d.file}:${d.line}`);
    for (const w of text.get(d.file)?.[d.line - 1]?.match(/[A-Za-z_]\w*/g) ?? []) badWords.add(w);
  }
  return checked.filter((d) => {
    if (badLines.has(`${d.file}:${d.line}`)) return false;
    const named = /'([A-Za-z_]\w*)'/.exec(d.message)?.[1];
    return !(named && badWords.has(named));
  });
}

export function runProgram(files: SourceFile[], options: EngineOptions = {}): RunResult {
  const t0 = Date.now();
  const entry = options.entry ?? 'main';
  const empty = (status: RunResult['status'], diagnostics: Diagnostic[]): RunResult => ({
    status,
    diagnostics,
    log: [],
    text: '',
    reports: [],
    checks: [],
    stats: { steps: 0, events: 0, timeMs: Date.now() - t0, heapBytes: 0 },
  });

  // Config options the caller set are what the kernel was built with: =y defines CONFIG_X to 1, =n leaves it
  // undefined, over the defaults and the program's own #define — and lockdep reads the same final set.
  const forced: Record<string, string | null> = {};
  for (const [key, macro] of CONFIG_MACROS) {
    const v = options.config?.[key];
    if (v !== undefined) forced[macro] = v ? '1' : null;
  }
  const parsed = parseProgram(files, { forced });
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const program = parsed.program;
  if (!program) {
    // Name errors of what did parse come out with the syntax errors, in one pass.
    if (parsed.partial) {
      diagnostics.push(...partialCheck(files, diagnostics, checkProgram(parsed.partial, { builtins: BUILTIN_NAMES, linkNames: true })));
      // In source order; a note stays after the error it belongs to.
      const order = new Map(files.map((f, i) => [f.path, i]));
      const groups: Diagnostic[][] = [];
      for (const d of diagnostics) {
        if (d.severity === 'note' && groups.length) groups[groups.length - 1]!.push(d);
        else groups.push([d]);
      }
      const lead = (g: Diagnostic[]) => g[0]!;
      groups.sort((x, y) => (order.get(lead(x).file) ?? 0) - (order.get(lead(y).file) ?? 0) || lead(x).line - lead(y).line || lead(x).col - lead(y).col);
      diagnostics.splice(0, diagnostics.length, ...groups.flat());
    }
    return empty('invalid', diagnostics);
  }
  diagnostics.push(...checkProgram(program, { builtins: BUILTIN_NAMES, linkNames: true }));
  if (diagnostics.some((d) => d.severity === 'error')) return empty('invalid', diagnostics);
  const entryFn = program.decls.find((d): d is FunctionDef => d.kind === 'FunctionDef' && d.name === entry && d.linkage !== 'internal') ?? program.decls.find((d): d is FunctionDef => d.kind === 'FunctionDef' && d.name === entry);
  if (!entryFn) {
    diagnostics.push(diagAt(undefined, files[0]?.path ?? '<input>', 'error', `no function '${entry}' to run`, entry === 'main' ? 'define void main(void), or name the entry function with --entry' : `define ${entry}(), or pick another entry`));
    return empty('invalid', diagnostics);
  }

  const config = effectiveConfig(program, options.config);
  const log: LogEntry[] = [];
  const reports: Report[] = [];
  // The printk ring buffer is finite: past MAX_PRINTK lines the rest is dropped (deterministically) and counted.
  let dropped = 0;
  let printed = 0;
  const klog: KernelLog = {
    printk: (e) => {
      if (printed >= MAX_PRINTK) {
        dropped++;
        return;
      }
      printed++;
      log.push(e);
    },
    report: (r) => {
      reports.push(r);
      log.push({ type: 'report', report: r });
    },
  };

  const mem = createMemory();
  let I: Interp | null = null;
  const host: Host = {
    call: (fn, args) => callValue(I!, fn, args),
    fnName: (fn) => (fn.k === 'f' ? (I?.funcs.get(fn.name)?.name ?? fn.name) : '?'),
  };
  const observers: EventObserver[] = [];
  const k: Kernel = createKernel({ cpus: Math.max(1, Math.min(64, options.cpus ?? 8)), observers, log: klog, mem, host });
  k.config = config;
  if (options.lockdep !== false) {
    const ld = createLockdep({ config, env: k.env, log: klog });
    observers.push(ld);
    k.queries = ld;
  }
  const races = options.races !== false;
  if (races) observers.push(createRaceChecker({ env: k.env, log: klog }));
  for (const o of options.observers ?? []) observers.push(o);

  I = createInterp(program, k, mem, makeBuiltins(), makeConstants());
  I.maxSteps = options.maxSteps ?? 2_000_000;
  I.maxMemory = options.maxMemory ?? 16 << 20;
  // The step budget is what ends a long run (deterministic); wall-clock time is only a safety net.
  I.deadline = t0 + (options.maxTimeMs ?? DEFAULT_MAX_TIME_MS);
  // Memory and list events are only worth their cost when something checks races or asked for all events.
  I.memEvents = races || (options.observers?.length ?? 0) > 0;

  let budget: RunResult['budget'];
  let status: RunResult['status'] = 'clean';
  const interp = I;
  try {
    initGlobals(interp);
    checkBuildBugs(interp);
    const main = createTask(k, entry, 'main', 0, synthFrames('do_syscall_64', 'entry_SYSCALL_64_after_hwframe'));
    k.cur = main.exec;
    currentPtr(interp);
    main.gen = callUser(interp, entryFn, []);
    runScheduler(k, options.policy ?? sequentialPolicy, {
      onTaskEnd: (t) => {
        if (t.kind !== 'idle') taskEndEvent(k, t);
      },
      check: () => {
        rcuGracePeriod(interp);
        if (Date.now() > interp.deadline) throw new StopRun('time', 'time budget exhausted — the program ran too long');
      },
    });
  } catch (e) {
    if (e instanceof StopRun) {
      if (e.kind === 'steps' || e.kind === 'memory' || e.kind === 'time') {
        status = 'budget';
        budget = { kind: e.kind, message: e.message, ...(e.fn ? { fn: e.fn } : {}), ...(e.pos ? { pos: e.pos } : {}) };
      } else if (e.kind === 'internal') {
        status = 'invalid';
        diagnostics.push(diagAt(e.pos, files[0]!.path, 'error', e.message));
      } else {
        // A deadlock or panic is a finding about the program, like a report.
        status = 'reported';
        diagnostics.push(diagAt(e.pos, files[0]!.path, 'note', e.message));
      }
    } else if (e instanceof KillTask) {
      // An oops outside any task's own slice (global initialisers): already reported.
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      // The host ran out of stack before the simulated kernel's own limit: report it as the overflow it is.
      status = 'reported';
      diagnostics.push(diagAt(undefined, files[0]!.path, 'note', 'kernel stack overflow: the program recursed too deeply for the simulator'));
    } else {
      status = 'invalid';
      const msg = e instanceof Error ? e.message : String(e);
      diagnostics.push(diagAt(undefined, files[0]!.path, 'error', `internal error in the simulated kernel: ${msg}`, 'please report this program to the course maintainers'));
    }
  }
  if (dropped > 0) log.push({ type: 'printk', level: 4, text: `** ${dropped} printk messages dropped **`, task: { pid: 0, comm: 'swapper/0' }, cpu: 0 });
  if (status === 'clean' && reports.length > 0) status = 'reported';
  if (status === 'clean' && k.checks.some((c) => !c.passed)) status = 'reported';
  return {
    status,
    diagnostics,
    log,
    text: renderLog(log),
    reports,
    checks: k.checks,
    ...(budget ? { budget } : {}),
    stats: { steps: interp.steps, events: k.events, timeMs: Date.now() - t0, heapBytes: mem.heapBytes },
  };
}
