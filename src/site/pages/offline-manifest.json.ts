// Every page of the course, for the service worker (public/sw.js) to cache on first visit so the course works offline.
import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { loadAllExercises } from '../lib/exercises.ts';

export const GET: APIRoute = async () => {
  const base = import.meta.env.BASE_URL.replace(/\/?$/, '/');
  const docs = await getCollection('docs');
  const exercises = await loadAllExercises();
  const pages = [
    '',
    'progress/',
    'explain/',
    'exercises/',
    ...docs.map((d: { id: string }) => (d.id === 'index' ? '' : `${d.id.replace(/\/index$/, '')}/`)),
    ...exercises.flatMap((e) => [`exercises/${e.slug}/`, `exercises/${e.slug}/exercise.json`]),
  ];
  return new Response(JSON.stringify({ pages: [...new Set(pages)].map((p) => base + p) }), { headers: { 'content-type': 'application/json' } });
};
