/**
 * Decoding the small notations inside report lines: lock lines
 * `ADDR (name){usage}-{o:i}, at: sym`, usage characters, wait types, the
 * `[HC1[1]:SC0[0]:HE0:SE1]` task state, the kernel ident line and stack
 * frames. Pure functions over strings; each returns undefined when the text
 * is not of that form.
 */
import type { DecodedTask, KernelIdent, TaskContext, Usage, UsageChar, WaitReading, WaitType } from './types.ts';

// ---------------------------------------------------------------------------
// Lock lines

export interface LockText {
  address?: string;
  name: string;
  usage?: string;
  wait?: string;
  at?: string;
}

const USAGE_AFTER_NAME = /\)\{([.?+-]{6}|[.?+-]{4})\}(?:-\{(\d+):[ ]?(\d+)\})?/;
const ADDRESS = /^(?:[0-9a-f]{8}|[0-9a-f]{16}|\(____ptrval____\)|\(ptrval\))$/;

/**
 * Parse `ffff8881 (&k->k_lock){?.+.}-{2:2}, at: klist_next+0x1b/0x160`, the
 * same without address (old kernels, hashed `(____ptrval____)`), or with
 * `[<c02867fd>]` before the symbol (old kernels). Class names may contain
 * parentheses (`(&(&zone->lock)->rlock)`, `((wq_completion)events)`), so the
 * name ends at the `){` that opens the usage string, which never occurs in a name.
 */
export function parseLockText(text: string): LockText | undefined {
  const m = USAGE_AFTER_NAME.exec(text);
  if (!m) return undefined;
  const before = text.slice(0, m.index);
  const open = before.indexOf('(');
  if (open < 0) return undefined;
  const head = before.slice(0, open).trim();
  const name = before.slice(open + 1);
  if (name.length === 0) return undefined;
  let address: string | undefined;
  if (head.length > 0) {
    if (!ADDRESS.test(head)) return undefined;
    address = head;
  }
  const after = text.slice(m.index + m[0].length);
  const atIdx = after.indexOf('at:');
  let at: string | undefined;
  if (atIdx >= 0) at = cleanSymbol(after.slice(atIdx + 3));
  return {
    address,
    name,
    usage: m[1],
    wait: m[2] !== undefined ? `${m[2]}:${m[3]}` : undefined,
    at: at || undefined,
  };
}

/** `[<ffffffff8112d7d6>] bad_range+0x1/0x2` -> `bad_range+0x1/0x2`; keeps `file:line [inline]` decorations. */
export function cleanSymbol(s: string): string {
  let t = s.trim();
  while (t.startsWith('[<')) {
    const close = t.indexOf('>]');
    if (close < 0) break;
    t = t.slice(close + 2).trim();
  }
  return t;
}

export interface ClassName {
  className: string;
  version?: number;
  subclass: number;
}

/** `&sb->s_type->i_mutex_key#8/1` -> class, version 8, subclass 1 (the kernel prints `#N` then `/S`). */
export function splitClassName(name: string): ClassName {
  let rest = name;
  let subclass = 0;
  let version: number | undefined;
  const sub = /\/(\d)$/.exec(rest);
  if (sub) {
    subclass = Number(sub[1]);
    rest = rest.slice(0, sub.index);
  }
  const ver = /#(\d{1,4})$/.exec(rest);
  if (ver) {
    version = Number(ver[1]);
    rest = rest.slice(0, ver.index);
  }
  return { className: rest, version, subclass };
}

// ---------------------------------------------------------------------------
// Usage characters

const SLOTS4 = ['hardirq-write', 'hardirq-read', 'softirq-write', 'softirq-read'];
const SLOTS6 = [...SLOTS4, 'reclaim_fs-write', 'reclaim_fs-read'];

