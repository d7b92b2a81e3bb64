/**
 * Every lesson example still produces the reports its lesson quotes, in order.
 * The lessons quote headers, class names and usage strings from the engine's
 * real output, so a change in the engine or in an example that would make a
 * lesson lie fails here first.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';
import { LESSONS } from '../../../src/explain/index.ts';

const assets = join(import.meta.dirname, '../../../content/docs/lessons/_assets');

interface Expect {
  /** Report headers in the order the lessons show them ([] = must run clean). */
  headers: string[];
  /** Substrings that must appear in the kernel log (names and strings the lesson quotes). */
  quotes?: string[];
}

const EXPECT: Record<string, Expect> = {
  'possible.c': {
    headers: ['WARNING: possible circular locking dependency detected'],
    quotes: ['(lock_a){+.+.}-{3:3}', '-> #1 (lock_b)', 'first: done'],
  },
  'classes.c': {
    headers: ['WARNING: possible recursive locking detected'],
    quotes: ['(&b->lock)', 'May be due to missing lock nesting notation', 'moved: src=0 dst=1'],
  },
  'graph.c': {
    headers: ['WARNING: possible circular locking dependency detected'],
    quotes: ['Chain exists of:', '  dev_lock --> queue_lock --> stats_lock', '-> #2 (stats_lock)'],
  },
  'recursive.c': {
    headers: ['WARNING: possible recursive locking detected'],
    quotes: ['(&dev.lock){+.+.}-{3:3}', 'BUG: soft lockup'],
  },
  'irq.c': {
    headers: ['WARNING: inconsistent lock state'],
    quotes: ['inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.', '[HC1[1]:SC0[0]:HE0:SE1]', '(stats_lock){?.+.}-{3:3}', '<Interrupt>'],
  },
  'irq-restore.c': {
    headers: ['WARNING: inconsistent lock state'],
    quotes: ['inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.', '(&nic->hw_lock){?...}-{3:3}'],
  },
  'sleep.c': {
    headers: ['BUG: sleeping function called from invalid context at kernel/locking/mutex.c:283', '[ BUG: Invalid wait context ]'],
    quotes: ['(fw_mutex){....}-{4:4}', 'context-{5:5}', 'Tainted: G        W'],
  },
  'raw-nesting.c': {
    headers: ['[ BUG: Invalid wait context ]'],
    quotes: ['(event_lock){....}-{3:3}', '(hw_lock){+.+.}-{2:2}'],
  },
  'klist-repro.c': {
    headers: ['WARNING: inconsistent lock state'],
    quotes: ['(&k->k_lock){?.+.}-{3:3}', 'inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.', 'DMAR: fault on device d0'],
  },
  'vmx-pi.c': {
    headers: ['WARNING: possible circular locking dependency detected'],
    quotes: ['  &p->pi_lock --> &rq->__lock --> &per_cpu(wakeup_vcpus_on_cpu_lock, cpu)', '(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)){-...}-{2:2}'],
  },
  'vgic-race.c': {
    headers: ['BUG: KCSAN: data-race in vcpu0_fold / vcpu1_disable_lpis'],
    quotes: ['fold: 3 interrupts on the ap_list'],
  },
};


describe('lesson examples', () => {
  for (const [file, want] of Object.entries(EXPECT)) {
    it(`${file} prints what the lesson shows`, () => {
      const text = readFileSync(join(assets, file), 'utf8');
      const r = runProgram([{ path: file, text }]);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(r.status === 'clean' || r.status === 'reported').toBe(true);
      expect(r.reports.map((x) => x.header)).toEqual(want.headers);
      for (const q of want.quotes ?? []) expect(r.text).toContain(q);
    });
  }
});

describe('decoder lesson links', () => {
  // `lockdep-lab explain` sends readers to a lesson per report kind: each must exist.
  for (const [kind, path] of Object.entries(LESSONS)) {
    it(`${kind} -> ${path} is a lesson page`, () => {
      const file = join(import.meta.dirname, '../../../content/docs', path.replace(/\/$/, '') + '.mdx');
      expect(existsSync(file), file).toBe(true);
    });
  }
});
