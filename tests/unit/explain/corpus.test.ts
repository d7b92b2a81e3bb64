/**
 * The decoder against the corpus of real reports in tests/fixtures/splats.
 * Each file starts with a `# source:` line (not part of the paste). For each
 * we check the kind(s), the lock names the report prints, and the share of
 * non-empty lines placed in a report (threshold per file: prose around a
 * report, interleaved output and cut-off fragments stay unplaced).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLog } from '../../../src/explain/index.ts';
import type { DecodedKind } from '../../../src/explain/index.ts';

const DIR = join(import.meta.dirname, '../../fixtures/splats');

interface Expect {
  kinds: DecodedKind[];
  /** Lock names report 0 must list (lockNames). */
  locks: string[];
  /** Minimum share of non-empty lines placed. */
  placed: number;
  /** Maximum share: prose and foreign output must stay unplaced. */
  maxPlaced?: number;
  truncated?: boolean;
}

const EXPECT: Record<string, Expect> = {
  '01-circular-syzbot-ext4-6.2.txt': { kinds: ['circular'], locks: ['&sb->s_type->i_mutex_key#8', '&journal->j_checkpoint_mutex', '&journal->j_barrier'], placed: 0.9, truncated: true },
  '02-circular-syzbot-exfat-6.1.txt': { kinds: ['circular'], locks: ['&mm->mmap_lock', '&sbi->s_lock'], placed: 0.9, truncated: true },
  '03-circular-btrfs-5.2-quoted.txt': { kinds: ['circular'], locks: ['sb_internal', 'fs_reclaim', 'shrinker_rwsem', '&type->s_umount_key#30'], placed: 0.9 },
  '04-circular-io_uring-5.14-flattened.txt': { kinds: ['circular'], locks: ['&sqd->lock', '&ctx->uring_lock'], placed: 0.8, maxPlaced: 0.9 },
  '05-circular-rtw88-5.18-continuation.txt': { kinds: ['circular'], locks: ['&rtwdev->mutex', '&local->iflist_mtx'], placed: 0.9 },
  '06-circular-ceph-4.5-syslog-bracketed.txt': { kinds: ['circular'], locks: ['&sb->s_type->i_mutex_key#19', '&pipe->mutex/1'], placed: 0.95 },
  '07-inconsistent-klist-5.20-seed.txt': { kinds: ['inconsistent'], locks: ['&k->k_lock'], placed: 0.65, maxPlaced: 0.75, truncated: false },
  '08-inconsistent-scoutfs-5.14-tabs.txt': { kinds: ['inconsistent'], locks: ['&recinf->lock'], placed: 0.85 },
  '09-inconsistent-irati-3.15-syslog.txt': { kinds: ['inconsistent'], locks: ['&(&tables_lock)->rlock'], placed: 0.9 },
  '10-inconsistent-xfs-4.7-reclaimfs.txt': { kinds: ['inconsistent'], locks: ['&xfs_nondir_ilock_class'], placed: 0.65 },
  '11-irq-inversion-syzbot-aio-5.3.txt': { kinds: ['irq-inversion'], locks: ['&(&ctx->ctx_lock)->rlock', '&fiq->waitq', 'rcu_callback', 'rcu_read_lock_sched'], placed: 0.95 },
  '12-irq-inversion-pcpu-2.6.32-bracketed.txt': { kinds: ['irq-inversion'], locks: ['pcpu_lock', 'vmap_area_lock'], placed: 0.55, maxPlaced: 0.7 },
  '13-irq-safe-unsafe-kernfs-6.7-indented.txt': { kinds: ['irq-safe-unsafe'], locks: ['kernfs_idr_lock', '&rq->__lock'], placed: 0.9 },
  '14-irq-safe-unsafe-pcspkr-6.14-mailquote.txt': { kinds: ['irq-safe-unsafe'], locks: ['i8253_lock', '&dev->event_lock'], placed: 0.78 },
  '15-irq-safe-unsafe-balena-4.1-bracketed.txt': { kinds: ['irq-safe-unsafe'], locks: ['&p->nr_sects_seq', '&(&md->lock)->rlock'], placed: 0.9 },
  '16-invalid-wait-context-bcachefs-6.2-journal-kmsg.txt': { kinds: ['invalid-wait-context'], locks: ['target_list_lock', '&c->state_lock', 'console_lock', 'console_srcu'], placed: 0.8 },
  '17-invalid-wait-context-rust-pl061-5.17.txt': { kinds: ['invalid-wait-context'], locks: ['PL061Data::inner', '&dev->mutex', 'irq_domain_mutex', 'lock_class'], placed: 0.75 },
  '18-invalid-wait-context-bcachefs-6.15-rt.txt': { kinds: ['invalid-wait-context'], locks: ['(&c->lock)', '&c->btree_trans_barrier', 'bcachefs_btree', '&p->lock#2'], placed: 0.8 },
  '19-recursive-bore-6.13-continuation.txt': { kinds: ['recursive'], locks: ['&p->se.child_burst.lock'], placed: 0.8 },
  '20-recursive-zfs-2.6.32-old.txt': { kinds: ['recursive'], locks: ['&zio->io_lock'], placed: 0.85 },
  '21-recursive-tempesta-3.10-softirq.txt': { kinds: ['recursive'], locks: ['slock-AF_INET/1', 'rcu_read_lock'], placed: 0.85 },
  '22-recursive-sdcard-5.0-journalctl.txt': { kinds: ['recursive'], locks: ['&type->i_mutex_dir_key#11'], placed: 0.75 },
  '23-bad-unlock-syzbot-arm64-6.14.txt': { kinds: ['bad-unlock-balance', 'unknown'], locks: ['&mm->mmap_lock'], placed: 0.8 },
  '24-bad-unlock-irati-3.10-cut.txt': { kinds: ['bad-unlock-balance'], locks: [], placed: 0.3, maxPlaced: 0.5, truncated: true },
  '25-bad-unlock-kgdb-5.18-heldlocks.txt': { kinds: ['bad-unlock-balance'], locks: ['dbg_slave_lock', 'sb_writers#3', 'rcu_read_lock', 'dbg_master_lock'], placed: 0.5, maxPlaced: 0.6 },
  '26-held-lock-freed-syzbot-uprobe-5.11.txt': { kinds: ['held-lock-freed', 'unknown'], locks: ['&uprobe->register_rwsem', 'event_mutex'], placed: 0.85, maxPlaced: 0.92 },
  '27-locks-held-at-exit-pulseaudio-5.3-arm.txt': { kinds: ['locks-held-at-exit'], locks: ['&hcp->lock'], placed: 0.75 },
  '28-returning-to-user-bcachefs-5.9-interleaved.txt': { kinds: ['lock-held-returning-to-user'], locks: ['fs_reclaim'], placed: 0.65, maxPlaced: 0.75 },
  '29-returning-to-user-dattobd-5.0-hashed.txt': { kinds: ['lock-held-returning-to-user'], locks: ['&ioctl_mutex'], placed: 0.65 },
  '30-nested-lock-xen-6.12.txt': { kinds: ['nested-lock-not-taken'], locks: ['ptlock_ptr(ptdesc)#2', 'init_mm.page_table_lock', 'pgd_lock'], placed: 0.85 },
  '31-suspicious-rcu-mcelog-4.13.txt': { kinds: ['suspicious-rcu'], locks: ['"events"', '(&mce_work)', '(x86_mce_decoder_chain).rwsem'], placed: 0.9 },
  '32-suspicious-rcu-mptcp-6.12-callerid.txt': { kinds: ['suspicious-rcu'], locks: [], placed: 0.7 },
  '33-suspicious-rcu-tempesta-4.1-bracketed.txt': { kinds: ['suspicious-rcu'], locks: ['((&icsk->icsk_retransmit_timer))', 'slock-AF_INET'], placed: 0.85 },
  '34-sleeping-bcachefs-6.15-rt.txt': { kinds: ['sleeping-in-atomic'], locks: ['sb_writers#7', '&sb->s_type->i_mutex_key#12', 'journal res', '&p->lock#2'], placed: 0.8 },
  '35-sleeping-irati-3.15-kmsg.txt': { kinds: ['sleeping-in-atomic'], locks: ['&(&instance->data->lock)->rlock'], placed: 0.45, maxPlaced: 0.55 },
  '36-sleeping-mt76-4.14-mips-quoted.txt': { kinds: ['sleeping-in-atomic'], locks: [], placed: 0.9 },
  '37-kcsan-ppc-6.2.txt': { kinds: ['kcsan-data-race'], locks: [], placed: 0.95 },
  '38-unknown-debug-locks-warn-on-4.4.txt': { kinds: ['unknown'], locks: [], placed: 0.9 },
  '39-scheduling-while-atomic-irati-3.10-softirq.txt': { kinds: ['sleeping-in-atomic'], locks: [], placed: 0.9, maxPlaced: 0.95 },
  '40-scheduling-while-atomic-wilc-4.1-arm.txt': { kinds: ['sleeping-in-atomic'], locks: [], placed: 0.9 },
};

