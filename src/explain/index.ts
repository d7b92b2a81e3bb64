/**
 * "Explain my splat": decode a pasted kernel log into reports and annotated lines.
 *
 * decodeLog() is pure and total: it never throws, keeps every input line
 * (unrecognised ones with placed: false) and runs in time linear in the
 * input. explainText() renders the result for a terminal.
 */
import { decodeLines } from './parse.ts';
import type { DecodedLog } from './types.ts';

export type * from './types.ts';
export { LESSONS, KIND_TITLES, HEADER_RULES } from './kinds.ts';
export { decodeUsage, decodeWait, decodeContext, parseLockText } from './decode.ts';
export { explainText } from './text.ts';

export function decodeLog(text: string): DecodedLog {
  try {
    const src = typeof text === 'string' ? text : String(text ?? '');
    return decodeLines(src);
  } catch (e) {
    // A decoder bug must not take the page or the CLI down: return every line unplaced.
    const src = typeof text === 'string' ? text : '';
    const lines = src.split('\n').map((t, i) => ({
      n: i + 1,
      text: t,
      body: t.trim(),
      prefix: '',
      placed: false,
      role: 'unplaced' as const,
      explain: `The decoder failed on this input (${(e as Error)?.message ?? 'unknown error'}); please report it.`,
    }));
    return { reports: [], lines };
  }
}
