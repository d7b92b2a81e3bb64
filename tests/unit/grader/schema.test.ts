import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../../src/grader/catalog.ts';
import { loadExercise } from '../../../src/grader/load.ts';
import { formatLoadError } from '../../../src/grader/schema.ts';

const good = {
  title: 'T',
  lesson: 'abba',
  thread: { seed: '001_63d1b2f7394d89e4.txt', author: 'A', date: 'D' },
  difficulty: 'easy',
  minutes: 5,
  files: [
    { path: 'code.c', editable: true, role: 'starter' },
    { path: 'harness.c', editable: false, role: 'harness' },
  ],
  entry: 'main',
  hints: ['a', 'b', 'c'],
  checks: [{ kind: 'lockdep', name: 'lockdep' }],
  starter: { check: 'lockdep', report: 'circular' },
};
const why = JSON.stringify({ fails: 'lockdep', why: 'w' });
const base: Record<string, string> = {
  'code.c': '',
  'harness.c': '',
  'solution/code.c': '',
  'wrong/a/code.c': '',
  'wrong/a/why.json': why,
  'wrong/b/code.c': '',
  'wrong/b/why.json': why,
};

function errorsFor(meta: unknown, extra: Record<string, string | undefined> = {}): string[] {
  const files = new Map(Object.entries({ ...base, 'exercise.json': typeof meta === 'string' ? meta : JSON.stringify(meta), ...extra }).filter((e): e is [string, string] => e[1] !== undefined));
  return loadExercise('x', files).errors.map(formatLoadError);
}

describe('exercise folder validation', () => {
  it('accepts a well-formed folder', () => {
    expect(errorsFor(good)).toEqual([]);
  });

  it('names the file and the field', () => {
    expect(errorsFor({ ...good, hints: ['a', 'b'] })).toEqual(['exercises/x/exercise.json: field "hints": needs at least 3 hints, from gentle to explicit (found 2)']);
    expect(errorsFor({ ...good, difficulty: 'insane' })[0]).toMatch(/^exercises\/x\/exercise.json: field "difficulty": "insane" is not one of: intro, easy, medium, hard$/);
    expect(errorsFor({ ...good, checks: [{ kind: 'lockdep', name: 'lockdep', expect: 'deadlock' }] })[0]).toContain('field "checks[0].expect": "deadlock" is not a report kind');
    expect(errorsFor({ ...good, starter: { check: 'nope' } })[0]).toContain('field "starter.check": "nope" names no check');
    expect(errorsFor({ ...good, colour: 1 })[0]).toContain('field "colour": unknown field');
  });

  it('checks files exist and that only starters are editable', () => {
    expect(errorsFor({ ...good, files: [...good.files, { path: 'env.c', editable: true, role: 'environment' }] })).toEqual(
      expect.arrayContaining([
        'exercises/x/exercise.json: field "files[2].editable": only starter files may be editable (this one is "environment")',
        'exercises/x/exercise.json: field "files[2].path": "env.c" does not exist in the exercise folder',
      ]),
    );
    expect(errorsFor(good, { 'stray.c': '' })).toEqual(['exercises/x/exercise.json: field "files": stray.c is in the folder but not listed in "files"']);
  });

  it('requires a solution, two wrong fixes with why.json naming a real check', () => {
    expect(errorsFor(good, { 'wrong/b/why.json': undefined, 'wrong/b/code.c': undefined })).toEqual([
      'exercises/x/wrong/: needs at least 2 known wrong fixes, each in wrong/<name>/ with a why.json (found 1)',
    ]);
    expect(errorsFor(good, { 'wrong/b/why.json': JSON.stringify({ fails: 'races', why: 'w' }) })[0]).toContain('exercises/x/wrong/b/why.json: field "fails": "races" names no check');
    expect(errorsFor(good, { 'solution/code.c': undefined })[0]).toBe('exercises/x/solution/: solution/ holds no source file (expected one of code.c)');
    expect(errorsFor(good, { 'wrong/a/harness.c': '' })[0]).toContain('wrong/a/harness.c: wrong/a/ may only contain code.c');
  });

  it('reports invalid JSON and a missing exercise.json against the file', () => {
    expect(errorsFor('{ nope')[0]).toMatch(/^exercises\/x\/exercise.json: is not valid JSON/);
    expect(loadExercise('x', new Map()).errors.map(formatLoadError)).toEqual(['exercises/x/exercise.json: is missing: every exercise folder needs one']);
  });

  it('checks must-report variants exist', () => {
    const meta = { ...good, checks: [...good.checks, { kind: 'must-report', name: 'm', variant: 'bad', expect: ['circular'], message: 'm' }] };
    expect(errorsFor(meta)[0]).toContain('field "checks[1].variant": folder variants/bad/ does not exist or is empty');
    expect(errorsFor(meta, { 'variants/bad/harness.c': '' })).toEqual([]);
    expect(errorsFor(meta, { 'variants/bad/code.c': '' })[0]).toContain('variants/bad/ may only contain harness.c');
  });

  it('validates not-blinded subclass sites and annotation classes', () => {
    const nb = (extra: object) => ({ ...good, checks: [...good.checks, { kind: 'not-blinded', name: 'nb', subclasses: { w: [1] }, ...extra }] });
    expect(errorsFor(nb({ subclassSites: { w: ['sched_out'] }, annotate: ['w'] }))).toEqual([]);
    expect(errorsFor(nb({ subclassSites: { v: ['f'] } }))[0]).toContain('field "checks[1].subclassSites.v": names a class that "subclasses" does not list');
    expect(errorsFor(nb({ subclassSites: { w: [] } }))[0]).toContain('field "checks[1].subclassSites.w": must be a non-empty list of function names');
    expect(errorsFor(nb({ annotate: 'w' }))[0]).toContain('field "checks[1].annotate": must be a list of class names');
  });
});

