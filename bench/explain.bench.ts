/**
 * Throughput of the splat decoder: lines per second on the real-report
 * corpus (pasted one file at a time and all at once) and on a large log
 * where reports are buried in unrelated kernel output.
 * Run: npx node bench/explain.bench.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLog, explainText } from '../src/explain/index.ts';

const DIR = join(import.meta.dirname, '../tests/fixtures/splats');
const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort().map((f) => readFileSync(join(DIR, f), 'utf8'));
const corpus = files.join('\n');

function measure(name: string, text: string, minMs = 1000): void {
  const lines = text.split('\n').length;
  decodeLog(text); // warm up
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    decodeLog(text);
    runs++;
    t = performance.now();
  }
  const ms = (t - t0) / runs;
  const perSec = Math.round((lines * 1000) / ms);
  console.log(`${name.padEnd(44)} ${String(lines).padStart(8)} lines  ${ms.toFixed(2).padStart(9)} ms/run  ${perSec.toLocaleString('en-US').padStart(12)} lines/s`);
}

measure('one report (seed klist splat, 121 lines)', files.find((f) => f.includes('rngd/1006'))!);
measure('whole corpus at once', corpus);
const noise = Array.from({ length: 2000 }, (_, i) => `[ ${(i / 7).toFixed(6)}] usb 1-${i % 9}: new high-speed USB device number ${i} using xhci_hcd`).join('\n');
measure('corpus buried in 50x unrelated output', Array.from({ length: 50 }, () => noise.slice(0, 20000) + '\n' + corpus).join('\n'), 2000);
measure('100k lines of plain dmesg noise', Array.from({ length: 50 }, () => noise).join('\n'), 2000);

const t0 = performance.now();
const text = explainText(decodeLog(corpus));
console.log(`explainText of the whole corpus: ${(performance.now() - t0).toFixed(1)} ms, ${text.split('\n').length} output lines`);
