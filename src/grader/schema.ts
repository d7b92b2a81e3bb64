/**
 * Validation of `exercise.json` and `why.json`, by hand so that each message
 * names the file and the field an instructor has to fix.
 */
import { LOCKDEP_REPORT_KINDS, type LockdepConfig, type ReportKind } from '../events/types.ts';
import {
  DIFFICULTIES,
  type CheckSpec,
  type Difficulty,
  type ExerciseFileSpec,
  type ExerciseMeta,
  type FileRole,
} from './types.ts';

/** A problem with an exercise folder. */
export interface LoadError {
  /** Path of the offending file, e.g. `exercises/abba/exercise.json`. */
  file: string;
  /** Dotted field path inside it (`checks[2].expect`), or '' for the file itself. */
  field: string;
  message: string;
}

export function formatLoadError(e: LoadError): string {
  return e.field ? `${e.file}: field "${e.field}": ${e.message}` : `${e.file}: ${e.message}`;
}

/** Every report kind a check or a hint may name. */
export const REPORT_KINDS: readonly ReportKind[] = [
  ...LOCKDEP_REPORT_KINDS,
  'suspicious-rcu',
  'sleeping-in-atomic',
  'kcsan-data-race',
  'unknown',
  'warning',
  'bug',
  'list-corruption',
  'use-after-free',
  'double-free',
  'refcount',
];

const CONFIG_KEYS: readonly (keyof LockdepConfig)[] = ['proveRawLockNesting', 'preemptRt', 'forceReadLockRecursive', 'keepGoing'];
const CHECK_KINDS = ['lockdep', 'races', 'memory', 'warnings', 'functional', 'not-blinded', 'held-across', 'one-section', 'irqs-off-needed', 'must-report'] as const;
const ROLES: readonly FileRole[] = ['starter', 'environment', 'harness'];
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Obj = Record<string, unknown>;

