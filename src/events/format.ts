/**
 * Kernel printk formats shared by every observer, so that a symbol or an
 * address prints the same in a lockdep report, a KCSAN report and a WARN.
 */
import type { EventContext, Frame, Stack, TaskRef } from './types.ts';

/** `%pS`: `klist_next+0x1b/0x160`. */
export function formatSymbol(frame: Frame): string {
  return `${frame.fn}+0x${frame.offset.toString(16)}/0x${frame.size.toString(16)}`;
}

/** `%px` of a kernel pointer: 16 lower-case hex digits. */
export function formatAddr(addr: bigint): string {
  return addr.toString(16).padStart(16, '0');
}

/** `[<ffffffff85000e86>] asm_sysvec_apic_timer_interrupt+0x16/0x20`, as irq-stamp lines print an IP. */
export function formatIp(frame: Frame | undefined, textBase = 0xffffffff81000000n): string {
  if (!frame) return '[<0000000000000000>] 0x0';
  return `[<${formatAddr(ipOf(frame, textBase))}>] ${formatSymbol(frame)}`;
}

/** A stable fake text address for a frame (same program, same address). */
export function ipOf(frame: Frame, textBase = 0xffffffff81000000n): bigint {
  let h = 0;
  for (let i = 0; i < frame.fn.length; i++) h = (h * 31 + frame.fn.charCodeAt(i)) >>> 0;
  return textBase + BigInt((h % 0xfffff) * 0x10 + frame.offset);
}

/** `comm/pid` as lockdep prints a task. */
export function taskName(task: TaskRef): string {
  return `${task.comm}/${task.pid}`;
}

/** Stack trace lines with the kernel's `%*c%pS` indent (1 + indent spaces). */
export function stackLines(stack: Stack, indent: number): string[] {
  const pad = ' '.repeat(indent + 1);
  return stack.map((f) => pad + formatSymbol(f));
}

/** The body of dump_stack() for a context, after the `CPU:`/`Hardware name:` header lines. */
export function callTraceLines(ctx: EventContext): string[] {
  const inIrq = ctx.hardirqCount > 0 || ctx.nmi;
  const frames = (fs: readonly Frame[]) => fs.map((f) => ' ' + formatSymbol(f));
  // x86 runs handlers on the IRQ stack and the unwinder prints each stack as a
  // section: the interrupt entry (`asm_common_interrupt`, `asm_sysvec_*`) and
  // what it interrupted belong to the task's stack, below `</IRQ>`.
  const entry = ctx.stack.findIndex(isIrqEntry);
  if (entry > 0) {
    return ['Call Trace:', ' <IRQ>', ...frames(ctx.stack.slice(0, entry)), ' </IRQ>', ' <TASK>', ...frames(ctx.stack.slice(entry)), ' </TASK>'];
  }
  return ['Call Trace:', inIrq ? ' <IRQ>' : ' <TASK>', ...frames(ctx.stack), inIrq ? ' </IRQ>' : ' </TASK>'];
}

/** The idtentry stub an interrupt enters through (`asm_common_interrupt`, `asm_sysvec_apic_timer_interrupt`). */
function isIrqEntry(f: Frame): boolean {
  return f.synthetic === true && f.fn.startsWith('asm_');
}
