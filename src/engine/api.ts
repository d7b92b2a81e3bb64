/**
 * The engine's public surface: source files in, a kernel log and structured
 * reports out. The grader, the CLI and the site's Web Worker use only this.
 * Implemented by ./run.ts (parse -> run on simulated CPUs -> observers).
 */
import type { EventObserver, LabCheckResult, LockdepConfig, LogEntry, Report, SourcePos } from '../events/types.ts';

export interface SourceFile {
  /** Path as shown in diagnostics and backtraces (`klist.c`, `vgic/vgic.c`). */
  path: string;
  text: string;
}

/** A problem with the input, before or while running it. Never a stack trace. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning' | 'note';
  /** What is wrong: "expected ';' after expression". */
  message: string;
  /** How to fix it, when we can say: "add ';' at the end of the line". */
  hint?: string;
}

export interface RunOptions {
  /** Entry function run as a task on CPU 0. Default `main`. */
  entry?: string;
  /** Kernel configuration overrides (`PROVE_RAW_LOCK_NESTING: false`); a program's own #define CONFIG_* wins over defaults, these win over both. */
  config?: Partial<LockdepConfig>;
  /** Interpreter step budget. Default 2,000,000. */
  maxSteps?: number;
  /** Simulated heap budget in bytes. Default 16 MiB. */
  maxMemory?: number;
  /** Wall-clock safety net in ms (checked every few thousand steps). Default 20,000: the step budget, not this, decides, so results do not depend on machine load. */
  maxTimeMs?: number;
  /** Run the lockdep model. Default true. */
  lockdep?: boolean;
  /** Run the race check (lockset + RCU list rules). Default true. */
  races?: boolean;
  /** Extra observers of every event (grader checks, tests). */
  observers?: EventObserver[];
  /** Number of simulated CPUs. Default 8. */
  cpus?: number;
}

export type RunStatus =
  /** Ran to the end, no report. */
  | 'clean'
  /** Ran; at least one warning or report in the log. */
  | 'reported'
  /** Could not run: diagnostics say why. */
  | 'invalid'
  /** Stopped by a step, memory or time budget: `budget` says where. */
  | 'budget';

export interface RunResult {
  status: RunStatus;
  diagnostics: Diagnostic[];
  /** Everything the kernel log received, in order. */
  log: LogEntry[];
  /** The log as dmesg would show it (no timestamps). */
  text: string;
  reports: Report[];
  /** Harness assertions (`lab_check(cond, "the vCPU is woken")`), in order. */
  checks: LabCheckResult[];
  budget?: { kind: 'steps' | 'memory' | 'time'; message: string; fn?: string; pos?: SourcePos };
  stats: { steps: number; events: number; timeMs: number; heapBytes: number };
}
