/**
 * C tokens for one source file. Comments and line continuations vanish here;
 * `bol` marks the first token of a logical line, which is all the
 * preprocessor needs to find directives and their ends.
 */
import type { SourcePos } from '../events/types.ts';
import { diag, report, type DiagSink } from './diagnostics.ts';

export type TokKind = 'ident' | 'int' | 'char' | 'string' | 'punct' | 'eof';

export interface Token {
  kind: TokKind;
  /** As written (for strings and chars: with quotes and escapes). */
  text: string;
  pos: SourcePos;
  /** First token of a logical line. */
  bol: boolean;
  /** Whitespace before it (macro definitions need it: `#define F(x)` vs `#define F (x)`). */
  space: boolean;
  /** int: the value; char: the code. */
  value?: bigint;
  /** int: lower-cased suffix. */
  suffix?: string;
  /** string: decoded contents. */
  str?: string;
  /** Macros this token came out of (not to be expanded again: C's hide set). */
  hide?: ReadonlySet<string>;
}

const PUNCTS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '##',
  '[', ']', '(', ')', '{', '}', '.', '&', '*', '+', '-', '~', '!', '/', '%',
  '<', '>', '^', '|', '?', ':', ';', '=', ',', '#',
];

/** Punctuators by first character, longest first, so matching is one map lookup and a few compares. */
const PUNCTS_BY_CHAR = new Map<string, string[]>();
for (const p of PUNCTS) {
  const list = PUNCTS_BY_CHAR.get(p[0]) ?? [];
  list.push(p);
  PUNCTS_BY_CHAR.set(p[0], list);
}

const isIdStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdChar = (c: string) => isIdStart(c) || isDigit(c);

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

