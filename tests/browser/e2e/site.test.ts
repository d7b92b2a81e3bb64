/**
 * The built course under a sub-path, in real chromium: pages load with no
 * broken asset, lessons render their interactive pieces, search finds a
 * lesson, no serious/critical axe violation anywhere, lesson pages stay light
 * (no Monaco), and an endless loop in learner code never freezes a page.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, shot, watch, type Session } from './browser.ts';

const siteUrl = inject('siteUrl');
const distDir = inject('distDir');

/** Every HTML page of the build, as a path relative to the base (`lessons/foundations/abba/`). */
function pages(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== '_astro' && n !== 'pagefind') walk(p);
      } else if (n === 'index.html') out.push(relative(distDir, d).split(sep).join('/'));
    }
  };
  walk(distDir);
  return out.map((p) => (p ? `${p}/` : '')).sort();
}

let s: Session;
beforeAll(async () => {
  s = await openBrowser();
});
afterAll(async () => {
  await s?.close();
});

describe('the built site under a sub-path', () => {
  it('serves the home page with the course title and no broken asset or script error', async () => {
    const page = await s.context.newPage();
    const w = watch(page);
    await page.goto(siteUrl, { waitUntil: 'networkidle' });
    expect(await page.title()).toContain('Lockdep Lab');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Lockdep Lab');
    await shot(page, 'home');
    expect(w.failed).toEqual([]);
    expect(w.errors).toEqual([]);
    // Every same-site link stays under the base path.
    const hrefs = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.filter((h) => !h.startsWith('/lockdep-lab/'))).toEqual([]);
    await page.close();
  });

  it('renders a lesson with its runnable code and scenario lanes', async () => {
    const page = await s.context.newPage();
    const w = watch(page);
    await page.goto(`${siteUrl}lessons/foundations/abba/`, { waitUntil: 'networkidle' });
    await expect(page.locator('h1').first().textContent()).resolves.toMatch(/AB-BA/);
    expect(await page.locator('lab-runnable button.lab-run').count()).toBeGreaterThan(0);
    const rows = await page.locator('.lab-lanes tbody tr').count();
    expect(rows).toBe(4);
    await shot(page, 'lesson-abba');
    expect(w.failed).toEqual([]);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('opens the sidebar group of the page being read, with that page marked current', async () => {
    const page = await s.context.newPage();
    for (const [p, group, label] of [
      ['lessons/foundations/abba/', 'Lessons', /AB-BA/],
      ['lessons/case-studies/vgic-ap-list/', 'Lessons', /vgic ap_list/],
      ['exercises/abba/', 'Exercises', /AB-BA/],
    ] as const) {
      await page.goto(siteUrl + p, { waitUntil: 'domcontentloaded' });
      const details = page.locator('nav.sidebar details', { has: page.locator(`summary >> text="${group}"`) }).first();
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open), `${group} open on ${p}`).toBe(true);
      const current = details.locator('a[aria-current="page"]');
      await expect(current.count()).resolves.toBe(1);
      expect(await current.textContent()).toMatch(label);
      expect(await current.isVisible()).toBe(true);
    }
    // Every lesson is listed, so a reader can move between them.
    expect(await page.locator('nav.sidebar a[href*="/lessons/"]').count()).toBe(pages().filter((x) => x.startsWith('lessons/') && x.split('/').length > 3).length);
    await page.close();
  });

  it('ships no Monaco and at most 40 KB of gzipped JS worth of requests on lesson pages', async () => {
    const lessons = pages().filter((p) => p.startsWith('lessons/'));
    expect(lessons.length).toBeGreaterThan(0);
    for (const p of lessons) {
      const page = await s.context.newPage();
      const scripts: { url: string; bytes: number }[] = [];
      page.on('response', async (r) => {
        if (r.request().resourceType() !== 'script') return;
        const body = await r.body().catch(() => Buffer.alloc(0));
        scripts.push({ url: r.url(), bytes: body.length });
      });
      await page.goto(siteUrl + p, { waitUntil: 'networkidle' });
      expect(await page.locator('.monaco-editor').count(), p).toBe(0);
      // The Monaco chunk is megabytes; nothing on a lesson page comes near that.
      expect(scripts.filter((x) => x.bytes > 400_000), p).toEqual([]);
      await page.close();
    }
  });

  it("draws the dependency-graph lesson's graph from the model, cycle highlighted", async () => {
    const page = await s.context.newPage();
    await page.goto(`${siteUrl}lessons/foundations/dependency-graph/`, { waitUntil: 'networkidle' });
    const svg = page.locator('.lab-graph svg').first();
    expect(await svg.count()).toBe(1);
    const names = await svg.locator('.lab-graph-node text').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['dev_lock', 'queue_lock', 'stats_lock']));
    expect(await svg.locator('.lab-graph-node.lab-graph-cycle').count()).toBe(3);
    expect(await svg.locator('.lab-graph-edge.lab-graph-cycle').count()).toBe(3);
    // Every edge says where it was recorded.
    const labels = await svg.locator('.lab-graph-label').allTextContents();
    expect(labels.length).toBe(3);
    for (const l of labels) expect(l).toMatch(/graph\.c:\d+/);
    await svg.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/shots/lockgraph.png' });
    await page.close();
  });

  it('explains every line of the annotated splat on keyboard focus', async () => {
    const page = await s.context.newPage();
    await page.goto(`${siteUrl}lessons/foundations/reading-a-splat/`, { waitUntil: 'networkidle' });
    const lines = page.locator('.lab-splat-line[tabindex="0"]');
    expect(await lines.count()).toBeGreaterThan(10);
    const first = lines.first();
    const note = first.locator('.lab-splat-note');
    expect(await note.isVisible()).toBe(false);
    await first.focus();
    expect(await note.isVisible()).toBe(true);
    expect((await note.textContent())!.length).toBeGreaterThan(10);
    // Tab moves to the next explained line.
    await page.keyboard.press('Tab');
    expect(await lines.nth(1).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: '/tmp/shots/splat-focus.png' });
    await page.close();
  });

  it('explains a pasted report on the explain page, line by line, accessibly', async () => {
    const page = await s.context.newPage();
    const w = watch(page);
    await page.goto(`${siteUrl}explain/`, { waitUntil: 'networkidle' });
    await page.locator('#lab-explain-input').fill(
      ['[  1.0] ======================================================', '[  1.0] WARNING: possible circular locking dependency detected', '[  1.0] 6.1.0 #1 Not tainted', 'a line from some other driver'].join('\n'),
    );
    await page.locator('#lab-explain-input').press('Control+Enter');
    await page.locator('.lab-explain-report').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.lab-explain-report h3').first().textContent()).toContain('circular');
    // Every input line is shown, none dropped; each explained line is focusable.
    expect(await page.locator('#lab-explain-output .lab-splat-line').count()).toBe(4);
    expect(await page.locator('#lab-explain-output .lab-splat-line[tabindex="0"]').count()).toBeGreaterThan(1);
    const lessonLink = await page.locator('.lab-explain-report a').first().getAttribute('href');
    expect(lessonLink).toMatch(/^\/lockdep-lab\/lessons\//);
    const r = await new AxeBuilder({ page }).analyze();
    expect(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await shot(page, 'explain');
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('finds a lesson with Pagefind search', async () => {
    const page = await s.context.newPage();
    await page.goto(siteUrl, { waitUntil: 'networkidle' });
    await page.locator('site-search button[data-open-modal]:visible').click();
    const input = page.locator('#starlight__search .pagefind-ui__search-input');
    await input.waitFor({ timeout: 15_000 }).catch(async (e) => {
      await shot(page, 'search-failed');
      throw e;
    });
    await input.fill('circular');
    const link = page.locator('#starlight__search .pagefind-ui__result-link').first();
    await link.waitFor({ timeout: 15_000 });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/lockdep-lab\/lessons\//);
    await shot(page, 'search');
    await page.close();
  });

  it('has no serious or critical axe-core violations on any page', async () => {
    const all = pages();
    expect(all.length).toBeGreaterThan(3);
    const problems: string[] = [];
    const scan = async (p: string) => {
      const page = await s.context.newPage();
      await page.goto(siteUrl + p, { waitUntil: 'networkidle' });
      // Let islands (the exercise editor) settle before scanning.
      if (p.startsWith('exercises/') && p !== 'exercises/') await page.locator('lab-exercise[data-editor="monaco"] .monaco-editor').waitFor({ timeout: 20_000 });
      const r = await new AxeBuilder({ page }).exclude('.monaco-editor .view-lines').analyze();
      for (const v of r.violations)
        if (v.impact === 'serious' || v.impact === 'critical')
          problems.push(`${p}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      // Every page gets a screenshot for a person to look at.
      await shot(page, `page-${p.replace(/\/$/, '').replace(/\//g, '_') || 'home'}`);
      await page.close();
    };
    // A few pages at a time: the scans wait on the browser far more than on the CPU.
    const queue = [...all];
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) await scan(p);
    }));
    expect(problems.sort()).toEqual([]);
  }, 300_000);

  // The page-wide scans skip Monaco's text (its virtualised lines confuse other rules), so its token
  // colours get their own check in both themes: vs-dark's comment colour was 4.2:1 (QA F28).
  for (const scheme of ['dark', 'light'] as const)
    it(`keeps Monaco's code colours at 4.5:1 or more on exercise pages in the ${scheme} theme`, async () => {
      const b = await openBrowser({ colorScheme: scheme });
      const problems: string[] = [];
      try {
        for (const p of ['exercises/abba/', 'exercises/vgic-lpi-xa-order/']) {
          const page = await b.context.newPage();
          await page.goto(siteUrl + p, { waitUntil: 'networkidle' });
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
          await page.locator('lab-exercise[data-editor="monaco"] .monaco-editor .view-lines .view-line').first().waitFor({ timeout: 20_000 });
          // Tokenisation is lazy: wait until some comment is coloured as one.
          await page.waitForFunction(() => [...document.querySelectorAll('.monaco-editor .view-lines span span')].some((e) => /^\s*(\/\*|\/\/|\*)/.test(e.textContent ?? '')));
          const r = await new AxeBuilder({ page }).include('.monaco-editor .view-lines').withRules(['color-contrast']).analyze();
          for (const v of r.violations) problems.push(`${p}: axe ${v.id} — ${v.nodes.slice(0, 3).map((n) => n.failureSummary).join(' | ')}`);
          // Axe may leave text over Monaco's layered backgrounds as "incomplete": measure every token colour too.
          const low = await page.evaluate(() => {
            const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
            const lum = (c: number[]) => {
              const [r, g, b] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
              return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const ed = document.querySelector('lab-exercise .monaco-editor')!;
            const bg = rgb(getComputedStyle(ed.querySelector('.monaco-editor-background') ?? ed).backgroundColor);
            const out: string[] = [];
            for (const e of document.querySelectorAll<HTMLElement>('lab-exercise .monaco-editor .view-lines span span')) {
              if (!e.textContent?.trim()) continue;
              const fg = getComputedStyle(e).color;
              const [a, c] = [lum(rgb(fg)), lum(bg)];
              const ratio = (Math.max(a, c) + 0.05) / (Math.min(a, c) + 0.05);
              if (ratio < 4.5) out.push(`${JSON.stringify(e.textContent.slice(0, 30))} ${fg} on rgb(${bg}) = ${ratio.toFixed(2)}:1`);
            }
            return [...new Set(out)];
          });
          problems.push(...low.map((l) => `${p}: ${l}`));
          await shot(page, `monaco-${scheme}-${p.replace(/\/$/, '').replace(/\//g, '_')}`);
          await page.close();
        }
      } finally {
        await b.close();
      }
      expect(problems).toEqual([]);
    }, 120_000);

  it('has no serious or critical axe-core violations in the light theme either', async () => {
    const light = await openBrowser({ colorScheme: 'light' });
    const problems: string[] = [];
    try {
      for (const p of ['', 'lessons/foundations/abba/', 'lessons/foundations/dependency-graph/', 'lessons/foundations/reading-a-splat/', 'exercises/abba/', 'progress/', 'explain/']) {
        const page = await light.context.newPage();
        await page.goto(siteUrl + p, { waitUntil: 'networkidle' });
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
        if (p.startsWith('exercises/')) await page.locator('lab-exercise[data-editor="monaco"] .monaco-editor').waitFor({ timeout: 20_000 });
        const r = await new AxeBuilder({ page }).exclude('.monaco-editor .view-lines').analyze();
        for (const v of r.violations)
          if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${p}: ${v.id} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        await shot(page, `light-${p.replace(/\/$/, '').replace(/\//g, '_') || 'home'}`);
        await page.close();
      }
    } finally {
      await light.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps the page responsive and replaces the worker when learner code never ends', async () => {
    const page = await s.context.newPage();
    await page.goto(`${siteUrl}lessons/foundations/abba/`, { waitUntil: 'networkidle' });
    await page.waitForFunction(() => 'labRunner' in window || '__labRunner' in window);
    // The engine's own budgets are lifted so that only the page's watchdog can stop this run.
    const outcome = await page.evaluate(async () => {
      let ticks = 0;
      const t = setInterval(() => ticks++, 50);
      const runner = (window as any).__labRunner;
      const r = await runner.run([{ path: 'loop.c', text: 'void main(void)\n{\n\tfor (;;)\n\t\t;\n}\n' }], { maxTimeMs: 600_000, maxSteps: 1e15 }, 1500);
      clearInterval(t);
      return { ok: r.ok, reason: r.reason, message: r.message, ms: r.ms, ticks, workers: runner.workers() };
    });
    expect(outcome.ok).toBe(false);
    // Only the watchdog can end it.
    {
      expect(outcome.reason).toBe('timeout');
      expect(outcome.message).toMatch(/restarted/);
      expect(outcome.ms).toBeGreaterThanOrEqual(1400);
      // The main thread kept running its timers the whole time.
      expect(outcome.ticks).toBeGreaterThan(15);
      const again = await page.evaluate(async () => {
        const runner = (window as any).__labRunner;
        const r = await runner.run([{ path: 'ok.c', text: 'void main(void)\n{\n}\n' }]);
        return { ok: r.ok, status: r.ok ? r.value.status : r.message, workers: runner.workers() };
      });
      expect(again).toEqual({ ok: true, status: 'clean', workers: 2 });
    }
    await page.close();
  });

  it('runs a lesson example and shows the circular report in the terminal', async () => {
    const page = await s.context.newPage();
    await page.goto(`${siteUrl}lessons/foundations/abba/`, { waitUntil: 'networkidle' });
    const box = page.locator('lab-runnable').first();
    await box.locator('button.lab-run').click();
    const report = box.locator('.lab-term-report').first();
    await report.waitFor({ timeout: 10_000 });
    expect(await report.textContent()).toContain('possible circular locking dependency detected');
    await box.scrollIntoViewIfNeeded();
    await shot(page, 'lesson-abba-run');
    await page.close();
  });
});