function charMeaning(slot: string, c: string): UsageChar {
  const [state, mode] = slot.split('-');
  const ctx = state === 'reclaim_fs' ? 'fs reclaim' : state;
  const how = mode === 'write' ? 'taken for write' : 'taken for read';
  switch (c) {
    case '.':
      return { slot, char: c, meaning: 'unused', words: `${slot}: never ${how} in ${ctx} context nor with ${ctx} enabled` };
    case '+':
      return {
        slot,
        char: c,
        meaning: 'irq-unsafe',
        words: `${slot}: ${how} with ${ctx} enabled (${ctx}-unsafe), never inside ${ctx}`,
      };
    case '-':
      return { slot, char: c, meaning: 'irq-safe', words: `${slot}: ${how} inside ${ctx} (${ctx}-safe)` };
    case '?':
      return {
        slot,
        char: c,
        meaning: 'both',
        words: `${slot}: ${how} both inside ${ctx} and with ${ctx} enabled - the inconsistency`,
      };
    default:
      return { slot, char: c, meaning: 'unknown', words: `${slot}: unknown character '${c}'` };
  }
}

/** Decode `?.+.` (or the 6-char form of kernels before ~4.14, with the RECLAIM_FS state). */
export function decodeUsage(raw: string): Usage | undefined {
  if (raw.length !== 4 && raw.length !== 6) return undefined;
  const slots = raw.length === 6 ? SLOTS6 : SLOTS4;
  const chars = [...raw].map((c, i) => charMeaning(slots[i], c));
  return { raw, width: raw.length, chars, words: usageSummary(chars) };
}

/** One sentence for the whole usage string, per irq state: `{-.+.}` -> "taken inside hardirq (hardirq-safe); held with softirq enabled (softirq-unsafe)". */
function usageSummary(chars: UsageChar[]): string {
  const parts: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 2) {
    const [w, r] = [chars[i], chars[i + 1]];
    const state = w.slot.split('-')[0];
    const ctx = state === 'reclaim_fs' ? 'fs reclaim' : state;
    const enabled = state === 'reclaim_fs' ? 'fs reclaim allowed' : `${state}s enabled`;
    const modes = (pred: (c: UsageChar) => boolean) => [w, r].filter(pred).map((c) => (c.slot.endsWith('write') ? 'write' : 'read'));
    const both = modes((c) => c.meaning === 'both');
    const safe = modes((c) => c.meaning === 'irq-safe' || c.meaning === 'both');
    const unsafe = modes((c) => c.meaning === 'irq-unsafe' || c.meaning === 'both');
    const how = (m: string[]) => (m.length === 2 ? '' : m[0] === 'read' ? ' for read' : '');
    if (both.length) parts.push(`${ctx}: taken${how(both)} both inside ${ctx} and with ${enabled} - the inconsistency`);
    else if (safe.length && unsafe.length) parts.push(`${ctx}: taken${how(safe)} inside ${ctx}, and${how(unsafe)} with ${enabled}`);
    else if (safe.length) parts.push(`taken${how(safe)} inside ${ctx} (${state}-safe)`);
    else if (unsafe.length) parts.push(`held${how(unsafe)} with ${enabled} (${state}-unsafe)`);
  }
  return parts.length ? parts.join('; ') : 'never used in interrupt context and never held with interrupts enabled (or a check=0 map like rcu_read_lock)';
}

// ---------------------------------------------------------------------------
// Wait types

const NESTING_ON = ['INV', 'FREE', 'SPIN', 'CONFIG', 'SLEEP', 'MAX'];
// Without raw-lock nesting checks LD_WAIT_CONFIG equals LD_WAIT_SPIN: 2 is any spinlock.
const NESTING_OFF = ['INV', 'FREE', 'SPIN/CONFIG', 'SLEEP', 'MAX'];

