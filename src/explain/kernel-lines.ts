/**
 * The kernel reports around lockdep that logs mix in: oopses, WARN()s,
 * KASAN/KMSAN/UBSAN, the hung-task and soft-lockup watchdogs, panics,
 * `BUG: scheduling while atomic`, and the lines Lockdep Lab itself adds to
 * its race-check reports. These are not lockdep's layouts, so they get their
 * own family (which decides where a report ends) and their own line table.
 */
import type { DecodedKind, DecodedTask, LineRole, ReportFamily } from './types.ts';

/**
 * Which layout a report follows; decides how it ends. lockdep (and KCSAN,
 * might_sleep): by their own last section; sanitizer: `====` lines around
 * several stacks; oops: `---[ end trace`, then `note:` / panic lines; warn:
 * `cut here` ... `---[ end trace`; hung: one stack per blocked task; short:
 * a line and an optional dump (soft lockup, panic, scheduling while atomic).
 */
export type Family = ReportFamily;

interface FamilyRule {
  kind: DecodedKind;
  family: Family;
  re: RegExp;
  explain: string;
}

/**
 * Headers of the non-lockdep reports. Their kinds stay `unknown` (the fixed
 * vocabulary has no word for them) except scheduling while atomic, which is
 * the scheduler's half of the rule might_sleep() checks: sleeping-in-atomic.
 */
