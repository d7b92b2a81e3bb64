/**
 * `lockdep-lab explain <file|->`: annotate a real lockdep/RCU/might_sleep/KCSAN
 * report line by line. `--json` prints `{ reports, lines }` for tools.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo, Command } from '../main.ts';
import { decodeLog, explainText } from '../../explain/index.ts';

const HELP = `usage: lockdep-lab explain [--json] [--summary] <file|->

Decode a pasted kernel log: which report it is (circular, inconsistent,
irq-safe-unsafe, irq-inversion, invalid-wait-context, recursive,
bad-unlock-balance, held-lock-freed, suspicious-rcu, sleeping-in-atomic,
lock-held-returning-to-user, locks-held-at-exit, nested-lock-not-taken,
kcsan-data-race, unknown), the locks with their usage and wait types, the
task's irq context, the dependency chain, the deadlock scenario per CPU and
which lines are which stack. Timestamps, syslog prefixes and mail quoting
are fine; several reports in one paste are decoded one by one.

  <file>      the log to read; '-' reads standard input
  --json      print { "reports": [...], "lines": [...] } instead of text
  --summary   text output without the per-line annotation

Exit codes: 0 at least one report recognised, 1 none, 2 unreadable input.`;

export const command: Command = {
  name: 'explain',
  summary: 'annotate a real lockdep/KCSAN report (file or stdin), or --json for tools',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    let json = false;
    let summaryOnly = false;
    const files: string[] = [];
    for (const a of argv) {
      if (a === '--json') json = true;
      else if (a === '--summary') summaryOnly = true;
      else if (a.startsWith('--')) {
        io.err(`lockdep-lab explain: unknown option '${a}'. Options: --json, --summary. See 'lockdep-lab explain --help'.`);
        return 2;
      } else files.push(a);
    }
    if (files.length !== 1) {
      io.err(`lockdep-lab explain: expected one input (a file, or '-' for standard input), got ${files.length}.\n\n${HELP}`);
      return 2;
    }
    let text: string;
    try {
      text = files[0] === '-' ? await io.readStdin() : await readFile(resolve(io.cwd, files[0]), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : ((e as Error)?.message ?? 'cannot read');
      io.err(`lockdep-lab explain: ${files[0]}: ${why}. Give a log file, or pipe the log in with '-'.`);
      return 2;
    }
    if (text.includes('\u0000')) {
      io.err(`lockdep-lab explain: ${files[0]}: looks binary (contains NUL bytes); give the text of the kernel log.`);
      return 2;
    }
    const decoded = decodeLog(text);
    if (json) io.out(JSON.stringify({ reports: decoded.reports, lines: decoded.lines }, null, 2));
    else io.out(explainText(decoded, { lines: !summaryOnly }));
    return decoded.reports.length > 0 ? 0 : 1;
  },
};
