/**
 * The exercise workbench on the built site: Monaco loads (only here), the
 * starter's Run shows the expected report with markers on the acquisition
 * lines, entering the fix and Grade passes, a draft survives a reload, an
 * endless loop ends with a message while the page stays responsive, and a
 * phone gets the plain editor.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, shot, watch, type Session } from './browser.ts';

const siteUrl = inject('siteUrl');
const SLUG = 'abba';
const FILE = 'stats.c';

let s: Session;
beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => {
  await s?.close();
});

/** Opens the exercise with empty storage: a page closed by an earlier test saves its draft on pagehide. */
async function openExercise(page: Page, query = ''): Promise<void> {
  await page.goto(`${siteUrl}exercises/${SLUG}/${query}`, { waitUntil: 'networkidle' });
  await page.evaluate(() => localStorage.clear());
  await page.reload({ waitUntil: 'networkidle' });
}

async function waitMonaco(page: Page): Promise<void> {
  await page.locator('lab-exercise[data-editor="monaco"] .monaco-editor .view-lines').waitFor({ timeout: 20_000 });
}

const editorText = (page: Page, path = FILE) => page.evaluate((p) => (window as any).__labEditor.get(p) as string, path);

describe(`the exercise page /exercises/${SLUG}/`, () => {
  it('loads Monaco with the editable file and read-only tabs, and no script error', async () => {
    const page = await s.context.newPage();
    const w = watch(page);
    await openExercise(page);
    await waitMonaco(page);
    expect(await page.locator('[role="tab"]').count()).toBeGreaterThan(1);
    expect(await page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-path')).toBe(FILE);
    expect(await editorText(page)).toContain('spin_lock');
    // C is tokenised: keywords get their own colour class.
    expect(await page.locator('.monaco-editor .view-lines span[class*="mtk"]').count()).toBeGreaterThan(5);
    await shot(page, `exercise-${SLUG}`);
    expect(w.errors).toEqual([]);
    expect(w.failed).toEqual([]);
    await page.close();
  });

  it("Run shows the starter's circular report with markers on the acquisition lines", async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await waitMonaco(page);
    await page.locator('.monaco-editor .view-lines').click();
    const before = await editorText(page);
    await page.keyboard.press('Control+Enter');
    const report = page.locator('lab-exercise .lab-term-report').first();
    await report.waitFor({ timeout: 15_000 });
    // Ctrl+Enter ran the code and did not insert a line (Monaco's own binding for it).
    expect(await editorText(page)).toBe(before);
    expect(await report.textContent()).toContain('possible circular locking dependency detected');
    const markers = await page.evaluate(() => {
      const { monaco } = (window as any).__labMonaco;
      return monaco.editor.getModelMarkers({ owner: 'lockdep-lab' }).map((m: any) => ({ line: m.startLineNumber, file: m.resource.path, message: m.message }));
    });
    const circular = markers.filter((x: { file: string; message: string }) => x.file.endsWith(FILE) && x.message.includes('circular locking'));
    expect(circular.length).toBeGreaterThan(0);
    const lines = (await editorText(page)).split('\n');
    for (const m of circular) expect(lines[m.line - 1], JSON.stringify(m)).toMatch(/spin_lock\(/);
    // Frames of the learner's functions are links that move the cursor to the line they name.
    const frame = page.locator('lab-exercise .lab-term-report .lab-term-frame', { hasText: /^stats_reset\+/ }).first();
    expect(await frame.count()).toBe(1);
    await frame.click();
    const line = await page.evaluate(() => (window as any).__labMonaco.editor.getPosition().lineNumber);
    expect(lines[line - 1]).toMatch(/spin_lock\(&dev_list_lock\)/);
    // What lockdep saw, drawn: the report's scenario as lanes, the run's graph with the cycle.
    await page.locator('.lab-ex-pictures summary').click();
    expect(await page.locator('.lab-ex-pictures .lab-lanes tbody tr').count()).toBe(4);
    const names = await page.locator('.lab-ex-pictures .lab-graph-node text').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['dev_list_lock', 'stats_lock']));
    expect(await page.locator('.lab-ex-pictures .lab-graph-edge.lab-graph-cycle').count()).toBe(2);
    // The hint for the report kind this attempt produced is offered first.
    await page.locator('.lab-ex-kind-hint button', { hasText: 'circular' }).click();
    expect(await page.locator('.lab-ex-kind-hint .lab-hint').textContent()).toBeTruthy();
    await shot(page, `exercise-${SLUG}-run`);
    await page.close();
  });

  it('entering the fix and pressing Grade passes, then offers the reference solution as a diff', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await waitMonaco(page);
    const solution = await page.evaluate(async (url) => (await (await fetch(url)).json()) as { files: { path: string; text: string }[] }, `${siteUrl}exercises/${SLUG}/solution.json`);
    const fixed = solution.files.find((f) => f.path === FILE)!.text;
    await page.evaluate(([p, t]) => (window as any).__labEditor.set(p, t), [FILE, fixed]);
    await page.locator('.lab-ex-grade').click();
    const summary = page.locator('.lab-ex-grade-summary[data-status]');
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.getAttribute('data-status')).toBe('pass');
    expect(await page.locator('.lab-check-fail').count()).toBe(0);
    expect(await page.locator('lab-exercise').getAttribute('data-passed')).toBe('true');
    // After a pass the solution opens without a warning dialog, beside the learner's code.
    await page.locator('.lab-ex-show-solution').click();
    await page.locator('.lab-ex-solution .monaco-diff-editor').waitFor({ timeout: 10_000 });
    // The workbench with its results, checks and the diff open is still accessible.
    const axe = await new AxeBuilder({ page }).exclude('.monaco-editor .view-lines').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
    expect(await editorText(page)).toBe(fixed);
    await shot(page, `exercise-${SLUG}-pass`);
    // The sidebar marks the exercise solved.
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator(`nav.sidebar a[href$="/exercises/${SLUG}/"] .lab-solved`).count()).toBe(1);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('keeps a draft across a reload and asks before resetting to the starter', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await waitMonaco(page);
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('// my draft 42\n');
    await page.locator('.lab-ex-saved', { hasText: 'Draft saved' }).waitFor({ timeout: 5000 });
    await page.reload({ waitUntil: 'networkidle' });
    await waitMonaco(page);
    expect(await editorText(page)).toMatch(/^\/\/ my draft 42\n/);
    expect(await page.locator('.lab-notice', { hasText: 'Restored your draft' }).count()).toBe(1);
    // Declining the confirmation keeps the draft; accepting restores the starter.
    page.once('dialog', (d) => d.dismiss());
    await page.locator('.lab-ex-reset').click();
    expect(await editorText(page)).toMatch(/^\/\/ my draft 42/);
    page.once('dialog', (d) => d.accept());
    await page.locator('.lab-ex-reset').click();
    expect(await editorText(page)).not.toContain('my draft 42');
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('works from the keyboard: file tabs with arrows, Ctrl+M lets Tab leave the editor, Enter runs', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await waitMonaco(page);
    const tab = page.locator('[role="tab"][aria-selected="true"]');
    await tab.focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-path')).not.toBe(FILE);
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-path')).toBe(FILE);
    await page.locator('.monaco-editor .view-lines').click();
    // Monaco keeps Tab for indenting until Ctrl+M switches Tab to moving focus.
    await page.keyboard.press('Control+m');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('lab-ex-run'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('lab-exercise .lab-term-report').first().waitFor({ timeout: 15_000 });
    // The learner's text was not touched by any of it.
    expect(await editorText(page)).not.toMatch(/^\t/);
    await page.close();
  });

  it('exports progress to a file and imports it back on the progress page', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    const hash = await page.evaluate(() => JSON.parse(document.querySelector('.lab-ex-data')!.textContent!).starterHash as string);
    await page.evaluate(([slug, h]) => {
      localStorage.clear();
      const d = { slug, starterHash: h, files: { 'stats.c': '// exported draft\n' }, savedAt: Date.now() };
      localStorage.setItem(`lockdep-lab:v1:draft:${slug}:${h}`, JSON.stringify(d));
    }, [SLUG, hash]);
    await page.goto(`${siteUrl}progress/`, { waitUntil: 'networkidle' });
    const status = page.locator(`tr[data-slug="${SLUG}"] .lab-progress-status`);
    expect(await status.textContent()).toMatch(/in progress/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#lab-export').click()]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.format).toBe('lockdep-lab-progress');
    expect(exported.drafts.map((d: { slug: string }) => d.slug)).toEqual([SLUG]);
    await page.evaluate(() => localStorage.clear());
    await page.reload({ waitUntil: 'networkidle' });
    expect(await status.textContent()).toMatch(/not started/);
    await page.locator('#lab-import').setInputFiles(file);
    await page.locator('#lab-progress-message', { hasText: 'Imported 1 draft' }).waitFor({ timeout: 5000 });
    expect(await status.textContent()).toMatch(/in progress/);
    // A file that is not an export is refused with a reason, and nothing changes.
    await page.locator('#lab-import').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
    await page.locator('#lab-progress-message[data-kind="error"]', { hasText: 'not a Lockdep Lab progress export' }).waitFor({ timeout: 5000 });
    await shot(page, 'progress');
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('does not load a draft written for an older starter, and says so', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await page.evaluate((slug) => {
      const d = { slug, starterHash: 'aaaaaaaaaaaa', files: { 'stats.c': '// old starter draft\n' }, savedAt: 1 };
      localStorage.setItem(`lockdep-lab:v1:draft:${slug}:aaaaaaaaaaaa`, JSON.stringify(d));
    }, SLUG);
    await page.reload({ waitUntil: 'networkidle' });
    await waitMonaco(page);
    expect(await editorText(page)).not.toContain('old starter draft');
    expect(await page.locator('.lab-notice', { hasText: 'starter code changed' }).count()).toBe(1);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('says so when storage is full, and keeps the text in the editor', async () => {
    const page = await s.context.newPage();
    // Every write to local storage fails as a full quota does.
    await page.addInitScript(() => {
      const real = Storage.prototype.setItem;
      Storage.prototype.setItem = function (k: string, v: string) {
        if (k.includes(':draft:')) throw new DOMException('full', 'QuotaExceededError');
        return real.call(this, k, v);
      };
    });
    await openExercise(page);
    await waitMonaco(page);
    await page.locator('.monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('// unsaved\n');
    await page.locator('.lab-notice-error', { hasText: 'full' }).waitFor({ timeout: 5000 });
    expect(await editorText(page)).toMatch(/^\/\/ unsaved/);
    await page.close();
  });

  it('reports corrupt saved data instead of silently dropping it', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    const hash = await page.evaluate(() => JSON.parse(document.querySelector('.lab-ex-data')!.textContent!).starterHash as string);
    await page.evaluate(([slug, h]) => localStorage.setItem(`lockdep-lab:v1:draft:${slug}:${h}`, '{broken'), [SLUG, hash]);
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('.lab-notice-error', { hasText: 'could not be read' }).count()).toBe(1);
    expect(await page.evaluate(([slug, h]) => localStorage.getItem(`lockdep-lab:v1:corrupt:draft:${slug}:${h}`), [SLUG, hash])).toBe('{broken');
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('points at a syntax error with file:line:col in the log and a marker on the line', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await waitMonaco(page);
    const broken = (await editorText(page)).replace('nr_devices++;', 'nr_devices++');
    const line = broken.split('\n').findIndex((l) => l.includes('nr_devices++')) + 1;
    await page.evaluate(([p, t]) => (window as any).__labEditor.set(p, t), [FILE, broken]);
    await page.locator('.lab-ex-run').click();
    const diag = page.locator('lab-exercise .lab-term-error').first();
    await diag.waitFor({ timeout: 15_000 });
    expect(await diag.textContent()).toMatch(new RegExp(`${FILE}:(${line}|${line + 1}):\\d+: error`));
    const markers = await page.evaluate(() => (window as any).__labMonaco.monaco.editor.getModelMarkers({ owner: 'lockdep-lab' }).map((m: any) => m.startLineNumber));
    expect(markers.some((l: number) => l === line || l === line + 1)).toBe(true);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('ends an endless loop in learner code with a message while the page stays responsive', async () => {
    const page = await s.context.newPage();
    await openExercise(page);
    await waitMonaco(page);
    const looped = (await editorText(page)).replace(/void stats_reset\(void\)\n\{\n/, 'void stats_reset(void)\n{\n\tfor (;;)\n\t\t;\n');
    expect(looped).toContain('for (;;)');
    await page.evaluate(([p, t]) => (window as any).__labEditor.set(p, t), [FILE, looped]);
    await page.locator('.lab-ex-run').click();
    // While the run spins in the worker, the main thread answers at once.
    const t0 = Date.now();
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(Date.now() - t0).toBeLessThan(1000);
    // The step budget (the grader's 2,000,000) ends it, not the wall clock: the same verdict under any load.
    await page.locator('lab-exercise .lab-term', { hasText: /Ran out of steps/ }).waitFor({ timeout: 30_000 });
    const log = await page.locator('lab-exercise .lab-term').innerText();
    expect(log).toContain('step budget of 2,000,000 exhausted');
    expect(log).not.toMatch(/safety limit/);
    expect(await page.locator('.lab-ex-run').isEnabled()).toBe(true);
    await shot(page, `exercise-${SLUG}-loop`);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('gives a phone the plain text editor with the same Run and Grade, without Monaco', async () => {
    const phone = await openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await phone.context.newPage();
      const big: string[] = [];
      page.on('response', async (r) => {
        if (r.request().resourceType() === 'script' && (await r.body().catch(() => Buffer.alloc(0))).length > 400_000) big.push(r.url());
      });
      await openExercise(page);
      expect(await page.locator('lab-exercise').getAttribute('data-editor')).toBe('plain');
      expect(await page.locator('textarea.lab-ex-plain').isVisible()).toBe(true);
      expect(await page.locator('.lab-ex-run').isVisible()).toBe(true);
      expect(await page.locator('.lab-ex-grade').isVisible()).toBe(true);
      expect(big).toEqual([]);
      await page.locator('.lab-ex-run').tap();
      await page.locator('lab-exercise .lab-term-report').first().waitFor({ timeout: 15_000 });
      await shot(page, `exercise-${SLUG}-phone`);
    } finally {
      await phone.close();
    }
  });
});