function load(file: string): string {
  const text = readFileSync(join(DIR, file), 'utf8');
  expect(text.startsWith('# source: '), `${file} must start with its source line`).toBe(true);
  return text.slice(text.indexOf('\n') + 1);
}

describe('corpus of real reports', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();

  it('has at least 25 reports, each with an expectation, covering every kind', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.filter((f) => !(f in EXPECT))).toEqual([]);
    const covered = new Set(Object.values(EXPECT).flatMap((e) => e.kinds));
    for (const k of [
      'circular', 'inconsistent', 'irq-safe-unsafe', 'irq-inversion', 'invalid-wait-context', 'recursive',
      'bad-unlock-balance', 'held-lock-freed', 'suspicious-rcu', 'sleeping-in-atomic', 'lock-held-returning-to-user',
      'locks-held-at-exit', 'nested-lock-not-taken', 'kcsan-data-race', 'unknown',
    ] as DecodedKind[]) {
      expect(covered.has(k), k).toBe(true);
    }
  });

  for (const file of Object.keys(EXPECT)) {
    it(file, () => {
      const e = EXPECT[file];
      const text = load(file);
      const d = decodeLog(text);
      expect(d.reports.map((r) => r.kind)).toEqual(e.kinds);
      for (const name of e.locks) expect(d.reports[0].lockNames).toContain(name);
      // Every input line comes back, in order, unchanged.
      const inputLines = text.split(/\r?\n/);
      if (inputLines[inputLines.length - 1] === '') inputLines.pop();
      expect(d.lines.map((l) => l.text)).toEqual(inputLines);
      const nonEmpty = d.lines.filter((l) => l.body !== '');
      const share = nonEmpty.filter((l) => l.placed).length / nonEmpty.length;
      expect(share).toBeGreaterThanOrEqual(e.placed);
      if (e.maxPlaced !== undefined) expect(share).toBeLessThanOrEqual(e.maxPlaced);
      if (e.truncated !== undefined) expect(d.reports[0].truncated).toBe(e.truncated);
      for (const r of d.reports) {
        expect(r.lesson).toMatch(/^\/lessons\/[a-z-]+\/[a-z-]+\/$/);
        expect(r.header.length).toBeGreaterThan(0);
      }
      for (const l of d.lines) {
        if (l.placed) expect(l.report).toBeDefined();
        else expect(l.report).toBeUndefined();
      }
    });
  }
});

