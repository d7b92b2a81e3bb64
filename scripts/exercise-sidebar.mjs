// Sidebar entries for the exercise folders (exercises/<slug>/exercise.json),
// read when Astro loads its config, in course order: foundations, then case
// studies, each by its lesson's `sidebar.order`, then the grader's COURSE_ORDER. Titles only: the pages
// themselves are built from the grader's loader, which validates the folders.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

function lessonFiles(root) {
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.mdx?$/.test(n)) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

function lessonKey(lessons, root, lesson) {
  const want = String(lesson).replace(/^\/+|\/+$/g, '').replace(/^lessons\//, '');
  const hit = lessons.find((f) => f.replace(/\.mdx?$/, '') === want) ?? lessons.find((f) => f.replace(/\.mdx?$/, '').endsWith('/' + want));
  if (!hit) return [2, 999];
  const fm = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(root, hit), 'utf8'))?.[1] ?? '';
  const track = hit.startsWith('foundations/') ? 0 : hit.startsWith('case-studies/') ? 1 : 2;
  return [track, Number(/^\s+order:\s*(\d+)/m.exec(fm)?.[1] ?? 999)];
}

/** @returns {{ label: string, link: string }[]} */
export function exerciseSidebar(dir, courseOrder = [], lessonsRoot = './content/docs/lessons') {
  const rank = (slug) => (courseOrder.includes(slug) ? courseOrder.indexOf(slug) : courseOrder.length);
  if (!existsSync(dir)) return [];
  const lessons = lessonFiles(lessonsRoot);
  const out = [];
  for (const slug of readdirSync(dir).sort()) {
    const meta = join(dir, slug, 'exercise.json');
    if (slug.startsWith('_') || slug.startsWith('.') || !existsSync(meta)) continue;
    let title = slug;
    let lesson = '';
    try {
      const m = JSON.parse(readFileSync(meta, 'utf8'));
      if (typeof m.title === 'string') title = m.title;
      if (typeof m.lesson === 'string') lesson = m.lesson;
    } catch {
      // A malformed exercise.json fails the build later with the loader's precise message.
    }
    out.push({ label: title, link: `/exercises/${slug}/`, key: lessonKey(lessons, lessonsRoot, lesson), slug });
  }
  out.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || rank(a.slug) - rank(b.slug) || a.slug.localeCompare(b.slug));
  return out.map(({ label, link }) => ({ label, link }));
}
