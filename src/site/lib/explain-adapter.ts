/**
 * Build-time bridge to the splat decoder (src/explain, `decodeLog`). The
 * decoder is written in parallel and its output may grow; this reads only
 * what the annotated splat needs and tolerates absent fields. When the module
 * is not there, lines come back unexplained (the build still succeeds).
 */

export interface SplatLine {
  n: number;
  text: string;
  /** The decoder's role name for the line (`header`, `usage`, `stack`, ...), or `unplaced`. */
  role: string;
  /** What the line means, for the hover/focus note; empty when the decoder has nothing to say. */
  explanation: string;
}

export interface DecodedSplat {
  lines: SplatLine[];
  /** Report kinds found, from the decoder's fixed vocabulary. */
  kinds: string[];
  /** False when no decoder is built in. */
  decoded: boolean;
}

type DecoderModule = { decodeLog?: (text: string) => unknown };
const modules = import.meta.glob<DecoderModule>('../../explain/index.ts');

function pickText(o: Record<string, unknown>, keys: string[]): string {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string' && v.trim()) return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length) return v.join(' ');
  }
  return '';
}

export async function decodeSplat(text: string): Promise<DecodedSplat> {
  const raw = text.replace(/\r/g, '').replace(/^\n+/, '').replace(/\s+$/, '');
  const plain = raw.split('\n').map((t, i) => ({ n: i + 1, text: t, role: 'unplaced', explanation: '' }));
  const load = Object.values(modules)[0];
  const mod = load ? await load() : null;
  if (!mod?.decodeLog) return { lines: plain, kinds: [], decoded: false };
  const out = mod.decodeLog(raw) as { lines?: unknown[]; reports?: { kind?: string }[] };
  const lines = Array.isArray(out?.lines) ? out.lines : [];
  const byN = new Map<number, Record<string, unknown>>();
  lines.forEach((l, i) => {
    const o = l as Record<string, unknown>;
    byN.set(typeof o.n === 'number' ? o.n : i + 1, o);
  });
  return {
    decoded: true,
    kinds: (out?.reports ?? []).map((r) => String(r.kind ?? 'unknown')),
    lines: plain.map((p) => {
      const o = byN.get(p.n);
      if (!o) return p;
      const role = typeof o.role === 'string' ? o.role : o.placed === false ? 'unplaced' : 'line';
      return { ...p, role, explanation: pickText(o, ['explanation', 'explain', 'note', 'notes', 'meaning', 'description']) };
    }),
  };
}
