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
  const steps: ScenarioStep[] = [];
  let outcome: string | undefined;
  let base = -1;
  let gap = false;
  for (const raw of lines.slice(headIdx + 1)) {
    if (/^\s*-+(\s+-+)*\s*$/.test(raw)) continue;
    if (/\*\*\*.*\*\*\*/.test(raw)) {
      outcome = raw.trim();
      break;
    }
    if (!raw.trim()) {
      gap = steps.length > 0;
      continue;
    }
    // After the steps only the outcome line may follow a blank line.
    if (gap) break;
    if (/^\s*(Possible|\d+ locks? held|other info)/.test(raw)) break;
    const start = raw.length - raw.trimStart().length;
    if (base < 0) base = start;
    // The lane is the rightmost column whose header starts at or left of the text (with slack for indents).
    let lane = 0;
    for (let i = 0; i < cols.length; i++) if (start >= cols[i].at - 4) lane = i;
    const laneStart = lane === 0 ? base : Math.min(base + (cols[lane].at - cols[0].at), start);
    steps.push({ lane, text: raw.trim(), indent: Math.max(0, Math.round((start - laneStart) / 2)) });
  }
  return { lanes: cols.map((c) => c.title), steps, outcome };
}
