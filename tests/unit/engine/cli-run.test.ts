import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/main.ts';

function io(cwd: string) {
  const o = { out: [] as string[], err: [] as string[] };
  const x: CliIo = { out: (t) => o.out.push(t), err: (t) => o.err.push(t), readStdin: async () => '', cwd };
  return { x, o };
}

const dir = mkdtempSync(join(tmpdir(), 'lockdep-lab-run-'));
writeFileSync(join(dir, 'clean.c'), 'void main(void) { pr_info("hi\\n"); }\n');
writeFileSync(join(dir, 'abba.c'), `static DEFINE_MUTEX(a); static DEFINE_MUTEX(b);
void main(void) { mutex_lock(&a); mutex_lock(&b); mutex_unlock(&b); mutex_unlock(&a); mutex_lock(&b); mutex_lock(&a); mutex_unlock(&a); mutex_unlock(&b); }\n`);
writeFileSync(join(dir, 'bad.c'), 'void main(void) { int x = ; }\n');
writeFileSync(join(dir, 'loop.c'), 'void main(void) { for (;;) ; }\n');
writeFileSync(join(dir, 'start.c'), 'void start(void) { pr_info("started\\n"); }\n');

describe('lockdep-lab run', () => {
  it('exit 0 for a clean run, printing the log', async () => {
    const { x, o } = io(dir);
    expect(await main(['run', 'clean.c'], x)).toBe(0);
    expect(o.out.join('\n')).toBe('hi');
  });

  it('exit 1 when the run reports', async () => {
    const { x, o } = io(dir);
    expect(await main(['run', 'abba.c'], x)).toBe(1);
    expect(o.out.join('\n')).toContain('WARNING: possible circular locking dependency detected');
  });

  it('exit 2 with gcc-style diagnostics on stderr for bad input, a missing file, or bad options', async () => {
    let t = io(dir);
    expect(await main(['run', 'bad.c'], t.x)).toBe(2);
    expect(t.o.err.join('\n')).toMatch(/^bad\.c:1:27: error: /);
    t = io(dir);
    expect(await main(['run', 'nope.c'], t.x)).toBe(2);
    expect(t.o.err[0]).toBe("lockdep-lab run: cannot read 'nope.c': no such file");
    t = io(dir);
    expect(await main(['run', '--config', 'FOO=y', 'clean.c'], t.x)).toBe(2);
    t = io(dir);
    expect(await main(['run'], t.x)).toBe(2);
  });

  it('--max-steps stops an endless loop (exit 1, message on stderr); --entry picks the function', async () => {
    let t = io(dir);
    expect(await main(['run', '--max-steps', '500', 'loop.c'], t.x)).toBe(1);
    expect(t.o.err.join('\n')).toMatch(/step budget of 500 exhausted in main\(\) at loop\.c:1:/);
    t = io(dir);
    expect(await main(['run', '--entry', 'start', 'start.c'], t.x)).toBe(0);
    expect(t.o.out.join('')).toBe('started');
  });

  it('--json prints the structured result; --config and --keep-going are accepted', async () => {
    const t = io(dir);
    expect(await main(['run', '--json', '--config', 'PROVE_RAW_LOCK_NESTING=n', '--keep-going', 'abba.c'], t.x)).toBe(1);
    const j = JSON.parse(t.o.out.join('\n'));
    expect(j.status).toBe('reported');
    expect(j.reports[0].kind).toBe('circular');
    expect(j.text).toContain('{+.+.}-{3:3}');
  });

  it('--help documents every option', async () => {
    const t = io(dir);
    expect(await main(['run', '--help'], t.x)).toBe(0);
    for (const opt of ['--entry', '--json', '--config', '--keep-going', '--max-steps', '--max-memory', '--cpus', '--no-races', 'lab_raise_irq', 'exit status']) {
      expect(t.o.out.join('\n')).toContain(opt);
    }
  });
});
