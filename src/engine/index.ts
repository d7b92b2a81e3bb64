/** The engine's public entry points: what the CLI, the grader and the site's worker import. */
export type * from './api.ts';
export { runProgram, renderLog, effectiveConfig, DEFAULT_CONFIG, type EngineOptions } from './run.ts';
export { BUILTIN_NAMES } from '../interpreter/builtins/index.ts';
