// The course site. Lessons are MDX in the top-level content/docs folder (see
// src/site/content.config.ts); components, pages and the worker live in src/site.
//
// LAB_BASE serves the site under a sub-path (`LAB_BASE=/lockdep-lab/ npm run build`),
// as on GitHub Pages; the e2e tests build with a sub-path to keep every link honest.
import { existsSync } from 'node:fs';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { monacoCssAsJs } from './scripts/monaco-css-plugin.mjs';
import { exerciseSidebar } from './scripts/exercise-sidebar.mjs';

const base = process.env.LAB_BASE || '/';
// The lessons' folder as Starlight's autogenerate sees it (the entries' file paths from the project root).
const lessonsDir = 'content/docs/lessons';

// The grader's course order of exercises within a lesson, when the grader is there.
let courseOrder = [];
try {
  ({ COURSE_ORDER: courseOrder } = await import('./src/grader/catalog.ts'));
} catch {
  courseOrder = [];
}

export default defineConfig({
  srcDir: './src/site',
  publicDir: './public',
  // LAB_OUT lets the e2e tests build a sub-path copy without touching dist/.
  outDir: process.env.LAB_OUT || './dist',
  site: process.env.LAB_SITE || 'https://lockdep-lab.invalid',
  base,
  trailingSlash: 'ignore',
  vite: {
    plugins: [monacoCssAsJs()],
    worker: { format: 'es' },
    build: {
      // The lazy Monaco chunk is about 3.5 MB; it loads only on exercise pages.
      chunkSizeWarningLimit: 4096,
      rolldownOptions: {
        onwarn(w, warn) {
          if (w.code === 'MODULE_LEVEL_DIRECTIVE') return;
          warn(w);
        },
      },
    },
  },
  integrations: [
    starlight({
      title: 'Lockdep Lab',
      description: 'Learn the Linux kernel locking rules and lockdep by fixing simulated kernel C code.',
      favicon: '/favicon.svg',
      customCss: ['./src/site/styles/lab.css'],
      components: {
        Sidebar: './src/site/components/overrides/Sidebar.astro',
        Head: './src/site/components/overrides/Head.astro',
      },
      sidebar: [
        {
          label: 'Start here',
          items: [
            { label: 'Welcome', link: '/' },
            { label: 'Your progress', link: '/progress/' },
            { label: 'Explain my splat', link: '/explain/' },
            // The instructors' page, when the course ships one (content/docs/workshop.mdx).
            ...(existsSync('./content/docs/workshop.mdx') ? [{ label: 'For instructors', link: '/workshop/' }] : []),
          ],
        },
        // Starlight resolves `autogenerate` against <srcDir>/content/docs, but the lessons live in the
        // top-level content/docs, so a plain 'lessons' directory matched nothing and the group was empty.
        {
          label: 'Lessons',
          items: [
            { label: 'Foundations', items: [{ autogenerate: { directory: `${lessonsDir}/foundations` } }] },
            { label: 'Case studies', items: [{ autogenerate: { directory: `${lessonsDir}/case-studies` } }] },
          ],
        },
        { label: 'Exercises', collapsed: true, items: [{ label: 'All exercises', link: '/exercises/' }, ...exerciseSidebar('./exercises', courseOrder)] },
      ],
      pagefind: true,
      lastUpdated: false,
    }),
  ],
});
