/**
 * Client-side drawings for the exercise page, from the same layout and parser
 * the build-time components use (LockGraph.astro, ScenarioLanes.astro): the
 * dependency graph of the learner's run and the report's unsafe scenario.
 */
import { layoutGraph, type LockGraphData } from './lockgraph.ts';
import { breakPieces, type Scenario } from './scenario.ts';

const SVG = 'http://www.w3.org/2000/svg';
let uid = 0;

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...kids: (Node | string)[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...kids);
  return e;
}

export function graphFigure(data: LockGraphData, caption: string): HTMLElement {
  const l = layoutGraph(data);
  const id = `lgc-${++uid}`;
  const name = (nid: string) => l.nodes.find((n) => n.id === nid)?.name ?? nid;
  const cyc = l.nodes.filter((n) => n.inCycle).map((n) => n.name);
  const desc =
    `${l.nodes.length} lock classes, ${l.edges.length} dependencies: ` +
    l.edges.map((e) => `${name(e.from)} then ${name(e.to)}${e.label ? ` (${e.label})` : ''}`).join('; ') +
    (cyc.length ? `. Cycle: ${cyc.join(' → ')} → ${cyc[0]}.` : '. No cycle.');
  const marker = (mid: string, cls: string) =>
    s('marker', { id: mid, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
  const svg = s(
    'svg',
    { viewBox: `0 0 ${l.width} ${l.height}`, width: l.width, style: `--w: ${l.width}px`, role: 'img', 'aria-labelledby': `${id}-t`, 'aria-describedby': `${id}-d` },
    s('title', { id: `${id}-t` }, 'Lock dependency graph of this run'),
    s('desc', { id: `${id}-d` }, desc),
    s('defs', {}, marker(`${id}-a`, 'lab-graph-arrow'), marker(`${id}-ac`, 'lab-graph-arrow lab-graph-cycle')),
  );
  const edgeClass = (e: (typeof l.edges)[number]) => `lab-graph-edge${e.inCycle ? ' lab-graph-cycle' : ''}${e.attempted ? ' lab-graph-attempted' : ''}`;
  for (const e of l.edges) svg.append(s('g', { class: edgeClass(e) }, s('path', { d: e.path, fill: 'none', 'marker-end': `url(#${id}-${e.inCycle ? 'ac' : 'a'})` })));
  // Labels over every line (with a halo in the page's colour), so a line crossing one never hides it.
  for (const e of l.edges) if (e.label) svg.append(s('g', { class: `lab-graph-elabel${e.inCycle ? ' lab-graph-cycle' : ''}` }, s('text', { x: e.lx, y: e.ly, 'text-anchor': e.anchor, class: 'lab-graph-label' }, e.label)));
  for (const n of l.nodes)
    svg.append(
      s('g', { class: `lab-graph-node${n.inCycle ? ' lab-graph-cycle' : ''}` }, s('rect', { x: n.x - n.w / 2, y: n.y - n.h / 2, width: n.w, height: n.h, rx: 6 }), s('text', { x: n.x, y: n.y + 4.5, 'text-anchor': 'middle' }, n.name)),
    );
  const fig = document.createElement('figure');
  fig.className = 'lab-graph';
  fig.tabIndex = 0;
  fig.setAttribute('role', 'group');
  fig.setAttribute('aria-label', caption);
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  fig.append(svg, cap);
  return fig;
}

export function scenarioFigure(sc: Scenario, caption: string): HTMLElement {
  const fig = document.createElement('figure');
  fig.className = 'lab-lanes';
  fig.style.setProperty('--lanes', String(sc.lanes.length));
  fig.tabIndex = 0;
  fig.setAttribute('role', 'group');
  fig.setAttribute('aria-label', caption);
  const table = document.createElement('table');
  const cap = table.createCaption();
  cap.className = 'sr-only';
  cap.textContent = `${caption}: ${sc.lanes.join(' and ')} side by side, time runs downwards`;
  const head = table.createTHead().insertRow();
  for (const t of ['time', ...sc.lanes]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t;
    if (t === 'time') th.className = 'lab-lanes-t';
    head.append(th);
  }
  const body = table.createTBody();
  sc.steps.forEach((st, i) => {
    const tr = body.insertRow();
    const t = tr.insertCell();
    t.className = 'lab-lanes-t';
    t.textContent = String(i + 1);
    sc.lanes.forEach((_, lane) => {
      const td = tr.insertCell();
      if (lane !== st.lane) {
        td.className = 'lab-lanes-idle';
        return;
      }
      td.className = `lab-lanes-step${/^<.*>$/.test(st.text) ? ' lab-lanes-event' : ''}`;
      td.style.paddingInlineStart = `${0.6 + st.indent * 1.2}rem`;
      const code = document.createElement('code');
      breakPieces(st.text).forEach((piece, k) => {
        if (k) code.append(document.createElement('wbr'));
        code.append(piece);
      });
      td.append(code);
    });
  });
  const out = document.createElement('p');
  out.className = 'lab-lanes-outcome';
  out.textContent = sc.outcome ?? '';
  fig.append(table, out);
  return fig;
}
