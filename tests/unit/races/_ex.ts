import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../../../src/engine/index.ts';
const root = '/work/main/exercises';
for (const ex of readdirSync(root)) {
  const meta = JSON.parse(readFileSync(join(root, ex, 'exercise.json'), 'utf8'));
  for (const variant of ['starter', 'solution']) {
    const files = meta.files.map((f: any) => {
      const alt = join(root, ex, variant, f.path);
      const p = variant === 'solution' && existsSync(alt) ? alt : join(root, ex, f.path);
      return { path: f.path, text: readFileSync(p, 'utf8') };
    });
    const r = runProgram(files, { entry: meta.entry, races: true });
    const races = r.reports.filter((x) => x.source === 'races');
    console.log(ex, variant, r.status, 'events', r.stats.events, 'ms', r.stats.timeMs, 'races:', races.map((x) => x.header));
    if (races.length && variant === 'solution') for (const x of races) console.log(x.lines.join('\n'));
  }
}
