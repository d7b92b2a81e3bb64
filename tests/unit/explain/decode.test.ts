/**
 * The small decoders (usage chars, wait types, task state, lock lines, log
 * prefixes) and the report-cutting rules, on hand-made inputs that isolate
 * one behaviour each.
 */
import { describe, expect, it } from 'vitest';
import { decodeContext, decodeLog, decodeUsage, decodeWait, explainText, LESSONS, parseLockText } from '../../../src/explain/index.ts';
import { peel } from '../../../src/explain/prefix.ts';
import { splitClassName } from '../../../src/explain/decode.ts';

describe('usage characters', () => {
  it('decodes each of the four slots and the four characters', () => {
    const u = decodeUsage('?.+-')!;
    expect(u.chars.map((c) => [c.slot, c.meaning])).toEqual([
      ['hardirq-write', 'both'],
      ['hardirq-read', 'unused'],
      ['softirq-write', 'irq-unsafe'],
      ['softirq-read', 'irq-safe'],
    ]);
    expect(u.words).toContain('the inconsistency');
  });
  it('six characters add the RECLAIM_FS state; other widths are refused', () => {
    expect(decodeUsage('+.+.+.')!.chars[4].slot).toBe('reclaim_fs-write');
    expect(decodeUsage('+.+')).toBeUndefined();
    expect(decodeUsage('....')!.words).toMatch(/never used in interrupt context/);
  });
});

describe('wait types', () => {
  it('gives both readings of the numbers', () => {
    const w = decodeWait('3:3')!;
    expect(w.withNesting.inner).toBe('CONFIG');
    expect(w.withoutNesting.inner).toBe('SLEEP');
    const r = decodeWait('1:3')!;
    expect([r.withNesting.outer, r.withNesting.inner]).toEqual(['FREE', 'CONFIG']);
    expect(decodeWait('2: 2')).toMatchObject({ outer: 2, inner: 2 });
    expect(decodeWait('x')).toBeUndefined();
  });
});

describe('task state', () => {
  it('[HC1[1]:SC0[0]:HE0:SE1] in words', () => {
    const c = decodeContext('rngd/1006 [HC1[1]:SC0[0]:HE0:SE1] takes:')!;
    expect(c).toMatchObject({ hardirqContext: 1, hardirqCount: 1, softirqCount: 0, hardirqsEnabled: false, softirqsEnabled: true });
    expect(c.words).toMatch(/hard interrupt handler/);
    expect(c.words).toMatch(/hard IRQs disabled/);
  });
  it('softirq count: serving bit and local_bh_disable levels', () => {
    expect(decodeContext('[HC0[0]:SC0[2]:HE0:SE0]')!.words).toMatch(/bottom halves disabled once/);
    expect(decodeContext('[HC0[0]:SC1[1]:HE1:SE0]')!.words).toMatch(/serving a softirq/);
  });
});

describe('lock lines', () => {
  it('address, parenthesised names, usage, wait type and symbol', () => {
    expect(parseLockText('ffff0001ff50b8f0 ((&c->lock)){+.+.}-{3:3}, at: ___slab_alloc+0x78/0xd5c')).toEqual({
      address: 'ffff0001ff50b8f0',
      name: '(&c->lock)',
      usage: '+.+.',
      wait: '3:3',
      at: '___slab_alloc+0x78/0xd5c',
    });
    expect(parseLockText(' (&(&zone->lock)->rlock){..-...}, at: [<c02867fd>] f+0x21/0x24')).toMatchObject({
      address: undefined,
      name: '&(&zone->lock)->rlock',
      usage: '..-...',
      at: 'f+0x21/0x24',
    });
    expect(parseLockText('just text (x)')).toBeUndefined();
    expect(parseLockText('notanaddress (x){....}')).toBeUndefined();
  });
  it('name version #N and subclass /S', () => {
    expect(splitClassName('&sb->s_type->i_mutex_key#8/1')).toEqual({ className: '&sb->s_type->i_mutex_key', version: 8, subclass: 1 });
    expect(splitClassName('&rq->__lock')).toEqual({ className: '&rq->__lock', version: undefined, subclass: 0 });
  });
});

