/**
 * "Lockdep not blinded": a fix that makes the report go away by switching
 * lockdep off for the code in question is not a fix. Watched twice: on the
 * event stream (what the run really did) and in the learner's source (so a
 * call that did not run still gets a marker).
 */
import type { SourceFile } from '../engine/api.ts';
import type { EventObserver, KernelEvent, SourcePos, Stack } from '../events/types.ts';

export interface BlindingFinding {
  pos?: SourcePos;
  message: string;
}

export interface BlindingObserver extends EventObserver {
  findings(allowed: Record<string, number[]>): BlindingFinding[];
}

function sitePos(stack: Stack): SourcePos | undefined {
  for (const f of stack) if (f.pos && !f.synthetic) return f.pos;
  return undefined;
}

/** Strips a `/N` subclass suffix: subclasses are configured per base class name. */
function baseClass(name: string): string {
  return name.replace(/\/\d+$/, '');
}

/**
 * `editable`: the learner's files. A lockdep_set_class() there re-keys a lock
 * into a class of the learner's choosing, which can hide a dependency as well
 * as a subclass can; environment code may still use it.
 */
export function blindingObserver(editable: ReadonlySet<string> = new Set()): BlindingObserver {
  const found: BlindingFinding[] = [];
  // class name -> subclass -> first site
  const subclasses = new Map<string, Map<number, SourcePos | undefined>>();
  return {
    event(e: KernelEvent) {
      switch (e.kind) {
        case 'lockdep_off':
          if (!found.some((f) => f.message.startsWith('lockdep_off()')))
            found.push({ pos: sitePos(e.ctx.stack), message: 'lockdep_off() hides every lock this task takes from lockdep' });
          break;
        case 'set_class': {
          const pos = sitePos(e.ctx.stack);
          if (e.novalidate)
            found.push({ pos, message: `lockdep_set_novalidate_class() on ${e.lock.name}: lockdep no longer checks that class at all` });
          else if (pos && editable.has(pos.file))
            found.push({ pos, message: `${e.lock.name} moved to class ${e.name}${e.subclass ? `/${e.subclass}` : ''}: a class of its own is a lock lockdep never compares with the others — this exercise needs no class annotation` });
          break;
        }
        case 'acquire': {
          if (e.subclass === 0 || !e.check) break;
          const cls = baseClass(e.lock.name);
          let m = subclasses.get(cls);
          if (!m) subclasses.set(cls, (m = new Map()));
          if (!m.has(e.subclass)) m.set(e.subclass, sitePos(e.ctx.stack));
          break;
        }
      }
    },
    findings(allowed) {
      const out = [...found];
      for (const [cls, subs] of subclasses) {
        const ok = allowed[cls] ?? [];
        for (const [sub, pos] of subs) {
          if (ok.includes(sub)) continue;
          out.push({
            pos,
            message: ok.length
              ? `${cls} taken in subclass ${sub}; this exercise needs only subclass${ok.length > 1 ? 'es' : ''} ${ok.join(', ')} — every extra subclass is a class lockdep never compares with the others`
              : `${cls} taken in subclass ${sub}: a subclass makes lockdep treat this site as a different lock, so it stops comparing it with the others — this exercise needs no nesting annotation`,
          });
        }
      }
      return out;
    },
  };
}

const FORBIDDEN: { re: RegExp; message: string }[] = [
  { re: /\blockdep_off\s*\(/g, message: 'lockdep_off() switches lockdep off for this task: the splat goes away, and so does every future one' },
  { re: /\blockdep_set_novalidate_class\s*\(/g, message: 'lockdep_set_novalidate_class() puts the lock in a class lockdep never validates' },
  { re: /\blockdep_set_notrack_class\s*\(/g, message: 'lockdep_set_notrack_class() hides the lock from lockdep entirely' },
  { re: /\bdebug_locks_off\s*\(/g, message: 'debug_locks_off() turns the lock validator off' },
];

/** Blank out comments and string literals, keeping offsets, so that positions stay right. */
export function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

export function posAt(file: string, text: string, offset: number): SourcePos {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) (line++, (last = i));
  return { file, line, col: offset - last };
}

/** Calls in the learner's files that blind lockdep, whether or not they ran. */
export function scanSource(files: readonly SourceFile[]): BlindingFinding[] {
  const out: BlindingFinding[] = [];
  for (const f of files) {
    const code = codeOnly(f.text);
    for (const { re, message } of FORBIDDEN) {
      re.lastIndex = 0;
      for (let m = re.exec(code); m; m = re.exec(code)) out.push({ pos: posAt(f.path, f.text, m.index), message });
    }
  }
  return out;
}

/** `lab_check(cond, "message")` calls in harness files: the assertions a run must reach. */
export function labChecksIn(files: readonly SourceFile[]): { message: string; pos: SourcePos }[] {
  const out: { message: string; pos: SourcePos }[] = [];
  for (const f of files) {
    const code = codeOnly(f.text);
    const re = /\blab_check\s*\(/g;
    for (let m = re.exec(code); m; m = re.exec(code)) {
      // The message is the last string literal before the call's closing ");".
      const end = code.indexOf(';', m.index);
      const call = f.text.slice(m.index, end < 0 ? undefined : end);
      const strs = [...call.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)];
      if (strs.length) out.push({ message: unescapeC(strs[strs.length - 1][1]), pos: posAt(f.path, f.text, m.index) });
    }
  }
  return out;
}

function unescapeC(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
