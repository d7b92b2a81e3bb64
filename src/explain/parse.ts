/**
 * Cutting a log into reports and giving every line of a report its role.
 *
 * One pass over the lines. A header line opens a report; the report's
 * builder then reads lines one by one, keeping a small "section" state
 * (which part of the layout it is in, which lock line it expects next).
 * Lines it recognises get a role; lines it does not are left unplaced but do
 * not end the report, because other tasks print into the middle of reports.
 * A report ends at the next header, at an Oops or WARN that starts, at the
 * end of its final stack, or after several unrecognised lines in a row.
 */
import { matchHeader, LESSONS } from './kinds.ts';
import { indentOf, peel } from './prefix.ts';
import {
  decodeContext,
  decodeUsage,
  decodeWait,
  isStackNoise,
  parseFrame,
  parseKernelIdent,
  parseLockText,
  parseTaskWord,
  splitClassName,
} from './decode.ts';
import type {
  ChainEdge,
  DecodedKind,
  DecodedLine,
  DecodedLock,
  DecodedReport,
  DecodedTask,
  LineRole,
} from './types.ts';
import { meaningOf } from './meaning.ts';
import { CUT_MESSAGE_EXPLAIN, familyOf, isSelftestWhy, kernelLine, matchKernelHeader, parseSchedAtomic, preemptCountWords, type Family } from './kernel-lines.ts';
import { buildScenario, type RawStep } from './scenario.ts';
import {
  headerExplain,
  irqEnabledWord,
  irqWord,
  kernelExplain,
  lockExplain,
  noiseExplain,
  preemptWords,
  stepExplain,
  usageBitWords,
  waitContextExplain,
} from './line-explain.ts';

/** Consecutive unrecognised non-blank lines after which a report is considered over. */
const MAX_MISSES = 6;

type Section =
  | 'head'
  | 'body'
  | 'stack'
  | 'scenario'
  | 'held'
  | 'path'
  | 'message'
  | 'dump';

type LockRole = DecodedLock['role'];

/** Lines that start something that is not this report: the report is over. */
const FOREIGN_START =
  /^(?:-+\[ cut here \]-+$|BUG: unable to handle|BUG: KASAN:|BUG: KFENCE:|BUG: kernel NULL pointer|Oops: |Oops\b|Kernel panic|general protection fault|kernel BUG at|Internal error: |WARNING: CPU: \d+ PID: \d+ at |WARNING: .* at .*:\d+ |INFO: task .* blocked for more than|watchdog: BUG: soft lockup|rcu: INFO: |Unable to handle kernel)/;

type FixedAction =
  | 'none'
  | 'expect-holding'
  | 'expect-dependency'
  | 'section-body'
  | 'expect-chain-exists'
  | 'expect-nest'
  | 'kcsan-reported'
  | 'preempt-stack';

/** Fixed sentences of the report layouts: pattern, role, explanation, what it changes in the parse state. */
const FIXED: ReadonlyArray<readonly [RegExp, LineRole, string, FixedAction]> = [
  [/^but task is already holding lock:$/, 'text', 'The lock on the next line is already held by this task.', 'expect-holding'],
  [/^and this task is already holding:$/, 'text', 'The lock on the next line is already held by this task.', 'expect-holding'],
  [/^which lock already depends on the new lock\.$/, 'text', 'Somewhere in the past, the new lock was held while this one was taken: the reverse order. The chain below proves it.', 'none'],
  [/^which would create a new lock dependency:$/, 'text', 'Taking the new lock now would add this dependency edge to the lock graph:', 'expect-dependency'],
  [/^the existing dependency chain \(in reverse order\) is:$/, 'chain-title', 'The recorded dependencies that form the cycle, newest-held first. Each "-> #N" entry shows the stack where that lock was taken while the previous one was held.', 'section-body'],
  [/^other info that might help us debug this:$/, 'text', 'What follows: a deadlock scenario, the locks held, and the current stack.', 'section-body'],
  [/^Chain exists of:$/, 'chain-exists', 'The full path of lock classes involved (the scenario below shows only its ends).', 'expect-chain-exists'],
  [/^\*\*\* DEADLOCK \*\*\*$/, 'deadlock', 'The scenario above would deadlock if the CPUs interleave that way. Lockdep reports the possibility, not an actual hang.', 'section-body'],
  [/^May be due to missing lock nesting notation$/, 'hint', 'If the two locks are different instances of one class taken in a fixed order, annotate it (spin_lock_nested, mutex_lock_nested) instead of silencing lockdep.', 'none'],
  [/^and interrupts could create inverse lock ordering between them\.$/, 'text', 'An interrupt arriving while one lock is held can take the other: the order between them becomes inverted.', 'none'],
  [/^but there are no more locks to release!$/, 'text', 'Lockdep found no matching held lock in the current context: a double unlock, an unlock of a lock never taken, or an unlock from another context.', 'section-body'],
  [/^but this task is not holding:$/, 'text', 'The nest lock named on the next line should have been held before taking a lock annotated with it.', 'expect-nest'],
  [/^INFO: lockdep is turned off\.$/, 'text', 'Lockdep already turned itself off after an earlier report, so it cannot list the held locks.', 'none'],
  [/^turning off the locking correctness validator\.$/, 'text', 'Lockdep disables itself now: only this first problem is reported.', 'none'],
  [/^Reported by Kernel Concurrency Sanitizer on:$/, 'text', 'The CPU, task and kernel that observed the race follow.', 'kcsan-reported'],
  [/^rcu_scheduler_active = \d+, debug_locks = \d+$/, 'rcu-state', 'RCU state: rcu_scheduler_active 2 means the scheduler is fully up; debug_locks 0 would mean lockdep was already off (held-lock info may be stale).', 'none'],
  [/^\[?RCU used illegally from (?:offline CPU|extended quiescent state)!\]?$/, 'rcu-state', 'RCU was used where RCU is not watching (offline CPU or idle/user extended quiescent state).', 'none'],
  [/^Possible false positive due to lockdep disabling via debug_locks = 0$/, 'rcu-state', 'Lockdep was already off, so the "locks held" view may be incomplete.', 'none'],
  [/^Preemption disabled at:$/, 'stack-title', 'Where preemption was last disabled (the reason the context is atomic).', 'preempt-stack'],
  [/^the lock comparison function returns -?\d+:$/, 'text', 'The class has a lock_set_cmp_fn(); it did not allow this order.', 'none'],
];

