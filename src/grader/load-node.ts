/**
 * Node-side loading of exercise folders. Imported only by the CLI, tests and
 * benches: it is the one grader module that touches the file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sortExercises } from './catalog.ts';
import { loadExercise } from './load.ts';
import type { LoadError } from './schema.ts';
import type { Exercise } from './types.ts';

/** `exercises/` of this checkout. */
export const EXERCISES_DIR = fileURLToPath(new URL('../../exercises/', import.meta.url));

/** Every file under `dir`, by path relative to it with `/` separators. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split(sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

export function loadExerciseDir(dir: string, slug: string): { exercise?: Exercise; errors: LoadError[] } {
  const shown = relative(process.cwd(), dir).split(sep).join('/') || dir;
  return loadExercise(slug, readTree(dir), shown);
}

export function loadAllExercises(root = EXERCISES_DIR): { exercises: Exercise[]; errors: LoadError[] } {
  const exercises: Exercise[] = [];
  const errors: LoadError[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(root).filter((n) => !n.startsWith('.') && statSync(join(root, n)).isDirectory());
  } catch {
    return { exercises, errors: [{ file: root, field: '', message: 'exercises folder not found' }] };
  }
  for (const slug of names) {
    const r = loadExerciseDir(join(root, slug), slug);
    errors.push(...r.errors);
    if (r.exercise) exercises.push(r.exercise);
  }
  return { exercises: sortExercises(exercises), errors };
}

/** The raw texts of every exercise folder, keyed `exercises/<slug>/<path>`, as buildCatalog() takes them. */
export function rawCatalog(root = EXERCISES_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  for (const slug of readdirSync(root)) {
    const d = join(root, slug);
    if (slug.startsWith('.') || !statSync(d).isDirectory()) continue;
    for (const [p, t] of readTree(d)) out[`exercises/${slug}/${p}`] = t;
  }
  return out;
}