describe('what the corpus decodes to', () => {
  it('seed klist splat: task state, usage, wait type, scenario, both stacks', () => {
    const d = decodeLog(load('07-inconsistent-klist-5.20-seed.txt'));
    const r = d.reports[0];
    expect(r.summary).toBe('inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.');
    expect(r.kernel?.tainted).toBe(false);
    expect(r.task).toMatchObject({ comm: 'rngd', pid: 1006 });
    expect(r.task?.context).toMatchObject({ hardirqContext: 1, hardirqCount: 1, hardirqsEnabled: false, softirqsEnabled: true });
    const k = r.locks[0];
    expect(k).toMatchObject({ name: '&k->k_lock', role: 'acquiring', address: 'ff177021416f2d78', at: 'klist_next+0x1b/0x160' });
    expect(k.usage?.chars.map((c) => c.meaning)).toEqual(['both', 'unused', 'irq-unsafe', 'unused']);
    expect(k.waitType).toMatchObject({ outer: 2, inner: 2 });
    expect(r.scenario?.lanes).toHaveLength(1);
    expect(r.scenario?.lanes[0].steps.map((s) => [s.op, s.inInterrupt])).toEqual([
      ['lock', false],
      ['interrupt', false],
      ['lock', true],
    ]);
    expect(r.stacks.map((s) => s.label)).toEqual(['{HARDIRQ-ON-W} state was registered at', 'stack backtrace']);
    expect(r.stacks[0].frames).toContain('klist_add_tail');
    expect(r.stacks[1].frames).toContain('dmar_fault.cold');
    expect(r.heldLocks?.count).toBe(0);
    // The DMAR lines printed before the report are someone else's output.
    expect(d.lines.find((l) => l.text.includes('DMAR: DRHD'))?.placed).toBe(false);
  });

  it('circular report with lost indentation: chain edges and inferred lanes', () => {
    const r = decodeLog(load('03-circular-btrfs-5.2-quoted.txt')).reports[0];
    expect(r.chain?.nodes.map((n) => [n.name, n.depth])).toEqual([
      ['sb_internal', 0],
      ['fs_reclaim', 1],
    ]);
    expect(r.chain?.edges.map((e) => [e.from, e.to, !!e.isNew])).toEqual([
      ['sb_internal', 'fs_reclaim', false],
      ['fs_reclaim', 'sb_internal', true],
    ]);
    expect(r.scenario?.columns).toBe('inferred');
    expect(r.scenario?.lanes.map((l) => l.steps.map((s) => s.lock))).toEqual([
      ['fs_reclaim', 'sb_internal'],
      ['sb_internal', 'fs_reclaim'],
    ]);
    expect(r.locks.find((l) => l.role === 'acquiring')?.waitType).toBeUndefined();
    expect(r.heldLocks?.locks.map((i) => r.locks[i].name)).toEqual(['fs_reclaim', 'shrinker_rwsem', '&type->s_umount_key#30']);
  });

  it('a chain cut short still yields the cycle: #0 is the lock being acquired', () => {
    const r = decodeLog(load('05-circular-rtw88-5.18-continuation.txt')).reports[0];
    expect(r.chain?.nodes.map((n) => [n.name, n.depth])).toEqual([
      ['&rtwdev->mutex', 0],
      ['&local->iflist_mtx', 1],
    ]);
    expect(r.chain?.edges.map((e) => [e.from, e.to, !!e.isNew, e.stack !== undefined])).toEqual([
      ['&rtwdev->mutex', '&local->iflist_mtx', false, true],
      ['&local->iflist_mtx', '&rtwdev->mutex', true, false],
    ]);
    const ext4 = decodeLog(load('01-circular-syzbot-ext4-6.2.txt')).reports[0];
    // #3 and #2 printed, #1 lost to the cut: no edge is invented across the gap.
    expect(ext4.chain?.nodes.map((n) => n.depth)).toEqual([0, 2, 3]);
    expect(ext4.chain?.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      '&journal->j_barrier -> &journal->j_checkpoint_mutex',
      '&journal->j_checkpoint_mutex -> &sb->s_type->i_mutex_key#8',
    ]);
  });

  it('irq-safe -> unsafe: roles, printed lanes, dependency edge, both usage stacks', () => {
    const r = decodeLog(load('14-irq-safe-unsafe-pcspkr-6.14-mailquote.txt')).reports[0];
    expect(r.irqState).toBe('HARDIRQ');
    expect(r.locks.filter((l) => l.role === 'safe').map((l) => l.name)).toEqual(['&dev->event_lock']);
    expect(r.locks.filter((l) => l.role === 'unsafe').map((l) => l.name)).toEqual(['i8253_lock']);
    expect(r.chain?.edges).toEqual([{ from: '&dev->event_lock', to: 'i8253_lock', isNew: true }]);
    expect(r.scenario?.columns).toBe('printed');
    expect(r.scenario?.lanes[1].steps.map((s) => s.text)).toEqual(['local_irq_disable();', 'lock(&dev->event_lock);', 'lock(i8253_lock);']);
    expect(r.scenario?.lanes[0].steps.map((s) => s.inInterrupt)).toEqual([false, false, true]);
    expect(r.stacks.map((s) => s.label)).toEqual(['which became HARDIRQ-irq-safe at', 'which became HARDIRQ-irq-unsafe at']);
    const held = r.locks.find((l) => l.role === 'holding');
    expect(held?.waitType?.withNesting.inner).toBe('CONFIG');
    expect(held?.waitType?.withoutNesting.inner).toBe('SLEEP');
  });

  it('six-character usage strings of old kernels decode the RECLAIM_FS slots', () => {
    const r = decodeLog(load('10-inconsistent-xfs-4.7-reclaimfs.txt')).reports[0];
    const u = r.locks[0].usage!;
    expect(u.width).toBe(6);
    expect(u.chars[4]).toMatchObject({ slot: 'reclaim_fs-write', meaning: 'both' });
    expect(r.locks[0].address).toBeUndefined();
  });

  it('wait-context report: context-{N:N} and the held locks', () => {
    const r = decodeLog(load('16-invalid-wait-context-bcachefs-6.2-journal-kmsg.txt')).reports[0];
    expect(r.waitContext).toMatchObject({ outer: 2, inner: 2 });
    expect(r.locks[0]).toMatchObject({ name: 'target_list_lock', role: 'acquiring' });
    expect(r.task).toMatchObject({ comm: 'mount', pid: 1286 });
  });

  it('KCSAN: both accesses are stacks, the race is the summary', () => {
    const r = decodeLog(load('37-kcsan-ppc-6.2.txt')).reports[0];
    expect(r.summary).toBe('data-race in queued_spin_lock_slowpath / queued_spin_lock_slowpath');
    expect(r.stacks.map((s) => s.label)).toEqual(['write (marked) by task 10 on cpu 24', 'read by task 1 on cpu 1']);
    expect(r.task).toMatchObject({ comm: 'swapper/0', pid: 1 });
  });

  it('bad unlock balance: released lock and the task', () => {
    const r = decodeLog(load('23-bad-unlock-syzbot-arm64-6.14.txt')).reports[0];
    expect(r.locks[0]).toMatchObject({ name: '&mm->mmap_lock', role: 'released' });
    expect(r.stacks[0]).toMatchObject({ label: 'released at', frames: ['mmap_read_unlock', '__mm_populate'] });
    expect(r.task).toMatchObject({ comm: 'syz.0.16', pid: 7412 });
    expect(r.heldLocks?.count).toBe(0);
  });

  it('held lock freed: the freed lock, then a KASAN report of its own', () => {
    const d = decodeLog(load('26-held-lock-freed-syzbot-uprobe-5.11.txt'));
    const r = d.reports[0];
    expect(r.locks[0]).toMatchObject({ name: '&uprobe->register_rwsem', role: 'freed' });
    const kasan = d.lines.filter((l) => l.body.startsWith('BUG: KASAN'));
    // syzbot repeats the KASAN header once per inlined frame: one report, two header lines.
    expect(kasan.map((l) => [l.placed, l.report, l.role])).toEqual([
      [true, 1, 'header'],
      [true, 1, 'header'],
    ]);
    expect(r.end).toBeLessThan(kasan[0].n);
    expect(d.reports[1]).toMatchObject({ kind: 'unknown', task: { comm: 'syz-executor.3', pid: 10020 } });
  });

  it('scheduling while atomic: kind, task and the decoded preempt count of comm/pid/0xPREEMPT_COUNT', () => {
    const irati = decodeLog(load('39-scheduling-while-atomic-irati-3.10-softirq.txt'));
    const r = irati.reports[0];
    expect(r.task).toEqual({ comm: 'swapper/0', pid: 0 });
    expect(r.summary).toContain('0x10000100');
    expect(r.summary).toContain('serving a softirq');
    expect(r.summary).toContain('PREEMPT_ACTIVE');
    expect(r.stacks[0].frames).toEqual(['dump_stack', '__schedule_bug', '__schedule']);
    // The driver's own line before the report is not part of it.
    expect(irati.lines[0].placed).toBe(false);
    const wilc = decodeLog(load('40-scheduling-while-atomic-wilc-4.1-arm.txt')).reports[0];
    expect(wilc.task).toEqual({ comm: 'wpa_supplicant', pid: 903 });
    expect(wilc.summary).toMatch(/preemption disabled 2 times.*bottom halves disabled 1 time/);
    expect(wilc.lesson).toBe('/lessons/foundations/wait-types/');
  });

  it('nest lock: names the missing nest lock and keeps both stack dumps', () => {
    const r = decodeLog(load('30-nested-lock-xen-6.12.txt')).reports[0];
    expect(r.locks.find((l) => l.role === 'nest')?.name).toBe('init_mm.page_table_lock');
    expect(r.stacks.filter((s) => s.label === 'stack backtrace')).toHaveLength(2);
    expect(r.truncated).toBe(false);
  });
});
