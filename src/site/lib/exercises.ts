/**
 * Build time only (Astro frontmatter and endpoints, which run in Node): reads
 * the exercise folders under exercises/ and loads each with the grader's own
 * loader (src/grader/load.ts), so the site shows exactly what the CLI grades.
 *
 * A malformed folder fails the build with the loader's message naming the
 * file and field.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Exercise } from '../../grader/types.ts';
import { COURSE_ORDER } from '../../grader/catalog.ts';
import { loadAllExercises as loadExerciseFolders } from '../../grader/load-node.ts';
import { formatLoadError } from '../../grader/schema.ts';
import { starterHash } from './progress.ts';

// The build runs from the project root; a bundled module's own URL is not a stable anchor.
const ROOT = join(process.cwd(), 'exercises');

/** What an exercise page needs; serialised into the page as JSON. No solution here. */
export interface ExerciseView {
  slug: string;
  title: string;
  summary?: string;
  lesson: string;
  difficulty: string;
  minutes: number;
  thread: { seed: string; author: string; date: string };
  entry: string;
  config: Record<string, unknown>;
  cpus?: number;
  files: { path: string; text: string; editable: boolean; role: string }[];
  hints: string[];
  hintsByReportKind: Record<string, string>;
  checks: { name: string; kind: string }[];
  /** Hash of the editable starter files: drafts are keyed by it. */
  starterHash: string;
}

let cache: Exercise[] | null = null;

/** Every exercise, loaded by the grader's own loader; a malformed folder fails the build naming file and field. */
export async function loadAllExercises(): Promise<Exercise[]> {
  if (cache) return cache;
  const { exercises, errors } = loadExerciseFolders(ROOT);
  if (errors.length) throw new Error(`Malformed exercise folder(s):\n  ${errors.map(formatLoadError).join('\n  ')}`);
  return (cache = exercises);
}

export function toView(ex: Exercise): ExerciseView {
  const m = ex.meta;
  const roles = new Map(m.files.map((f) => [f.path, f]));
  const files = ex.files.map((f) => ({ path: f.path, text: f.text, editable: !!roles.get(f.path)?.editable, role: roles.get(f.path)?.role ?? 'environment' }));
  return {
    slug: ex.slug,
    title: m.title,
    summary: m.summary,
    lesson: m.lesson,
    difficulty: m.difficulty,
    minutes: m.minutes,
    thread: m.thread,
    entry: m.entry,
    config: m.config as Record<string, unknown>,
    cpus: m.cpus,
    files,
    hints: m.hints,
    hintsByReportKind: m.hintsByReportKind as Record<string, string>,
    checks: m.checks.map((c) => ({ name: c.name, kind: c.kind })),
    starterHash: starterHash(files.filter((f) => f.editable)),
  };
}

/** The exercise as the worker grades it, without the reference solution and the known wrong fixes. */
export function gradable(ex: Exercise): Exercise {
  return { ...ex, solution: [], alternatives: [], wrong: [] };
}

/**
 * The page path of the lesson an exercise names (`abba` or `foundations/abba`),
 * e.g. `lessons/foundations/abba/`, or null when no lesson file matches.
 */
export function lessonPath(lesson: string): string | null {
  const root = join(process.cwd(), 'content', 'docs', 'lessons');
  if (!existsSync(root)) return null;
  const want = lesson.replace(/^\/+|\/+$/g, '').replace(/^lessons\//, '');
  const found: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.mdx?$/.test(n)) found.push(relative(root, p).split(sep).join('/').replace(/\.mdx?$/, ''));
    }
  };
  walk(root);
  const hit = found.find((f) => f === want) ?? found.find((f) => f.endsWith('/' + want));
  return hit ? `lessons/${hit}/` : null;
}

/** Frontmatter of a lesson file: its title and sidebar order (a light read, no MDX compile). */
function lessonMeta(path: string): { title?: string; order: number } {
  const file = ['.mdx', '.md'].map((ext) => join(process.cwd(), 'content', 'docs', path.replace(/\/$/, '') + ext)).find((p) => existsSync(p));
  if (!file) return { order: 999 };
  const fm = /^---\n([\s\S]*?)\n---/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  const title = /^title:\s*(.+)$/m.exec(fm)?.[1]?.trim().replace(/^(['"])(.*)\1$/, '$2');
  const order = Number(/^\s+order:\s*(\d+)/m.exec(fm)?.[1] ?? 999);
  return { title, order };
}

export interface LessonRef {
  /** Page path under the base, e.g. `lessons/foundations/abba/`. */
  path: string;
  title: string;
}

/** The lesson an exercise belongs to, with its title, or null when there is no such lesson page. */
export function lessonRef(lesson: string): LessonRef | null {
  const path = lessonPath(lesson);
  if (!path) return null;
  return { path, title: lessonMeta(path).title ?? lesson };
}

/** Exercises in course order: foundations, then case studies, each by its lesson's sidebar order. */
export function inCourseOrder<T extends { lesson: string; slug: string }>(items: T[]): T[] {
  const key = (x: T) => {
    const path = lessonPath(x.lesson) ?? '';
    const track = path.includes('/foundations/') ? 0 : path.includes('/case-studies/') ? 1 : 2;
    return [track, lessonMeta(path).order] as const;
  };
  return [...items].sort((a, b) => {
    const [ta, oa] = key(a);
    const [tb, ob] = key(b);
    const rank = (slug: string) => (COURSE_ORDER.includes(slug) ? COURSE_ORDER.indexOf(slug) : COURSE_ORDER.length);
    return ta - tb || oa - ob || rank(a.slug) - rank(b.slug) || a.slug.localeCompare(b.slug);
  });
}
