/**
 * `lockdep-lab exercises`: list the course's exercises; `exercises check` is
 * the self-test every exercise must pass (starter fails as promised, reference
 * passes, known wrong fixes fail for their stated reason); `exercises catalog`
 * prints all exercises as JSON for the site.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gradeWith } from '../../grader/grade.ts';
import { EXERCISES_DIR, loadAllExercises } from '../../grader/load-node.ts';
import { formatLoadError } from '../../grader/schema.ts';
import { selfTest, type SelfTestResult } from '../../grader/selftest.ts';
import type { CliIo, Command } from '../main.ts';
import { loadRunner } from './grade.ts';

const HELP = `usage: lockdep-lab exercises [list] [--json]
       lockdep-lab exercises show <slug> [--hints N]
       lockdep-lab exercises start <slug> [<dir>]
       lockdep-lab exercises check [<slug>...] [--json] [--verbose]
       lockdep-lab exercises catalog

list      the exercises, in course order (default)
show      what an exercise asks, its files, and the first N hints (default 0)
start     copy the exercise's editable files into <dir> (default ./<slug>), to edit
          in your own editor and grade with 'lockdep-lab grade <slug> <dir>/*.c --watch'
check     the self-test: every folder loads, every starter fails with its expected
          report, every reference and alternative solution passes, every known
          wrong fix fails the check its why.json names
catalog   every exercise as JSON (files inlined), the data the site bundles

options:
  --json             machine-readable output
  --verbose          check: also print the failing grade's report
  --exercises <dir>  where exercises live (default: this checkout's exercises/)

exit status: 0 all good, 1 a folder is malformed or a self-test case failed, 2 bad usage`;

function formatSelfTest(r: SelfTestResult, verbose: boolean): string {
  const lines = [`${r.ok ? 'ok    ' : 'FAILED'} ${r.slug}`];
  for (const c of r.cases) {
    if (c.ok && !verbose) continue;
    lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
    if (!c.ok && verbose) {
      for (const ch of c.result.checks.filter((x) => x.status === 'fail' && x.report)) lines.push(ch.report!.replace(/^/gm, '        '));
      if (c.result.diagnostics.length)
        for (const d of c.result.diagnostics) lines.push(`        ${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`);
    }
  }
  return lines.join('\n');
}

export const command: Command = {
  name: 'exercises',
  summary: "list the course's exercises; 'exercises check' self-tests them",
  help: HELP,
  async run(argv: string[], io: CliIo) {
    let dir = EXERCISES_DIR;
    const rest: string[] = [];
    let json = false;
    let verbose = false;
    let hints = 0;
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--json') json = true;
      else if (argv[i] === '--verbose' || argv[i] === '-v') verbose = true;
      else if (argv[i] === '--hints') {
        hints = Number(argv[++i]);
        if (!Number.isInteger(hints) || hints < 0) {
          io.err('lockdep-lab exercises: --hints needs a number');
          return 2;
        }
      }
      else if (argv[i] === '--exercises') {
        if (!argv[i + 1]) {
          io.err('lockdep-lab exercises: --exercises needs a folder');
          return 2;
        }
        dir = resolve(io.cwd, argv[++i]);
      } else if (argv[i].startsWith('-')) {
        io.err(`lockdep-lab exercises: unknown option '${argv[i]}'\n\n${HELP}`);
        return 2;
      } else rest.push(argv[i]);
    }
    const sub = rest.shift() ?? 'list';
    const { exercises, errors } = loadAllExercises(dir);
    for (const e of errors) io.err(formatLoadError(e));

    if (sub === 'list') {
      if (json) io.out(JSON.stringify(exercises.map((e) => ({ slug: e.slug, title: e.meta.title, lesson: e.meta.lesson, difficulty: e.meta.difficulty, minutes: e.meta.minutes, thread: e.meta.thread })), null, 2));
      else {
        const w = Math.max(4, ...exercises.map((e) => e.slug.length));
        io.out(`${'slug'.padEnd(w)}  ${'level'.padEnd(6)}  min  title`);
        for (const e of exercises) io.out(`${e.slug.padEnd(w)}  ${e.meta.difficulty.padEnd(6)}  ${String(e.meta.minutes).padStart(3)}  ${e.meta.title}`);
        io.out(`\n${exercises.length} exercises. Grade one: lockdep-lab grade <slug> <file.c>...`);
      }
      return errors.length ? 1 : 0;
    }
    if (sub === 'show' || sub === 'start') {
      const ex = exercises.find((e) => e.slug === rest[0]);
      if (!ex) {
        io.err(`lockdep-lab exercises ${sub}: ${rest[0] ? `no exercise '${rest[0]}'` : 'which exercise?'}; known: ${exercises.map((e) => e.slug).join(', ')}`);
        return 2;
      }
      const m = ex.meta;
      if (sub === 'show') {
        const lines = [`${ex.slug}: ${m.title}`, `${m.difficulty}, about ${m.minutes} min; lesson '${m.lesson}'; from ${m.thread.author}, ${m.thread.date} (${m.thread.seed})`, ''];
        if (m.summary) lines.push(m.summary, '');
        lines.push('files:');
        for (const f of m.files) lines.push(`  ${f.path.padEnd(20)} ${f.editable ? 'edit this' : `read-only ${f.role}`}`);
        lines.push('', `checks: ${m.checks.map((c) => c.name).join(', ')}`);
        const shown = Math.min(hints, m.hints.length);
        for (let i = 0; i < shown; i++) lines.push('', `hint ${i + 1}/${m.hints.length}: ${m.hints[i]}`);
        if (shown < m.hints.length) lines.push('', `${m.hints.length - shown} hint(s) left: --hints ${shown + 1}`);
        io.out(lines.join('\n'));
        return 0;
      }
      const dir = resolve(io.cwd, rest[1] ?? ex.slug);
      const written: string[] = [];
      for (const f of ex.meta.files.filter((x) => x.editable)) {
        const text = ex.files.find((x) => x.path === f.path)!.text;
        const to = join(dir, f.path);
        // Never overwrite: a learner's work in progress outranks a fresh copy.
        if (existsSync(to)) {
          io.err(`${relative(io.cwd, to)} exists; not overwriting it`);
          continue;
        }
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, text);
        written.push(relative(io.cwd, to) || to);
      }
      if (written.length) io.out(`wrote ${written.join(', ')}\nnext: lockdep-lab grade ${ex.slug} ${written.join(' ')} --watch`);
      return written.length ? 0 : 1;
    }
    if (sub === 'catalog') {
      io.out(JSON.stringify({ exercises, errors }, null, 1));
      return errors.length ? 1 : 0;
    }
    if (sub === 'check') {
      const run = await loadRunner();
      if (typeof run === 'string') {
        io.err(`lockdep-lab exercises check: ${run}`);
        return 2;
      }
      const unknown = rest.filter((s) => !exercises.some((e) => e.slug === s));
      if (unknown.length) {
        io.err(`lockdep-lab exercises check: no exercise ${unknown.join(', ')}`);
        return 2;
      }
      const chosen = rest.length ? exercises.filter((e) => rest.includes(e.slug)) : exercises;
      const results = chosen.map((e) => selfTest(e, (ex, files) => gradeWith(run, ex, files)));
      if (json)
        io.out(JSON.stringify({ errors, results: results.map((r) => ({ slug: r.slug, ok: r.ok, cases: r.cases.map((c) => ({ name: c.name, ok: c.ok, message: c.message })) })) }, null, 2));
      else {
        for (const r of results) io.out(formatSelfTest(r, verbose));
        const cases = results.flatMap((r) => r.cases);
        io.out(`\n${results.filter((r) => r.ok).length}/${results.length} exercises ok, ${cases.filter((c) => c.ok).length}/${cases.length} cases ok${errors.length ? `, ${errors.length} load error(s)` : ''}`);
      }
      return errors.length || results.some((r) => !r.ok) ? 1 : 0;
    }
    io.err(`lockdep-lab exercises: unknown subcommand '${sub}'\n\n${HELP}`);
    return 2;
  },
};
