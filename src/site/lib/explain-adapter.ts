/**
 * Build-time bridge to the splat decoder (src/explain, `decodeLog`): the lines
 * of a report with the role and explanation the annotated splat shows.
 */
import { decodeLog } from '../../explain/index.ts';

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
}

export async function decodeSplat(text: string): Promise<DecodedSplat> {
  const raw = text.replace(/\r/g, '').replace(/^\n+/, '').replace(/\s+$/, '');
  const out = decodeLog(raw);
  return {
    kinds: out.reports.map((r) => r.kind),
    lines: out.lines.map((l) => ({ n: l.n, text: l.text, role: l.role, explanation: l.explain ?? '' })),
  };
}
