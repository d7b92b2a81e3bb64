import { runProgram, type EngineOptions } from '../../../src/engine/index.ts';
import type { RunResult } from '../../../src/engine/api.ts';

/** Run `src` as t.c and return the result (lockdep and race check off unless asked). */
export function run(src: string, opts: EngineOptions = {}): RunResult {
  return runProgram([{ path: 't.c', text: src }], { lockdep: false, races: false, ...opts });
}

/** The printk output of a program whose main prints with pr_info. */
export function out(src: string, opts: EngineOptions = {}): string {
  const r = run(src, opts);
  if (r.status === 'invalid') throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return r.text;
}

/** Wrap statements in `void main(void) { ... }`. */
export function body(stmts: string, globals = ''): string {
  return `${globals}\nvoid main(void) {\n${stmts}\n}\n`;
}
