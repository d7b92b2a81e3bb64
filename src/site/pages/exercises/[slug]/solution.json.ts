// The reference solution, fetched only when the learner asks for it (kept out of the page and of search).
import type { APIRoute } from 'astro';
import { loadAllExercises } from '../../../lib/exercises.ts';
import type { Exercise } from '../../../../grader/types.ts';

export async function getStaticPaths() {
  return (await loadAllExercises()).map((ex) => ({ params: { slug: ex.slug }, props: { ex } }));
}

export const GET: APIRoute = ({ props }) => {
  const ex = (props as { ex: Exercise }).ex;
  return new Response(JSON.stringify({ slug: ex.slug, files: ex.solution }), { headers: { 'content-type': 'application/json' } });
};
