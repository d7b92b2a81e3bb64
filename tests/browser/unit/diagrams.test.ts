import { describe, expect, it } from 'vitest';
import { breakPieces, parseScenario } from '../../../src/site/lib/scenario.ts';
import { findCycle, layoutGraph } from '../../../src/site/lib/lockgraph.ts';
import { toGraphData } from '../../../src/site/lib/lockgraph-run.ts';
import { frameLine, functionLines } from '../../../src/site/lib/terminal.ts';

const CIRCULAR = `
 Possible unsafe locking scenario:

       CPU0                    CPU1
       ----                    ----
  lock(&p->pi_lock);
                               lock(&rq->__lock);
                               lock(&p->pi_lock);
  lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));

 *** DEADLOCK ***

3 locks held by CPU 0/KVM/1234:
`;

const IRQ = `
 Possible unsafe locking scenario:

       CPU0
       ----
  lock(&k->k_lock);
  <Interrupt>
    lock(&k->k_lock);

 *** DEADLOCK ***
`;

describe('parseScenario', () => {
  it('puts each step of a two-CPU scenario in the column it is printed in', () => {
    const s = parseScenario(CIRCULAR)!;
    expect(s.lanes).toEqual(['CPU0', 'CPU1']);
    expect(s.steps.map((x) => [x.lane, x.text])).toEqual([
      [0, 'lock(&p->pi_lock);'],
      [1, 'lock(&rq->__lock);'],
      [1, 'lock(&p->pi_lock);'],
      [0, 'lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));'],
    ]);
    expect(s.outcome).toBe('*** DEADLOCK ***');
    // Each lane starts at its own left edge: nothing in a two-CPU scenario is indented.
    expect(s.steps.map((x) => x.indent)).toEqual([0, 0, 0, 0]);
  });

  it('keeps the <Interrupt> scenario on one CPU with the interrupt step indented', () => {
    const s = parseScenario(IRQ)!;
    expect(s.lanes).toEqual(['CPU0']);
    expect(s.steps.map((x) => [x.text, x.indent])).toEqual([
      ['lock(&k->k_lock);', 0],
      ['<Interrupt>', 0],
      ['lock(&k->k_lock);', 1],
    ]);
  });

  it('returns null without a CPU header', () => {
    expect(parseScenario('lock(a);\nlock(b);')).toBeNull();
  });
});

describe('scenario step break points', () => {
  it('breaks after "(" and "," and before "->" and ".", never inside a name, and loses no character', () => {
    for (const t of ['lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu));', 'lock(&dist->lpi_xa.xa_lock);', '<Interrupt>', 'lock(&vgic_cpu->ap_list_lock);']) {
      const p = breakPieces(t);
      expect(p.join('')).toBe(t);
      for (let i = 1; i < p.length; i++) expect(/\w$/.test(p[i - 1]) && /^\w/.test(p[i]), `${p[i - 1]}|${p[i]}`).toBe(false);
    }
    expect(breakPieces('lock(&dist->lpi_xa.xa_lock);')).toEqual(['lock(', '&dist', '->lpi_xa', '.xa_lock);']);
    expect(breakPieces('<Interrupt>')).toEqual(['<Interrupt>']);
  });
});