export function lex(file: string, text: string, sink: DiagSink): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let bol = true;
  let space = false;
  const n = text.length;
  const posAt = (at: number): SourcePos => ({ file, line, col: at - lineStart + 1 });

  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };

  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      newline(i);
      i++;
      bol = true;
      space = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      space = true;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      // Line continuation: the logical line goes on.
      i += text[i + 1] === '\n' ? 1 : 2;
      newline(i);
      i++;
      space = true;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      space = true;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const start = posAt(i);
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') newline(i);
        i++;
      }
      if (i >= n) {
        report(sink, diag(start, 'unterminated comment', "close it with '*/'"));
      } else i += 2;
      space = true;
      continue;
    }

    const pos = posAt(i);
    const push = (t: Omit<Token, 'pos' | 'bol' | 'space'>) => {
      // Hot path: fill in place rather than spreading into a new object.
      const tok = t as Token;
      tok.pos = pos;
      tok.bol = bol;
      tok.space = space;
      toks.push(tok);
      bol = false;
      space = false;
    };

    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(text[j])) j++;
      const word = text.slice(i, j);
      if ((word === 'L' || word === 'u' || word === 'U' || word === 'u8') && (text[j] === '"' || text[j] === "'")) {
        // Drop the prefix, keep the literal, so one message covers it.
        report(sink, diag(pos, `${word}"..." wide or unicode literals are outside the simulated subset`, 'use a plain "string" or \'c\''));
        i = j;
        continue;
      }
      push({ kind: 'ident', text: word });
      i = j;
      continue;
    }

    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      // A preprocessing number, then decide what it is.
      let j = i + 1;
      while (j < n) {
        const d = text[j];
        if ((d === '+' || d === '-') && /[eEpP]/.test(text[j - 1]) && !/^0[xX]/.test(text.slice(i, j))) {
          j++;
          continue;
        }
        if ((d === '+' || d === '-') && /[pP]/.test(text[j - 1])) {
          j++;
          continue;
        }
        if (isIdChar(d) || d === '.') {
          j++;
          continue;
        }
        break;
      }
      const raw = text.slice(i, j);
      i = j;
      const parsed = parseIntLiteral(raw);
      if (parsed === 'float') {
        report(sink, diag(pos, `floating-point constant '${raw}' is outside the simulated subset`, 'the kernel does not use floating point; use integers (e.g. scale by 1000)'));
        push({ kind: 'int', text: raw, value: 0n, suffix: '' });
      } else if (parsed === null) {
        report(sink, diag(pos, `invalid integer constant '${raw}'`, 'write a decimal, 0x hex, 0b binary or 0 octal number with an optional U/L/UL/ULL suffix'));
        push({ kind: 'int', text: raw, value: 0n, suffix: '' });
      } else {
        push({ kind: 'int', text: raw, value: parsed.value, suffix: parsed.suffix });
      }
      continue;
    }

    if (c === '"' || c === "'") {
      const quote = c;
      let j = i + 1;
      const codes: number[] = [];
      let ok = false;
      while (j < n) {
        const d = text[j];
        if (d === quote) {
          ok = true;
          j++;
          break;
        }
        if (d === '\n') break;
        if (d === '\\') {
          const e = text[j + 1];
          if (e === undefined) break;
          if (e === '\n') {
            // Continuation inside a literal.
            j += 2;
            newline(j - 1);
            continue;
          }
          if (e === 'x') {
            let k = j + 2;
            while (k < n && /[0-9a-fA-F]/.test(text[k])) k++;
            codes.push(parseInt(text.slice(j + 2, k) || '0', 16) & 0xff);
            j = k;
            continue;
          }
          if (e >= '0' && e <= '7') {
            let k = j + 1;
            while (k < n && k < j + 4 && text[k] >= '0' && text[k] <= '7') k++;
            codes.push(parseInt(text.slice(j + 1, k), 8) & 0xff);
            j = k;
            continue;
          }
          const code = SIMPLE_ESCAPES[e];
          if (code === undefined) {
            report(sink, diag(posAt(j), `unknown escape sequence '\\${e}'`, 'use \\n, \\t, \\\\, \\", \\\', \\0 or \\xNN'));
            codes.push(e.charCodeAt(0));
          } else codes.push(code);
          j += 2;
          continue;
        }
        codes.push(d.charCodeAt(0));
        j++;
      }
      const raw = text.slice(i, j);
      i = j;
      if (!ok) {
        report(sink, diag(pos, `missing terminating ${quote} character`, `close the ${quote === '"' ? 'string' : 'character constant'} on the same line`));
      }
      if (quote === '"') {
        let str = '';
        // In slices: spreading a huge literal into one call would overflow the argument limit.
        for (let k = 0; k < codes.length; k += 4096) str += String.fromCharCode(...codes.slice(k, k + 4096));
        push({ kind: 'string', text: raw, str });
      } else {
        if (ok && codes.length !== 1) {
          report(sink, diag(pos, codes.length === 0 ? 'empty character constant' : 'multi-character character constant is outside the simulated subset', "write exactly one character between single quotes, like 'a' or '\\n'"));
        }
        push({ kind: 'char', text: raw, value: BigInt(codes[0] ?? 0) });
      }
      continue;
    }

    let matched = '';
    for (const p of PUNCTS_BY_CHAR.get(c) ?? []) {
      if (p.length === 1 || text.startsWith(p, i)) {
        matched = p;
        break;
      }
    }
    if (matched) {
      push({ kind: 'punct', text: matched });
      i += matched.length;
      continue;
    }
    report(sink, diag(pos, `stray '${c}' in program`, 'remove it; it is not part of C'));
    i++;
  }
  toks.push({ kind: 'eof', text: '', pos: posAt(i), bol: true, space: true });
  return toks;
}

/** Integer literal -> exact value, or 'float' / null (invalid). */
export function parseIntLiteral(raw: string): { value: bigint; suffix: string } | 'float' | null {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)$/.exec(raw);
  if (!m) {
    if (/^(\d*\.\d*([eE][+-]?\d+)?|\d+[eE][+-]?\d+)[fFlL]?$/.test(raw) || /^0[xX][0-9a-fA-F.]*[pP]/.test(raw)) return 'float';
    return null;
  }
  const suffix = m[2].toLowerCase();
  if (!['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(suffix)) return null;
  const digits = m[1];
  let value: bigint;
  if (/^0[0-7]+$/.test(digits)) value = BigInt('0o' + digits.slice(1));
  else if (/^0[0-9]+$/.test(digits)) return null; // 08, 09: bad octal
  else value = BigInt(digits);
  const norm = suffix === 'lu' ? 'ul' : suffix === 'llu' ? 'ull' : suffix;
  return { value, suffix: norm };
}
