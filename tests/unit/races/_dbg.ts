import { readFileSync } from 'node:fs';
import { runProgram } from '../../../src/engine/index.ts';
const d = '/work/main/exercises/softirq-bh/';
const files = ['rx_ring.c', 'harness.c'].map((p) => ({ path: p, text: readFileSync(d + (p === 'rx_ring.c' ? 'solution/' : '') + p, 'utf8') }));
runProgram(files, { observers: [{ event: (e) => { if (e.kind === 'access' && e.ctx.stack[0]?.fn === 'rx_ring_push' || e.kind.startsWith('softirq')) console.log(e.kind, e.ctx.cpu, e.ctx.task, 'SC', e.ctx.softirqCount, 'HC', e.ctx.hardirqCount, 'irqs', e.ctx.hardirqsEnabled, 'se', e.ctx.softirqsEnabled, 'pc', e.ctx.preemptCount); } }] });
