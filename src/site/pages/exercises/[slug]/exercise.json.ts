// The exercise as the lab worker grades it (no reference solution, no known wrong fixes).
import type { APIRoute } from 'astro';
import { gradable, loadAllExercises } from '../../../lib/exercises.ts';

export async function getStaticPaths() {
  return (await loadAllExercises()).map((ex) => ({ params: { slug: ex.slug }, props: { ex } }));
}

export const GET: APIRoute = ({ props }) =>
  new Response(JSON.stringify(gradable((props as { ex: Parameters<typeof gradable>[0] }).ex)), { headers: { 'content-type': 'application/json' } });
