// Links from lessons to exercises and other lessons. They go through Astro's
// BASE_URL so that they keep working when the site is served under a
// sub-path (LAB_BASE=/lockdep-lab/), where a bare `/exercises/...` would not.
const base = import.meta.env.BASE_URL.replace(/\/$/, '');

export const exercise = (slug: string): string => `${base}/exercises/${slug}/`;
export const lesson = (path: string): string => `${base}/lessons/${path}/`;
export const page = (path: string): string => `${base}/${path}/`;
