// Sidebar entries for the exercise folders (exercises/<slug>/exercise.json),
// read when Astro loads its config. Titles only: the pages themselves are
// built from the grader's loader, which validates the folders properly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @returns {{ label: string, link: string }[]} */
export function exerciseSidebar(dir) {
  if (!existsSync(dir)) return [];
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
    out.push({ label: title, link: `/exercises/${slug}/`, lesson });
  }
  // Foundations first, then the case studies, in lesson order.
  out.sort((a, b) => rank(a.lesson) - rank(b.lesson) || a.lesson.localeCompare(b.lesson) || a.link.localeCompare(b.link));
  return out.map(({ label, link }) => ({ label, link }));
}

function rank(lesson) {
  return lesson.includes('foundations') ? 0 : lesson.includes('case') ? 1 : 2;
}
