// Lockdep Lab service worker: the course keeps working offline once it has been opened.
// On install it caches every page (from offline-manifest.json) and the scripts and styles
// they use, following the imports of each script (the lab worker and the engine included).
// Monaco (the one chunk over 1 MB) is cached the first time an exercise page opens it.
// Hashed /_astro/ files are served from the cache first; pages and data go to the network
// first and fall back to the cache, so an online learner always gets the newest build.
// Served by src/site/pages/sw.js.ts, which stamps each build: a new build is a new
// service worker, which caches the new pages and then drops the old cache.
const CACHE = 'lockdep-lab-__BUILD__';
const SCOPE = new URL('./', self.location).pathname;
const BIG = 1_000_000;
// Static hosts (and astro preview) send `Vary: Origin`; a module import from a worker carries an
// Origin header the precache request did not, so a Vary-respecting match would miss every time.
const MATCH = { ignoreVary: true };

function assetRefs(text, from) {
  const out = new Set();
  for (const m of text.matchAll(/["'`(]((?:\.\/|\/)[^"'`()\s]*_astro\/[\w.\-]+\.(?:js|css|ttf|woff2?|svg))/g)) out.add(new URL(m[1], from).href);
  for (const m of text.matchAll(/["'`](\.\/[\w.\-]+\.(?:js|css))["'`]/g)) out.add(new URL(m[1], from).href);
  return out;
}

async function precache() {
  const cache = await caches.open(CACHE);
  const res = await fetch(SCOPE + 'offline-manifest.json', { cache: 'no-cache' });
  if (!res.ok) return;
  const { pages } = await res.json();
  const seen = new Set();
  const queue = [...pages.map((p) => new URL(p, self.location).href), new URL(SCOPE + 'favicon.svg', self.location).href];
  while (queue.length) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    try {
      const r = await fetch(url, { cache: 'no-cache' });
      if (!r.ok) continue;
      const type = r.headers.get('content-type') ?? '';
      const len = Number(r.headers.get('content-length') ?? 0);
      if (len > BIG) continue;
      const body = await r.clone().arrayBuffer();
      if (body.byteLength > BIG) continue;
      await cache.put(url, r);
      if (/html|javascript|css/.test(type)) for (const ref of assetRefs(new TextDecoder().decode(body), url)) if (!seen.has(ref)) queue.push(ref);
    } catch {
      // Offline during install: the next visit tries again.
    }
  }
}

self.addEventListener('install', (e) => {
  e.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('lockdep-lab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) return;
  if (url.pathname.startsWith(SCOPE + '_astro/')) {
    e.respondWith(
      caches.match(req, MATCH).then(
        (hit) =>
          hit ??
          fetch(req).then((r) => {
            // Clone now: the page starts reading the body as soon as we return it.
            if (r.ok) {
              const copy = r.clone();
              caches.open(CACHE).then((c) => c.put(req, copy));
            }
            return r;
          }),
      ),
    );
    return;
  }
  e.respondWith(
    fetch(req)
      .then((r) => {
        if (r.ok && !url.pathname.includes('/pagefind/')) {
          const copy = r.clone();
          caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return r;
      })
      .catch(() => caches.match(req, { ...MATCH, ignoreSearch: true }).then((hit) => hit ?? caches.match(url.pathname.replace(/\/?$/, '/'), MATCH)).then((hit) => hit ?? Response.error())),
  );
});
