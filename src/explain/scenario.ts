/**
 * The "Possible unsafe locking scenario" as CPU lanes. Kernels print CPU1's
 * steps in a column 31 spaces in; when a paste lost its indentation the
 * lanes are inferred from the fixed order in which lockdep prints the steps.
 */
import type { DecodedKind, DecodedScenario, ScenarioLane, ScenarioStep } from './types.ts';

export interface RawStep {
  n: number;
  indent: number;
  body: string;
}

export function buildScenario(title: string, steps: RawStep[], kind: DecodedKind): DecodedScenario {
  const printed = steps.some((s) => s.indent >= 12);
  const lanes: ScenarioLane[] = [{ cpu: 'CPU0', steps: [] }];
  const twoCpu = kind === 'circular' || kind === 'irq-safe-unsafe' || kind === 'irq-inversion';
  if (twoCpu) lanes.push({ cpu: 'CPU1', steps: [] });
  let inInterrupt = false;
  let sawIrqOff = false;
  steps.forEach((s, idx) => {
    let lane = 0;
    if (twoCpu) {
      if (printed) lane = s.indent >= 12 ? 1 : 0;
      else if (kind === 'circular') lane = idx === 0 || idx === steps.length - 1 ? 0 : 1;
      else {
        // irq scenarios: CPU0 takes UNSAFE; CPU1 disables irqs and takes SAFE (and MIDDLE); CPU0 gets the <Interrupt>.
        if (s.body === 'local_irq_disable();') sawIrqOff = true;
        if (s.body === '<Interrupt>') sawIrqOff = false;
        lane = idx === 0 ? 0 : sawIrqOff ? 1 : 0;
      }
    }
    if (s.body === '<Interrupt>') inInterrupt = true;
    const op = /^(r?lock|sync)\(/.exec(s.body)?.[1] ?? (s.body === '<Interrupt>' ? 'interrupt' : s.body.startsWith('local_irq_disable') ? 'local_irq_disable' : 'other');
    const lock = /^(?:r?lock|sync)\((.*)\);$/.exec(s.body)?.[1];
    const step: ScenarioStep = { n: s.n, op, lock, inInterrupt: inInterrupt && op !== 'interrupt', text: s.body };
    lanes[lane].steps.push(step);
  });
  return { title, lanes, columns: printed || !twoCpu ? 'printed' : 'inferred' };
}
