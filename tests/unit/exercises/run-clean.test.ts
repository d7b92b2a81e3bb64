/**
 * What the site's Run button shows for a reference solution: the program run
 * with runOptionsFor(exercise), race check included. A correct solution must
 * print nothing but the reports its exercise expects — a harness that reads
 * results behind the race check's back would show learners a KCSAN splat
 * for code they got right.
 */
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/run.ts';
import { applySubmission, runOptionsFor } from '../../../src/grader/index.ts';
import { loadAllExercises } from '../../../src/grader/load-node.ts';

const { exercises } = loadAllExercises();

describe.each(exercises.map((e) => [e.slug, e] as const))('%s', (_slug, exercise) => {
  const expected = new Set(exercise.meta.checks.flatMap((c) => (c.kind === 'lockdep' && c.expect ? [c.expect] : [])));
  const solutions = [['solution', exercise.solution] as const, ...exercise.alternatives.map((a) => [`alternatives/${a.name}`, a.files] as const)];

  it('grades races, so Run shows the race check too', () => {
    expect(runOptionsFor(exercise).races).toBe(true);
  });

  for (const [name, files] of solutions) {
    it(`${name} runs clean under the race check`, () => {
      const { files: program } = applySubmission(exercise, files);
      const r = runProgram(program, runOptionsFor(exercise));
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.reports.filter((x) => !expected.has(x.kind)).map((x) => x.header)).toEqual([]);
      expect(r.checks.filter((c) => !c.passed).map((c) => c.message)).toEqual([]);
    });
  }
});
