/**
 * `lockdep-lab <command> ...`: a thin dispatcher. Each command lives in its own
 * module under ./commands and is loaded only when used, so the CLI starts fast
 * and each layer owns its own command.
 *
 * Exit codes for every command: 0 ran clean / passed, 1 ran and found a problem
 * (a report, a failed check), 2 could not run (bad input; diagnostics on stderr).
 */
export interface Command {
  name: string;
  /** One line for the command list in `--help`. */
  summary: string;
  /** Full help text for `lockdep-lab <command> --help`. */
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Console seams so commands are testable without spawning a process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  cwd: string;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  run: () => import('./commands/run.ts'),
  grade: () => import('./commands/grade.ts'),
  exercises: () => import('./commands/exercises.ts'),
  explain: () => import('./commands/explain.ts'),
};

export const nodeIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  cwd: process.cwd(),
};

async function loadCommand(name: string): Promise<Command | null> {
  const load = COMMANDS[name];
  if (!load) return null;
  try {
    return (await load()).command;
  } catch (e) {
    // A command whose module is not there yet (or failed to load) must not crash the CLI.
    return null;
  }
}

async function usage(io: CliIo): Promise<string> {
  const lines = [
    'usage: lockdep-lab <command> [options]',
    '',
    'Learn the Linux kernel locking rules: run simulated kernel C under a model of lockdep.',
    '',
    'commands:',
  ];
  for (const name of Object.keys(COMMANDS)) {
    const c = await loadCommand(name);
    if (c) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  }
  lines.push('', "Run 'lockdep-lab <command> --help' for a command's options.");
  lines.push('Exit codes: 0 clean/passed, 1 a report or failed check, 2 could not run.');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(await usage(io));
    return name ? 0 : 2;
  }
  const command = await loadCommand(name);
  if (!command) {
    io.err(`lockdep-lab: unknown command '${name}'\n\n${await usage(io)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Never a stack trace for the user: this is our bug, say so plainly.
    io.err(`lockdep-lab ${name}: internal error: ${(e as Error)?.message ?? String(e)}`);
    if (process.env.LOCKDEP_LAB_DEBUG) io.err(String((e as Error)?.stack));
    return 2;
  }
}
