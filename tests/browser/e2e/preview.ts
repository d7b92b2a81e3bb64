/** `astro preview` of a built copy of the site on a random free port (used by the global setup and the offline test). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const BASE = '/lockdep-lab/';

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

export function buildEnv(distDir: string): NodeJS.ProcessEnv {
  // Vitest sets NODE_ENV=test; a build that inherits it is not a production build (Starlight then ships no search).
  return { ...process.env, NODE_ENV: 'production', LAB_BASE: BASE, LAB_OUT: distDir, ASTRO_TELEMETRY_DISABLED: '1' };
}

export interface Preview {
  url: string;
  stop(): Promise<void>;
}

export async function startPreview(distDir: string): Promise<Preview> {
  const port = await freePort();
  // --ignore-lock: a learner's own `npm start` preview must neither block nor be replaced by the tests.
  const child = spawn('astro', ['preview', '--ignore-lock', '--host', '127.0.0.1', '--port', String(port)], { env: buildEnv(distDir), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}${BASE}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await waitFor(url, 30_000, child);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${log.slice(-3000)}`);
  }
  return { url, stop };
}
