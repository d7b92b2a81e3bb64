/**
 * Front-end throughput: preprocess + lex + parse (and, separately, the
 * resolution check) of a course-sized program.
 *
 * The program is the three seed fixtures (vgic fold path, klist, VMX posted
 * interrupts: about 700 lines with their helpers). Each run parses them as
 * one program; we report lines/s over many runs after a warm-up, plus a
 * single large program made by repeating the klist file with renamed
 * symbols, to show the cost grows linearly with size.
 *
 * Run: npx node bench/parse.bench.ts [seconds-per-measurement]
 */
import { readFileSync } from 'node:fs';
import type { SourceFile } from '../src/engine/api.ts';
import { checkProgram, parseProgram } from '../src/language/index.ts';

const dir = new URL('../tests/unit/language/fixtures/', import.meta.url);
const read = (p: string): SourceFile => ({ path: p, text: readFileSync(new URL(p, dir), 'utf8') });
const seconds = Number(process.argv[2] ?? 1);

const course = ['vgic/vgic.h', 'vgic/vgic-v3.c', 'vgic/vgic.c', 'klist.c', 'posted_intr.c'].map(read);
// The three fixtures are separate programs; a .c per program keeps them apart when parsed together
// (they would clash as one program only in the checker, which is measured per program below).
const programs: SourceFile[][] = [course.slice(0, 3), [course[3]], [course[4]]];

const lines = (files: SourceFile[]) => files.reduce((n, f) => n + f.text.split('\n').length, 0);

function measure(label: string, files: SourceFile[][], work: (fs: SourceFile[]) => void): void {
  const total = files.reduce((n, fs) => n + lines(fs), 0);
  // Warm up until the JIT has settled (a fixed count is too short for the first measurement).
  const w0 = performance.now();
  while (performance.now() - w0 < 500) for (const fs of files) work(fs);
  let runs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    for (const fs of files) work(fs);
    runs++;
    t = performance.now();
  }
  const cpu = process.cpuUsage(c0);
  const ms = (t - t0) / runs;
  // CPU time is the steadier number on a shared machine (wall time includes waiting for a core).
  const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
  const rate = (m: number) => Math.round((total * 1000) / m).toLocaleString('en-US').padStart(10);
  console.log(`${label.padEnd(40)} ${String(total).padStart(5)} lines  ${ms.toFixed(3).padStart(7)} ms/run  ${rate(ms)} lines/s wall  ${rate(cpuMs)} lines/s cpu`);
}

function mustParse(fs: SourceFile[]) {
  const r = parseProgram(fs);
  if (!r.program) throw new Error(`bench input does not parse: ${r.diagnostics[0]?.message}`);
  return r.program;
}

const builtins = new Set<string>();
// Collect every called/used name once so the checker runs its full path without reporting.
for (const fs of programs) {
  const p = mustParse(fs);
  JSON.stringify(p, (k, v) => {
    if (v && typeof v === 'object' && v.kind === 'Ident') builtins.add(v.name);
    return typeof v === 'bigint' ? v.toString() : v;
  });
}

/** The klist program repeated n times with every identifier suffixed, as one large translation unit. */
function repeated(n: number): SourceFile[] {
  const base = course[3].text.replace(/#include[^\n]*\n/g, '');
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(base.replace(/\b(klist\w*|knode\w*|add_tail|to_klist_node|bus_\w+|dmar_fault|main|device|KNODE_\w+)\b/g, `$1_${i}`));
  return [{ path: `big${n}.c`, text: parts.join('\n') }];
}

console.log(`parse benchmark (Node ${process.version}), ${seconds}s per line`);
measure('parseProgram: the three seed programs', programs, (fs) => mustParse(fs));
const parsed = programs.map(mustParse);
measure('checkProgram: the three seed programs', programs, (fs) => {
  checkProgram(parsed[programs.indexOf(fs)], { builtins });
});
for (const n of [4, 16]) measure(`parseProgram: klist x${n} in one file`, [repeated(n)], (fs) => mustParse(fs));
