/**
 * The limits a Run in the browser gets. The step budget decides when a long run
 * ends, so the same program gets the same verdict on any machine under any load
 * (the grader's DEFAULT_BUDGETS use the same numbers); the wall clock is only a
 * safety net for a machine far too slow to reach the step budget.
 */
export const RUN_STEP_BUDGET = 2_000_000;
/** RunOptions.maxTimeMs: the engine stops itself after this long (the grader's net too). */
export const RUN_TIME_BUDGET_MS = 20_000;
