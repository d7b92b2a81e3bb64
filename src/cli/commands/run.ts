/**
 * `lockdep-lab run <file.c>...`: run simulated kernel C and print what the
 * kernel log would show (printk output, warnings, lockdep reports).
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { LockdepConfig } from '../../events/types.ts';
import type { RunOptions, SourceFile } from '../../engine/api.ts';
import { runProgram } from '../../engine/index.ts';
import { formatDiagnostic } from '../../language/index.ts';
import type { CliIo, Command } from '../main.ts';

const HELP = `usage: lockdep-lab run <file.c>... [options]

Parse the files as one program and run the entry function as a task on CPU 0 of
a simulated 8-CPU machine, under the lockdep model and the race check. Prints the
kernel log: printk output, WARN/BUG splats and lockdep reports, as dmesg shows them.
Tasks started with kthread_run() & co run when the current task sleeps or ends
(deterministic, in creation order); time is virtual (msleep advances it).

options:
  --entry <name>        entry function (default: main, i.e. void main(void))
  --json                print the whole result as JSON (status, log, reports,
                        checks, diagnostics, budget, stats)
  --config <NAME>=y|n   kernel option, CONFIG_ prefix optional; repeatable:
                          PROVE_RAW_LOCK_NESTING (default y: spinlock_t {3:3})
                          PREEMPT_RT (default n)
                          LOCKDEP_FORCE_READ_LOCK_RECURSIVE (default n)
                        the program sees the same set (=n: CONFIG_X undefined,
                        =y: defined to 1); these win over its own #define/#undef
  --keep-going          keep lockdep reporting after the first report (a teaching
                        knob; the real lockdep turns itself off after one report)
  --max-steps <N>       interpreter step budget (default 2000000)
  --max-memory <MiB>    simulated heap budget (default 16)
  --cpus <N>            number of simulated CPUs (default 8)
  --no-races            do not run the race check
  -h, --help            this text

harness builtins a program may call:
  lab_set_comm("rngd")        name the entry task (comm), as in "rngd/1006"
  lab_raise_irq(cpu, irq)     raise an interrupt registered with request_irq(); it runs
                              at once in hardirq context if that CPU has IRQs on, else
                              when they come back on
  lab_raise_nmi(cpu, fn, arg) run fn(arg) in NMI context on that CPU
  lab_check(cond, "message")  record a functional check (failed checks exit 1)

exit status: 0 ran clean; 1 the run printed a warning or report, a lab_check
failed, a budget ran out or the simulated machine deadlocked; 2 the input could
not be run (diagnostics on stderr, gcc style)`;

const CONFIG_KEYS: Record<string, keyof LockdepConfig> = {
  PROVE_RAW_LOCK_NESTING: 'proveRawLockNesting',
  PREEMPT_RT: 'preemptRt',
  LOCKDEP_FORCE_READ_LOCK_RECURSIVE: 'forceReadLockRecursive',
};

interface Parsed {
  files: string[];
  opts: RunOptions;
  json: boolean;
}

function parseArgs(argv: string[]): Parsed | string {
  const files: string[] = [];
  const opts: RunOptions = {};
  const config: Partial<LockdepConfig> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string | null => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0 && !a.startsWith('--config=')) return a.slice(eq + 1);
      if (a.startsWith('--config=')) return a.slice('--config='.length);
      const v = argv[i + 1];
      if (v === undefined) return null;
      i++;
      return v;
    };
    const name = a.startsWith('--') ? a.split('=')[0]! : a;
    switch (name) {
      case '--json':
        json = true;
        break;
      case '--keep-going':
        config.keepGoing = true;
        break;
      case '--no-races':
        opts.races = false;
        break;
      case '--entry': {
        const v = val();
        if (!v) return '--entry needs a function name';
        opts.entry = v;
        break;
      }
      case '--max-steps': {
        const v = Number(val());
        if (!Number.isInteger(v) || v <= 0) return '--max-steps needs a positive whole number';
        opts.maxSteps = v;
        break;
      }
      case '--max-memory': {
        const v = Number(val());
        if (!(v > 0)) return '--max-memory needs a positive number of MiB';
        opts.maxMemory = Math.round(v * 1024 * 1024);
        break;
      }
      case '--cpus': {
        const v = Number(val());
        if (!Number.isInteger(v) || v < 1 || v > 64) return '--cpus needs a number from 1 to 64';
        opts.cpus = v;
        break;
      }
      case '--config': {
        const v = val();
        const m = v ? /^(?:CONFIG_)?([A-Z0-9_]+)=(y|n)$/.exec(v) : null;
        if (!m) return `--config expects NAME=y or NAME=n (got '${v ?? ''}')`;
        const key = CONFIG_KEYS[m[1]!];
        if (!key) return `unknown --config option '${m[1]}' (known: ${Object.keys(CONFIG_KEYS).join(', ')})`;
        (config as Record<string, boolean>)[key] = m[2] === 'y';
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
        files.push(a);
    }
  }
  if (files.length === 0) return 'no input files';
  if (Object.keys(config).length) opts.config = config;
  return { files, opts, json };
}

export const command: Command = {
  name: 'run',
  summary: 'run simulated kernel C under lockdep and print the kernel log',
  help: HELP,
  async run(argv: string[], io: CliIo) {
    const p = parseArgs(argv);
    if (typeof p === 'string') {
      io.err(`lockdep-lab run: ${p}\n\n${HELP}`);
      return 2;
    }
    const sources: SourceFile[] = [];
    for (const f of p.files) {
      const abs = resolve(io.cwd, f);
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        io.err(`lockdep-lab run: cannot read '${f}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : ((e as Error).message ?? String(e))}`);
        return 2;
      }
      const rel = relative(io.cwd, abs);
      sources.push({ path: rel.startsWith('..') ? abs : rel, text });
    }
    const r = runProgram(sources, p.opts);
    if (p.json) {
      io.out(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2));
    } else {
      if (r.text) io.out(r.text.replace(/\n$/, ''));
      for (const d of r.diagnostics) io.err(formatDiagnostic(d, sources));
      if (r.budget) io.err(`lockdep-lab run: ${r.budget.message}`);
      const failed = r.checks.filter((c) => !c.passed);
      for (const c of failed) io.err(`${c.pos.file}:${c.pos.line}:${c.pos.col}: check failed: ${c.message}`);
    }
    if (r.status === 'invalid') return 2;
    const noted = r.diagnostics.some((d) => d.severity === 'note');
    if (r.status === 'reported' || r.status === 'budget' || noted || r.checks.some((c) => !c.passed)) return 1;
    return 0;
  },
};