describe('buildCatalog', () => {
  it('groups bundled paths by exercise folder, whatever their prefix', () => {
    const raw: Record<string, string> = { '/exercises/abba/exercise.json': JSON.stringify(good), '../../exercises/zeta/exercise.json': '{' };
    for (const [k, v] of Object.entries(base)) raw[`/exercises/abba/${k}`] = v;
    const c = buildCatalog(raw);
    expect(c.exercises.map((e) => e.slug)).toEqual(['abba']);
    expect(c.errors.map(formatLoadError)[0]).toMatch(/^exercises\/zeta\/exercise.json: is not valid JSON/);
  });
});

describe('expected-report locks', () => {
  it('accepts locks with an expected kind, and rejects them alone or malformed', () => {
    expect(errorsFor({ ...good, checks: [{ kind: 'lockdep', name: 'lockdep', expect: 'circular', locks: ['cache_lock', '&o->lock'] }] })).toEqual([]);
    expect(errorsFor({ ...good, checks: [{ kind: 'lockdep', name: 'lockdep', locks: ['cache_lock'] }] })).toEqual([
      'exercises/x/exercise.json: field "checks[0].locks": only means something with "expect": the locks the expected report must involve',
    ]);
    expect(errorsFor({ ...good, checks: [{ kind: 'lockdep', name: 'lockdep', expect: 'circular', locks: [] }] })[0]).toContain('field "checks[0].locks": must be a non-empty list of lock class names');
  });
});

describe('lock-scope checks', () => {
  it('validates held-across, one-section and irqs-off-needed by field', () => {
    const checks = [
      { kind: 'lockdep', name: 'lockdep' },
      { kind: 'held-across', name: 'held', lock: '&v->ap_list_lock', functions: ['fold'], message: 'm' },
      { kind: 'one-section', name: 'one', lock: '&c->lock', function: 'cache_insert', message: 'm' },
      { kind: 'irqs-off-needed', name: 'bh', lock: '&ring->lock', message: 'm' },
    ];
    expect(errorsFor({ ...good, checks })).toEqual([]);
    const bad = [
      { kind: 'lockdep', name: 'lockdep' },
      { kind: 'held-across', name: 'held', lock: '&v->ap_list_lock', functions: [], message: 'm' },
      { kind: 'one-section', name: 'one', lock: '&c->lock', function: 'not a name', message: 'm' },
      { kind: 'irqs-off-needed', name: 'bh', message: 'm' },
    ];
    expect(errorsFor({ ...good, checks: bad })).toEqual([
      'exercises/x/exercise.json: field "checks[1].functions": needs at least one function name',
      'exercises/x/exercise.json: field "checks[2].function": "not a name" is not a function name',
      'exercises/x/exercise.json: field "checks[3].lock": is required (a non-empty string)',
    ]);
  });
});
