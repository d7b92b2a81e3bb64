/** Shared e2e helpers: a headless Debian chromium per test file, screenshots into /tmp/shots. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const SHOTS = '/tmp/shots';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Session {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(opts: { colorScheme?: 'dark' | 'light'; viewport?: { width: number; height: number }; isMobile?: boolean; hasTouch?: boolean } = {}): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'lockdep-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    colorScheme: opts.colorScheme ?? 'dark',
    isMobile: opts.isMobile,
    hasTouch: opts.hasTouch,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Page errors and failed same-origin requests, collected for assertions. */
export function watch(page: Page): { errors: string[]; failed: string[] } {
  const out = { errors: [] as string[], failed: [] as string[] };
  page.on('pageerror', (e) => out.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && out.errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && out.failed.push(`${r.status()} ${r.url()}`));
  // A request cut short by the test's own navigation (ERR_ABORTED) is not a broken asset.
  page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && out.failed.push(`failed ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return out;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
