/**
 * Runs every lesson example through the engine and checks that it still
 * produces the reports the lessons describe, in order. The lessons quote
 * headers, class names and usage strings, so a change in the engine or in an
 * example that breaks a lesson should break here first.
 *
 *   npx node content/docs/lessons/_assets/check-examples.ts
 *
 * Exit 0 when every example matches, 1 otherwise (each mismatch is printed).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../../../src/engine/index.ts';

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
    headers: ['BUG: KCSAN: data-race in main / vcpu0_fold', 'BUG: KCSAN: data-race in vcpu0_fold / vcpu1_disable_lpis'],
    quotes: ['fold: 3 interrupts on the ap_list'],
  },
};

const here = dirname(fileURLToPath(import.meta.url));
let bad = 0;
for (const [file, want] of Object.entries(EXPECT)) {
  const text = readFileSync(join(here, file), 'utf8');
  const r = runProgram([{ path: file, text }]);
  const problems: string[] = [];
  if (r.status === 'invalid' || r.status === 'budget') problems.push(`did not run (${r.status}): ${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}${r.budget ? r.budget.message : ''}`);
  const got = r.reports.map((x) => x.header);
  if (JSON.stringify(got) !== JSON.stringify(want.headers)) problems.push(`reports ${JSON.stringify(got)}, lesson shows ${JSON.stringify(want.headers)}`);
  for (const q of want.quotes ?? []) if (!r.text.includes(q)) problems.push(`log lacks ${JSON.stringify(q)}`);
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${file}${problems.map((p) => `\n     ${p}`).join('')}`);
  if (problems.length) bad++;
}
console.log(`${Object.keys(EXPECT).length - bad} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
