/** Golden report texts under ./golden: compared line for line; UPDATE_GOLDEN=1 rewrites them (then review by hand). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, 'golden');

export function golden(name: string, lines: string[]): string[] {
  const file = join(DIR, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, lines.join('\n') + '\n');
  return readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
}

export function readGolden(name: string): string[] {
  return readFileSync(join(DIR, name), 'utf8').replace(/\n$/, '').split('\n');
}

/**
 * What may legitimately differ between a real dmesg and ours: addresses,
 * irq event counter values, the kernel ident, and the indentation and double
 * spaces that mail archives strip.
 */
export function normalise(lines: string[]): string[] {
  return lines.map((l) =>
    (/ #\d+ (Not tainted|Tainted)/.test(l) && !l.startsWith('CPU:') ? '<ident>' : l)
      .trim()
      .replace(/[0-9a-f]{16}/g, '<addr>')
      .replace(/\(\d+\)/g, '(<n>)')
      .replace(/^irq event stamp: \d+$/, 'irq event stamp: <n>')
      .replace(/ {2,}/g, ' '),
  );
}
