#!/usr/bin/env node
// `npm test`: every test suite of the project, ending with the one line CI reads:
// "N passed, N failed". Vitest's own summary is not that line, so we count from
// its JSON report. Browser suites (tests/browser) join when chromium is present.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-lab-tests-'));
let passed = 0;
let failed = 0;
let crashed = false;

function runVitest(label, args) {
  const out = join(dir, `${label}.json`);
  const r = spawnSync('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args], {
    stdio: 'inherit',
    shell: false,
  });
  if (!existsSync(out)) {
    console.error(`[${label}] vitest produced no report (exit ${r.status}); counting the suite as failed`);
    crashed = true;
    return;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails to load has no tests but must still fail the run.
  const broken = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
  for (const f of broken) console.error(`[${label}] could not run ${f.name}: ${f.message}`);
  failed += broken.length;
  if (r.status !== 0 && report.numFailedTests === 0 && broken.length === 0) crashed = true;
}

// The type check is one more test: a type error anywhere fails the run.
{
  const r = spawnSync('tsc', ['--noEmit', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (r.status === 0) passed++;
  else {
    console.error('[typecheck] tsc --noEmit found errors (see above)');
    failed++;
  }
}

runVitest('unit', []);

const browserConfig = 'vitest.browser.config.ts';
if (existsSync(browserConfig)) {
  if (existsSync('/usr/bin/chromium')) runVitest('browser', ['--config', browserConfig]);
  else {
    console.error('browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
    if (process.env.CI) crashed = true;
  }
}

rmSync(dir, { recursive: true, force: true });
// A suite that crashed (e.g. the site build inside the browser suite) is a failure
// the summary line must show, not only the exit code.
if (crashed && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || crashed ? 1 : 0);