describe('log prefixes', () => {
  it('strips timestamps, caller ids, syslog, kmsg, levels and quoting, keeping report indentation', () => {
    expect(peel('[   32.288545] lock(A);').rest).toBe('lock(A);');
    expect(peel('[    7.65][  T176]                                local_irq_disable();').rest).toBe('                               local_irq_disable();');
    expect(peel('Aug 15 08:13:46 host kernel: [ 1.0] x').rest).toBe('x');
    expect(peel('<4>[ 1.0] x').rest).toBe('x');
    expect(peel('>> > [ 1.0][ C3] x').rest).toBe('x');
    expect(peel('4,1072,209927860,-;=====').rest).toBe('=====');
    expect(peel('-> #1 (x){....}:').rest).toBe('-> #1 (x){....}:');
    expect(peel('>ffff88801d094080: fb fb').rest).toBe('>ffff88801d094080: fb fb');
    expect(peel('[Sat Nov 21 09:44:37 2026] WARNING: inconsistent lock state').rest).toBe('WARNING: inconsistent lock state');
    expect(peel('2026-11-21T09:44:37,123456+00:00 lock(A);').rest).toBe('lock(A);');
  });
});

const CIRCULAR = `======================================================
WARNING: possible circular locking dependency detected
6.2.0-rc5+ #600 Not tainted
------------------------------------------------------
a/1 is trying to acquire lock:
ffff888100000010 (B){+.+.}-{3:3}, at: f+0x1/0x2

but task is already holding lock:
ffff888100000020 (A){+.+.}-{3:3}, at: g+0x1/0x2

which lock already depends on the new lock.


the existing dependency chain (in reverse order) is:

-> #2 (A){+.+.}-{3:3}:
       lock_acquire+0x1/0x2
       h+0x1/0x2

-> #1 (C){+.+.}-{3:3}:
       lock_acquire+0x1/0x2
       i+0x1/0x2

-> #0 (B){+.+.}-{3:3}:
       lock_acquire+0x1/0x2
       f+0x1/0x2

other info that might help us debug this:

Chain exists of:
  B --> C --> A

 Possible unsafe locking scenario:

       CPU0                    CPU1
       ----                    ----
  lock(A);
                               lock(C);
                               lock(A);
  lock(B);

 *** DEADLOCK ***

1 lock held by a/1:
 #0: ffff888100000020 (A){+.+.}-{3:3}, at: g+0x1/0x2

stack backtrace:
CPU: 0 PID: 1 Comm: a Not tainted 6.2.0-rc5+ #600
Call Trace:
 <TASK>
 dump_stack_lvl+0x1/0x2
 </TASK>`;

