/**
 * The vgic ap_list thread (seed 002), patch by patch.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/events/types.ts';
import { kinds } from './dsl.ts';
import { VGIC, VGIC_V3, vgicScenario } from './vgic.ts';

const RULE = '='.repeat(66);

function byHeader(reports: Report[], needle: string): Report[] {
  return reports.filter((r) => r.header.includes(needle));
}

function sitesOf(r: Report): string[] {
  return r.sites.map((s) => `${s.pos.file}:${s.pos.line}`);
}

describe('the unlocked fold (original code)', () => {
  const w = vgicScenario();

  it('reports the walk racing with the remote list_del() under ap_list_lock', () => {
    const [r] = byHeader(w.reports, 'vgic_flush_pending_lpis / vgic_v3_fold_lr_state');
    expect(r).toBeDefined();
    expect(r.kind).toBe('kcsan-data-race');
    expect(r.source).toBe('races');
    expect(sitesOf(r)).toEqual([`${VGIC}:160`, `${VGIC_V3}:176`]);
    const why = r.lines.find((l) => l.includes('inferred from locksets'))!;
    expect(why).toContain('the writer in vgic_flush_pending_lpis (list_del()) held &vgic_cpu->ap_list_lock');
    expect(why).toContain('this reader in vgic_v3_fold_lr_state (list walk) held no lock (only IRQs off on cpu 0)');
    expect(why).toContain('every writer of &vgic_cpu->ap_list_head holds &vgic_cpu->ap_list_lock');
    expect(r.locks.map((l) => l.name)).toEqual(['&vgic_cpu->ap_list_lock']);
    expect(r.task.pid).toBe(1001);
    expect(r.cpu).toBe(0);
  });

  it("prints KCSAN's layout: the earlier access first, then the current one, then the reporter", () => {
    const [r] = byHeader(w.reports, 'vgic_flush_pending_lpis / vgic_v3_fold_lr_state');
    const l = r.lines;
    expect(l[0]).toBe(RULE);
    expect(l[1]).toBe('BUG: KCSAN: data-race in vgic_flush_pending_lpis / vgic_v3_fold_lr_state');
    expect(l[2]).toBe('');
    expect(l[3]).toMatch(/^write to 0xffff[0-9a-f]{12} of 8 bytes by task 1002 on cpu 1:$/);
    expect(l[4]).toMatch(/^ vgic_flush_pending_lpis\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
    const readAt = l.findIndex((x) => x.startsWith('read to '));
    expect(l[readAt]).toMatch(/^read to 0xffff[0-9a-f]{12} of 8 bytes by task 1001 on cpu 0:$/);
    expect(l.slice(readAt + 1, readAt + 4).map((x) => x.trim().split('+')[0])).toEqual([
      'vgic_v3_fold_lr_state',
      'vgic_fold_state',
      'kvm_vgic_sync_hwstate',
    ]);
    const rep = l.indexOf('Reported by Kernel Concurrency Sanitizer on:');
    expect(l[rep + 1]).toBe('CPU: 0 PID: 1001 Comm: CPU 0/KVM Not tainted 6.18.0-lab #1');
    expect(l.slice(rep)).not.toContain('Call Trace:');
    expect(l[l.length - 1]).toBe(RULE);
  });

  it('also names the remote insertion, once per pair of code sites', () => {
    expect(byHeader(w.reports, 'vgic_queue_irq_unlock / vgic_v3_fold_lr_state')).toHaveLength(1);
    expect(byHeader(w.reports, 'vgic_flush_pending_lpis / vgic_v3_fold_lr_state')).toHaveLength(1);
  });

  it("does not blame vCPU 0's own prune: the same thread cannot race with itself", () => {
    expect(w.reports.some((r) => r.header.includes('vgic_prune_ap_list'))).toBe(false);
  });
});

describe('first patch: list_del_rcu() in vgic_flush_pending_lpis only', () => {
  const w = vgicScenario({ flushDel: 'list_del_rcu' });

  it('is still a data race: the fold walk is not an RCU walk', () => {
    const [r] = byHeader(w.reports, 'vgic_flush_pending_lpis / vgic_v3_fold_lr_state');
    expect(r.lines.find((l) => l.includes('inferred from locksets'))).toContain('list_del_rcu()');
    expect(byHeader(w.reports, 'vgic_queue_irq_unlock / vgic_v3_fold_lr_state')).toHaveLength(1);
  });

  it('reports the mix of list_del_rcu() with the non-RCU insertion and prune, naming both writers', () => {
    const rcu = w.reports.filter((r) => r.kind === 'suspicious-rcu');
    expect(rcu).toHaveLength(2);
    const insertion = rcu.find((r) => r.lines.some((l) => l.includes('list_del_rcu() and list_add_tail()')))!;
    const prune = rcu.find((r) => r.lines.some((l) => l.includes('list_del_rcu() and list_del()')))!;
    expect(insertion.lines).toContain(`${VGIC}:470 RCU-list written with both list_del_rcu() and list_add_tail()!!`);
    expect(insertion.lines.join('\n')).toContain(`list_del_rcu() in vgic_flush_pending_lpis (${VGIC}:160)`);
    expect(insertion.lines.join('\n')).toContain(`list_add_tail() in vgic_queue_irq_unlock (${VGIC}:470)`);
    expect(sitesOf(insertion)).toEqual([`${VGIC}:160`, `${VGIC}:470`]);
    expect(prune.lines.join('\n')).toContain(`list_del() in vgic_prune_ap_list (${VGIC}:760)`);
    expect(sitesOf(prune)).toEqual([`${VGIC}:160`, `${VGIC}:760`]);
    expect(insertion.lines.slice(1, 3)).toEqual(['=============================', 'WARNING: suspicious RCU usage']);
  });

  it('is still reported when the fold also switches to list_for_each_entry_rcu()', () => {
    const v = vgicScenario({ flushDel: 'list_del_rcu', foldIter: 'list_iter_rcu', foldRcuLock: true });
    const races = v.reports.filter((r) => r.kind === 'kcsan-data-race');
    // The RCU writer is now fine for this reader; the plain insertion is not.
    expect(races.map((r) => r.header)).toEqual(['BUG: KCSAN: data-race in vgic_queue_irq_unlock / vgic_v3_fold_lr_state']);
    expect(races[0].lines.join('\n')).toContain('list_add_tail() is not RCU-safe');
    expect(kinds(v)).toContain('suspicious-rcu');
  });
});

describe('the fix: ap_list_lock around the fold', () => {
  it('removes every report', () => {
    expect(vgicScenario({ foldLocked: true }).reports).toEqual([]);
  });

  it('makes a leftover list_del_rcu() harmless: no reader goes without the lock', () => {
    expect(vgicScenario({ foldLocked: true, flushDel: 'list_del_rcu' }).reports).toEqual([]);
  });
});

describe('last_lr_irq kept across the guest run', () => {
  it('unpinned: the remote flush frees it with kfree_rcu() and the fold uses it afterwards', () => {
    const w = vgicScenario({ foldLocked: true, lastLr: 'unpinned' });
    expect(kinds(w)).toEqual(['use-after-free']);
    const r = w.reports[0];
    expect(r.header).toMatch(/^BUG: KASAN: slab-use-after-free in vgic_v3_fold_lr_state\+0x/);
    expect(r.lines).toContain('Freed by task 1002:');
    expect(r.lines.join('\n')).toContain('RCU read-side section began after that');
    expect(sitesOf(r)).toEqual([`${VGIC_V3}:176`, `${VGIC}:170`]);
  });

  it('pinned but not re-checked: the walk continues from an entry another vCPU unlinked', () => {
    const w = vgicScenario({ foldLocked: true, lastLr: 'pinned-unchecked' });
    expect(kinds(w)).toEqual(['list-corruption']);
    const r = w.reports[0];
    expect(r.lines[1]).toMatch(/^list_for_each_entry corruption, ffff[0-9a-f]{12}->next is LIST_POISON1 \(dead000000000100\)$/);
    expect(r.lines.join('\n')).toContain(`by list_del() in vgic_flush_pending_lpis (${VGIC}:160)`);
    expect(sitesOf(r)).toEqual([`${VGIC_V3}:176`, `${VGIC}:160`]);
  });

  it('pinned and checked (last->vcpu != vcpu), as in the final patch: no report', () => {
    expect(vgicScenario({ foldLocked: true, lastLr: 'fixed' }).reports).toEqual([]);
  });
});

describe('a real RCU list', () => {
  it('every writer _rcu under ap_list_lock and an _rcu walk in an RCU reader: no report', () => {
    expect(vgicScenario({ allWritersRcu: true, foldIter: 'list_iter_rcu' }).reports).toEqual([]);
  });

  it('but not with the plain iterator', () => {
    expect(kinds(vgicScenario({ allWritersRcu: true }))).toContain('kcsan-data-race');
  });
});
