/**
 * Peeling log decoration off a line so the report text underneath can be read.
 *
 * Real pastes wrap kernel output in mail quoting, syslog/journal prefixes,
 * /dev/kmsg records, printk levels, timestamps and caller ids, often several
 * at once and in any order. Every pattern here is anchored and free of nested
 * quantifiers, and each pass removes at least one character, so a line costs
 * time linear in its length.
 */

export interface Peeled {
  /** Everything removed from the front. */
  prefix: string;
  /** What is left, leading whitespace kept (its width is the printed indentation). */
  rest: string;
}

/** Lines longer than this are only matched on their first part: logs never need more, and it bounds regex work. */
export const MAX_MATCH = 2000;

const QUOTE = /^[ \t]{0,3}>(?=[ \t>]|$)[ \t]?/;
const SYSLOG_BSD = /^[A-Z][a-z]{2}[ \t]{1,2}\d{1,2}[ \t]\d\d:\d\d:\d\d[ \t]+[^ \t]+[ \t]+kernel:[ \t]?/;
// journalctl -o short with /dev/kmsg records: no `kernel:` tag, the record follows the host name.
const SYSLOG_KMSG = /^[A-Z][a-z]{2}[ \t]{1,2}\d{1,2}[ \t]\d\d:\d\d:\d\d[ \t]+[^ \t]+[ \t]+(?=\d{1,2},\d+,\d+,)/;
const SYSLOG_ISO = /^\d{4}-\d\d-\d\d[T ][0-9:.,]+(?:Z|[+-]\d\d:?\d\d)?[ \t]+[^ \t]+[ \t]+kernel:[ \t]?/;
const KERNEL_TAG = /^kernel:[ \t]?/;
const KMSG = /^\d{1,2},\d+,\d+,[-cA-Za-z+]*;/;
const LEVEL = /^<\d{1,2}>/;
const TIMESTAMP = /^\[[ \t]*\d+\.\d+\]/;
// `dmesg -T`: [Sat Nov 21 09:44:37 2026]; `dmesg --time-format iso`: 2026-11-21T09:44:37,123456+00:00
const TIMESTAMP_HUMAN = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/;
const TIMESTAMP_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[,.]\d+(?:Z|[+-]\d\d:?\d\d) /;
const CALLER = /^\[[ \t]*[TC]\d+\]/;
const SYSLOG_NL = /^#012/;
const BAR = /^\|(?=[ \t])/;

const PATTERNS = [QUOTE, SYSLOG_BSD, SYSLOG_KMSG, SYSLOG_ISO, KMSG, LEVEL, TIMESTAMP, TIMESTAMP_HUMAN, TIMESTAMP_ISO, CALLER, SYSLOG_NL, KERNEL_TAG, BAR];

/**
 * Strip decoration repeatedly until nothing more matches. Decoration may be
 * separated by spaces (`[  7.65][ T176] `), which are swallowed between
 * pieces, but the spaces after the last piece stay: they are the report's
 * own indentation (scenario columns, stack frames).
 */
export function peel(line: string): Peeled {
  let s = line.length > MAX_MATCH ? line.slice(0, MAX_MATCH) : line;
  const tail = line.length > MAX_MATCH ? line.slice(MAX_MATCH) : '';
  let prefixLen = 0;
  for (let guard = 0; guard < 16; guard++) {
    let matched = false;
    for (const re of PATTERNS) {
      const m = re.exec(s);
      if (m && m[0].length > 0) {
        s = s.slice(m[0].length);
        prefixLen += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      // Whitespace between two pieces of decoration belongs to the decoration.
      const ws = /^[ \t]+/.exec(s);
      if (ws) {
        const after = s.slice(ws[0].length);
        if (PATTERNS.some((re) => re !== QUOTE && re.test(after)) || startsWithTimestampAfterQuote(after)) {
          s = after;
          prefixLen += ws[0].length;
          continue;
        }
      }
      break;
    }
  }
  // printk puts one space after `[ts]`/`[T12]`: it is decoration, not indentation.
  if (prefixLen > 0 && line[prefixLen - 1] === ']' && s.startsWith(' ')) {
    s = s.slice(1);
    prefixLen += 1;
  }
  const full = line.length > MAX_MATCH ? s + tail : s;
  return { prefix: line.slice(0, prefixLen), rest: full };
}

function startsWithTimestampAfterQuote(s: string): boolean {
  return TIMESTAMP.test(s) || CALLER.test(s);
}

/** Printed indentation of what is left after peeling (tabs count as 8). */
export function indentOf(rest: string): number {
  let n = 0;
  for (let i = 0; i < rest.length && i < 200; i++) {
    const c = rest[i];
    if (c === ' ') n++;
    else if (c === '\t') n += 8;
    else break;
  }
  return n;
}
