/**
 * "Lockdep not blinded": a fix that makes the report go away by switching
 * lockdep off for the code in question is not a fix. Watched twice: on the
 * event stream (what the run really did) and in the learner's source (so a
 * call that did not run still gets a marker).
 */
import type { SourceFile } from '../engine/api.ts';
import type { EventObserver, KernelEvent, SourcePos, Stack } from '../events/types.ts';

export interface BlindingFinding {
  pos?: SourcePos;
  message: string;
}

/** What an exercise lets the learner tell lockdep (the not-blinded check's options). */
export interface BlindingAllowance {
  /** Subclasses a class may use beyond 0, by class name without `/N`. */
  subclasses?: Record<string, number[]>;
  /** Functions in which a class may be taken in a non-zero subclass (absent: anywhere). */
  subclassSites?: Record<string, string[]>;
  /** Classes the learner may annotate by hand (lock_acquire(), spin_acquire(), ...). Default: the classes in `subclasses`. */
  annotate?: string[];
}

export interface BlindingObserver extends EventObserver {
  findings(allowed: Record<string, number[]>, more?: Omit<BlindingAllowance, 'subclasses'>): BlindingFinding[];
}

/**
 * The raw lockdep annotations: they tell lockdep about an acquisition or a
 * release that did not happen (or hide one that did), so in the learner's
 * files they are only allowed on the classes an exercise names.
 */
export const ANNOTATION_APIS: ReadonlySet<string> = new Set([
  'lock_acquire',
  'lock_release',
  'spin_acquire',
  'spin_acquire_nest',
  'spin_release',
  'rwlock_acquire',
  'rwlock_acquire_read',
  'rwlock_release',
  'mutex_acquire',
  'mutex_acquire_nest',
  'mutex_release',
  'rwsem_acquire',
  'rwsem_acquire_read',
  'rwsem_release',
  'lock_map_acquire',
  'lock_map_acquire_read',
  'lock_map_acquire_try',
  'lock_map_release',
  'lock_acquire_exclusive',
  'lock_acquire_shared',
  'lock_acquire_shared_recursive',
  'lock_set_subclass',
]);

/** Why a context helper is not a fix, whichever spelling the learner used. */
export function contextHelperMessage(name: string): string {
  const leave = /exit|_on\b/i.test(name);
  const what = /nmi/i.test(name) ? 'NMI' : /soft/i.test(name) ? 'softirq' : 'interrupt';
  const selftest = /^(hard|soft)irq_(enter|exit)$/i.test(name);
  const who = selftest ? "lib/locking-selftest.c's way" : "the kernel's interrupt entry code's way";
  return leave
    ? `${name}() is ${who} to step out of a context; a driver cannot leave its ${what} handler — lockdep stops seeing the context the code really runs in. Fix the locking instead`
    : `${name}() is ${who} to enter a context; real code does not choose its context — lockdep would check the code in a context it never runs in. Fix the locking instead`;
}

function innerFn(stack: Stack): string | undefined {
  for (const f of stack) if (f.pos && !f.synthetic) return f.fn;
  return undefined;
}

/** Every source function on the stack: a site counts as in `fn` when reached from it (a helper called by it). */
function callers(stack: Stack): string[] {
  return stack.filter((f) => f.pos && !f.synthetic).map((f) => f.fn);
}

function sitePos(stack: Stack): SourcePos | undefined {
  for (const f of stack) if (f.pos && !f.synthetic) return f.pos;
  return undefined;
}

/** Strips a `/N` subclass suffix: subclasses are configured per base class name. */
function baseClass(name: string): string {
  return name.replace(/\/\d+$/, '');
}

/**
 * `editable`: the learner's files. A lockdep_set_class() there re-keys a lock
 * into a class of the learner's choosing, which can hide a dependency as well
 * as a subclass can; environment code may still use it.
 */
