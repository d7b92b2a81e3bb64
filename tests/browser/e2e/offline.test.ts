/**
 * Once opened, the course works offline: a second preview server is started
 * for this test alone, the site is visited, the server is stopped, and
 * lessons, an exercise (with Monaco) and Run still work from the service
 * worker's cache.
 */
import { expect, inject, it } from 'vitest';
import { openBrowser } from './browser.ts';
import { startPreview } from './preview.ts';

const distDir = inject('distDir');

it('keeps the course usable offline after the first visit', async () => {
  const server = await startPreview(distDir);
  const b = await openBrowser();
  try {
    const page = await b.context.newPage();
    await page.goto(server.url, { waitUntil: 'networkidle' });
    // The worker activates only after it has cached every page and what the pages load.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Open an exercise once while online, so Monaco (too big to precache) is cached too.
    await page.goto(`${server.url}exercises/abba/`, { waitUntil: 'networkidle' });
    await page.locator('lab-exercise[data-editor="monaco"] .monaco-editor').waitFor({ timeout: 20_000 });
    await server.stop();

    await page.goto(`${server.url}lessons/foundations/dependency-graph/`, { waitUntil: 'load' });
    expect(await page.locator('h1').first().textContent()).toMatch(/graph/i);
    await page.goto(`${server.url}exercises/abba/`, { waitUntil: 'load' });
    await page.locator('lab-exercise[data-editor="monaco"] .monaco-editor').waitFor({ timeout: 20_000 });
    await page.locator('.lab-ex-run').click();
    const report = page.locator('lab-exercise .lab-term-report').first();
    await report.waitFor({ timeout: 15_000 }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\nterminal: ${await page.locator('lab-exercise .lab-term').textContent()}`);
    });
    expect(await report.textContent()).toContain('possible circular locking dependency detected');
  } finally {
    await b.close();
    await server.stop();
  }
}, 150_000);
