/**
 * The kernel's vsnprintf subset: %d %i %u %x %X %o %c %s %p %px %pS %ps %pK %%
 * with flags, width, precision and the h/l/ll/z/t length modifiers.
 */
import { formatAddr } from '../../events/format.ts';
import type { Interp } from '../interp.ts';
import { readString } from '../interp.ts';
import { addrOf, type Value } from '../memory.ts';
import { toBig } from '../values.ts';

/** Stable stand-in for the kernel's hashed %p (same program, same output). */
function hashPtr(a: bigint): string {
  let h = 0x811c9dc5;
  const s = a.toString(16);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(16, '0');
}

function symbolOf(I: Interp, v: Value): string {
  if (v.k === 'f') {
    const sz = I.fnSize.get(v.name);
    return `${I.funcs.get(v.name)?.name ?? v.name}+0x0/0x${(sz?.size ?? 0x40).toString(16)}`;
  }
  const a = toBig(v);
  return `0x${a.toString(16)}`;
}

export function formatPrintf(I: Interp, fmt: string, args: Value[]): string {
  let out = '';
  let ai = 0;
  const next = (): Value => args[ai++] ?? { k: 'i', t: { k: 'int', name: 'int', bits: 32, signed: true }, v: 0n };
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|t)?([diouxXcspn%])/.exec(fmt.slice(i));
    if (!m) {
      out += ch;
      continue;
    }
    i += m[0].length - 1;
    const flags = m[1] ?? '';
    let width = m[2] === '*' ? Number(toBig(next())) : m[2] ? Number(m[2]) : 0;
    const prec = m[3] === '*' ? Number(toBig(next())) : m[3] !== undefined ? Number(m[3]) : -1;
    const len = m[4] ?? '';
    const conv = m[5]!;
    let s: string;
    switch (conv) {
      case '%':
        out += '%';
        continue;
      case 'd':
      case 'i': {
        const bits = len === 'll' || len === 'l' || len === 'z' || len === 't' ? 64 : len === 'h' ? 16 : len === 'hh' ? 8 : 32;
        const v = BigInt.asIntN(bits, toBig(next()));
        s = (v < 0n ? -v : v).toString();
        if (prec >= 0) s = s.padStart(prec, '0');
        s = (v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        const bits = len === 'll' || len === 'l' || len === 'z' || len === 't' ? 64 : len === 'h' ? 16 : len === 'hh' ? 8 : 32;
        const v = BigInt.asUintN(bits, toBig(next()));
        s = v.toString(conv === 'u' ? 10 : conv === 'o' ? 8 : 16);
        if (conv === 'X') s = s.toUpperCase();
        if (prec >= 0) s = s.padStart(prec, '0');
        if (flags.includes('#') && v !== 0n) s = (conv === 'o' ? '0' : conv === 'X' ? '0X' : conv === 'x' ? '0x' : '') + s;
        break;
      }
      case 'c':
        s = String.fromCharCode(Number(toBig(next()) & 0xffn));
        break;
      case 's': {
        const v = next();
        s = v.k === 'p' && !v.obj && (v.addr ?? 0n) === 0n ? '(null)' : (readString(I, v) ?? '(efault)');
        if (prec >= 0) s = s.slice(0, prec);
        break;
      }
      case 'p': {
        const v = next();
        const ext = /^[xSsKBfR]/.exec(fmt.slice(i + 1));
        const e = ext ? ext[0] : '';
        if (e) i += 1;
        if (e === 'x') s = formatAddr(v.k === 'f' ? toBig(v) : v.k === 'p' ? addrOf(v) : toBig(v));
        else if (e === 'S' || e === 's' || e === 'B' || e === 'f' || e === 'R') {
          s = symbolOf(I, v);
          if (e === 's') s = s.replace(/\+.*$/, '');
        } else s = toBig(v) === 0n ? '0000000000000000' : hashPtr(v.k === 'p' ? addrOf(v) : toBig(v));
        break;
      }
      default:
        next();
        s = '';
    }
    if (width < 0) width = -width;
    if (s.length < width) {
      if (flags.includes('-')) s = s.padEnd(width);
      else if (flags.includes('0') && /[diouxX]/.test(conv) && prec < 0) {
        const sign = /^[-+ ]/.test(s) ? s[0]! : '';
        s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
      } else s = s.padStart(width);
    }
    out += s;
  }
  return out;
}

/** Split a KERN_<LEVEL> prefix ("\x01" + digit) off a format string. */
export function splitLevel(fmt: string, dflt: number): { level: number; fmt: string; cont: boolean } {
  if (fmt.charCodeAt(0) === 1 && fmt.length > 1) {
    const c = fmt[1]!;
    if (c === 'c') return { level: dflt, fmt: fmt.slice(2), cont: true };
    if (c >= '0' && c <= '7') return { level: Number(c), fmt: fmt.slice(2), cont: false };
  }
  return { level: dflt, fmt, cont: false };
}
