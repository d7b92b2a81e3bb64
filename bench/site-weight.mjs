#!/usr/bin/env node
// Per-page JS and CSS weight of the built site (dist/, or the folder given as
// the first argument), raw and gzipped (level 9), from the HTML and the
// import graph of the emitted chunks:
//   eager JS  = scripts the page references + their static imports (+ inline scripts),
//   lazy JS   = chunks reachable through dynamic import() (fetched on use),
//   workers   = Web Worker chunks with everything they import (fetched on first Run/Grade), listed separately.
// Budgets checked (exit 1 when broken): a lesson page ships at most 40 KB gz of
// JS (eager + lazy, workers excluded); Monaco is reachable only from pages with
// an exercise editor. Usage: npm run build && npx node bench/site-weight.mjs [dist]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const LESSON_JS_BUDGET = 40 * 1024;
if (!existsSync(join(dist, '_astro'))) {
  console.error(`site-weight: ${dist}/_astro not found; run \`npm run build\` first.`);
  process.exit(2);
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(7);
const fileCache = new Map();
function read(path) {
  if (!fileCache.has(path)) fileCache.set(path, existsSync(path) ? readFileSync(path) : null);
  return fileCache.get(path);
}

/** `/lockdep-lab/_astro/x.js` -> `<dist>/_astro/x.js` whatever the base. */
function assetPath(url) {
  const i = url.indexOf('_astro/');
  return i < 0 ? null : join(dist, url.slice(i));
}

/** Static imports, dynamic imports and worker entries of one chunk. */
function edges(file) {
  const text = read(file)?.toString('utf8') ?? '';
  const dir = file.slice(0, file.lastIndexOf(sep) + 1);
  const res = (spec) => (spec.startsWith('./') ? join(dir, spec.slice(2)) : assetPath(spec));
  const stat = new Set();
  const dyn = new Set();
  const workers = new Set();
  for (const m of text.matchAll(/(?:^|[;}\n\s])(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["'`](\.\/[^"'`]+\.js)["'`]/g)) stat.add(res(m[1]));
  for (const m of text.matchAll(/import\(\s*["'`](\.\/[^"'`]+\.js)["'`]\s*\)/g)) dyn.add(res(m[1]));
  for (const m of text.matchAll(/__vite__mapDeps=[^\n]*?\[([^\]]*)\]/g))
    for (const s of m[1].matchAll(/["'`]([^"'`]+\.(?:js|css))["'`]/g)) dyn.add(assetPath(s[1]));
  for (const m of text.matchAll(/new URL\(\s*["'`]([^"'`]+\.js)["'`]/g)) workers.add(m[1].startsWith('./') ? res(m[1]) : assetPath(m[1]));
  for (const m of text.matchAll(/["'`]((?:\.\/|\/[^"'`]*_astro\/)[\w.-]*worker[\w.-]*\.js)["'`]/g)) workers.add(res(m[1]));
  for (const w of workers) {
    stat.delete(w);
    dyn.delete(w);
  }
  return { stat: [...stat].filter(Boolean), dyn: [...dyn].filter(Boolean), workers: [...workers].filter(Boolean) };
}

function closure(roots) {
  const eager = new Set();
  const lazy = new Set();
  const workers = new Set();
  const walk = (f, into) => {
    if (into.has(f) || (into === lazy && eager.has(f))) return;
    into.add(f);
    const e = edges(f);
    for (const s of e.stat) walk(s, into);
    for (const d of e.dyn) if (!eager.has(d)) walk(d, lazy);
    for (const w of e.workers) workers.add(w);
  };
  for (const r of roots) walk(r, eager);
  for (const f of eager) lazy.delete(f);
  // A worker's weight is its whole graph: the engine is imported lazily from inside the lab worker.
  const inWorkers = new Set();
  const walkWorker = (f) => {
    if (inWorkers.has(f)) return;
    inWorkers.add(f);
    const e = edges(f);
    for (const x of [...e.stat, ...e.dyn, ...e.workers]) walkWorker(x);
  };
  for (const w of workers) walkWorker(w);
  return { eager, lazy, workers: inWorkers };
}

const sum = (files) => {
  let raw = 0;
  let z = 0;
  for (const f of files) {
    const b = read(f);
    if (!b) continue;
    raw += b.length;
    z += gz(b);
  }
  return { raw, gz: z };
};
const isMonaco = (f) => /MonacoEnvironment|monaco-editor/.test(read(f)?.toString('utf8') ?? '') && (read(f)?.length ?? 0) > 500_000;

function pages() {
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (n !== '_astro' && n !== 'pagefind') walk(p);
      } else if (n.endsWith('.html')) out.push(p);
    }
  };
  walk(dist);
  return out.sort();
}

const rows = [];
const problems = [];
for (const html of pages()) {
  const text = readFileSync(html, 'utf8');
  const page = '/' + relative(dist, html).split(sep).join('/').replace(/index\.html$/, '');
  const scripts = [...text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => assetPath(m[1])).filter(Boolean);
  const preloads = [...text.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => assetPath(m[1])).filter(Boolean);
  const inline = [...text.matchAll(/<script\b(?![^>]*\bsrc=)(?![^>]*type="application\/(?:json|ld\+json)")[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const inlineImports = inline.flatMap((s) => [...s.matchAll(/["'`]([^"'`]*_astro\/[^"'`]+\.js)["'`]/g)].map((m) => assetPath(m[1])));
  const css = [...new Set([...text.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].filter((m) => !/media="print"/.test(m[0])).map((m) => assetPath(m[1])).filter(Boolean))];
  const { eager, lazy, workers } = closure([...scripts, ...preloads, ...inlineImports]);
  const inlineBuf = Buffer.from(inline.join('\n'));
  const e = sum(eager);
  e.raw += inlineBuf.length;
  e.gz += inline.length ? gz(inlineBuf) : 0;
  const l = sum(lazy);
  const w = sum(workers);
  const c = sum(css);
  const hasEditor = text.includes('<lab-exercise');
  const monaco = [...eager, ...lazy].some(isMonaco);
  rows.push({ page, e, l, w, c, monaco, hasEditor, workers: workers.size });
  if (monaco && !hasEditor) problems.push(`${page}: Monaco is reachable from a page without an exercise editor`);
  if (page.startsWith('/lessons/') && !hasEditor && e.gz + l.gz > LESSON_JS_BUDGET)
    problems.push(`${page}: ${((e.gz + l.gz) / 1024).toFixed(1)} KB gz of JS, over the 40 KB lesson budget`);
}

console.log(`site weight of ${dist} (KB; gz = gzip -9)`);
console.log('page'.padEnd(48) + '  eagerJS    gz   lazyJS    gz  workers    gz      CSS    gz  monaco');
for (const r of rows)
  console.log(
    r.page.padEnd(48).slice(0, 48) +
      `${kb(r.e.raw)}${kb(r.e.gz)}${kb(r.l.raw)}${kb(r.l.gz)}${kb(r.w.raw)}${kb(r.w.gz)}${kb(r.c.raw)}${kb(r.c.gz)}  ${r.monaco ? 'yes' : 'no'}`,
  );
const lessons = rows.filter((r) => r.page.startsWith('/lessons/') && !r.hasEditor);
if (lessons.length) {
  const worst = lessons.reduce((a, b) => (a.e.gz + a.l.gz >= b.e.gz + b.l.gz ? a : b));
  console.log(`heaviest lesson page: ${worst.page} ${((worst.e.gz + worst.l.gz) / 1024).toFixed(1)} KB gz JS (budget 40 KB)`);
}
if (problems.length) {
  console.log(problems.map((p) => `BUDGET: ${p}`).join('\n'));
  process.exit(1);
}
console.log('budgets: ok');
