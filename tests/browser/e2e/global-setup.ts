/**
 * Builds the site under a sub-path (LAB_BASE=/lockdep-lab/) into a temp dir
 * and serves it with `astro preview` on a random free port, so every e2e test
 * sees exactly what a static host would serve. The server is killed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export const BASE = '/lockdep-lab/';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    distDir: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms: number, child: ChildProcess): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`astro preview exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`astro preview did not answer at ${url} within ${ms} ms`);
}

export default async function setup(project: TestProject) {
  const distDir = mkdtempSync(join(tmpdir(), 'lockdep-lab-e2e-dist-'));
  // Vitest sets NODE_ENV=test; a build that inherits it is not a production build (Starlight then ships no search).
  const env = { ...process.env, NODE_ENV: 'production', LAB_BASE: BASE, LAB_OUT: distDir, ASTRO_TELEMETRY_DISABLED: '1' };
  const t0 = Date.now();
  const build = spawnSync('astro', ['build'], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (build.status !== 0) {
    rmSync(distDir, { recursive: true, force: true });
    throw new Error(`astro build failed (exit ${build.status}):\n${(build.stdout + build.stderr).slice(-6000)}`);
  }
  console.log(`e2e: built the site under ${BASE} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const port = await freePort();
  const child = spawn('astro', ['preview', '--ignore-lock', '--host', '127.0.0.1', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const siteUrl = `http://127.0.0.1:${port}${BASE}`;
  try {
    await waitFor(siteUrl, 30_000, child);
  } catch (e) {
    child.kill('SIGTERM');
    rmSync(distDir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${log.slice(-3000)}`);
  }
  project.provide('siteUrl', siteUrl);
  project.provide('distDir', distDir);
  return () => {
    child.kill('SIGTERM');
    rmSync(distDir, { recursive: true, force: true });
  };
}
