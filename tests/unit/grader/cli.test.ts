import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/main.ts';
import { command as exercisesCmd } from '../../../src/cli/commands/exercises.ts';
import { command as gradeCmd, gradeBatch } from '../../../src/cli/commands/grade.ts';
import { loadExerciseDir, EXERCISES_DIR } from '../../../src/grader/load-node.ts';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const seam: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => '', cwd };
  return { seam, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'lockdep-lab-grade-test-'));
const abba = join(EXERCISES_DIR, 'abba');
const solution = readFileSync(join(abba, 'solution', 'stats.c'), 'utf8');
const starter = readFileSync(join(abba, 'stats.c'), 'utf8');
writeFileSync(join(dir, 'good.c'), solution);
writeFileSync(join(dir, 'bad.c'), starter);
writeFileSync(join(dir, 'broken.c'), 'int x(');

describe('lockdep-lab grade', () => {
  it('exits 0 on a pass, 1 on a fail, 2 when it cannot grade', async () => {
    let c = io(dir);
    expect(await gradeCmd.run(['abba', 'good.c'], c.seam)).toBe(0);
    expect(c.out.join('\n')).toMatch(/^abba: PASS/);
    c = io(dir);
    expect(await gradeCmd.run(['abba', 'bad.c'], c.seam)).toBe(1);
    expect(c.out.join('\n')).toContain('WARNING: possible circular locking dependency detected');
    c = io(dir);
    expect(await gradeCmd.run(['abba', 'broken.c'], c.seam)).toBe(2);
    c = io(dir);
    expect(await gradeCmd.run(['no-such-exercise', 'good.c'], c.seam)).toBe(2);
    expect(c.err.join('\n')).toContain("no exercise 'no-such-exercise'; known: abba");
    c = io(dir);
    expect(await gradeCmd.run(['abba', 'good.c', '--format', 'yaml'], c.seam)).toBe(2);
  });

  it('--format json prints Exercism results.json v3', async () => {
    const c = io(dir);
    await gradeCmd.run(['abba', 'bad.c', '--format', 'json'], c.seam);
    const j = JSON.parse(c.out.join(''));
    expect(j.version).toBe(3);
    expect(j.status).toBe('fail');
    expect(j.tests.find((t: { name: string }) => t.name.startsWith('lockdep')).status).toBe('fail');
  });

  it('--batch keeps going past a runaway and a broken submission, in submission order', async () => {
    const ex = loadExerciseDir(abba, 'abba').exercise!;
    const loop = starter.replace('void stats_reset(void)\n{', 'void stats_reset(void)\n{\n\tfor (;;)\n\t\t;');
    const results = await gradeBatch(
      ex,
      [
        { name: 'a', files: [{ path: 'stats.c', text: solution }] },
        { name: 'b', files: [{ path: 'stats.c', text: loop }] },
        { name: 'c', files: [{ path: 'stats.c', text: 'int x(' }] },
        { name: 'd', files: [{ path: 'stats.c', text: starter }] },
        { name: 'e', files: [], error: 'no .c or .h files in this submission' },
      ],
      { jobs: 2, timeoutMs: 20_000 },
    );
    expect(results.map((r) => [r.name, r.result.status])).toEqual([
      ['a', 'pass'],
      ['b', 'fail'],
      ['c', 'error'],
      ['d', 'fail'],
      ['e', 'error'],
    ]);
    expect(results[1].result.checks.find((x) => x.name === 'runs')?.status).toBe('fail');
  });

  it('--batch stops a worker that exceeds the hard timeout and replaces it', async () => {
    const ex = loadExerciseDir(abba, 'abba').exercise!;
    const results = await gradeBatch(
      ex,
      [
        { name: 'slow', files: [{ path: 'stats.c', text: solution }] },
        { name: 'next', files: [{ path: 'stats.c', text: solution }] },
      ],
      { jobs: 1, timeoutMs: 1 },
    );
    expect(results[0].result.status).toBe('error');
    expect(results[0].result.message).toContain('was stopped');
  });

  it('--batch reads a folder of submissions and prints a summary table', async () => {
    const b = join(dir, 'batch');
    mkdirSync(join(b, 'alice'), { recursive: true });
    writeFileSync(join(b, 'alice', 'stats.c'), solution);
    writeFileSync(join(b, 'bob.c'), starter);
    const c = io(dir);
    expect(await gradeCmd.run(['abba', '--batch', 'batch'], c.seam)).toBe(1);
    const table = c.out.join('\n');
    expect(table).toMatch(/alice\s+PASS/);
    expect(table).toMatch(/bob\s+FAIL\s+lockdep/);
    expect(table).toContain('2 submissions: 1 passed, 1 failed, 0 could not be graded');
  });
});

describe('lockdep-lab exercises', () => {
  it('lists the exercises in course order', async () => {
    const c = io(dir);
    expect(await exercisesCmd.run([], c.seam)).toBe(0);
    const lines = c.out.join('\n').split('\n');
    expect(lines[1]).toMatch(/^abba\s/);
    expect(lines.some((l) => l.startsWith('vgic-pin-last-lr'))).toBe(true);
  });

  it('start copies the editable files without overwriting, show reveals hints one by one', async () => {
    let c = io(dir);
    expect(await exercisesCmd.run(['start', 'klist-irq', 'mine'], c.seam)).toBe(0);
    expect(readFileSync(join(dir, 'mine', 'dmar.c'), 'utf8')).toBe(readFileSync(join(EXERCISES_DIR, 'klist-irq', 'dmar.c'), 'utf8'));
    writeFileSync(join(dir, 'mine', 'dmar.c'), '/* my work */');
    c = io(dir);
    expect(await exercisesCmd.run(['start', 'klist-irq', 'mine'], c.seam)).toBe(1);
    expect(readFileSync(join(dir, 'mine', 'dmar.c'), 'utf8')).toBe('/* my work */');
    c = io(dir);
    expect(await exercisesCmd.run(['show', 'klist-irq', '--hints', '1'], c.seam)).toBe(0);
    expect(c.out.join('\n')).toContain('hint 1/3:');
    expect(c.out.join('\n')).not.toContain('hint 2/3:');
  });

  it('check reports a malformed folder by file and field, with exit 1', async () => {
    const root = join(dir, 'exs');
    mkdirSync(join(root, 'bad'), { recursive: true });
    writeFileSync(join(root, 'bad', 'exercise.json'), JSON.stringify({ title: 'x' }));
    const c = io(dir);
    expect(await exercisesCmd.run(['check', '--exercises', root], c.seam)).toBe(1);
    expect(c.err.join('\n')).toContain('exercise.json: field "lesson": is required');
  });
});