describe('lock graph', () => {
  const abba = {
    nodes: [
      { id: 'a', name: 'lock_a' },
      { id: 'b', name: 'lock_b' },
      { id: 'c', name: 'lock_c' },
    ],
    edges: [
      { from: 'a', to: 'b', label: 'first()' },
      { from: 'b', to: 'a', label: 'second()' },
      { from: 'b', to: 'c' },
    ],
  };

  it('finds the cycle and marks only its nodes and edges', () => {
    expect(findCycle(abba)).toEqual(['a', 'b']);
    const l = layoutGraph(abba);
    expect(l.nodes.filter((n) => n.inCycle).map((n) => n.id)).toEqual(['a', 'b']);
    expect(l.edges.map((e) => [e.from, e.to, e.inCycle])).toEqual([
      ['a', 'b', true],
      ['b', 'a', true],
      ['b', 'c', false],
    ]);
  });

  it('places every node inside the drawing and the two edges of a pair on different paths', () => {
    const l = layoutGraph(abba);
    for (const n of l.nodes) {
      expect(n.x - n.w / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w / 2).toBeLessThanOrEqual(l.width);
      expect(n.y + n.h / 2).toBeLessThanOrEqual(l.height);
    }
    expect(l.edges[0].path).not.toBe(l.edges[1].path);
  });

  it('keeps long edge labels inside the drawing on every side (11px monospace is 6.6px a character)', () => {
    // The vgic exercise's graph: labels of 38 characters left and right of the ring were cut off at x < 0.
    const g = {
      nodes: ['fs_reclaim', '&dist->lpi_xa.xa_lock', 'rcu_read_lock', '&irq->irq_lock', '&vgic_cpu->ap_list_lock', '&irq->irq_lock#2'].map((name, i) => ({ id: String(i), name })),
      edges: [
        { from: '4', to: '1', label: 'vgic_queue_irq_unlock() vgic-irq.c:171' },
        { from: '1', to: '4', label: 'refused: vgic-irq.c:129' },
        { from: '4', to: '5', label: 'vgic_queue_irq_unlock() vgic-irq.c:172' },
        { from: '4', to: '3', label: 'vgic_queue_irq_unlock() vgic-irq.c:172' },
        { from: '1', to: '3', label: 'vgic_its_inv_lpi() its.c:52' },
      ],
    };
    const l = layoutGraph(g);
    for (const e of l.edges) {
      const w = e.label!.length * 6.6;
      const left = e.anchor === 'start' ? e.lx : e.anchor === 'end' ? e.lx - w : e.lx - w / 2;
      expect(left, e.label).toBeGreaterThanOrEqual(0);
      expect(left + w, e.label).toBeLessThanOrEqual(l.width);
    }
  });

  it('has no cycle in a chain', () => {
    expect(findCycle({ nodes: abba.nodes, edges: [abba.edges[0], abba.edges[2]] })).toBeUndefined();
  });

  it('maps a model graph with positions and a report chain onto graph data', () => {
    const g = toGraphData(
      {
        classes: [
          { key: 'static:a', name: 'lock_a' },
          { key: 'static:b', name: 'lock_b' },
        ],
        edges: [{ from: 'static:a', to: 'static:b', pos: { file: 'x.c', line: 7, col: 2 }, fn: 'first' }],
      },
      ['lock_b', 'lock_a'],
    )!;
    expect(g.nodes.map((n) => n.id)).toEqual(['static:a', 'static:b']);
    expect(g.edges).toEqual([{ from: 'static:a', to: 'static:b', label: 'first() x.c:7' }]);
    expect(g.cycle).toEqual(['static:b', 'static:a']);
  });
});

describe('the model graph with a refused edge', () => {
  it('labels edges from their recording stack and adds the cycle-closing edge lockdep refused', () => {
    const frame = (fn: string, line?: number, synthetic = false) => ({ fn, offset: 0, size: 1, synthetic, pos: line ? { file: 'g.c', line, col: 2 } : undefined });
    const g = toGraphData(
      {
        classes: [
          { id: 1, name: 'dev_lock' },
          { id: 2, name: 'queue_lock' },
        ],
        edges: [{ from: 1, to: 2, stack: [frame('_raw_spin_lock', undefined, true), frame('submit', 12), frame('main', 30)] }],
      },
      ['dev_lock', 'queue_lock'],
      'g.c:20',
    )!;
    expect(g.edges).toEqual([
      { from: '1', to: '2', label: 'submit() g.c:12' },
      { from: '2', to: '1', label: 'refused: g.c:20', attempted: true },
    ]);
    expect(g.cycle).toEqual(['1', '2']);
    expect(layoutGraph(g).edges.map((e) => e.inCycle)).toEqual([true, true]);
  });
});

describe('functionLines', () => {
  it('finds kernel-style definitions, not calls or declarations', () => {
    const src = ['static void klist_next(struct klist_iter *i)', '{', '\tspin_lock(&k->k_lock);', '}', 'int foo(void);', 'void __init setup(void) {', '\tif (x) {', '}'].join('\n');
    const m = functionLines(src);
    expect(m.get('klist_next')).toBe(1);
    expect(m.get('setup')).toBe(6);
    expect(m.has('foo')).toBe(false);
    expect(m.has('spin_lock')).toBe(false);
  });
});

describe('frameLine', () => {
  it('maps the simulated kernel offsets back to the line, and falls back to the definition', () => {
    // stats_reset starts on line 25; +0x56 is its spin_lock on line 30 (4 + 16 * 5 + col 2).
    expect(frameLine(25, 0x56, 50)).toBe(30);
    expect(frameLine(25, 4, 50)).toBe(25);
    expect(frameLine(25, 0x1f0, 40)).toBe(25);
    expect(frameLine(25, 0, 50)).toBe(25);
  });
});