export function blindingObserver(editable: ReadonlySet<string> = new Set()): BlindingObserver {
  const found: BlindingFinding[] = [];
  // pid -> spinning locks (lock id -> depth) the task holds, from lockdep's own
  // held-lock view: every spin_lock*() raises the preempt count, so a count
  // below the number held means preemption was re-enabled by hand inside the
  // critical section, which hides the held lock from the sleeping-in-atomic check.
  const spinHeld = new Map<number, Map<number, number>>();
  let preemptFaked = false;
  // class name -> subclass -> call path -> first site
  const subclasses = new Map<string, Map<number, Map<string, { fn: string; pos?: SourcePos; via: string[] }>>>();
  // class name -> call path -> first hand annotation there, in the learner's files
  // (keyed by call path: a helper reached from an allowed and a forbidden function is two sites)
  const annotated = new Map<string, Map<string, { fn: string; pos: SourcePos; api: string; via: string[] }>>();
  const annotation = (e: { api: string; lock: { name: string }; ctx: { stack: Stack } }) => {
    if (!ANNOTATION_APIS.has(e.api)) return;
    const pos = learnerSite(e.ctx.stack);
    if (!pos) return;
    const cls = baseClass(e.lock.name);
    let byFn = annotated.get(cls);
    if (!byFn) annotated.set(cls, (byFn = new Map()));
    const via = callers(e.ctx.stack);
    const path = via.join('<');
    if (!byFn.has(path)) byFn.set(path, { fn: innerFn(e.ctx.stack) ?? '?', pos, api: e.api, via });
  };
  const learnerSite = (stack: Stack): SourcePos | undefined => {
    const pos = sitePos(stack);
    return pos && editable.has(pos.file) ? pos : undefined;
  };
  const held = (pid: number): Map<number, number> => {
    let m = spinHeld.get(pid);
    if (!m) spinHeld.set(pid, (m = new Map()));
    return m;
  };
  const trackSpin = (e: KernelEvent) => {
    // Only the lock APIs move the preempt count; might_lock() and the raw
    // annotations tell lockdep about a lock without touching it.
    if ((e.kind === 'acquire' || e.kind === 'release') && SPINNING.has(e.lock.lockType) && SPIN_API.test(e.api)) {
      const m = held(e.ctx.task.pid);
      const n = (m.get(e.lock.id) ?? 0) + (e.kind === 'acquire' ? 1 : -1);
      if (n > 0) m.set(e.lock.id, n);
      else m.delete(e.lock.id);
    }
    if (preemptFaked) return;
    const m = spinHeld.get(e.ctx.task.pid);
    if (!m || m.size === 0) return;
    let n = 0;
    for (const d of m.values()) n += d;
    if (e.ctx.preemptCount >= n) return;
    preemptFaked = true;
    found.push({
      pos: sitePos(e.ctx.stack),
      message: `preemption was re-enabled by hand (preempt_enable*() / preempt_count_*()) while ${n} spinlock${n > 1 ? 's are' : ' is'} still held: the preempt count no longer shows the held lock, so sleeping here is not reported although it is still a bug — drop the spinlock before sleeping instead`,
    });
  };
  return {
    event(e: KernelEvent) {
      trackSpin(e);
      switch (e.kind) {
        case 'hardirq_enter':
        case 'hardirq_exit':
        case 'softirq_enter':
        case 'softirq_exit':
        case 'nmi_enter':
        case 'nmi_exit': {
          // Real interrupts enter through synthetic entry frames; a context
          // switch whose innermost frame is learner code is a helper call.
          const top = e.ctx.stack[0];
          if (!top || top.synthetic || !top.pos || !editable.has(top.pos.file)) break;
          if (!found.some((f) => f.pos?.file === top.pos!.file && f.pos?.line === top.pos!.line))
            found.push({ pos: top.pos, message: contextHelperMessage(e.kind) });
          break;
        }
        case 'release':
          annotation(e);
          break;
        case 'lockdep_off':
          if (!found.some((f) => f.message.startsWith('lockdep_off()')))
            found.push({ pos: sitePos(e.ctx.stack), message: 'lockdep_off() hides every lock this task takes from lockdep' });
          break;
        case 'set_class': {
          const pos = sitePos(e.ctx.stack);
          if (e.novalidate)
            found.push({ pos, message: `lockdep_set_novalidate_class() on ${e.lock.name}: lockdep no longer checks that class at all` });
          else if (pos && editable.has(pos.file))
            found.push({ pos, message: `${e.lock.name} moved to class ${e.name}${e.subclass ? `/${e.subclass}` : ''}: a class of its own is a lock lockdep never compares with the others — this exercise needs no class annotation` });
          break;
        }
        case 'acquire': {
          annotation(e);
          if (e.subclass === 0 || !e.check) break;
          const cls = baseClass(e.lock.name);
          let m = subclasses.get(cls);
          if (!m) subclasses.set(cls, (m = new Map()));
          let byFn = m.get(e.subclass);
          if (!byFn) m.set(e.subclass, (byFn = new Map()));
          const via = callers(e.ctx.stack);
          const path = via.join('<');
          if (!byFn.has(path)) byFn.set(path, { fn: innerFn(e.ctx.stack) ?? '?', pos: sitePos(e.ctx.stack), via });
          break;
        }
      }
    },
    findings(allowed, more = {}) {
      const out = [...found];
      const mayAnnotate = more.annotate ?? Object.keys(allowed);
      for (const [cls, byFn] of annotated) {
        const sites = more.subclassSites?.[cls];
        for (const { fn, pos, api, via } of byFn.values()) {
          if (!mayAnnotate.includes(cls))
            out.push({
              pos,
              message: `${api}() on ${cls}: a hand-made lockdep annotation tells lockdep about a lock operation that did not happen (or hides one that did) — this exercise needs no annotation on ${cls}; fix the locking instead`,
            });
          else if (sites && !via.some((f) => sites.includes(f)))
            out.push({
              pos,
              message: `${api}() on ${cls} in ${fn}(): this exercise annotates ${cls} only in ${sites.map((s) => `${s}()`).join(' and ')}; an annotation elsewhere changes what lockdep believes is held where`,
            });
          else continue;
          break; // one finding per class is enough to explain it
        }
      }
      for (const [cls, subs] of subclasses) {
        const ok = allowed[cls] ?? [];
        const sites = more.subclassSites?.[cls];
        for (const [sub, byFn] of subs) {
          if (ok.includes(sub)) {
            if (!sites) continue;
            for (const { fn, pos, via } of byFn.values()) {
              if (via.some((f) => sites.includes(f))) continue;
              out.push({
                pos,
                message: `${cls} taken in subclass ${sub} in ${fn}(): that subclass stands for the context of ${sites.map((s) => `${s}()`).join(' and ')}; taking it elsewhere makes lockdep compare the wrong contexts and stop comparing the ones that can really race`,
              });
            }
            continue;
          }
          const pos = byFn.values().next().value?.pos;
          out.push({
            pos,
            message: ok.length
              ? `${cls} taken in subclass ${sub}; this exercise needs only subclass${ok.length > 1 ? 'es' : ''} ${ok.join(', ')} — every extra subclass is a class lockdep never compares with the others`
              : `${cls} taken in subclass ${sub}: a subclass makes lockdep treat this site as a different lock, so it stops comparing it with the others — this exercise needs no nesting annotation`,
          });
        }
      }
      return out;
    },
  };
}

