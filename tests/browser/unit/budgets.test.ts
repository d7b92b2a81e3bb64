import { describe, expect, it } from 'vitest';
import { RUN_STEP_BUDGET, RUN_TIME_BUDGET_MS } from '../../../src/site/lib/budgets.ts';
import { summarize } from '../../../src/site/lib/terminal.ts';
import type { RunResult } from '../../../src/engine/api.ts';
import { runProgram } from '../../../src/engine/index.ts';
import { DEFAULT_BUDGETS } from '../../../src/grader/grade.ts';

function budgetResult(kind: 'steps' | 'time' | 'memory', message: string): RunResult {
  return { status: 'budget', diagnostics: [], log: [], text: '', reports: [], checks: [], budget: { kind, message }, stats: { steps: 1234, events: 0, timeMs: 20_001, heapBytes: 0 } };
}

describe('Run budgets (QA F26: the step budget decides, the wall clock is only a safety net)', () => {
  it('matches the grader: same step budget, same wall-clock net', () => {
    expect(RUN_STEP_BUDGET).toBe(DEFAULT_BUDGETS.maxSteps);
    expect(RUN_TIME_BUDGET_MS).toBe(DEFAULT_BUDGETS.maxTimeMs);
  });

  it('says which limit ended a run', () => {
    expect(summarize(budgetResult('steps', 'step budget of 2,000,000 exhausted in f()'))).toMatch(/^Ran out of steps .*step budget of 2,000,000 exhausted/);
    const time = summarize(budgetResult('time', 'time budget exhausted in f() — the program ran too long'));
    expect(time).toMatch(/Stopped by the 20 s safety limit/);
    expect(time).toMatch(/this is not a verdict on your code/);
    expect(time).not.toMatch(/ran too long/);
  });

  it('ends an endless loop on the step budget with the page\'s options, not on the clock', () => {
    const r = runProgram([{ path: 'loop.c', text: 'void main(void)\n{\n\tfor (;;)\n\t\t;\n}\n' }], { maxSteps: RUN_STEP_BUDGET, maxTimeMs: RUN_TIME_BUDGET_MS });
    expect(r.status).toBe('budget');
    expect(r.budget?.kind).toBe('steps');
    expect(summarize(r)).toMatch(/^Ran out of steps/);
  });
});