class Builder {
  readonly report: DecodedReport;
  readonly index: number;
  readonly family: Family;
  /** Past `---[ end trace`: only the oops's `note:` and panic lines may follow. */
  private afterEnd = false;
  /** The `CPU: ... Comm:` line of the dump was seen (an oops's `Oops:` line comes before it). */
  private sawDump = false;
  private section: Section = 'head';
  private expect: LockRole | undefined;
  private expectNestName = false;
  private expectDependency = false;
  private expectChainExists = false;
  private stack: number | undefined;
  private misses = 0;
  private lastPlaced: number;
  private steps: RawStep[] = [];
  private scenarioTitle = '';
  private heldByIndex = new Map<number, number>();
  private lastLockKey = '';
  private lastLockIdx = -1;
  private complete = false;
  private chainDepth = new Map<number, { name: string; stack: number }>();
  private dependency: string[] | undefined;
  private linesSinceHeader = 0;
  private lastFed = 0;
  /** Set when the report reached its natural end; close() must still run. */
  closed = false;
  private finished = false;
  private readonly out: DecodedLine[];

  constructor(
    out: DecodedLine[],
    kind: DecodedKind,
    headerLine: number,
    header: string,
    index: number,
    irqState?: string,
  ) {
    this.out = out;
    this.index = index;
    this.report = {
      kind,
      header,
      start: headerLine + 1,
      end: headerLine + 1,
      irqState,
      locks: [],
      lockNames: [],
      stacks: [],
      lesson: LESSONS[kind],
      meaning: '',
      truncated: true,
    };
    this.lastPlaced = headerLine;
    this.family = familyOf(header);
    this.report.family = this.family;
    const kh = this.family === 'lockdep' ? undefined : matchKernelHeader(header);
    this.place(headerLine, 'header', kh ? kh.explain : headerExplain(kind, header));
    if (this.family !== 'lockdep') this.startKernelReport(header);
    if (kind === 'locks-held-at-exit') {
      const m = /([^ ]+\/\d+) still has locks held!/.exec(header);
      const t = m ? parseTaskWord(m[1]) : undefined;
      if (t) this.report.task = t;
    }
    if (kind === 'kcsan-data-race') {
      this.report.summary = header.replace(/^BUG: KCSAN: /, '');
    }
    if (kind === 'sleeping-in-atomic') {
      const at = /invalid context at (.*)$/.exec(header);
      if (at) this.report.summary = `might_sleep() check failed at ${at[1]}`;
    }
    if (kind === 'unknown') this.section = 'message';
  }

  /** Claim a separator printed just before the header (the `====` line and the blank before it). */
  claimBefore(i: number): void {
    if (this.family === 'warn' || this.family === 'oops') this.claimCutHere(i);
    let j = this.report.start - 2;
    for (let k = 0; k < 2 && j >= 0 && j > i - 3; k++, j--) {
      const l = this.out[j];
      if (l.placed) break;
      if (/^=+$/.test(l.body) && l.body.length >= 10) {
        this.place(j, 'separator', this.family === 'sanitizer' ? 'Separator: a sanitizer report starts here.' : this.family === 'lockdep' ? 'Separator: a lockdep report starts here.' : 'Separator: a report starts here.');
        this.report.start = j + 1;
        const blank = this.out[j - 1];
        if (blank && !blank.placed && blank.body === '') {
          this.place(j - 1, 'blank', 'Lockdep prints an empty line before every report.');
          this.report.start = j;
        }
        break;
      }
      if (l.body !== '') break;
    }
  }

  /** Non-lockdep reports: the task and one-line summary their header already gives. */
  private startKernelReport(header: string): void {
    const r = this.report;
    this.section = 'message';
    const sched = parseSchedAtomic(header);
    if (sched) {
      r.task = sched.task;
      r.summary = `scheduling while atomic: ${sched.task.comm} (pid ${sched.task.pid}) called schedule() with preempt_count 0x${sched.raw}: ${preemptCountWords(sched.pc)}`;
      this.out[this.report.start - 1].explain += ` Here: task ${sched.task.comm}, pid ${sched.task.pid}, preempt_count 0x${sched.raw} = ${preemptCountWords(sched.pc)}.`;
      return;
    }
    r.summary = header;
    const hung = /^INFO: task (.+):(\d+) blocked for more than/.exec(header);
    const lockup = /\[(.+):(\d+)\]$/.exec(header);
    const t = hung ?? (header.startsWith('watchdog: BUG: soft lockup') ? lockup : null);
    if (t) r.task = { comm: t[1], pid: Number(t[2]) };
    // A watchdog or panic line is a whole report; what a real kernel prints after it is optional.
    if (this.family === 'short') this.complete = true;
  }

  /** `------------[ cut here ]------------` and the WARN message lines printed before the header. */
  private claimCutHere(i: number): void {
    const prev = this.out[i - 1];
    if (prev && !prev.placed && isSelftestWhy(prev.body)) {
      this.place(i - 1, 'message', 'Lockdep Lab\'s own line (real kernels do not print it): why the BUG below fired. The selftest helpers HARDIRQ_ENTER()/HARDIRQ_EXIT() (and the SOFTIRQ/NMI ones) must be paired inside one function.');
      this.report.summary = prev.body;
      this.report.start = i;
      return;
    }
    for (let j = i - 1; j >= 0 && j >= i - 12; j--) {
      const l = this.out[j];
      if (l.placed || l.body === '') return;
      if (/^-+\[ cut here \]-+$/.test(l.body)) {
        this.place(j, 'separator', 'cut here: a WARN() or BUG() report starts; any lines up to the WARNING/BUG line are its message.');
        for (let k = j + 1; k < i; k++) {
          const kl = kernelLine(this.out[k].body, this.family, this.report.kind);
          this.place(k, 'message', kl?.explain ?? CUT_MESSAGE_EXPLAIN);
          this.report.summary = k === j + 1 ? this.out[k].body : `${this.report.summary} ${this.out[k].body}`;
        }
        this.report.start = j + 1;
        // lib/list_debug.c on older kernels printed its message before `cut here` and then BUG()ed.
        const before = this.out[j - 1];
        const kl = before && !before.placed ? kernelLine(before.body, this.family, this.report.kind) : undefined;
        if (kl?.role === 'message') {
          this.place(j - 1, 'message', kl.explain);
          if (this.report.summary === this.report.header) this.report.summary = before.body;
          this.report.start = j;
        }
        return;
      }
    }
  }

