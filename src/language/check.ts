import type { Diagnostic } from '../engine/api.ts';
import type { Program } from './ast.ts';

export interface CheckOptions {
  builtins: ReadonlySet<string>;
}

export function checkProgram(_program: Program, _opts: CheckOptions): Diagnostic[] {
  return [];
}