const WAIT_WORDS: Record<string, string> = {
  INV: 'not checked',
  FREE: 'wait-free (RCU)',
  SPIN: 'spinning (raw_spinlock_t)',
  'SPIN/CONFIG': 'any spinlock: raw_spinlock_t or spinlock_t',
  CONFIG: 'spinlock_t: spins, but sleeps on PREEMPT_RT',
  SLEEP: 'sleeping lock (mutex, rwsem)',
  MAX: 'task context: anything may be taken',
};

function reading(table: string[], outer: number, inner: number): WaitReading {
  const o = table[outer] ?? `?${outer}`;
  const i = table[inner] ?? `?${inner}`;
  const ow = WAIT_WORDS[o] ?? 'out of range';
  const iw = WAIT_WORDS[i] ?? 'out of range';
  return {
    outer: o,
    inner: i,
    words: outer === inner ? `${o} (${ow})` : `outer ${o} (${ow}), inner ${i} (${iw})`,
  };
}

/** `2:2` -> both readings; the numbers mean different things with and without CONFIG_PROVE_RAW_LOCK_NESTING. */
export function decodeWait(raw: string): WaitType | undefined {
  const m = /^(\d+):[ ]?(\d+)$/.exec(raw.trim());
  if (!m) return undefined;
  const outer = Number(m[1]);
  const inner = Number(m[2]);
  return {
    raw: `${outer}:${inner}`,
    outer,
    inner,
    withNesting: reading(NESTING_ON, outer, inner),
    withoutNesting: reading(NESTING_OFF, outer, inner),
  };
}

// ---------------------------------------------------------------------------
// Task state

const CONTEXT = /\[HC(\d+)\[(\d+)\]:SC(\d+)\[(\d+)\]:HE(\d+):SE(\d+)\]/;

/** `[HC1[1]:SC0[0]:HE0:SE1]` in plain words. */
export function decodeContext(text: string): TaskContext | undefined {
  const m = CONTEXT.exec(text);
  if (!m) return undefined;
  const [hc, hcount, sc, scount, he, se] = m.slice(1).map(Number);
  const parts: string[] = [];
  if (hc > 0 || hcount > 0) parts.push(`in a hard interrupt handler (lockdep hardirq context ${hc}, preempt_count hardirq ${hcount})`);
  else parts.push('not in a hard interrupt');
  if (sc > 0) parts.push(`serving a softirq (lockdep softirq context ${sc})`);
  if (scount > 0) {
    const serving = scount & 1;
    const disables = scount >> 1;
    const bits: string[] = [];
    if (serving) bits.push('serving a softirq');
    if (disables) bits.push(`bottom halves disabled ${disables === 1 ? 'once' : `${disables} times`} (local_bh_disable/spin_lock_bh)`);
    parts.push(`softirq count ${scount}: ${bits.join(', ')}`);
  } else if (sc === 0) parts.push('not in a softirq');
  parts.push(he ? 'hard IRQs enabled' : 'hard IRQs disabled');
  parts.push(se ? 'softirqs enabled' : 'softirqs disabled');
  return {
    raw: m[0],
    hardirqContext: hc,
    hardirqCount: hcount,
    softirqContext: sc,
    softirqCount: scount,
    hardirqsEnabled: he !== 0,
    softirqsEnabled: se !== 0,
    words: parts.join('; '),
  };
}

/**
 * `rngd/1006 [HC1[1]:SC0[0]:HE0:SE1] takes:` -> comm `rngd`, pid 1006. The comm
 * may itself contain `/` (`swapper/5/0` is comm `swapper/5`, pid 0), so the
 * pid is the digits after the last `/` of the first word.
 */
export function parseTaskWord(word: string): DecodedTask | undefined {
  const slash = word.lastIndexOf('/');
  if (slash <= 0 || slash === word.length - 1) return undefined;
  const pid = word.slice(slash + 1);
  if (!/^\d{1,8}$/.test(pid)) return undefined;
  return { comm: word.slice(0, slash), pid: Number(pid) };
}

// ---------------------------------------------------------------------------
// Kernel ident

