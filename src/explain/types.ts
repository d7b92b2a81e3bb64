/**
 * Data shapes of the splat decoder ("explain my splat").
 *
 * The decoder reads any pasted kernel log and returns every input line, each
 * either placed in a recognised report (with a role and a short explanation)
 * or marked unplaced. Nothing here depends on the DOM or Node: the site's
 * annotated-splat component and the CLI share these types.
 */
import type { ReportKind } from '../events/types.ts';

/** The subset of ReportKind the decoder can name (the fixed `--json` vocabulary). */
export type DecodedKind = Extract<
  ReportKind,
  | 'circular'
  | 'inconsistent'
  | 'irq-safe-unsafe'
  | 'irq-inversion'
  | 'invalid-wait-context'
  | 'recursive'
  | 'bad-unlock-balance'
  | 'held-lock-freed'
  | 'suspicious-rcu'
  | 'sleeping-in-atomic'
  | 'lock-held-returning-to-user'
  | 'locks-held-at-exit'
  | 'nested-lock-not-taken'
  | 'kcsan-data-race'
  | 'unknown'
>;

/** What a line is inside a report. `unplaced` lines carry `placed: false`. */
export type LineRole =
  | 'separator'
  | 'header'
  | 'kernel'
  | 'summary'
  | 'task'
  | 'lock'
  | 'text'
  | 'dependency'
  | 'chain-title'
  | 'chain-link'
  | 'chain-exists'
  | 'scenario-title'
  | 'scenario-cpus'
  | 'scenario-step'
  | 'deadlock'
  | 'hint'
  | 'held-locks'
  | 'held-lock'
  | 'irq-stamp'
  | 'stack-title'
  | 'stack-frame'
  | 'dump-info'
  | 'registers'
  | 'context'
  | 'rcu-state'
  | 'message'
  | 'access'
  | 'value'
  | 'path'
  | 'blank'
  | 'end'
  | 'unplaced';

/** One input line, never dropped. */
export interface DecodedLine {
  /** 1-based line number in the input. */
  n: number;
  /** The line exactly as given (without its line terminator). */
  text: string;
  /** The line with log prefixes (timestamps, syslog, quoting, levels) removed and trimmed. */
  body: string;
  /** Prefix that was stripped (`[   32.288545] `, `> `, `Aug 15 08:13:46 host kernel: `). */
  prefix: string;
  placed: boolean;
  role: LineRole;
  /** Index into DecodedLog.reports when the line belongs to a report. */
  report?: number;
  /** Short English text for hover/focus. */
  explain?: string;
  /** Index into the report's `locks` when the line names a lock. */
  lock?: number;
  /** Index into the report's `stacks` when the line is part of a stack. */
  stack?: number;
}

/** One usage character of `{?.+.}` decoded. */
export interface UsageChar {
  /** `hardirq-write`, `hardirq-read`, `softirq-write`, `softirq-read`, `reclaim_fs-write`, `reclaim_fs-read`. */
  slot: string;
  char: string;
  /** `.` unused, `+` irq-unsafe, `-` irq-safe, `?` both (the inconsistency). */
  meaning: 'unused' | 'irq-unsafe' | 'irq-safe' | 'both' | 'unknown';
  words: string;
}

export interface Usage {
  raw: string;
  /** 4 since v4.14-ish, 6 in kernels with the RECLAIM_FS state. */
  width: number;
  chars: UsageChar[];
  words: string;
}

/** One reading of a wait-type number. */
export interface WaitReading {
  outer: string;
  inner: string;
  words: string;
}

export interface WaitType {
  /** `2:2` */
  raw: string;
  outer: number;
  inner: number;
  /** Numbers as printed with CONFIG_PROVE_RAW_LOCK_NESTING=y (default on x86/arm64 since 6.13). */
  withNesting: WaitReading;
  /** Numbers as printed without it. */
  withoutNesting: WaitReading;
}

export interface DecodedLock {
  /** Printed class name incl. `#N` and `/S`: `&rq->__lock/1`. */
  name: string;
  /** Name without `#N` / `/S`. */
  className: string;
  /** `#N` name version (several classes share the name), if printed. */
  version?: number;
  /** `/S` subclass, 0 when not printed. */
  subclass: number;
  role: 'acquiring' | 'holding' | 'chain' | 'safe' | 'unsafe' | 'held' | 'freed' | 'released' | 'nest' | 'other';
  usage?: Usage;
  waitType?: WaitType;
  /** Instance address as printed (`ff177021416f2d78`, hashed, or absent on old kernels). */
  address?: string;
  /** Symbol after `at:` (`klist_next+0x1b/0x160`). */
  at?: string;
  /** Line numbers (1-based) that mention this lock in this role. */
  lines: number[];
}

