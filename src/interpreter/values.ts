/**
 * C value semantics over the memory model: integer widths and signedness with
 * wrap-around (64-bit exact through bigint), the usual arithmetic conversions,
 * conversions between integers and pointers.
 */
import { addrOf, type IntV, type PtrV, type Value } from './memory.ts';
import { BOOL, INT, LONG, UINT, ULONG, type IntRT, type PtrRT, type RType } from './rtypes.ts';

export function wrapInt(t: IntRT, v: bigint): bigint {
  if (t.name === 'bool') return v !== 0n ? 1n : 0n;
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}

export function mkInt(t: IntRT, v: bigint): IntV {
  return { k: 'i', t, v: wrapInt(t, v) };
}

export const ZERO: IntV = { k: 'i', t: INT, v: 0n };
export const ONE: IntV = { k: 'i', t: INT, v: 1n };

export function intOf(v: bigint | number): IntV {
  return { k: 'i', t: INT, v: BigInt.asIntN(32, BigInt(v)) };
}
export function longOf(v: bigint | number): IntV {
  return { k: 'i', t: LONG, v: BigInt.asIntN(64, BigInt(v)) };
}
export function ulongOf(v: bigint | number): IntV {
  return { k: 'i', t: ULONG, v: BigInt.asUintN(64, BigInt(v)) };
}
export function boolOf(b: boolean): IntV {
  return b ? ONE : ZERO;
}

export function promote(t: IntRT): IntRT {
  return t.bits < 32 ? INT : t;
}

/** The usual arithmetic conversions (LP64). */
export function commonType(a: IntRT, b: IntRT): IntRT {
  const x = promote(a);
  const y = promote(b);
  if (x.bits === y.bits) {
    if (x.signed === y.signed) return x;
    return x.signed ? y : x;
  }
  return x.bits > y.bits ? x : y;
}

/** Integer value of anything scalar (pointers by address), as C would convert it. */
export function toBig(v: Value): bigint {
  switch (v.k) {
    case 'i':
      return v.v;
    case 'p':
      return addrOf(v);
    case 'f':
      return 0xffffffff81000000n + BigInt(hash(v.name) * 16);
    default:
      return 0n;
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % 0xfffff;
}

export function truthy(v: Value): boolean {
  switch (v.k) {
    case 'i':
      return v.v !== 0n;
    case 'p':
      return v.obj !== null || (v.addr ?? 0n) !== 0n;
    case 'f':
      return true;
    default:
      return false;
  }
}

export function isNullPtr(v: Value): boolean {
  return v.k === 'p' && v.obj === null && (v.addr ?? 0n) === 0n;
}

export function nullPtr(t: PtrRT): PtrV {
  return { k: 'p', t, obj: null, off: 0, addr: 0n };
}

/** Integer literal type from its suffix and value, as C's rules for decimal/hex literals. */
export function literalType(value: bigint, suffix: string, hex: boolean): IntRT {
  const u = suffix.includes('u');
  const l = suffix.includes('l');
  if (!l) {
    if (!u && value <= 0x7fffffffn) return INT;
    if ((u || hex) && value <= 0xffffffffn) return UINT;
  }
  if (!u && value <= 0x7fffffffffffffffn) return suffix.includes('ll') ? { k: 'int', name: 'long long', bits: 64, signed: true } : LONG;
  return suffix.includes('ll') ? { k: 'int', name: 'unsigned long long', bits: 64, signed: false } : ULONG;
}

export function isIntType(t: RType): t is IntRT {
  return t.k === 'int';
}

export { BOOL };
