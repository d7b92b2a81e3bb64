/**
 * Builds the site under a sub-path (LAB_BASE=/lockdep-lab/) into a temp dir
 * and serves it with `astro preview` on a random free port, so every e2e test
 * sees exactly what a static host would serve. The server is killed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BASE, buildEnv, startPreview } from './preview.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    distDir: string;
  }
}

export default async function setup(project: TestProject) {
  const distDir = mkdtempSync(join(tmpdir(), 'lockdep-lab-e2e-dist-'));
  const t0 = Date.now();
  const build = spawnSync('astro', ['build'], { env: buildEnv(distDir), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (build.status !== 0) {
    rmSync(distDir, { recursive: true, force: true });
    throw new Error(`astro build failed (exit ${build.status}):\n${(build.stdout + build.stderr).slice(-6000)}`);
  }
  console.log(`e2e: built the site under ${BASE} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let preview;
  try {
    preview = await startPreview(distDir);
  } catch (e) {
    rmSync(distDir, { recursive: true, force: true });
    throw e;
  }
  project.provide('siteUrl', preview.url);
  project.provide('distDir', distDir);
  return async () => {
    await preview.stop();
    rmSync(distDir, { recursive: true, force: true });
  };
}