export interface TaskContext {
  raw: string;
  hardirqContext: number;
  hardirqCount: number;
  softirqContext: number;
  softirqCount: number;
  hardirqsEnabled: boolean;
  softirqsEnabled: boolean;
  words: string;
}

export interface DecodedTask {
  comm: string;
  pid: number;
  context?: TaskContext;
}

export interface KernelIdent {
  raw: string;
  version?: string;
  build?: string;
  tainted?: boolean;
  taint?: string;
}

export interface StackRef {
  /** What event this stack belongs to: `registered at`, `-> #1`, `Call Trace`, `which became HARDIRQ-irq-safe at`. */
  label: string;
  /** First line (title) of the stack, 1-based. */
  title: number;
  /** Frame lines, 1-based. */
  lines: number[];
  /** Function names of the frames, innermost first, `?` frames left out. */
  frames: string[];
}

export interface ChainNode {
  name: string;
  /** `#N` position in the printed chain (circular reports). */
  depth?: number;
}

export interface ChainEdge {
  from: string;
  to: string;
  /** Index into the report's stacks: where `to` was taken while holding `from`. */
  stack?: number;
  /** The input lines (1-based) of that stack, title included. */
  lines?: number[];
  /** The dependency being added when lockdep reported (closes the cycle). */
  isNew?: boolean;
}

export interface DecodedChain {
  nodes: ChainNode[];
  edges: ChainEdge[];
  /** `Chain exists of:` line, split on `-->`. */
  exists?: string[];
}

export interface ScenarioStep {
  /** 1-based input line. */
  n: number;
  /** `lock`, `rlock`, `sync`, `local_irq_disable`, `interrupt`, or `other`. */
  op: string;
  lock?: string;
  /** Inside the `<Interrupt>` that preceded it. */
  inInterrupt: boolean;
  text: string;
}

export interface ScenarioLane {
  cpu: string;
  steps: ScenarioStep[];
}

export interface DecodedScenario {
  title: string;
  lanes: ScenarioLane[];
  /** Whether lanes came from the printed columns or had to be inferred (indentation lost). */
  columns: 'printed' | 'inferred';
}

export interface HeldLocks {
  task?: DecodedTask;
  count: number;
  /** Indices into the report's locks. */
  locks: number[];
}

/**
 * Which kernel facility printed a report, so tools can tell the many
 * `unknown` kinds apart: lockdep (and RCU-lockdep, might_sleep, KCSAN),
 * a sanitizer (KASAN/KMSAN/UBSAN/KFENCE), an oops, a WARN, the hung-task
 * watchdog, or a one-line message (soft lockup, panic, scheduling while atomic).
 */
export type ReportFamily = 'lockdep' | 'sanitizer' | 'oops' | 'warn' | 'hung' | 'short';

export interface DecodedReport {
  kind: DecodedKind;
  /** The layout the report follows; the `--json` kind vocabulary stays fixed. */
  family?: ReportFamily;
  header: string;
  /** First and last line (1-based) of the report. */
  start: number;
  end: number;
  /** `--json` consumers: the header as lockdep names it, e.g. `HARDIRQ` for irq reports. */
  irqState?: string;
  kernel?: KernelIdent;
  task?: DecodedTask;
  /** Report-specific one-liners: `inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.`, RCU message, KCSAN race. */
  summary?: string;
  locks: DecodedLock[];
  /** Unique lock names in order of appearance (for tools and tests). */
  lockNames: string[];
  chain?: DecodedChain;
  scenario?: DecodedScenario;
  heldLocks?: HeldLocks;
  stacks: StackRef[];
  /** Site path of the lesson that teaches this kind. */
  lesson: string;
  /** What the report means, in two or three sentences. */
  meaning: string;
  /** True when the report ended before its usual last section (cut by hand, by an Oops, or by the next report). */
  truncated: boolean;
  /** `context-{5:5}` of a wait-context report. */
  waitContext?: WaitType;
}

export interface DecodedLog {
  reports: DecodedReport[];
  lines: DecodedLine[];
}
