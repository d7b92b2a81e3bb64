/**
 * The exercise self-test inside `npm test`: every shipped exercise loads, its
 * starter fails with the report it promises, its reference and alternative
 * solutions pass, and each known wrong fix fails the check its why.json names.
 */
import { describe, expect, it } from 'vitest';
import { COURSE_ORDER } from '../../../src/grader/catalog.ts';
import { selfTestExercise } from '../../../src/grader/index.ts';
import { loadAllExercises } from '../../../src/grader/load-node.ts';
import { formatLoadError } from '../../../src/grader/schema.ts';

const { exercises, errors } = loadAllExercises();

describe('exercise folders', () => {
  it('all load without errors', () => {
    expect(errors.map(formatLoadError)).toEqual([]);
  });

  it('include every exercise of the course', () => {
    expect(exercises.map((e) => e.slug)).toEqual(expect.arrayContaining(COURSE_ORDER));
  });
});

describe.each(exercises.map((e) => [e.slug, e] as const))('%s', (_slug, exercise) => {
  const result = selfTestExercise(exercise);
  for (const c of result.cases) {
    it(`${c.name}: ${c.ok ? c.message : 'behaves as declared'}`, () => {
      expect(c.ok, c.message).toBe(true);
    });
  }
});