/** Collects errors for one file; every getter returns a usable default so validation goes on. */
class Fields {
  readonly errors: LoadError[] = [];
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  err(field: string, message: string): void {
    this.errors.push({ file: this.file, field, message });
  }
  isObj(v: unknown): v is Obj {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
  str(o: Obj, key: string, path: string, opts: { optional?: boolean; pattern?: RegExp; what?: string } = {}): string {
    const v = o[key];
    if (v === undefined && opts.optional) return '';
    if (typeof v !== 'string' || v.trim() === '') {
      this.err(path, v === undefined ? 'is required (a non-empty string)' : `must be a non-empty string, got ${show(v)}`);
      return '';
    }
    if (opts.pattern && !opts.pattern.test(v)) this.err(path, `${show(v)} is not ${opts.what ?? `of the form ${opts.pattern}`}`);
    return v;
  }
  num(o: Obj, key: string, path: string, min: number, max: number, optional = false): number | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.err(path, `must be an integer from ${min} to ${max}, got ${show(v)}`);
      return min;
    }
    return v;
  }
  arr(o: Obj, key: string, path: string, optional = false): unknown[] {
    const v = o[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) {
      this.err(path, v === undefined ? 'is required (a list)' : `must be a list, got ${show(v)}`);
      return [];
    }
    return v;
  }
  kind(v: unknown, path: string): ReportKind | undefined {
    if (typeof v === 'string' && (REPORT_KINDS as readonly string[]).includes(v)) return v as ReportKind;
    this.err(path, `${show(v)} is not a report kind; use one of: ${REPORT_KINDS.join(', ')}`);
    return undefined;
  }
  /** Optional list of lock class names as printed (`&o->lock`, `cache_lock`). */
  locks(o: Obj, path: string): string[] | undefined {
    if (o.locks === undefined) return undefined;
    if (!Array.isArray(o.locks) || !o.locks.length || !o.locks.every((x) => typeof x === 'string' && x.trim() !== '')) {
      this.err(path, 'must be a non-empty list of lock class names as lockdep prints them, e.g. ["cache_lock", "&o->lock"]');
      return undefined;
    }
    return o.locks as string[];
  }
  unknownKeys(o: Obj, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.err(path ? `${path}.${k}` : k, `unknown field; allowed here: ${allowed.join(', ')}`);
    }
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Parses JSON text, reporting a syntax error against the file. */
export function parseJson(text: string, file: string, errors: LoadError[]): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    errors.push({ file, field: '', message: `is not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

const META_KEYS = [
  '$schema',
  'title',
  'summary',
  'lesson',
  'thread',
  'difficulty',
  'minutes',
  'files',
  'entry',
  'config',
  'cpus',
  'hints',
  'hintsByReportKind',
  'checks',
  'starter',
];

/**
 * Validates parsed `exercise.json`. `present` lists the folder's files (relative
 * paths) so that files named in the metadata can be checked to exist.
 */
export function validateMeta(raw: unknown, file: string, present: ReadonlySet<string>): { meta?: ExerciseMeta; errors: LoadError[] } {
  const f = new Fields(file);
  if (!f.isObj(raw)) {
    f.err('', 'must be a JSON object');
    return { errors: f.errors };
  }
  f.unknownKeys(raw, META_KEYS, '');
  const title = f.str(raw, 'title', 'title');
  const summary = f.str(raw, 'summary', 'summary', { optional: true }) || undefined;
  const lesson = f.str(raw, 'lesson', 'lesson', { pattern: SLUG, what: 'a lesson slug (lower-case words joined by -)' });

  let thread = { seed: '', author: '', date: '' };
  if (!f.isObj(raw.thread)) f.err('thread', 'is required: { "seed": "001_....txt", "author": "...", "date": "..." }');
  else {
    f.unknownKeys(raw.thread, ['seed', 'author', 'date'], 'thread');
    thread = {
      seed: f.str(raw.thread, 'seed', 'thread.seed', { pattern: /^\d{3}_[0-9a-f]+\.txt$/, what: 'a seed file name like 001_63d1b2f7394d89e4.txt' }),
      author: f.str(raw.thread, 'author', 'thread.author'),
      date: f.str(raw.thread, 'date', 'thread.date'),
    };
  }

  const difficulty = raw.difficulty as Difficulty;
  if (!DIFFICULTIES.includes(difficulty)) f.err('difficulty', `${show(raw.difficulty)} is not one of: ${DIFFICULTIES.join(', ')}`);
  const minutes = f.num(raw, 'minutes', 'minutes', 1, 240) ?? 1;
  const cpus = f.num(raw, 'cpus', 'cpus', 1, 64, true);

  const files: ExerciseFileSpec[] = [];
  f.arr(raw, 'files', 'files').forEach((x, i) => {
    const p = `files[${i}]`;
    if (!f.isObj(x)) return f.err(p, 'must be { "path": ..., "editable": true|false, "role": "starter"|"environment"|"harness" }');
    f.unknownKeys(x, ['path', 'editable', 'role'], p);
    const path = f.str(x, 'path', `${p}.path`, { pattern: /^[A-Za-z0-9_./-]+\.[ch]$/, what: 'a relative .c or .h path' });
    if (typeof x.editable !== 'boolean') f.err(`${p}.editable`, `must be true or false, got ${show(x.editable)}`);
    const role = x.role as FileRole;
    if (!ROLES.includes(role)) f.err(`${p}.role`, `${show(x.role)} is not one of: ${ROLES.join(', ')}`);
    if (x.editable === true && role !== 'starter') f.err(`${p}.editable`, `only starter files may be editable (this one is ${show(role)})`);
    if (path && files.some((g) => g.path === path)) f.err(`${p}.path`, `${show(path)} is listed twice`);
    if (path && !present.has(path)) f.err(`${p}.path`, `${show(path)} does not exist in the exercise folder`);
    files.push({ path, editable: x.editable === true, role });
  });
  if (files.length && !files.some((x) => x.editable)) f.err('files', 'needs at least one editable starter file');
  if (files.length && !files.some((x) => x.role === 'harness')) f.err('files', 'needs a harness file (role "harness")');

  const entry = f.str(raw, 'entry', 'entry', { pattern: IDENT, what: 'a C function name' });

  const config: Partial<LockdepConfig> = {};
  if (raw.config !== undefined) {
    if (!f.isObj(raw.config)) f.err('config', 'must be an object of lockdep config flags');
    else
      for (const [k, v] of Object.entries(raw.config)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(k)) f.err(`config.${k}`, `unknown option; known: ${CONFIG_KEYS.join(', ')}`);
        else if (typeof v !== 'boolean') f.err(`config.${k}`, `must be true or false, got ${show(v)}`);
        else config[k as keyof LockdepConfig] = v;
      }
  }

  const hints = f.arr(raw, 'hints', 'hints').map((h, i) => {
    if (typeof h !== 'string' || !h.trim()) f.err(`hints[${i}]`, 'must be a non-empty string');
    return String(h);
  });
  if (Array.isArray(raw.hints) && hints.length < 3) f.err('hints', `needs at least 3 hints, from gentle to explicit (found ${hints.length})`);

  const hintsByReportKind: Partial<Record<ReportKind, string>> = {};
  if (raw.hintsByReportKind !== undefined) {
    if (!f.isObj(raw.hintsByReportKind)) f.err('hintsByReportKind', 'must be an object { "<report kind>": "hint" }');
    else
      for (const [k, v] of Object.entries(raw.hintsByReportKind)) {
        const kind = f.kind(k, `hintsByReportKind.${k}`);
        if (typeof v !== 'string' || !v.trim()) f.err(`hintsByReportKind.${k}`, 'must be a non-empty string');
        else if (kind) hintsByReportKind[kind] = v;
      }
  }

  const checks: CheckSpec[] = [];
  f.arr(raw, 'checks', 'checks').forEach((c, i) => {
    const spec = validateCheck(f, c, `checks[${i}]`, present);
    if (!spec) return;
    if (checks.some((x) => x.name === spec.name)) f.err(`checks[${i}].name`, `${show(spec.name)} is used by another check; names must be unique`);
    checks.push(spec);
  });
  if (Array.isArray(raw.checks) && !checks.some((c) => c.kind === 'lockdep')) f.err('checks', 'needs a "lockdep" check');

  let starter = { check: '', report: undefined as ReportKind | undefined };
  if (!f.isObj(raw.starter)) f.err('starter', 'is required: { "check": "<check name the starter fails>", "report": "<report kind>" }');
  else {
    f.unknownKeys(raw.starter, ['check', 'report'], 'starter');
    starter.check = f.str(raw.starter, 'check', 'starter.check');
    if (starter.check && checks.length && !checks.some((c) => c.name === starter.check))
      f.err('starter.check', `${show(starter.check)} names no check; checks are: ${checks.map((c) => c.name).join(', ')}`);
    if (raw.starter.report !== undefined) starter.report = f.kind(raw.starter.report, 'starter.report');
  }

  if (f.errors.length) return { errors: f.errors };
  const meta: ExerciseMeta = {
    title,
    lesson,
    thread,
    difficulty,
    minutes,
    files,
    entry,
    config,
    hints,
    hintsByReportKind,
    checks,
    starter: starter.report ? { check: starter.check, report: starter.report } : { check: starter.check },
  };
  if (summary) meta.summary = summary;
  if (cpus !== undefined) meta.cpus = cpus;
  return { meta, errors: [] };
}

function validateCheck(f: Fields, c: unknown, p: string, present: ReadonlySet<string>): CheckSpec | undefined {
  if (!f.isObj(c)) {
    f.err(p, 'must be an object with "kind" and "name"');
    return undefined;
  }
  const kind = c.kind as CheckSpec['kind'];
  if (!CHECK_KINDS.includes(kind)) {
    f.err(`${p}.kind`, `${show(c.kind)} is not one of: ${CHECK_KINDS.join(', ')}`);
    return undefined;
  }
  const name = f.str(c, 'name', `${p}.name`, { pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, what: 'a check name (lower-case words joined by -)' });
  switch (kind) {
    case 'lockdep': {
      f.unknownKeys(c, ['kind', 'name', 'expect', 'locks'], p);
      const expect = c.expect === undefined ? undefined : f.kind(c.expect, `${p}.expect`);
      const locks = f.locks(c, `${p}.locks`);
      if (locks && c.expect === undefined) f.err(`${p}.locks`, 'only means something with "expect": the locks the expected report must involve');
      return expect ? { kind, name, expect, ...(locks ? { locks } : {}) } : { kind, name };
    }
    case 'races':
    case 'memory':
    case 'warnings':
      f.unknownKeys(c, ['kind', 'name'], p);
      return { kind, name };
    case 'functional': {
      f.unknownKeys(c, ['kind', 'name', 'expect'], p);
      if (c.expect === undefined) return { kind, name };
      const expect = f.arr(c, 'expect', `${p}.expect`).map((m, i) => {
        if (typeof m !== 'string' || !m) f.err(`${p}.expect[${i}]`, 'must be a lab_check message string');
        return String(m);
      });
      return { kind, name, expect };
    }
    case 'not-blinded': {
      f.unknownKeys(c, ['kind', 'name', 'subclasses', 'subclassSites', 'annotate'], p);
      const subclasses: Record<string, number[]> = {};
      if (c.subclasses !== undefined) {
        if (!f.isObj(c.subclasses)) f.err(`${p}.subclasses`, 'must be { "<class name>": [1, ...] }');
        else
          for (const [cls, subs] of Object.entries(c.subclasses)) {
            if (!Array.isArray(subs) || !subs.every((s) => Number.isInteger(s) && s >= 0 && s < 8))
              f.err(`${p}.subclasses.${cls}`, 'must be a list of subclasses 0..7');
            else subclasses[cls] = subs as number[];
          }
      }
      const out: CheckSpec = { kind, name, subclasses };
      if (c.subclassSites !== undefined) {
        const sites: Record<string, string[]> = {};
        if (!f.isObj(c.subclassSites)) f.err(`${p}.subclassSites`, 'must be { "<class name>": ["function", ...] }');
        else
          for (const [cls, fns] of Object.entries(c.subclassSites)) {
            if (!Array.isArray(fns) || !fns.length || !fns.every((x) => typeof x === 'string' && IDENT.test(x)))
              f.err(`${p}.subclassSites.${cls}`, 'must be a non-empty list of function names');
            else if (!(cls in subclasses)) f.err(`${p}.subclassSites.${cls}`, `names a class that "subclasses" does not list`);
            else sites[cls] = fns as string[];
          }
        out.subclassSites = sites;
      }
      if (c.annotate !== undefined) {
        if (!Array.isArray(c.annotate) || !c.annotate.every((x) => typeof x === 'string' && x.trim() !== ''))
          f.err(`${p}.annotate`, 'must be a list of class names, e.g. ["&rq->__lock"]');
        else out.annotate = c.annotate as string[];
      }
      return out;
    }
    case 'held-across': {
      f.unknownKeys(c, ['kind', 'name', 'lock', 'functions', 'message'], p);
      const lock = f.str(c, 'lock', `${p}.lock`);
      const functions = f.arr(c, 'functions', `${p}.functions`).map((x, i) => {
        if (typeof x !== 'string' || !IDENT.test(x)) f.err(`${p}.functions[${i}]`, 'must be a function name');
        return String(x);
      });
      if (Array.isArray(c.functions) && !functions.length) f.err(`${p}.functions`, 'needs at least one function name');
      const message = f.str(c, 'message', `${p}.message`);
      return { kind, name, lock, functions, message };
    }
    case 'one-section': {
      f.unknownKeys(c, ['kind', 'name', 'lock', 'function', 'message'], p);
      const lock = f.str(c, 'lock', `${p}.lock`);
      const fn = f.str(c, 'function', `${p}.function`, { pattern: IDENT, what: 'a function name' });
      const message = f.str(c, 'message', `${p}.message`);
      return { kind, name, lock, function: fn, message };
    }
    case 'irqs-off-needed': {
      f.unknownKeys(c, ['kind', 'name', 'lock', 'message'], p);
      const lock = f.str(c, 'lock', `${p}.lock`);
      const message = f.str(c, 'message', `${p}.message`);
      return { kind, name, lock, message };
    }
    case 'must-report': {
      f.unknownKeys(c, ['kind', 'name', 'variant', 'expect', 'message', 'locks', 'in'], p);
      const variant = f.str(c, 'variant', `${p}.variant`, { pattern: SLUG, what: 'a folder name under variants/' });
      if (variant && ![...present].some((x) => x.startsWith(`variants/${variant}/`)))
        f.err(`${p}.variant`, `folder variants/${variant}/ does not exist or is empty`);
      const expect: ReportKind[] = [];
      const list = f.arr(c, 'expect', `${p}.expect`);
      if (Array.isArray(c.expect) && list.length === 0) f.err(`${p}.expect`, 'needs at least one report kind');
      list.forEach((k, i) => {
        const kk = f.kind(k, `${p}.expect[${i}]`);
        if (kk) expect.push(kk);
      });
      const message = f.str(c, 'message', `${p}.message`);
      const locks = f.locks(c, `${p}.locks`);
      const inFn = c.in === undefined ? undefined : f.str(c, 'in', `${p}.in`, { pattern: IDENT, what: 'a function name' });
      return { kind, name, variant, expect, message, ...(locks ? { locks } : {}), ...(inFn ? { in: inFn } : {}) };
    }
  }
}

/** `wrong/<name>/why.json`: which check the wrong fix must fail, and why. */
export function validateWhy(
  raw: unknown,
  file: string,
  checkNames: readonly string[],
): { fails: string; report?: ReportKind; why: string; errors: LoadError[] } {
  const f = new Fields(file);
  if (!f.isObj(raw)) {
    f.err('', 'must be a JSON object { "fails": "<check name>", "report": "<report kind>", "why": "..." }');
    return { fails: '', why: '', errors: f.errors };
  }
  f.unknownKeys(raw, ['fails', 'report', 'why'], '');
  const fails = f.str(raw, 'fails', 'fails');
  if (fails && checkNames.length && !checkNames.includes(fails) && fails !== 'runs')
    f.err('fails', `${show(fails)} names no check of this exercise; checks are: ${checkNames.join(', ')}`);
  const report = raw.report === undefined ? undefined : f.kind(raw.report, 'report');
  const why = f.str(raw, 'why', 'why');
  return report ? { fails, report, why, errors: f.errors } : { fails, why, errors: f.errors };
}
