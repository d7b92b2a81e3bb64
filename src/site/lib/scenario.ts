/**
 * The "Possible unsafe locking scenario" block of a lockdep report, as data:
 * CPU lanes and the steps in time order. Lockdep prints it as two text columns
 * (print_circular_lock_scenario, print_irq_lock_scenario); a step's lane is the
 * column it starts in.
 */

export interface ScenarioStep {
  /** Index into Scenario.lanes. */
  lane: number;
  text: string;
  /** Extra indent inside the lane (steps under `<Interrupt>` are indented). */
  indent: number;
}

export interface Scenario {
  /** Lane titles: `CPU0`, `CPU1`. */
  lanes: string[];
  /** In time order, top to bottom. */
  steps: ScenarioStep[];
  /** The closing line, e.g. `*** DEADLOCK ***`. */
  outcome?: string;
}

/**
 * Parses the block from a report (with or without the title line and the
 * trailing DEADLOCK line). Lines outside the block are ignored; returns null
 * when there are no CPU columns.
 */
export function parseScenario(text: string): Scenario | null {
  const lines = text.replace(/\r/g, '').split('\n');
  const headIdx = lines.findIndex((l) => /^\s*CPU\d+(\s+CPU\d+)*\s*$/.test(l));
  if (headIdx < 0) return null;
  const head = lines[headIdx];
  const cols: { title: string; at: number }[] = [];
  for (const m of head.matchAll(/CPU\d+/g)) cols.push({ title: m[0], at: m.index! });
  const raw: { lane: number; text: string; start: number }[] = [];
  let outcome: string | undefined;
  let gap = false;
  for (const line of lines.slice(headIdx + 1)) {
    if (/^\s*-+(\s+-+)*\s*$/.test(line)) continue;
    if (/\*\*\*.*\*\*\*/.test(line)) {
      outcome = line.trim();
      break;
    }
    if (!line.trim()) {
      gap = raw.length > 0;
      continue;
    }
    // After the steps only the outcome line may follow a blank line.
    if (gap) break;
    if (/^\s*(Possible|\d+ locks? held|other info)/.test(line)) break;
    const start = line.length - line.trimStart().length;
    // The lane is the rightmost column whose header starts at or left of the text (with slack for indents).
    let lane = 0;
    for (let i = 0; i < cols.length; i++) if (start >= cols[i].at - 6) lane = i;
    raw.push({ lane, text: line.trim(), start });
  }
  // Lockdep prints each lane's steps from its own left edge (CPU0's a few columns left of its
  // header, CPU1's under it); deeper steps (after <Interrupt>) are indented by two.
  const edge = cols.map((_, i) => Math.min(...raw.filter((r) => r.lane === i).map((r) => r.start)));
  const steps: ScenarioStep[] = raw.map((r) => ({ lane: r.lane, text: r.text, indent: Math.max(0, Math.round((r.start - edge[r.lane]) / 2)) }));
  return { lanes: cols.map((c) => c.title), steps, outcome };
}

/**
 * A step's text cut where a line may break without splitting a name: after
 * "(" "," and spaces, before "->" and ".". Lanes are narrow on a phone, and
 * `lock(&per_cpu(wakeup_vcpus_on_cpu_lock, cpu))` must not break inside an
 * identifier; the pieces are joined with <wbr>.
 */
export function breakPieces(text: string): string[] {
  return text.split(/(?<=[(, ])|(?=->)|(?<=[\w)\]])(?=\.\w)/).filter((x) => x !== '');
}
