/**
 * All exercises as data, for the site. The site bundles the exercise folders'
 * texts (Vite: `import.meta.glob('/exercises/**\/*', { query: '?raw', import: 'default', eager: true })`)
 * and builds the catalog here, with the same loader and checks the CLI uses —
 * or imports the JSON that `lockdep-lab exercises catalog` prints.
 */
import { loadExercise } from './load.ts';
import type { LoadError } from './schema.ts';
import type { Exercise } from './types.ts';

export interface Catalog {
  exercises: Exercise[];
  errors: LoadError[];
}

/**
 * `raw` maps paths that contain `exercises/<slug>/...` (any prefix: `/exercises/`,
 * `../../exercises/`) to file texts. Exercises come out sorted by the course order.
 */
export function buildCatalog(raw: Record<string, string>): Catalog {
  const bySlug = new Map<string, Map<string, string>>();
  for (const [key, text] of Object.entries(raw)) {
    const norm = key.replace(/\\/g, '/');
    const at = norm.lastIndexOf('exercises/');
    if (at < 0) continue;
    const rest = norm.slice(at + 'exercises/'.length);
    const slash = rest.indexOf('/');
    if (slash < 0) continue;
    const slug = rest.slice(0, slash);
    let m = bySlug.get(slug);
    if (!m) bySlug.set(slug, (m = new Map()));
    m.set(rest.slice(slash + 1), text);
  }
  const exercises: Exercise[] = [];
  const errors: LoadError[] = [];
  for (const [slug, files] of bySlug) {
    const r = loadExercise(slug, files);
    errors.push(...r.errors);
    if (r.exercise) exercises.push(r.exercise);
  }
  return { exercises: sortExercises(exercises), errors };
}

/** Course order: foundations, then the klist, VMX and vgic threads; within a thread, as listed here. */
export const COURSE_ORDER = [
  'abba',
  'might-lock',
  'recursive-locked-helper',
  'softirq-bh',
  'hardirq-irqsave',
  'sleep-under-spinlock',
  'klist-irq',
  'vmx-pi-subclass',
  'vmx-pi-split-lock',
  'vgic-fold-lock',
  'vgic-lpi-xa-order',
  'vgic-notify-after-unlock',
  'vgic-pin-last-lr',
];

export function sortExercises(list: Exercise[]): Exercise[] {
  const rank = (s: string) => {
    const i = COURSE_ORDER.indexOf(s);
    return i < 0 ? COURSE_ORDER.length : i;
  };
  return [...list].sort((a, b) => rank(a.slug) - rank(b.slug) || a.slug.localeCompare(b.slug));
}

/** What the learner edits: the editable files of an exercise as shipped. */
export function starterFiles(ex: Exercise): Exercise['files'] {
  const editable = new Set(ex.meta.files.filter((f) => f.editable).map((f) => f.path));
  return ex.files.filter((f) => editable.has(f.path));
}
