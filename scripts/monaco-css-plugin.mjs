// Vite plugin: Monaco's CSS ships inside Monaco's lazy JS chunk instead of as a
// <link> on every page. Astro links any CSS reachable from a component script,
// even through a dynamic import, on every page of the route (withastro/astro#9495),
// which would put ~20 KB gz of Monaco CSS on lesson pages that never open an editor.
const PREFIX = '\0monaco-css:';

/** @returns {import('vite').Plugin} */
export function monacoCssAsJs() {
  return {
    name: 'monaco-css-as-js',
    enforce: 'pre',
    async resolveId(src, importer) {
      if (!importer || !src.endsWith('.css') || !/[\\/]monaco-editor[\\/]/.test(importer)) return null;
      const r = await this.resolve(src, importer, { skipSelf: true });
      // The id must not end in .css, or Vite's CSS pipeline takes it back.
      return r ? PREFIX + r.id + '.js' : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = id.slice(PREFIX.length, -3);
      return `import css from ${JSON.stringify(file + '?inline')};
const s = document.createElement('style'); s.dataset.monaco = ''; s.textContent = css; document.head.appendChild(s);`;
    },
  };
}