  /** Lines that belong to this report although they look like the start of another. */
  continues(body: string): boolean {
    if (this.afterEnd) return /^Kernel panic - not syncing: |^note: .+\[\d+\] exited with |^---\[ end Kernel panic/.test(body);
    if (this.family === 'oops') return !this.sawDump && body.startsWith('Oops: ');
    // syzbot symbolises inlined frames: the KASAN header repeats once per inline function.
    if (this.family === 'sanitizer' && this.linesSinceHeader <= 1) {
      const type = /^BUG: [A-Z]+: [a-z-]+ in /.exec(this.report.header);
      return type !== null && body.startsWith(type[0]);
    }
    return false;
  }

  private place(i: number, role: LineRole, explain?: string, extra?: { lock?: number; stack?: number }): void {
    const l = this.out[i];
    l.placed = true;
    l.role = role;
    l.report = this.index;
    if (explain) l.explain = explain;
    if (extra?.lock !== undefined) l.lock = extra.lock;
    if (extra?.stack !== undefined) l.stack = extra.stack;
    if (role !== 'blank' && i > this.lastPlaced) this.lastPlaced = i;
  }

  /** Feed line i; returns false when the report is over (the line is not consumed). */
  feed(i: number, indent: number): boolean {
    const body = this.out[i].body;
    this.linesSinceHeader++;
    this.lastFed = i;
    if (body === '') {
      this.place(i, 'blank', 'Empty line, part of the report layout.');
      // An empty line ends a frame list in old layouts, never a report.
      return true;
    }
    if (this.afterEnd) {
      if (!this.continues(body)) return false;
      const kl = kernelLine(body, this.family, this.report.kind);
      this.place(i, kl?.role ?? 'text', kl?.explain);
      return true;
    }
    if (this.family === 'sanitizer' && this.continues(body)) {
      this.place(i, 'header', 'The same header again: syzbot prints one line per inlined function of the faulting site.');
      return true;
    }
    if (FOREIGN_START.test(body) && !this.continues(body) && !(this.report.kind === 'unknown' && this.family === 'lockdep' && this.linesSinceHeader <= 2)) {
      return false;
    }
    if (/^=+$/.test(body) && body.length >= 10) {
      if ((this.report.kind === 'kcsan-data-race' || this.family === 'sanitizer') && this.linesSinceHeader > 3) {
        this.place(i, 'end', this.family === 'sanitizer' ? 'End of the sanitizer report.' : 'End of the KCSAN report.');
        this.complete = true;
        // A KMSAN report kills the task: make_task_dead()'s `note:` line may follow.
        if (this.family === 'sanitizer') this.afterEnd = true;
        else this.closed = true;
        return true;
      }
      // The next report's separator: leave it for the header that follows.
      return false;
    }
    if (/^-+\[ end trace [0-9a-f]+ \]-+$/.test(body) || /^---\[ end trace/.test(body)) {
      this.place(i, 'end', this.family === 'oops' ? 'End of the oops.' : 'End of the warning trace.');
      this.complete = true;
      // An oops is followed by make_task_dead()'s `note:` lines and, in interrupt context, the panic.
      if (this.family === 'oops') this.afterEnd = true;
      else this.closed = true;
      return true;
    }
    const handled = this.classify(i, body, indent);
    if (handled) {
      this.misses = 0;
      return true;
    }
    this.misses++;
    return this.misses < MAX_MISSES;
  }

  private classify(i: number, body: string, indent: number): boolean {
    const r = this.report;

    // Ident and the dashed separator right after the header.
    if (this.linesSinceHeader <= 3 && !r.kernel) {
      const k = parseKernelIdent(body);
      if (k) {
        r.kernel = k;
        this.place(i, 'kernel', kernelExplain(k.raw, k.tainted, k.taint));
        return true;
      }
    }
    if (/^-{10,}$/.test(body) && this.linesSinceHeader <= 4) {
      this.place(i, 'separator', 'Separator: the report body follows.');
      this.section = 'body';
      return true;
    }

    // These expectations are about the very next non-empty line only.
    const wantChainExists = this.expectChainExists;
    const wantDependency = this.expectDependency;
    const wantNestName = this.expectNestName;
    this.expectChainExists = this.expectDependency = this.expectNestName = false;

    if (wantChainExists && body.includes('-->')) {
      const names = body.split('-->').map((s) => s.trim()).filter((s) => s.length > 0);
      r.chain = r.chain ?? { nodes: [], edges: [] };
      r.chain.exists = names;
      this.place(i, 'chain-exists', `The whole dependency path lockdep found: ${names.join(' -> ')}. Each arrow means "was held while taking".`);
      return true;
    }
    if (wantDependency && body.includes('->')) {
      const cut = body.indexOf('} -> (');
      const cut2 = cut >= 0 ? cut : body.indexOf('} -> ');
      if (cut2 >= 0) {
        const a = parseLockText(body.slice(0, cut2 + 1));
        const rest = body.slice(cut2 + 4).trim();
        const b = parseLockText(rest) ?? parseLockText(rest.replace(/^\(/, '(('));
        if (a && b) {
          this.dependency = [a.name, b.name];
          this.place(i, 'dependency', `The new dependency: ${a.name} would be held while taking ${b.name}.`);
          return true;
        }
      }
    }
    if (wantNestName && /^[^ ()]+$/.test(body)) {
      const idx = this.addLock({ name: body }, 'nest', i);
      this.place(i, 'lock', `The nest lock ${body} that the annotation says must be held, but is not.`, { lock: idx });
      return true;
    }

    if (this.family !== 'lockdep' || this.report.kind === 'kcsan-data-race' || this.report.kind === 'suspicious-rcu' || this.report.kind === 'sleeping-in-atomic') {
      const kl = kernelLine(body, this.family, r.kind);
      if (kl) {
        if (kl.task && !r.task) r.task = kl.task;
        if (kl.summary && (this.family === 'lockdep' || r.summary === r.header || !r.summary)) r.summary = body;
        if (this.family === 'oops' && body.startsWith('Oops: ')) this.section = 'message';
        if (kl.stack) this.beginStack(i, kl.stack, kl.explain);
        else if (kl.role === 'stack-frame' && this.stack !== undefined) {
          r.stacks[this.stack].lines.push(i + 1);
          this.place(i, kl.role, kl.explain, { stack: this.stack });
        } else this.place(i, kl.role, kl.explain);
        return true;
      }
    }

    // Frames are most of a report: try them before the fixed sentences (none of which parses as a frame).
    if ((this.section === 'stack' || this.section === 'dump' || this.section === 'path') && this.frame(i, body)) return true;

    const text = this.fixedText(i, body);
    if (text) return true;

    if (this.section === 'scenario') {
      if (/^(?:(?:r?lock|sync)\(.*\);|local_irq_disable\(\);|<Interrupt>)$/.test(body)) {
        this.steps.push({ n: i + 1, indent, body });
        this.place(i, 'scenario-step', stepExplain(body));
        return true;
      }
    }

    // Lock lines.
    const lt = parseLockText(body);
    if (lt) {
      const key = `${lt.address ?? ''} ${lt.name}`;
      if (key === this.lastLockKey && this.lastLockIdx >= 0 && i - this.lastPlaced <= 1) {
        // syzbot repeats a lock line once per inlined frame of its `at:`.
        const lk = r.locks[this.lastLockIdx];
        lk.lines.push(i + 1);
        this.place(i, this.out[this.lastPlaced].role === 'held-lock' ? 'held-lock' : 'lock', 'The same lock again: the kernel prints one line per inlined function of the acquire site.', { lock: this.lastLockIdx });
        return true;
      }
      const role: LockRole = this.expect ?? 'other';
      this.expect = undefined;
      const idx = this.addLock(lt, role, i);
      this.place(i, 'lock', lockExplain(r.locks[idx], role), { lock: idx });
      this.lastLockKey = key;
      this.lastLockIdx = idx;
      this.stack = undefined;
      if (this.section === 'stack') this.section = 'body';
      return true;
    }

    // A lock line wrapped by a mail client after `at:`: the symbol went to the next line.
    const prev = this.out[this.lastPlaced];
    if (this.lastLockIdx >= 0 && i - this.lastPlaced === 1 && prev.lock === this.lastLockIdx && (prev.role === 'lock' || prev.role === 'held-lock') && prev.body.endsWith(' at:')) {
      const f = parseFrame(body);
      if (f) {
        const lk = r.locks[this.lastLockIdx];
        lk.at = body;
        lk.lines.push(i + 1);
        this.place(i, prev.role, `Continuation of the lock line above (wrapped): taken at ${body}.`, { lock: this.lastLockIdx });
        return true;
      }
    }

    // Frames of the stack that is open.
    if (this.section === 'stack' || this.section === 'dump' || this.section === 'path') {
      if (isStackNoise(body)) {
        const isTaskMark = /^<\/?(?:TASK|IRQ|NMI|SOFTIRQ)>|^<EOI>/.test(body);
        const role: LineRole = isTaskMark ? 'stack-frame' : 'registers';
        if (this.stack !== undefined) r.stacks[this.stack].lines.push(i + 1);
        this.place(i, role, noiseExplain(body), this.stack !== undefined ? { stack: this.stack } : undefined);
        if (body === '</TASK>' && this.section !== 'path' && this.complete && !this.endsWithMarker()) this.closed = true;
        return true;
      }
    }
    return false;
  }

  /** Reports that end at a marker line of their own (`====`, `---[ end trace`), not at the end of a stack. */
  private endsWithMarker(): boolean {
    return this.family === 'sanitizer' || this.family === 'oops' || this.family === 'warn';
  }

  /** A backtrace entry of the stack that is open (or of a new `Call Trace`). */
  private frame(i: number, body: string): boolean {
    const f = parseFrame(body);
    if (f === undefined && body !== '...') return false;
    if (this.stack === undefined) this.stack = this.openStack('Call Trace', i);
    const s = this.report.stacks[this.stack];
    s.lines.push(i + 1);
    if (f && !body.startsWith('?')) s.frames.push(f);
    const unreliable = body.startsWith('?') || /\] \? /.test(body);
    this.place(
      i,
      'stack-frame',
      body === '...'
        ? 'Lockdep skipped the frames between the irq-unsafe use and its saved trace.'
        : unreliable
          ? `${f}: a "?" frame is a stale return address found on the stack, probably not part of this call chain.`
          : `${f || 'frame'}: part of the stack "${s.label}".`,
      { stack: this.stack },
    );
    return true;
  }

  private fixedAction(act: FixedAction, i: number): void {
    switch (act) {
      case 'expect-holding':
        this.expect = 'holding';
        break;
      case 'expect-dependency':
        this.expectDependency = true;
        break;
      case 'section-body':
        this.section = 'body';
        break;
      case 'expect-chain-exists':
        this.expectChainExists = true;
        break;
      case 'expect-nest':
        this.expectNestName = true;
        break;
      case 'kcsan-reported':
        this.section = 'dump';
        this.complete = true;
        break;
      case 'preempt-stack':
        this.beginStack(i, 'Preemption disabled at', '');
        break;
      case 'none':
        break;
    }
  }

  private openStack(label: string, titleLine: number): number {
    this.report.stacks.push({ label, title: titleLine + 1, lines: [], frames: [] });
    return this.report.stacks.length - 1;
  }

  private beginStack(i: number, label: string, explain: string): void {
    this.stack = this.openStack(label, i);
    this.section = 'stack';
    this.place(i, 'stack-title', explain, { stack: this.stack });
  }

  private addLock(lt: { address?: string; name: string; usage?: string; wait?: string; at?: string }, role: LockRole, i: number): number {
    const r = this.report;
    const cn = splitClassName(lt.name);
    const lock: DecodedLock = {
      name: lt.name,
      className: cn.className,
      version: cn.version,
      subclass: cn.subclass,
      role,
      usage: lt.usage ? decodeUsage(lt.usage) : undefined,
      waitType: lt.wait ? decodeWait(lt.wait) : undefined,
      address: lt.address,
      at: lt.at,
      lines: [i + 1],
    };
    r.locks.push(lock);
    if (!r.lockNames.includes(lt.name)) r.lockNames.push(lt.name);
    return r.locks.length - 1;
  }

  private setTask(word: string, rest: string): DecodedTask | undefined {
    const t = parseTaskWord(word);
    if (!t) return undefined;
    const ctx = decodeContext(rest);
    if (ctx) t.context = ctx;
    if (!this.report.task || (!this.report.task.context && ctx)) this.report.task = t;
    return t;
  }

  /** Every fixed sentence of every layout. Returns true when the line was placed. */
  private fixedText(i: number, body: string): boolean {
    const r = this.report;
    let m: RegExpExecArray | null;

    // --- task lines
    m = /^([^ ]+) ((?:\[HC\d+\[\d+\]:SC\d+\[\d+\]:HE\d+:SE\d+\] )?)(is trying to acquire lock:|is trying to acquire:|takes:|is trying to lock:|just changed the state of lock:)$/.exec(body);
    if (m) {
      const t = this.setTask(m[1], m[2]);
      if (t) {
        this.expect = 'acquiring';
        const ctx = t.context ? ` Its state: ${t.context.words}.` : '';
        const what =
          m[3] === 'takes:'
            ? 'takes the lock on the next line, which gives the lock class a new usage bit'
            : m[3] === 'just changed the state of lock:'
              ? 'just gave the lock on the next line a new irq usage bit'
              : 'is acquiring the lock on the next line: this acquisition triggered the report';
        this.place(i, 'task', `Task ${t.comm} (pid ${t.pid}) ${what}.${ctx}`);
        return true;
      }
    }
    m = /^([^ ]+) is trying to release lock \((.*)\) at:$/.exec(body);
    if (m && this.setTask(m[1], '')) {
      const idx = this.addLock({ name: m[2] }, 'released', i);
      this.stack = this.openStack('released at', i);
      this.section = 'stack';
      this.place(i, 'task', `Task ${m[1]} releases ${m[2]}, but lockdep has no record of it holding that lock; the next line is where.`, { lock: idx, stack: this.stack });
      return true;
    }
    m = /^([^ ]+) is freeing memory ([0-9a-fx]+)-([0-9a-fx]+), with a lock still held there!$/.exec(body);
    if (m && this.setTask(m[1], '')) {
      this.expect = 'freed';
      this.place(i, 'task', `Task ${m[1]} frees (or re-initialises) memory ${m[2]}-${m[3]} while a lock inside it is held; that lock is on the next line.`);
      return true;
    }
    m = /^([^ ]+) is leaving the kernel with locks still held!$/.exec(body);
    if (m && this.setTask(m[1], '')) {
      this.place(i, 'task', `Task ${m[1]} returns from a system call to user space with locks held; they are listed below.`);
      return true;
    }

    // --- fixed sentences
    for (const [re, role, explain, act] of FIXED) {
      if (re.test(body)) {
        this.fixedAction(act, i);
        if (!this.out[i].placed) this.place(i, role, explain);
        else this.out[i].explain = this.out[i].explain || explain;
        return true;
      }
    }

    // --- irq reports
    m = /^but this new dependency connects a ([A-Z_]+(?:-READ)?)-irq-safe lock:$/.exec(body);
    if (m) {
      this.expect = 'safe';
      this.place(i, 'text', `The lock on the next line is ${m[1]}-safe: it has been taken inside ${irqWord(m[1])}.`);
      return true;
    }
    m = /^to a ([A-Z_]+(?:-READ)?)-irq-unsafe lock:$/.exec(body);
    if (m) {
      this.expect = 'unsafe';
      this.place(i, 'text', `The lock on the next line is ${m[1]}-unsafe: it has been held with ${irqEnabledWord(m[1])}.`);
      return true;
    }
    m = /^\.\.\. which became ([A-Z_]+(?:-READ)?)-irq-(safe|unsafe) at:$/.exec(body);
    if (m) {
      this.beginStack(i, `which became ${m[1]}-irq-${m[2]} at`, m[2] === 'safe' ? `Stack where this lock was first taken inside ${irqWord(m[1])}.` : `Stack where this lock was first held with ${irqEnabledWord(m[1])}.`);
      return true;
    }
    m = /^but this lock took another, ([A-Z_]+(?:-READ)?)-unsafe lock in the past:$/.exec(body);
    if (m) {
      this.expect = 'unsafe';
      this.dependency = ['this', 'other'];
      this.place(i, 'text', `In the past, while holding this lock, the task took the lock on the next line, which is ${m[1]}-unsafe.`);
      return true;
    }
    m = /^but this lock was taken by another, ([A-Z_]+(?:-READ)?)-safe lock in the past:$/.exec(body);
    if (m) {
      this.expect = 'safe';
      this.dependency = ['other', 'this'];
      this.place(i, 'text', `In the past this lock was taken while the lock on the next line, which is ${m[1]}-safe, was held.`);
      return true;
    }
    m = /^the (?:shortest )?dependencies between .*$/.exec(body);
    if (m || /^and [A-Z_]+(?:-READ)?-irq-unsafe lock:$/.test(body)) {
      this.section = 'path';
      this.stack = undefined;
      this.place(i, 'path', 'The dependency path lockdep walked, class by class, with the stack of every usage bit.');
      return true;
    }
    if (this.section === 'path') {
      m = /^-> \((.*)\)\{.*\} \{$/.exec(body) ?? /^-> (\(.*) \{$/.exec(body);
      if (m) {
        this.stack = undefined;
        this.place(i, 'path', 'A class on the dependency path; its usage bits and where each was set follow.');
        return true;
      }
      m = /^((?:IN-)?(?:HARDIRQ|SOFTIRQ|RECLAIM_FS)(?:-ON)?-[RW]|INITIAL(?: READ)? USE|(?:HARDIRQ|SOFTIRQ|RECLAIM_FS)-ON-[RW]) at:$/.exec(body);
      if (m) {
        this.stack = this.openStack(`${m[1]} at`, i);
        this.place(i, 'stack-title', `Stack where this class got its ${m[1]} usage bit.`, { stack: this.stack });
        return true;
      }
      if (/^\}$/.test(body) || /^\.\.\. key\s+at: /.test(body)) {
        this.stack = undefined;
        this.place(i, 'path', body === '}' ? 'End of this class\'s usage bits.' : 'Address of the lock_class_key that defines this class.');
        return true;
      }
      if (/^\.\.\. acquired at:$/.test(body)) {
        this.stack = this.openStack('acquired at', i);
        this.place(i, 'stack-title', 'Stack where this dependency edge was recorded.', { stack: this.stack });
        return true;
      }
    }

    // --- inconsistent
    m = /^inconsistent \{(.+)\} -> \{(.+)\} usage\.$/.exec(body);
    if (m) {
      r.summary = body;
      this.place(i, 'summary', `The class had usage ${m[1]} (${usageBitWords(m[1])}) and now gets ${m[2]} (${usageBitWords(m[2])}). The two cannot both be true of one lock without a deadlock risk.`);
      return true;
    }
    m = /^\{(.+)\} state was registered at:$/.exec(body);
    if (m) {
      this.beginStack(i, `{${m[1]}} state was registered at`, `Stack where the earlier usage ${m[1]} was first recorded: the other half of the conflict.`);
      return true;
    }
    m = /^irq event stamp: (\d+)$/.exec(body);
    if (m) {
      this.section = 'body';
      this.stack = undefined;
      this.place(i, 'irq-stamp', `This task's IRQ on/off event counter (${m[1]}); the lines below show where each kind last changed.`);
      return true;
    }
    m = /^(hard|soft)irqs last\s+(en|dis)abled at \((\d+)\): (.*)$/.exec(body);
    if (m) {
      this.place(i, 'irq-stamp', `${m[1] === 'hard' ? 'Hard IRQs' : 'Softirqs'} were last ${m[2]}abled at event #${m[3]} by ${m[4].replace(/^\[<[0-9a-f]+>\] ?/, '')}.`);
      return true;
    }

    // --- chain links
    m = /^-> #(\d+) (.*):$/.exec(body);
    if (m) {
      const lt = parseLockText(m[2]);
      if (lt) {
        const depth = Number(m[1]);
        const idx = this.addLock(lt, 'chain', i);
        this.stack = this.openStack(`-> #${depth}`, i);
        this.chainDepth.set(depth, { name: lt.name, stack: this.stack });
        this.section = 'stack';
        this.place(
          i,
          'chain-link',
          depth === 0
            ? `Chain entry #0: ${lt.name}, the lock being acquired now. Its stack is the current one: the new dependency that closes the cycle.`
            : `Chain entry #${depth}: ${lt.name}. The stack below was recorded earlier, when ${lt.name} was taken while chain entry #${depth - 1} was held.`,
          { lock: idx, stack: this.stack },
        );
        return true;
      }
    }

    // --- scenario
    m = /^Possible (interrupt )?unsafe locking scenario:$/.exec(body);
    if (m) {
      this.section = 'scenario';
      this.scenarioTitle = body;
      this.place(i, 'scenario-title', m[1] ? 'How an interrupt could deadlock these CPUs, step by step (time goes down).' : 'How the CPUs could deadlock, step by step (time goes down).');
      return true;
    }
    if (/^CPU\d+(?:\s+CPU\d+)*$/.test(body)) {
      this.section = 'scenario';
      this.place(i, 'scenario-cpus', 'One column per CPU.');
      return true;
    }
    if (/^-{4}(?:\s+-{4})*$/.test(body) && this.section === 'scenario') {
      this.place(i, 'scenario-cpus', 'Column rule.');
      return true;
    }

    // --- held locks
    m = /^(\d+) locks? held by ([^ ]+):$/.exec(body);
    if (m) {
      const t = parseTaskWord(m[2]);
      this.section = 'held';
      r.heldLocks = { task: t, count: Number(m[1]), locks: [] };
      if (t && !r.task) r.task = t;
      this.heldByIndex.clear();
      this.place(i, 'held-locks', `Locks ${m[2]} holds right now (${m[1]}), outermost first. "#N" is the position in its held-lock stack.`);
      if (r.kind === 'lock-held-returning-to-user' || r.kind === 'locks-held-at-exit') this.complete = true;
      return true;
    }
    m = /^no locks held by ([^ ]+)\.$/.exec(body);
    if (m) {
      const t = parseTaskWord(m[1]);
      r.heldLocks = { task: t, count: 0, locks: [] };
      if (t && !r.task) r.task = t;
      this.section = 'body';
      this.place(i, 'held-locks', `${m[1]} holds no locks (in lockdep's view) at this point.`);
      return true;
    }
    m = /^#(\d+): +(.*)$/.exec(body);
    if (m && r.heldLocks) {
      const n = Number(m[1]);
      const lt = parseLockText(m[2]);
      if (lt) {
        const prev = this.heldByIndex.get(n);
        if (prev !== undefined && r.locks[prev].name === lt.name) {
          r.locks[prev].lines.push(i + 1);
          this.place(i, 'held-lock', 'The same held lock again, one line per inlined function of its acquire site.', { lock: prev });
          return true;
        }
        const idx = this.addLock(lt, 'held', i);
        this.heldByIndex.set(n, idx);
        this.lastLockIdx = idx;
        this.lastLockKey = `${lt.address ?? ''} ${lt.name}`;
        r.heldLocks.locks.push(idx);
        this.section = 'held';
        this.place(i, 'held-lock', `Held lock #${n}: ${lockExplain(r.locks[idx], 'held')}`, { lock: idx });
        return true;
      }
    }

    // --- stack backtrace and dump_stack
    if (/^stack backtrace:$/.test(body)) {
      // The nest-lock report dumps the stack twice; only the one after the held locks ends it.
      this.complete = r.kind !== 'nested-lock-not-taken' || r.heldLocks !== undefined;
      this.beginStack(i, 'stack backtrace', 'The current stack of the task that triggered the report (dump_stack).');
      return true;
    }
    if (/^(?:Call Trace|Call trace|Backtrace):?$/.test(body) && (this.section === 'stack' || this.section === 'dump' || this.section === 'held' || this.section === 'body' || this.section === 'message')) {
      if (this.stack === undefined || this.report.stacks[this.stack].lines.length > 0 || this.section !== 'stack') {
        this.stack = this.openStack('Call Trace', i);
      }
      this.section = 'stack';
      this.complete = this.complete || (!this.endsWithMarker() && (r.kind === 'sleeping-in-atomic' || r.kind === 'suspicious-rcu' || r.kind === 'unknown' || r.kind === 'kcsan-data-race'));
      this.place(i, 'stack-title', 'The backtrace follows, innermost function first.', { stack: this.stack });
      return true;
    }
    m = /^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: ([^ ]+(?: [^ ]+)?) (?:Not tainted|Tainted)/.exec(body) ?? /^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+)$/.exec(body);
    if (m) {
      const comm = m[3].trim();
      if (!r.task) r.task = { comm, pid: Number(m[2]) };
      this.section = this.section === 'stack' ? 'stack' : 'dump';
      this.place(i, 'dump-info', `dump_stack(): the report was printed on CPU ${m[1]} by ${comm} (pid ${m[2]}).`);
      this.sawDump = true;
      if (!this.endsWithMarker() && (r.kind === 'sleeping-in-atomic' || r.kind === 'kcsan-data-race' || r.kind === 'suspicious-rcu' || r.kind === 'unknown')) this.complete = true;
      return true;
    }
    m = /^Pid: (\d+), comm: ([^ ]+)/.exec(body);
    if (m) {
      if (!r.task) r.task = { comm: m[2], pid: Number(m[1]) };
      this.section = 'dump';
      this.place(i, 'dump-info', `dump_stack() (old format): printed by ${m[2]} (pid ${m[1]}).`);
      return true;
    }
    if (/^(?:Hardware name:|Workqueue:|Tainted: \[|Stopper:|Modules linked in:|Sched_ext:)/.test(body)) {
      this.place(i, 'dump-info', body.startsWith('Hardware') ? 'The machine the report came from.' : body.startsWith('Workqueue') ? 'The task is a workqueue worker running this work item.' : body.startsWith('Modules') ? 'Loaded modules.' : 'Extra dump_stack() information.');
      return true;
    }

    // --- invalid wait context
    m = /^context-\{(\d+):\s?(\d+)\}$/.exec(body);
    if (m) {
      const w = decodeWait(`${m[1]}:${m[2]}`);
      if (w) r.waitContext = w;
      this.place(i, 'context', waitContextExplain(Number(m[1])));
      return true;
    }

    // --- sleeping in atomic
    m = /^in_atomic\(\): (\d+), irqs_disabled\(\): (\d+)(?:, non_block: (\d+))?, pid: (\d+), name: (.+)$/.exec(body);
    if (m) {
      if (!r.task) r.task = { comm: m[5].trim(), pid: Number(m[4]) };
      this.place(i, 'summary', `in_atomic() ${m[1]} (${m[1] === '1' ? 'preemption disabled: spinlock held, in irq, or preempt_disable' : 'not atomic'}), irqs_disabled() ${m[2]} (${m[2] === '1' ? 'hard IRQs off' : 'IRQs on'}); task ${m[5].trim()} pid ${m[4]}.`);
      this.section = 'body';
      return true;
    }
    m = /^preempt_count: ([0-9a-f]+), expected: ([0-9a-f]+)$/.exec(body);
    if (m) {
      this.place(i, 'summary', `preempt_count is 0x${m[1]}, should be 0x${m[2]} here: ${preemptWords(parseInt(m[1], 16))}.`);
      return true;
    }
    m = /^RCU nest depth: (\d+), expected: (\d+)$/.exec(body);
    if (m) {
      this.place(i, 'summary', m[1] === m[2] ? 'Not inside an RCU read-side critical section beyond what is expected.' : `Inside ${m[1]} rcu_read_lock() level(s): sleeping there is not allowed.`);
      return true;
    }

    // --- KCSAN accesses
    m = /^(read|write|read-write)( \(marked\))? to (0x[0-9a-f]+) of (\d+) bytes by (task \d+|interrupt) on cpu (\d+):$/.exec(body);
    if (m) {
      const label = `${m[1]}${m[2] ?? ''} by ${m[5]} on cpu ${m[6]}`;
      this.beginStack(i, label, `One side of the race: a ${m[2] ? 'marked (READ_ONCE/WRITE_ONCE/atomic) ' : 'plain '}${m[1]} of ${m[4]} bytes at ${m[3]} by ${m[5]} on CPU ${m[6]}; its stack follows.`);
      return true;
    }
    m = /^race at unknown origin, with (read|write) to (0x[0-9a-f]+) of (\d+) bytes by (task \d+|interrupt) on cpu (\d+):$/.exec(body);
    if (m) {
      this.beginStack(i, `${m[1]} by ${m[4]} on cpu ${m[5]}`, 'The value changed while this access watched it, but the other access was not caught.');
      return true;
    }
    m = /^value changed: (.*)$/.exec(body);
    if (m) {
      this.section = 'body';
      this.place(i, 'value', `The watched memory changed from the first to the second value during the access: ${m[1]}.`);
      return true;
    }

    // --- messages of suspicious RCU and unknown
    if (r.kind === 'suspicious-rcu' && this.section === 'body' && !r.summary && /^[^ ]+:\d+ /.test(body)) {
      r.summary = body;
      this.section = 'message';
      this.place(i, 'message', `Where and what: ${body}. The RCU_LOCKDEP_WARN condition at that line was false (no rcu_read_lock, or not the lock the code claims).`);
      return true;
    }
    if (r.kind === 'suspicious-rcu' && this.section === 'message' && this.linesSinceHeader < 8 && !/^[#(]/.test(body)) {
      r.summary = `${r.summary ?? ''} ${body}`.trim();
      this.place(i, 'message', 'Continuation of the message (the line was wrapped).');
      return true;
    }
    if (this.family === 'sanitizer' && this.section === 'message' && this.linesSinceHeader <= 2) {
      if (r.summary === r.header) r.summary = `${r.header}: ${body}`;
      this.place(i, 'message', 'What the sanitizer found, in its words.');
      return true;
    }
    if (r.kind === 'unknown' && this.section === 'message' && /^DEBUG_LOCKS_WARN_ON\(.*\)$/.test(body)) {
      r.summary = body;
      this.place(i, 'message', 'A lockdep internal consistency check failed; lockdep turns itself off.');
      return true;
    }
    return false;
  }

  /** Finish: lanes, chain, meaning, trailing blank lines. */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    const r = this.report;
    // Trailing empty lines belong to whatever follows, not to this report.
    const end = this.lastPlaced;
    for (let j = end + 1; j <= this.lastFed && j < this.out.length; j++) {
      const l = this.out[j];
      if (l.report !== this.index) continue;
      l.placed = false;
      l.role = l.body === '' ? 'blank' : 'unplaced';
      delete l.report;
      delete l.explain;
    }
    r.end = end + 1;
    r.truncated = !this.complete;
    if (this.steps.length > 0) r.scenario = buildScenario(this.scenarioTitle, this.steps, r.kind);
    this.buildChain();
    r.meaning = meaningOf(r);
    // `unknown` here is not lockdep's: say what kind of kernel report it is instead.
    const kh = this.family === 'lockdep' || r.kind !== 'unknown' ? undefined : matchKernelHeader(r.header);
    if (kh) r.meaning = `${kh.explain}${r.summary && r.summary !== r.header ? ` ${r.summary}` : ''}`;
  }

  private buildChain(): void {
    const r = this.report;
    if (r.kind === 'circular' && this.chainDepth.size > 0) {
      // A chain cut short may lack #0: it is the lock being acquired, named at the top.
      const links = new Map<number, { name: string; stack?: number }>(this.chainDepth);
      const acquiring = r.locks.find((l) => l.role === 'acquiring')?.name;
      if (!links.has(0) && acquiring) links.set(0, { name: acquiring });
      const depths = [...links.keys()].sort((a, b) => a - b);
      const nodes = depths.map((d) => ({ name: links.get(d)!.name, depth: d }));
      const edges: ChainEdge[] = [];
      // `-> #N`'s stack is where #N was taken while #N-1 was held; gaps (cut chains) get no edge.
      for (let k = 1; k < depths.length; k++) {
        if (depths[k] !== depths[k - 1] + 1) continue;
        const to = links.get(depths[k])!;
        edges.push({ from: links.get(depths[k - 1])!.name, to: to.name, stack: to.stack });
      }
      const zero = links.get(0);
      const top = links.get(depths[depths.length - 1])!;
      if (zero && depths.length > 1) edges.push({ from: top.name, to: zero.name, stack: zero.stack, isNew: true });
      for (const e of edges) if (e.stack !== undefined) e.lines = [r.stacks[e.stack].title, ...r.stacks[e.stack].lines];
      r.chain = { nodes, edges, exists: r.chain?.exists };
      return;
    }
    if (r.kind === 'recursive') {
      const a = r.locks.find((l) => l.role === 'acquiring');
      if (a) r.chain = { nodes: [{ name: a.name }], edges: [{ from: a.name, to: a.name, isNew: true }] };
      return;
    }
    if (r.kind === 'irq-safe-unsafe' || r.kind === 'irq-inversion') {
      const names: string[] = [];
      const edges: { from: string; to: string; isNew?: boolean }[] = [];
      if (r.kind === 'irq-safe-unsafe' && this.dependency) {
        edges.push({ from: this.dependency[0], to: this.dependency[1], isNew: true });
        names.push(...this.dependency);
      }
      if (r.kind === 'irq-inversion' && this.dependency) {
        const self = r.locks.find((l) => l.role === 'acquiring')?.name;
        const other = r.locks.find((l) => l.role === 'safe' || l.role === 'unsafe')?.name;
        if (self && other) {
          const [a, b] = this.dependency[0] === 'this' ? [self, other] : [other, self];
          edges.push({ from: a, to: b });
          names.push(a, b);
        }
      }
      for (const l of r.locks) if ((l.role === 'safe' || l.role === 'unsafe') && !names.includes(l.name)) names.push(l.name);
      const exists = r.chain?.exists;
      if (exists) for (const n of exists) if (!names.includes(n)) names.push(n);
      if (names.length > 0) r.chain = { nodes: names.map((name) => ({ name })), edges, exists };
    }
  }
}

// ---------------------------------------------------------------------------
// The pass over all lines

export function decodeLines(text: string): { lines: DecodedLine[]; reports: DecodedReport[] } {
  const raw = splitLines(text);
  const lines: DecodedLine[] = new Array(raw.length);
  const indents: number[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const p = peel(raw[i]);
    const body = p.rest.trim();
    lines[i] = { n: i + 1, text: raw[i], body, prefix: p.prefix, placed: false, role: body === '' ? 'blank' : 'unplaced' };
    indents[i] = indentOf(p.rest);
  }
  const reports: DecodedReport[] = [];
  let cur: Builder | undefined;
  for (let i = 0; i < lines.length; i++) {
    const body = lines[i].body;
    // Since ~4.10 a DEBUG_LOCKS_WARN_ON() is the message of the WARN below it, not a report of its own.
    const warnMessage = body.startsWith('DEBUG_LOCKS_WARN_ON(') && /^-+\[ cut here \]-+$/.test(lines[i - 1]?.body ?? '') && !lines[i - 1].placed;
    const h = warnMessage ? undefined : (matchHeader(body) ?? lockdepShaped(lines, i));
    if (h && !(cur && !cur.closed && cur.report.kind === 'unknown' && i - (cur.report.start - 1) <= 2 && body.startsWith('DEBUG_LOCKS_WARN_ON')) && !(cur && !cur.closed && cur.continues(body))) {
      if (cur) cur.close();
      const irqState = h.kind === 'irq-safe-unsafe' ? h.m[1] : undefined;
      cur = new Builder(lines, h.kind, i, body, reports.length, irqState);
      cur.claimBefore(i);
      reports.push(cur.report);
      continue;
    }
    if (cur && !cur.closed) {
      const ok = cur.feed(i, indents[i]);
      if (!ok) {
        cur.close();
        cur = undefined;
      } else if (cur.closed) {
        cur.close();
        cur = undefined;
      }
    }
  }
  if (cur) cur.close();
  let ri = 0;
  for (const l of lines) {
    while (ri < reports.length && reports[ri].end < l.n) ri++;
    const inside = ri < reports.length && reports[ri].start <= l.n;
    if (l.placed || l.explain) continue;
    if (l.body === '') l.explain = inside ? 'Empty line.' : 'Empty line outside any report.';
    else
      l.explain = inside
        ? `Inside report ${ri + 1} but not part of its layout: most likely another task or CPU printed this line in the middle of the report (or the decoder does not know this line).`
        : 'Not part of a recognised report (other kernel output, mail text, or a line the decoder does not know).';
  }
  return { lines, reports };
}

/**
 * A report lockdep prints in its usual frame but whose header the tables do
 * not know (a newer kernel's check): `====`, `WARNING: ...`, the kernel ident,
 * `----`. Decoded as `unknown` rather than dropped.
 */
function lockdepShaped(lines: DecodedLine[], i: number): { kind: DecodedKind; m: RegExpExecArray } | undefined {
  const body = lines[i].body;
  if (!/^(?:\[ )?(?:WARNING|BUG|INFO): /.test(body) || body.length > 200) return undefined;
  const prev = lines[i - 1]?.body ?? '';
  const ident = lines[i + 1]?.body ?? '';
  const dashes = lines[i + 2]?.body ?? '';
  if (!/^={10,}$/.test(prev) || !/^-{10,}$/.test(dashes) || !parseKernelIdent(ident)) return undefined;
  return { kind: 'unknown', m: /.*/.exec(body)! };
}

/** Split on \n, \r\n or \r without regex backtracking; keeps a final empty line only if the text ends without newline... */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      out.push(text.slice(start, i));
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

