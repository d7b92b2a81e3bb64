/**
 * Turns the files of one exercise folder (relative path -> text) into an
 * `Exercise`. Pure: the CLI reads folders from disk (./load-node.ts), the site
 * gets the same texts bundled (./catalog.ts).
 */
import type { SourceFile } from '../engine/api.ts';
import { parseJson, validateMeta, validateWhy, type LoadError } from './schema.ts';
import type { Exercise, WrongFix } from './types.ts';

export interface LoadResult {
  exercise?: Exercise;
  errors: LoadError[];
}

const SOURCE = /\.[ch]$/;

/**
 * `files` holds every file of the folder by path relative to it
 * (`exercise.json`, `klist.c`, `solution/klist.c`, `wrong/revert-iterators/klist.c`, ...).
 * `dir` is how error messages name the folder (`exercises/klist-irq`).
 */
export function loadExercise(slug: string, files: ReadonlyMap<string, string>, dir = `exercises/${slug}`): LoadResult {
  const errors: LoadError[] = [];
  const at = (p: string) => `${dir}/${p}`;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) errors.push({ file: dir, field: '', message: 'folder name must be a slug (lower-case words joined by -)' });

  const metaText = files.get('exercise.json');
  if (metaText === undefined) return { errors: [...errors, { file: at('exercise.json'), field: '', message: 'is missing: every exercise folder needs one' }] };
  const raw = parseJson(metaText, at('exercise.json'), errors);
  if (raw === undefined) return { errors };
  const present = new Set(files.keys());
  const { meta, errors: metaErrors } = validateMeta(raw, at('exercise.json'), present);
  errors.push(...metaErrors);
  if (!meta) return { errors };

  const editable = meta.files.filter((f) => f.editable).map((f) => f.path);
  const replaceable = meta.files.filter((f) => !f.editable).map((f) => f.path);
  const program: SourceFile[] = meta.files.map((f) => ({ path: f.path, text: files.get(f.path) ?? '' }));

  /** Source files under `prefix`, each of which must replace one of `allowed`. */
  const overlay = (prefix: string, allowed: string[], what: string): SourceFile[] => {
    const out: SourceFile[] = [];
    for (const [p, text] of files) {
      if (!p.startsWith(prefix) || !SOURCE.test(p)) continue;
      const rel = p.slice(prefix.length);
      if (!allowed.includes(rel))
        errors.push({ file: at(p), field: '', message: `${what} may only contain ${allowed.join(', ')} (this file replaces no such file)` });
      else out.push({ path: rel, text });
    }
    if (!out.length) errors.push({ file: at(prefix), field: '', message: `${what} holds no source file (expected one of ${allowed.join(', ')})` });
    return out;
  };
  const subfolders = (top: string): string[] => {
    const names = new Set<string>();
    for (const p of files.keys()) {
      const m = p.match(new RegExp(`^${top}/([^/]+)/`));
      if (m) names.add(m[1]);
    }
    return [...names].sort();
  };

  const solution = overlay('solution/', editable, 'solution/');
  const alternatives = subfolders('alternatives').map((name) => ({ name, files: overlay(`alternatives/${name}/`, editable, `alternatives/${name}/`) }));

  const wrong: WrongFix[] = [];
  const checkNames = meta.checks.map((c) => c.name);
  for (const name of subfolders('wrong')) {
    const whyPath = `wrong/${name}/why.json`;
    const whyText = files.get(whyPath);
    const fixFiles = overlay(`wrong/${name}/`, editable, `wrong/${name}/`);
    if (whyText === undefined) {
      errors.push({ file: at(whyPath), field: '', message: 'is missing: say which check this wrong fix must fail and why' });
      continue;
    }
    const whyRaw = parseJson(whyText, at(whyPath), errors);
    if (whyRaw === undefined) continue;
    const why = validateWhy(whyRaw, at(whyPath), checkNames);
    errors.push(...why.errors);
    const fix: WrongFix = { name, files: fixFiles, fails: why.fails, why: why.why };
    if (why.report) fix.report = why.report;
    wrong.push(fix);
  }
  if (wrong.length < 2) errors.push({ file: at('wrong/'), field: '', message: `needs at least 2 known wrong fixes, each in wrong/<name>/ with a why.json (found ${wrong.length})` });

  const variants: Exercise['variants'] = {};
  for (const name of subfolders('variants')) variants[name] = overlay(`variants/${name}/`, replaceable, `variants/${name}/`);

  for (const p of files.keys()) {
    const top = p.split('/')[0];
    if (p === 'exercise.json' || ['solution', 'alternatives', 'wrong', 'variants'].includes(top) || p.endsWith('.md')) continue;
    if (SOURCE.test(p) && !meta.files.some((f) => f.path === p))
      errors.push({ file: at('exercise.json'), field: 'files', message: `${p} is in the folder but not listed in "files"` });
  }

  if (errors.length) return { errors };
  return { exercise: { slug, meta, files: program, solution, alternatives, wrong, variants }, errors };
}

/**
 * The program a submission makes: the exercise's files with the submitted
 * ones in place of the editable files. A submission of a single file for an
 * exercise with a single editable file counts as that file, whatever its name.
 */
export function applySubmission(exercise: Exercise, submitted: readonly SourceFile[]): { files: SourceFile[]; errors: string[] } {
  const editable = exercise.meta.files.filter((f) => f.editable).map((f) => f.path);
  const byPath = new Map<string, string>();
  const errors: string[] = [];
  for (const s of submitted) {
    let target = editable.find((p) => p === s.path) ?? editable.find((p) => baseName(p) === baseName(s.path));
    if (!target && editable.length === 1 && submitted.length === 1) target = editable[0];
    if (!target) {
      errors.push(`${s.path}: not an editable file of ${exercise.slug} (editable: ${editable.join(', ')})`);
      continue;
    }
    if (byPath.has(target)) errors.push(`${s.path}: ${target} was submitted twice`);
    byPath.set(target, s.text);
  }
  return { files: exercise.files.map((f) => (byPath.has(f.path) ? { path: f.path, text: byPath.get(f.path)! } : f)), errors };
}

/** The exercise's program with some files replaced by path (variants, solutions). */
export function overlayFiles(base: readonly SourceFile[], over: readonly SourceFile[]): SourceFile[] {
  const m = new Map(over.map((f) => [f.path, f.text]));
  return base.map((f) => (m.has(f.path) ? { path: f.path, text: m.get(f.path)! } : f));
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
