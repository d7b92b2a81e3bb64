/**
 * Exercises and grades as plain data. An exercise is a folder under
 * `exercises/<slug>/`; loading turns it into an `Exercise` (all file texts
 * inlined) so that the browser, the CLI and CI grade the very same thing.
 */
import type { LockdepConfig, ReportKind, SourcePos } from '../events/types.ts';
import type { Diagnostic, SourceFile } from '../engine/api.ts';

export type FileRole = 'starter' | 'environment' | 'harness';

export const DIFFICULTIES = ['intro', 'easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export interface ExerciseFileSpec {
  /** Path inside the exercise folder, also the path shown in backtraces. */
  path: string;
  /** The learner may edit it (only starter files may be editable). */
  editable: boolean;
  role: FileRole;
}

/** Which seed thread, and which message in it, the exercise draws from. */
export interface ThreadRef {
  /** File name under shared/seeds, e.g. `001_63d1b2f7394d89e4.txt`. */
  seed: string;
  author: string;
  date: string;
}

/** Check kinds, from "what lockdep says" to "what the harness asserts". */
export type CheckSpec =
  | {
      kind: 'lockdep';
      name: string;
      /** Absent: no lockdep report allowed. Present: exactly this report kind is required. */
      expect?: ReportKind;
      /**
       * With `expect`: class names (as printed, without `/N` or `#N`) the
       * expected report must involve, so an unrelated report of the same kind
       * (a made-up AB-BA on two new locks) does not count.
       */
      locks?: string[];
    }
  | { kind: 'races'; name: string }
  | { kind: 'memory'; name: string }
  | { kind: 'warnings'; name: string }
  | {
      kind: 'functional';
      name: string;
      /** lab_check messages that must run and pass. Absent: every lab_check found in the harness files. */
      expect?: string[];
    }
  | {
      kind: 'not-blinded';
      name: string;
      /** Subclasses a class may use beyond 0, by printed class name (without `/N`). */
      subclasses?: Record<string, number[]>;
      /** Functions in which a class may be taken in those subclasses (absent: anywhere), by class name. */
      subclassSites?: Record<string, string[]>;
      /**
       * Classes the learner's files may annotate by hand (lock_acquire(),
       * spin_acquire(), lock_map_acquire(), ...). Absent: the classes named in `subclasses`.
       */
      annotate?: string[];
    }
  | {
      kind: 'held-across';
      name: string;
      /** Class name as printed (without `/N`): the lock that must stay held. */
      lock: string;
      /** A lock taken before a call of one of these functions must not be released inside it. */
      functions: string[];
      /** Why it matters, shown when the check fails. */
      message: string;
    }
  | {
      kind: 'one-section';
      name: string;
      /** Class name as printed (without `/N`): the lock that guards the list. */
      lock: string;
      /** The function whose lookup and list change must share one critical section. */
      function: string;
      /** Why it matters, shown when the check fails. */
      message: string;
    }
  | {
      kind: 'irqs-off-needed';
      name: string;
      /** Class name as printed (without `/N`). */
      lock: string;
      /** Why a lighter primitive is the fix, shown when the check fails. */
      message: string;
    }
  | {
      kind: 'must-report';
      name: string;
      /** Folder under `variants/` whose files replace the exercise's environment/harness files. */
      variant: string;
      /** The variant run must produce a lockdep report of one of these kinds. */
      expect: ReportKind[];
      /** Class names the report must involve (as for a lockdep check's `locks`). */
      locks?: string[];
      /** For reports that name no lock (a WARNING): the function the report must be raised in. */
      in?: string;
      /** Why it matters, shown when the check fails. */
      message: string;
    };

export type CheckKind = CheckSpec['kind'];

/** How the starter is expected to fail: the self-test holds the exercise to it. */
export interface StarterExpectation {
  check: string;
  report?: ReportKind;
}

export interface ExerciseMeta {
  title: string;
  lesson: string;
  thread: ThreadRef;
  difficulty: Difficulty;
  minutes: number;
  files: ExerciseFileSpec[];
  entry: string;
  config: Partial<LockdepConfig>;
  /** Simulated CPUs (default 8). */
  cpus?: number;
  hints: string[];
  hintsByReportKind: Partial<Record<ReportKind, string>>;
  checks: CheckSpec[];
  starter: StarterExpectation;
  /** One paragraph shown above the editor. */
  summary?: string;
}

/** A known wrong fix: its files replace the editable ones; it must fail `fails`. */
export interface WrongFix {
  name: string;
  files: SourceFile[];
  fails: string;
  report?: ReportKind;
  why: string;
}

export interface Exercise {
  slug: string;
  meta: ExerciseMeta;
  /** Every file of the program as shipped (starters, environment, harness), in meta order. */
  files: SourceFile[];
  /** Reference solution: replaces the editable files. */
  solution: SourceFile[];
  /** Other accepted solutions (`alternatives/<name>/`). */
  alternatives: { name: string; files: SourceFile[] }[];
  wrong: WrongFix[];
  /** Known-bad environment variants for must-report checks, by folder name. */
  variants: Record<string, SourceFile[]>;
}

// ---------------------------------------------------------------------------
// Grades

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** A line to underline in the editor. */
export interface Marker {
  pos: SourcePos;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

export interface CheckResult {
  name: string;
  kind: CheckKind | 'runs';
  status: CheckStatus;
  /** One or two sentences for the learner. */
  message: string;
  /** What the check tests, for the JSON `test_code` field and the check list. */
  description: string;
  /** Report kind that made it fail, if any. */
  reportKind?: ReportKind;
  /** The report as dmesg shows it. */
  report?: string;
  /** The exercise's hint for that report kind. */
  hint?: string;
  markers: Marker[];
}

export type GradeStatus = 'pass' | 'fail' | 'error';

export interface GradeResult {
  exercise: string;
  status: GradeStatus;
  /** One line: "all 5 checks passed", "2 of 5 checks failed", or why it could not be graded. */
  message: string;
  checks: CheckResult[];
  diagnostics: Diagnostic[];
  /** The main run's kernel log as dmesg would show it. */
  log: string;
  timing: { totalMs: number; runs: { name: string; ms: number; steps: number }[] };
}
