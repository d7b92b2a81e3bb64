/**
 * `lockdep-lab explain` through the CLI seams (no child process): exit codes,
 * the `--json` shape other tools rely on, stdin, and the error messages.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../../src/cli/commands/explain.ts';
import type { CliIo } from '../../../src/cli/main.ts';

const FIX = join(import.meta.dirname, '../../fixtures/splats');

function io(stdin = ''): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), readStdin: async () => stdin, cwd: FIX };
}

describe('lockdep-lab explain', () => {
  it('annotates a file and exits 0 when a report is found', async () => {
    const x = io();
    expect(await command.run(['07-inconsistent-klist-5.20-seed.txt'], x)).toBe(0);
    const text = x.stdout.join('\n');
    expect(text).toContain('inconsistent');
    expect(text).toContain('lesson: /lessons/foundations/irq-contexts/');
    expect(text).toMatch(/\? lockdep splat due to klist iteration/);
  });

  it('--json prints { reports, lines } with the fixed fields', async () => {
    const x = io();
    expect(await command.run(['--json', '21-recursive-tempesta-3.10-softirq.txt'], x)).toBe(0);
    const j = JSON.parse(x.stdout.join('\n'));
    expect(Object.keys(j)).toEqual(['reports', 'lines']);
    expect(j.reports[0]).toMatchObject({ kind: 'recursive', header: '[ INFO: possible recursive locking detected ]' });
    expect(j.reports[0].locks[0]).toMatchObject({ name: 'slock-AF_INET/1', subclass: 1 });
    expect(j.lines[0]).toMatchObject({ n: 1, placed: false, role: 'unplaced' });
    for (const l of j.lines) expect(Object.keys(l)).toEqual(expect.arrayContaining(['n', 'text', 'placed', 'role']));
  });

  it("reads standard input with '-'", async () => {
    const x = io('[ 1.0] ================================\n[ 1.0] WARNING: inconsistent lock state\n');
    expect(await command.run(['--summary', '-'], x)).toBe(0);
    expect(x.stdout.join('\n')).toMatch(/Report 1 of 1: inconsistent/);
  });

  it('exits 1 when no report is recognised', async () => {
    const x = io('just some dmesg\n');
    expect(await command.run(['-'], x)).toBe(1);
    expect(x.stdout.join('\n')).toMatch(/No lockdep/);
  });

  it('exits 2 with a clear message on unreadable input or bad usage', async () => {
    let x = io();
    expect(await command.run(['does-not-exist.txt'], x)).toBe(2);
    expect(x.stderr.join('\n')).toMatch(/does-not-exist\.txt: no such file/);
    x = io();
    expect(await command.run(['.'], x)).toBe(2);
    expect(x.stderr.join('\n')).toMatch(/is a directory/);
    x = io();
    expect(await command.run([], x)).toBe(2);
    x = io();
    expect(await command.run(['--frobnicate', 'a'], x)).toBe(2);
    expect(x.stderr.join('\n')).toMatch(/unknown option '--frobnicate'/);
    x = io('a\u0000b');
    expect(await command.run(['-'], x)).toBe(2);
  });
});