export const KERNEL_HEADERS: readonly FamilyRule[] = [
  {
    kind: 'sleeping-in-atomic',
    family: 'short',
    re: /^BUG: scheduling while atomic: .+\/\d+\/0x[0-9a-f]+$/,
    explain:
      '__schedule_bug(): the scheduler was entered (a sleep, a mutex wait, cond_resched()) in atomic context. The field is comm/pid/0xPREEMPT_COUNT: the task name, its pid, and preempt_count in hex (low byte: preempt_disable depth; 0x100: serving a softirq; 0x200 each: bottom halves disabled; 0xf0000: hard interrupt). On kernels with CONFIG_PREEMPT_COUNT it is printed from inside schedule(), which has already disabled preemption once, so 0x00000001 is the expected value there and the rest is what the caller held.',
  },
  { kind: 'unknown', family: 'sanitizer', re: /^BUG: KASAN: [a-z-]+ in /, explain: 'KASAN (the address sanitizer) caught an access to memory the task may not touch (freed, out of bounds, or invalid). The type and the function follow.' },
  { kind: 'unknown', family: 'sanitizer', re: /^BUG: KFENCE: [a-z-]+ in /, explain: 'KFENCE (sampling memory-error detector) caught a bad access.' },
  { kind: 'unknown', family: 'sanitizer', re: /^BUG: KMSAN: [a-z-]+ in /, explain: 'KMSAN (the uninitialised-memory sanitizer) saw a value that was never initialised being used.' },
  { kind: 'unknown', family: 'sanitizer', re: /^UBSAN: [a-z-]+ in /, explain: 'UBSAN (the undefined-behaviour sanitizer) caught undefined behaviour in C at this file:line:column.' },
  { kind: 'unknown', family: 'oops', re: /^BUG: kernel NULL pointer dereference, address: [0-9a-f]+$/, explain: 'Page fault on an address in the first page: a NULL pointer (or a member of a NULL struct pointer) was dereferenced.' },
  { kind: 'unknown', family: 'oops', re: /^BUG: unable to handle (?:page fault for address:|kernel paging request at|kernel NULL pointer dereference at) /, explain: 'Page fault on a kernel address that is not mapped: a wild or freed pointer.' },
  { kind: 'unknown', family: 'oops', re: /^BUG: (?:TASK|IRQ|SOFTIRQ|NMI|#DF|DB|exception) stack guard page was hit at /, explain: 'The stack overflowed into its guard page: recursion too deep or too much on the stack.' },
  { kind: 'unknown', family: 'oops', re: /^general protection fault(?:, probably for non-canonical address 0x[0-9a-f]+)?: [0-9a-f]+ \[#\d+\]/, explain: 'General protection fault: an access through a non-canonical pointer (on x86-64 often a poison value such as LIST_POISON1 dead000000000100 from a list entry that was deleted).' },
  { kind: 'unknown', family: 'oops', re: /^kernel BUG at .+:\d+!$/, explain: 'BUG() or BUG_ON() fired at this file:line: the code declared this state impossible. The task is killed (the machine panics in interrupt context).' },
  { kind: 'unknown', family: 'oops', re: /^Oops: /, explain: 'An oops: the kernel hit a fatal exception in this task; the error follows.' },
  { kind: 'unknown', family: 'oops', re: /^Unable to handle kernel (?:NULL pointer dereference|paging request) at virtual address /, explain: 'Page fault on a kernel address (arm/arm64 wording): a NULL or wild pointer.' },
  { kind: 'unknown', family: 'oops', re: /^Internal error: /, explain: 'An oops (arm/arm64 wording).' },
  { kind: 'unknown', family: 'warn', re: /^WARNING: CPU: \d+ PID: \d+ at \S+/, explain: 'A WARN()/WARN_ON() fired (or a lockdep_assert_*() failed) at this file:line in this function; the run continues, the kernel is tainted W.' },
  { kind: 'unknown', family: 'warn', re: /^WARNING: at \S+:\d+ /, explain: 'A WARN()/WARN_ON() fired at this file:line (older kernels\' wording).' },
  { kind: 'unknown', family: 'hung', re: /^INFO: task .+:\d+ blocked for more than \d+ seconds\.$/, explain: 'The hung-task watchdog: this task has been in uninterruptible sleep (state D) that long, usually waiting for a lock or event that never comes: a deadlock or a lost wake-up.' },
  { kind: 'unknown', family: 'short', re: /^watchdog: BUG: soft lockup - CPU#\d+ stuck for \d+s! \[.+:\d+\]$/, explain: 'The soft-lockup watchdog: this CPU ran kernel code without scheduling for that long, here [comm:pid]. Usually a spin on a lock that is never released, or an endless loop with preemption off.' },
  {
    kind: 'unknown',
    family: 'short',
    re: /^irq \d+: nobody cared \(/,
    explain: 'note_interrupt(): an interrupt arrived that no handler claimed. Real kernels say so after many unhandled ones (then list the handlers and disable the line); Lockdep Lab says it at the first and names the cause in brackets.',
  },
  { kind: 'unknown', family: 'short', re: /^queue_work\(\): work item '.*' was never initialised with INIT_WORK\(\)$/, explain: `Lockdep Lab's own warning: the work item was queued without INIT_WORK(), so it has no function to run; nothing was queued.` },
  { kind: 'unknown', family: 'short', re: /^mod_timer\(\): timer has no function \(timer_setup\(\) was not called\)$/, explain: `Lockdep Lab's own warning: the timer was armed without timer_setup(), so it has no function to run; it was not armed.` },
  { kind: 'unknown', family: 'short', re: /^Kernel panic - not syncing: /, explain: 'panic(): the kernel stops. After an oops in interrupt context, or an explicit panic() call.' },
];

const FIRST_CHARS = new Set(['B', 'U', 'g', 'k', 'O', 'I', 'W', 'w', 'K', 'i', 'q', 'm']);

export function matchKernelHeader(body: string): FamilyRule | undefined {
  if (body.length === 0 || body.length > 300) return undefined;
  // Every rule starts with a fixed word: most log lines are rejected on their first character.
  if (!FIRST_CHARS.has(body[0])) return undefined;
  for (const r of KERNEL_HEADERS) if (r.re.test(body)) return r;
  return undefined;
}

/** Family of a header the lockdep tables matched (WARNING: CPU at kernel/locking is a WARN too). */
export function familyOf(header: string): Family {
  return matchKernelHeader(header)?.family ?? 'lockdep';
}

/**
 * preempt_count bit fields (include/linux/preempt.h): bits 0-7 preempt
 * disable depth, 8-15 softirq (SOFTIRQ_OFFSET 0x100 = serving a softirq,
 * each local_bh_disable() adds 0x200), 16-19 hardirq nesting, bit 20 NMI;
 * 0x10000000 was PREEMPT_ACTIVE on x86 kernels before 4.4.
 */
export function preemptCountWords(pc: number): string {
  const parts: string[] = [];
  const pre = pc & 0xff;
  const soft = (pc >> 8) & 0xff;
  const hard = (pc >> 16) & 0xf;
  if (pre) parts.push(`preemption disabled ${pre} time${pre === 1 ? '' : 's'} (each spin_lock(), rcu_read_lock() on preemptible kernels and preempt_disable() adds one)`);
  if (soft & 1) parts.push('serving a softirq (0x100)');
  if (soft >> 1) parts.push(`bottom halves disabled ${soft >> 1} time${soft >> 1 === 1 ? '' : 's'} (local_bh_disable/spin_lock_bh, 0x200 each)`);
  if (hard) parts.push(`in a hard interrupt (nesting ${hard})`);
  if (pc & 0x100000) parts.push('in an NMI');
  if (pc & 0x10000000) parts.push('PREEMPT_ACTIVE (0x10000000, kernels before 4.4: the task was being preempted)');
  return parts.length ? parts.join('; ') : 'zero: not atomic';
}

/** `swapper/0/0/0x10000100` -> task and preempt count. */
export function parseSchedAtomic(header: string): { task: DecodedTask; pc: number; raw: string } | undefined {
  const m = /^BUG: scheduling while atomic: (.+)\/(\d+)\/0x([0-9a-f]+)$/.exec(header);
  if (!m) return undefined;
  return { task: { comm: m[1], pid: Number(m[2]) }, pc: parseInt(m[3], 16), raw: m[3] };
}

export interface KernelLine {
  role: LineRole;
  explain: string;
  /** Opens a stack with this label (the line is its title). */
  stack?: string;
  /** The line is the report's one-line summary. */
  summary?: boolean;
  task?: DecodedTask;
}

const LAB = 'Lockdep Lab\'s own line (real kernels do not print it)';

/** Lines of the non-lockdep layouts and of the lab's race check; undefined when not one. */
export function kernelLine(body: string, family: Family, kind: DecodedKind): KernelLine | undefined {
  // Pasted garbage can be one huge line; none of these layouts prints one.
  if (body.length > 4000) return undefined;
  let m: RegExpExecArray | null;
  // --- the race check's lines (any layout)
  if (/ -- a potential race inferred from locksets, not a caught overlap$/.test(body)) {
    return { role: 'message', summary: true, explain: `${LAB}: why the race check reports this pair. Each side names the locks it held; the lock every other writer holds is the one this access lacks. The race was inferred from the locks each access held, not seen as two accesses overlapping in time, so it can happen on a real machine even if this run was harmless.` };
  }
  if (/ -- a potential use-after-free inferred from lifetimes, not a caught access$/.test(body)) {
    return { role: 'message', summary: true, explain: `${LAB}: who queued the object for freeing and why this access may come after the free (a grace period that may have ended). Inferred from object lifetimes, not a caught access to freed memory.` };
  }
  if (body.includes(' before this walk (holding ') && /^.+ was taken off .+ by \S+\(\) in .+ before this walk \(holding .*\) continued from it: /.test(body)) {
    return { role: 'message', summary: true, explain: `${LAB}: which context unlinked the entry this list walk continues from. A cursor kept across a lock release (or a quiescent state) may point at an entry that is no longer on the list.` };
  }
  if (/^RCU-list .+ is read without the writers' lock, but its writers mix primitives:$/.test(body)) {
    return { role: 'message', explain: `${LAB}: the RCU list has a lockless reader, and its writers do not all use the _rcu list primitives. The writers follow, one per line.` };
  }
  if (body.includes(', holding ') && (m = /^(\S+\(\)) in (.+), (?:task \d+|interrupt) on cpu \d+, holding (.+)$/.exec(body))) {
    return { role: 'message', explain: `${LAB}: a writer of the list: ${m[1]} in ${m[2]}, holding ${m[3]}.` };
  }
  if ((m = /^reader: (.+) in (.+), holding (.+)$/.exec(body))) {
    return { role: 'message', explain: `${LAB}: the lockless reader: ${m[1]} in ${m[2]}, holding ${m[3]}.` };
  }
  if (/^One _rcu writer does not make an RCU list: /.test(body) || /^and every lockless reader uses the _rcu iterators inside rcu_read_lock\(\)/.test(body)) {
    return { role: 'hint', explain: `${LAB}: the rule that was broken and the two ways to fix it.` };
  }

  // --- oops
  if ((m = /^#PF: (supervisor|user) (read|write|instruction fetch) access in (kernel|user) mode$/.exec(body))) {
    return { role: 'summary', explain: `The faulting access was a ${m[2]} by ${m[1] === 'supervisor' ? 'kernel code' : 'user code'} in ${m[3]} mode.` };
  }
  if ((m = /^#PF: error_code\(0x([0-9a-f]+)\) - (.+)$/.exec(body))) {
    return { role: 'summary', explain: `Page-fault error code 0x${m[1]}: ${m[2]} (bit 1 set = write, bit 4 = instruction fetch).` };
  }
  if (/^(?:PGD|P4D|PUD|PMD|PTE) [0-9a-f]+\b/.test(body)) {
    return { role: 'registers', explain: 'The page-table walk for the faulting address; 0 means nothing is mapped at that level.' };
  }
  if (/^(?:Oops: |invalid opcode|divide error|general protection)/.test(body) && (m = /^(?:Oops: )?(.*?)\s*\[#(\d+)\]\s*(.*)$/.exec(body))) {
    return { role: 'summary', explain: `Oops number ${m[2]} since boot: ${m[1] || 'fatal exception'}${m[3] ? ` (kernel built with ${m[3]})` : ''}. The task is killed; the rest of the system keeps running, tainted D.` };
  }
  if ((m = /^note: (.+)\[(\d+)\] exited with (preempt_count \d+|irqs disabled)$/.exec(body))) {
    return { role: 'text', explain: `make_task_dead(): the oops killed ${m[1]} (pid ${m[2]}); it exited with ${m[3]}${/preempt_count [1-9]/.test(m[3]) || m[3] === 'irqs disabled' ? ', so locks it held (and its preempt/irq state) are never released' : ''}.` };
  }
  if (/^handlers:$/.test(body)) return { role: 'text', explain: 'The handlers registered for this interrupt line follow.' };
  if (/^Disabling IRQ #\d+$/.test(body)) return { role: 'text', explain: 'The kernel gives up on this interrupt line: no more interrupts from it.' };
  if (/^Kernel panic - not syncing: /.test(body)) return { role: 'summary', explain: 'panic(): the kernel stops here.' };
  if (/^---\[ end Kernel panic - not syncing: .*\]---$/.test(body)) return { role: 'end', explain: 'End of the panic.' };
  if (family === 'oops' && /^kernel stack overflow: /.test(body)) {
    return { role: 'message', summary: true, explain: `${LAB}: which function and variable (or how deep a recursion) used up the stack.` };
  }

  // --- sanitizers
  if ((m = /^(Read|Write) of size (\d+) at addr ([0-9a-f]+) by task (.+)\/(\d+)$/.exec(body))) {
    return { role: 'access', explain: `The bad access: a ${m[1].toLowerCase()} of ${m[2]} bytes at ${m[3]} by ${m[4]} (pid ${m[5]}).`, task: { comm: m[4], pid: Number(m[5]) } };
  }
  if ((m = /^(Freed|Allocated) by (task \d+|interrupt on cpu \d+)(?: on cpu \d+ at [\d.]+s)?:$/.exec(body))) {
    return { role: 'stack-title', stack: `${m[1]} by ${m[2]}`, explain: `Where the object was ${m[1].toLowerCase()} (by ${m[2]}); the stack follows.` };
  }
  if (/^(?:Last|Second to last) potentially related work creation:$/.test(body) || /^Uninit was (?:created|stored to memory) at:$/.test(body) || /^Local variable .+ created at:$/.test(body)) {
    return { role: 'stack-title', stack: body.replace(/:$/, ''), explain: 'A stack the sanitizer saved earlier, for context; it follows.' };
  }
  if ((m = /^The buggy address belongs to the object (?:(.+) )?at ([0-9a-f]+)$/.exec(body))) {
    return { role: 'text', explain: `The accessed address is inside the object${m[1] ? ` ${m[1]}` : ''} that starts at ${m[2]}.` };
  }
  if ((m = /^which belongs to (?:the cache (\S+) of size (\d+)|a region of size (\d+))$/.exec(body))) {
    return { role: 'text', explain: m[1] ? `The object came from the slab cache ${m[1]}, objects of ${m[2]} bytes.` : `The object is ${m[3]} bytes long.` };
  }
  if ((m = /^The buggy address is located (-?\d+) bytes (inside|to the right|to the left) of$/.exec(body))) {
    return { role: 'text', explain: `Offset of the access: ${m[1]} bytes ${m[2]} of the region below.` };
  }
  if ((m = /^(?:(freed|allocated) )?(\d+)-byte region \[([0-9a-f]+), ([0-9a-f]+)\)$/.exec(body))) {
    return { role: 'text', explain: `The ${m[1] ? `${m[1]} ` : ''}region: ${m[2]} bytes from ${m[3]} up to (not including) ${m[4]}.` };
  }
  if (family === 'sanitizer' && /^(?:kvfree_call_rcu|call_rcu|kfree_rcu)$/.test(body)) {
    return { role: 'stack-frame', explain: `${LAB}: the object was queued with kfree_rcu(), to be freed after a grace period; this is the queueing call.` };
  }
  if ((m = /^Freed at (.+)$/.exec(body)) && family === 'sanitizer') {
    return { role: 'text', explain: `${LAB}: the kfree() that freed the object, ${m[1]}.` };
  }
  if (/^The buggy address belongs to the (?:physical page|variable|virtual mapping at .*):?$/.test(body) || /^(?:page:|flags: |raw: |head: |page_type: |page dumped because: )/.test(body)) {
    return { role: 'dump-info', explain: 'Details of the memory page behind the address.' };
  }
  if (/^Memory state around the buggy address:$/.test(body) || /^>?[0-9a-f]{16}: (?:[0-9a-f]{2} ?)+$/.test(body) || /^\^+$/.test(body)) {
    return { role: 'dump-info', explain: 'KASAN shadow memory around the address: 00 accessible, fa/fb/fc/fd redzones and freed memory; ^ marks the access.' };
  }
  if ((m = /^index (-?\d+) is out of range for type '(.+)'$/.exec(body))) {
    return { role: 'message', summary: true, explain: `Index ${m[1]} into an array of type ${m[2]}: past its end.` };
  }
  if (family === 'sanitizer' && /^use of uninitiali[sz]ed /.test(body)) {
    return { role: 'message', summary: true, explain: `${LAB}: which value was never initialised.` };
  }

  // --- WARN and list debugging
  if (/^DEBUG_LOCKS_WARN_ON\(.*\)$/.test(body)) {
    return { role: 'message', summary: true, explain: 'A lockdep internal consistency check failed (often: irq state changed behind lockdep\'s back, or a lock misused from the wrong context); lockdep turns itself off.' };
  }
  if (/^list_(?:add|del|for_each_entry)(?: double add)?[ .,].*corruption|^list_add double add: /.test(body)) {
    return { role: 'message', summary: true, explain: 'CONFIG_DEBUG_LIST found a broken list: the pointers named here do not link up the way the list operation requires (a double add, a delete of an entry already deleted, or memory overwritten).' };
  }

  // --- hung task
  if (/^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs" disables this message\.$/.test(body)) {
    return { role: 'text', explain: 'How to silence the hung-task watchdog; not a fix.' };
  }
  if ((m = /^task:(\S+)\s+state:(\S+)\s+stack:\s*\d+\s+pid:\s*(\d+)/.exec(body))) {
    return { role: 'task', explain: `The blocked task ${m[1]} (pid ${m[3]}), state ${m[2]}${m[2] === 'D' ? ' (uninterruptible sleep)' : ''}; its stack shows what it waits in.`, task: { comm: m[1], pid: Number(m[3]) } };
  }
  if (/^Showing all locks held in the system:$/.test(body)) {
    return { role: 'held-locks', explain: 'debug_show_all_locks(): the locks every task holds, to find who blocks whom.' };
  }
  if (kind === 'sleeping-in-atomic' && (m = /^Preemption disabled at:(.+)$/.exec(body))) {
    return { role: 'stack-title', explain: `Where preemption was last disabled, on the same line: ${m[1].trim()}.` };
  }
  return undefined;
}

/**
 * The line Lockdep Lab prints just before `kernel BUG at` when a
 * lib/locking-selftest.c context helper is misused: part of that oops.
 */
export function isSelftestWhy(body: string): boolean {
  return /^[A-Z]+_EXIT\(\) in \S+\(\) (?:without a matching |would leave the )/.test(body);
}

/** What a WARN's or oops's message lines (between `cut here` and the header) are. */
export const CUT_MESSAGE_EXPLAIN = 'The WARN() message, printed between "cut here" and the WARNING line.';
