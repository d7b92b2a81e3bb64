/**
 * `npm run bench` entry for the site weight report (bench/site-weight.mjs):
 * builds the site first when dist/ is missing, then prints per-page JS/CSS
 * weight and checks the lesson-page and Monaco budgets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/_astro')) {
  const b = spawnSync('astro', ['build'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, ['bench/site-weight.mjs'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