/** `5.20.0-0.rc0...x86_64 #1 Not tainted`, `6.2.0-rc1-syzkaller #0 Tainted: G        W`, `2.6.32-rc5-tip #745`. */
export function parseKernelIdent(text: string): KernelIdent | undefined {
  const t = text.trim();
  const m = /^(\d+\.\d+[^ ]*|[A-Za-z][\w.-]* \d+\.\d+[^ ]*)(?: +(#[^ ]+))?(?: +(Not tainted|Tainted: ?.*))?$/.exec(t);
  if (!m) return undefined;
  const taintText = m[3];
  if (!m[2] && !taintText && !/^\d+\.\d+/.test(m[1])) return undefined;
  return {
    raw: t,
    version: m[1],
    build: m[2],
    tainted: taintText ? taintText.startsWith('Tainted') : undefined,
    taint: taintText?.startsWith('Tainted') ? taintText.slice(8).trim() : undefined,
  };
}

// ---------------------------------------------------------------------------
// Stack frames

const FRAME_SYM = /^(?:\? )?(?:\[<[0-9a-f]+>\] (?:\? )?)?([A-Za-z_.$][\w.$]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[[\w-]+\])?(?: [\w./-]+:\d+(?: \[inline\])?)?(?: \([\w./ :-]+\))?$/;
const ARM_FRAME = /^\[<[0-9a-f]+>\] \(([\w.$]+)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?\)(?: from \[<[0-9a-f]+>\] \([\w.$+\/]+\))?/;
const ADDR_ONLY = /^(?:\? )?\[<[0-9a-f]+>\] (?:\? )?0x[0-9a-f]+$/;
const RAW_WORDS = /^[0-9a-f]{8,16}(?: [0-9a-f]{8,16})+$/;
const DECODED_FRAME = /^(?:\? )?([A-Za-z_.$][\w.$]*) \((?:[\w./-]+:\d+ ?)+\)$/;

/**
 * A backtrace entry in any of the printed styles: `klist_next+0x1b/0x160`,
 * `? find_held_lock+0x32/0x90`, `[<c02867fd>] mutex_lock+0x21/0x24`,
 * `__mutex_lock kernel/locking/mutex.c:747 [inline]`, decoded
 * `dump_stack_lvl (lib/dump_stack.c:123)`, ARM `[<c0017b4c>] (unwind_backtrace) from ...`.
 * Returns the function name, or '' for frames without one.
 */
export function parseFrame(body: string): string | undefined {
  const t = body.length > 400 ? body.slice(0, 400) : body;
  let m = FRAME_SYM.exec(t);
  if (m && (t.includes('+0x') || t.includes('[inline]') || /:\d+/.test(t) || t.startsWith('[<'))) return m[1];
  m = DECODED_FRAME.exec(t);
  if (m) return m[1];
  m = ARM_FRAME.exec(t);
  if (m) return m[1];
  if (ADDR_ONLY.test(t)) return '';
  // `show_stack+0x14/0x1c (C)`: arm64 marks the frame source
  const arm64 = /^([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: [\w./-]+:\d+)? \([A-Z]\)$/.exec(t);
  if (arm64) return arm64[1];
  return undefined;
}

/** Lines dump_stack() and oopses print around frames that are not frames. */
export function isStackNoise(body: string): boolean {
  if (RAW_WORDS.test(body)) return true;
  return /^(?:<\/?(?:TASK|IRQ|NMI|SOFTIRQ)>|<EOI>|RIP: |RSP: |RAX: |RDX: |RBP: |R\d\d: |R\d: |FS: |CS: |DS: |CR2: |Code: |EIP: |EAX: |ESI: |pc : |lr : |sp : |x\d+ ?: |pstate: |Exception stack|[0-9a-f]{4}: |Stack : |\.\.\.$|Backtrace:|Call trace:|Call Trace:)/.test(
    body,
  );
}