describe('cutting logs into reports', () => {
  it('three-lock cycle: chain nodes by depth, edges with their stacks, Chain exists', () => {
    const r = decodeLog(CIRCULAR).reports[0];
    expect(r.kind).toBe('circular');
    expect(r.truncated).toBe(false);
    expect(r.chain?.nodes.map((n) => n.name)).toEqual(['B', 'C', 'A']);
    expect(r.chain?.edges.map((e) => `${e.from}->${e.to}${e.isNew ? '*' : ''}`)).toEqual(['B->C', 'C->A', 'A->B*']);
    expect(r.chain?.exists).toEqual(['B', 'C', 'A']);
    const e = r.chain!.edges[0];
    expect(r.stacks[e.stack!].label).toBe('-> #1');
    expect(r.stacks[e.stack!].frames).toEqual(['lock_acquire', 'i']);
    expect(e.lines).toEqual([20, 21, 22]);
    expect(r.scenario?.columns).toBe('printed');
    expect(r.scenario?.lanes[1].steps.map((s) => s.lock)).toEqual(['C', 'A']);
    expect(r.lesson).toBe(LESSONS.circular);
  });

  it('several reports in one paste, the first cut off by an Oops', () => {
    const cut = CIRCULAR.split('\n').slice(0, 20).join('\n');
    const oops = 'BUG: unable to handle page fault for address: 0000000000001234\n#PF: supervisor read access in kernel mode\nOops: 0000 [#1] PREEMPT SMP';
    const d = decodeLog(`${cut}\n${oops}\n\n${CIRCULAR}`);
    // The oops is a report of its own (kind unknown), cut off before its `---[ end trace`.
    expect(d.reports.map((r) => [r.kind, r.truncated])).toEqual([
      ['circular', true],
      ['unknown', true],
      ['circular', false],
    ]);
    const oopsLines = d.lines.filter((l) => /unable to handle|#PF|Oops/.test(l.text));
    expect(oopsLines.map((l) => l.report)).toEqual([1, 1, 1]);
    expect(d.reports[0].end).toBeLessThan(oopsLines[0].n);
  });

  it('lines from other tasks in the middle stay unplaced but do not end the report', () => {
    const ls = CIRCULAR.split('\n');
    ls.splice(6, 0, 'usb 1-1: new high-speed USB device number 2 using xhci_hcd', 'e1000e: eth0 NIC Link is Up');
    const d = decodeLog(ls.join('\n'));
    expect(d.reports).toHaveLength(1);
    expect(d.lines[6].placed).toBe(false);
    expect(d.lines[7].placed).toBe(false);
    expect(d.reports[0].locks.find((l) => l.role === 'holding')?.name).toBe('A');
    expect(d.reports[0].truncated).toBe(false);
  });

  it('a long run of foreign output ends a report', () => {
    const ls = CIRCULAR.split('\n').slice(0, 12);
    const noise = Array.from({ length: 10 }, (_, i) => `random driver message ${i}`);
    const d = decodeLog([...ls, ...noise, '-> #1 (C){+.+.}-{3:3}:'].join('\n'));
    expect(d.reports).toHaveLength(1);
    expect(d.lines[d.lines.length - 1].placed).toBe(false);
  });

  it('text with no report: nothing placed, every line explained', () => {
    const d = decodeLog('hello\n\nworld');
    expect(d.reports).toEqual([]);
    expect(d.lines.map((l) => [l.placed, l.role])).toEqual([
      [false, 'unplaced'],
      [false, 'blank'],
      [false, 'unplaced'],
    ]);
    expect(d.lines.every((l) => typeof l.explain === 'string')).toBe(true);
    expect(explainText(d)).toMatch(/No lockdep/);
  });

  it('CRLF and lone CR line ends', () => {
    const d = decodeLog(CIRCULAR.replace(/\n/g, '\r\n'));
    expect(d.reports[0].chain?.nodes).toHaveLength(3);
    expect(d.lines[0].text).not.toContain('\r');
    expect(decodeLog('a\rb').lines.map((l) => l.text)).toEqual(['a', 'b']);
  });

  it('explainText shows lanes, chain and marks unplaced lines', () => {
    const t = explainText(decodeLog(`intro line\n${CIRCULAR}`));
    expect(t).toContain('A -> B  [new edge]');
    expect(t).toMatch(/CPU0 +CPU1/);
    expect(t).toMatch(/^ *1 \? intro line$/m);
    expect(t).toContain('lesson: /lessons/foundations/abba/');
  });
});

describe('header variants across kernel versions', () => {
  const cases: Array<[string, string]> = [
    ['[ INFO: possible circular locking dependency detected ]', 'circular'],
    ['WARNING: SOFTIRQ-READ-safe -> SOFTIRQ-unsafe lock order detected', 'irq-safe-unsafe'],
    ['[ BUG: lock held at task exit time! ]', 'locks-held-at-exit'],
    ['[ BUG: kworker/0:1/12 still has locks held! ]', 'locks-held-at-exit'],
    ['[ INFO: suspicious rcu_dereference_check() usage. ]', 'suspicious-rcu'],
    ['"INFO: suspicious RCU usage."', 'suspicious-rcu'],
    ['BUG: KCSAN: assert: race in foo / bar', 'kcsan-data-race'],
    ['BUG: MAX_LOCKDEP_CHAINS too low!', 'unknown'],
    ['INFO: trying to register non-static key.', 'unknown'],
  ];
  for (const [header, kind] of cases) {
    it(header, () => {
      expect(decodeLog(`=====\n${header}\n`).reports.map((r) => r.kind)).toEqual([kind]);
    });
  }
  it('an unknown header in lockdep\'s frame is an unknown report; KASAN is one of its own', () => {
    const d = decodeLog('=====================\nWARNING: some future lockdep check failed\n7.1.0 #1 Not tainted\n---------------------\nx/1 is trying to acquire lock:\n');
    expect(d.reports.map((r) => r.kind)).toEqual(['unknown']);
    expect(d.lines[4].placed).toBe(true);
    const k = decodeLog('==================================================================\nBUG: KASAN: use-after-free in f+0x1/0x2\nRead of size 8 at addr ffff88801d094088 by task a/1\n');
    expect(k.reports.map((r) => [r.kind, r.meaning.startsWith('KASAN'), r.task?.comm])).toEqual([['unknown', true, 'a']]);
    expect(k.lines.map((l) => l.role)).toEqual(['separator', 'header', 'access']);
  });

  it('prose that quotes a header mid-sentence is not a report', () => {
    expect(decodeLog('kernel test robot reported "WARNING: held lock freed!" triggered by').reports).toEqual([]);
    expect(decodeLog('Subject: [syzbot] WARNING: Nested lock was not taken').reports).toEqual([]);
  });
});

describe('line-level details', () => {
  it('a held-lock line wrapped after "at:" keeps its symbol', () => {
    const r = decodeLog(`WARNING: possible recursive locking detected
1 lock held by a/1:
 #0: 00000000f956fa46 (&type->s_umount_key#30){++++}, at:
super_cache_scan+0x35/0x1d0
`);
    const lk = r.reports[0].locks.find((l) => l.name === '&type->s_umount_key#30')!;
    expect(lk.at).toBe('super_cache_scan+0x35/0x1d0');
    expect(r.lines[3].placed).toBe(true);
  });
  it('an unplaced line inside a report is explained as interleaved output', () => {
    const d = decodeLog(`WARNING: possible recursive locking detected
6.1.0 #1 Not tainted
a/1 is trying to acquire lock:
usb 1-1: new device
ffff888100000010 (B){+.+.}-{3:3}, at: f+0x1/0x2`);
    expect(d.lines[3].placed).toBe(false);
    expect(d.lines[3].explain).toMatch(/another task or CPU/);
    expect(d.reports[0].locks[0]).toMatchObject({ name: 'B', role: 'acquiring' });
  });
});

describe('scenario lanes when indentation was lost', () => {
  it('irq scenario: CPU1 from local_irq_disable() to <Interrupt>, the interrupt on CPU0', () => {
    const d = decodeLog(`WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected
 Possible interrupt unsafe locking scenario:
CPU0 CPU1
---- ----
lock(U);
local_irq_disable();
lock(S);
lock(M);
<Interrupt>
lock(S);
*** DEADLOCK ***`);
    const sc = d.reports[0].scenario!;
    expect(sc.columns).toBe('inferred');
    expect(sc.lanes.map((l) => l.steps.map((s) => s.text))).toEqual([
      ['lock(U);', '<Interrupt>', 'lock(S);'],
      ['local_irq_disable();', 'lock(S);', 'lock(M);'],
    ]);
    expect(sc.lanes[0].steps[2].inInterrupt).toBe(true);
  });
});

describe('other kernel reports in the log', () => {
  // Layout of a 5.13 list_debug BUG (Fedora forum, kswapd0): message before `cut here`, old `invalid opcode` line.
  const LIST_BUG = `list_del corruption. prev->next should be ffff98679438a5d0, but was ca53e83f5e8cf5a8
------------[ cut here ]------------
kernel BUG at lib/list_debug.c:51!
invalid opcode: 0000 [#1] SMP PTI
CPU: 4 PID: 148 Comm: kswapd0 Tainted: P           OE     5.13.4-200.fc34.x86_64 #1
Hardware name: ASUSTeK COMPUTER INC. N551JM/N551JM, BIOS N551JM.204 10/06/2014
RIP: 0010:__list_del_entry_valid.cold+0x31/0x47
RSP: 0018:ffffb7cd010bfb88 EFLAGS: 00010282
Call Trace:
 __dentry_kill+0x89/0x180
 shrink_dentry_list+0x52/0xd0
---[ end trace 8a3f1d6b4c0f6c2a ]---`;

  it('an oops takes its message from before `cut here` and ends at its end marker', () => {
    const d = decodeLog(`${LIST_BUG}\nusb 1-1: new device`);
    expect(d.reports.map((r) => [r.kind, r.header, r.start, r.end, r.truncated])).toEqual([['unknown', 'kernel BUG at lib/list_debug.c:51!', 1, 12, false]]);
    expect(d.reports[0].summary).toMatch(/^list_del corruption\. prev->next should be /);
    expect(d.reports[0].task).toEqual({ comm: 'kswapd0', pid: 148 });
    expect(d.lines.filter((l) => l.body !== '' && !l.placed).map((l) => l.body)).toEqual(['usb 1-1: new device']);
  });

  it('an oops cuts off a lockdep report and is a report of its own', () => {
    const d = decodeLog(`WARNING: possible recursive locking detected\n6.1.0 #1 Not tainted\n--------------------------------------------\nx/1 is trying to acquire lock:\n${LIST_BUG}`);
    expect(d.reports.map((r) => [r.kind, r.truncated])).toEqual([
      ['recursive', true],
      ['unknown', false],
    ]);
  });

  it('scheduling while atomic decodes comm (with a slash), pid and the preempt count bits', () => {
    const d = decodeLog('BUG: scheduling while atomic: kworker/0:1/42/0x00010002\nModules linked in:\n');
    const r = d.reports[0];
    expect([r.kind, r.task]).toEqual(['sleeping-in-atomic', { comm: 'kworker/0:1', pid: 42 }]);
    expect(r.summary).toMatch(/preemption disabled 2 times.*in a hard interrupt \(nesting 1\)/);
    expect(d.lines[0].explain).toMatch(/comm\/pid\/0xPREEMPT_COUNT/);
  });

  it('a watchdog line alone is a complete one-line report', () => {
    const d = decodeLog('watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:77]');
    expect(d.reports.map((r) => [r.kind, r.truncated, r.task])).toEqual([['unknown', false, { comm: 'kworker/3:1', pid: 77 }]]);
  });
});