/** Lock types whose acquisition disables preemption (spin_lock() and friends). */
const SPINNING: ReadonlySet<string> = new Set(['spinlock_t', 'raw_spinlock_t', 'rwlock_t']);
const SPIN_API = /^_?_?(raw_)?(spin|read|write)_(lock|trylock|unlock)/;

/**
 * lib/locking-selftest.c's context helpers and the entry/exit hooks behind
 * them: the self-test uses them to fake a context; learner code calling them
 * inside a real handler makes lockdep believe it left (or entered) one.
 * (HARDIRQ_DISABLE() & co are only local_irq_disable(): real code does that.)
 */
const CONTEXT_HELPERS =
  /\b(hardirq_enter|hardirq_exit|softirq_enter|softirq_exit|HARDIRQ_ENTER|HARDIRQ_EXIT|SOFTIRQ_ENTER|SOFTIRQ_EXIT|nmi_enter|nmi_exit|irq_enter|irq_exit|irq_enter_rcu|irq_exit_rcu|__irq_enter|__irq_exit|lockdep_hardirq_enter|lockdep_hardirq_exit|lockdep_softirq_enter|lockdep_softirq_exit|lockdep_hardirq_threaded|lockdep_hardirqs_on|lockdep_hardirqs_off|lockdep_hardirqs_on_prepare|trace_hardirqs_on|trace_hardirqs_off)\s*\(/g;

const FORBIDDEN: { re: RegExp; message: string }[] = [
  { re: /\blockdep_off\s*\(/g, message: 'lockdep_off() switches lockdep off for this task: the splat goes away, and so does every future one' },
  { re: /\blockdep_on\s*\(/g, message: 'lockdep_on() only undoes a lockdep_off(): this exercise needs neither' },
  { re: /\blockdep_set_novalidate_class\s*\(/g, message: 'lockdep_set_novalidate_class() puts the lock in a class lockdep never validates' },
  { re: /\blockdep_set_notrack_class\s*\(/g, message: 'lockdep_set_notrack_class() hides the lock from lockdep entirely' },
  { re: /\bdebug_locks_off\s*\(/g, message: 'debug_locks_off() turns the lock validator off' },
  {
    re: /\b(?:sched_)?preempt_enable_no_resched(?:_notrace)?\s*\(|\b__?preempt_count_(?:add|sub|inc|dec|set)\s*\(|\bpreempt_count_(?:add|sub|inc|dec|set)\s*\(/g,
    message: 'changing the preempt count by hand (preempt_enable_no_resched(), preempt_count_*()) fakes the state the sleeping-in-atomic check reads: a sleep under a spinlock stays a bug — drop the lock before sleeping instead',
  },
];

/** Blank out comments and string literals, keeping offsets, so that positions stay right. */
export function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

export function posAt(file: string, text: string, offset: number): SourcePos {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) (line++, (last = i));
  return { file, line, col: offset - last };
}

const ANNOTATION_CALL = new RegExp(`\\b(${[...ANNOTATION_APIS].join('|')})\\s*\\(`, 'g');

/**
 * Calls in the learner's files that blind lockdep, whether or not they ran.
 * `annotate`: whether the exercise lets the learner annotate any class by
 * hand; if not, every raw annotation call is a finding (the run tells which
 * class otherwise).
 */
export function scanSource(files: readonly SourceFile[], opts: { annotate?: boolean } = {}): BlindingFinding[] {
  const out: BlindingFinding[] = [];
  const rules = [
    ...FORBIDDEN.map((r) => ({ re: r.re, message: (_: string) => r.message })),
    { re: CONTEXT_HELPERS, message: contextHelperMessage },
    ...(opts.annotate
      ? []
      : [{ re: ANNOTATION_CALL, message: (n: string) => `${n}() is a hand-made lockdep annotation: it tells lockdep about a lock operation that did not happen (or hides one that did) — this exercise needs none; fix the locking instead` }]),
  ];
  for (const f of files) {
    const code = codeOnly(f.text);
    for (const { re, message } of rules) {
      re.lastIndex = 0;
      for (let m = re.exec(code); m; m = re.exec(code)) out.push({ pos: posAt(f.path, f.text, m.index), message: message(m[1] ?? m[0].replace(/\s*\($/, '')) });
    }
  }
  return out;
}

/** `lab_check(cond, "message")` calls in harness files: the assertions a run must reach. */
export function labChecksIn(files: readonly SourceFile[]): { message: string; pos: SourcePos }[] {
  const out: { message: string; pos: SourcePos }[] = [];
  for (const f of files) {
    const code = codeOnly(f.text);
    const re = /\blab_check\s*\(/g;
    for (let m = re.exec(code); m; m = re.exec(code)) {
      // The message is the last string literal before the call's closing ");".
      const end = code.indexOf(';', m.index);
      const call = f.text.slice(m.index, end < 0 ? undefined : end);
      const strs = [...call.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)];
      if (strs.length) out.push({ message: unescapeC(strs[strs.length - 1][1]), pos: posAt(f.path, f.text, m.index) });
    }
  }
  return out;
}

function unescapeC(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
