import type { Config } from '../config/model.js';
import type { ResolvedRange } from '../git/range.js';
import type { StagedFile } from '../git/model.js';
import type { Repo } from '../git/repo.js';
import { runPlaceholderCheck, type FileFinding } from '../gate/check.js';
import { gateLines, gateSummary } from './check.js';
import type { Style } from '../report/style.js';

export interface StagedGate {
  findings: Array<Pick<FileFinding, 'file' | 'line' | 'column' | 'function' | 'text'>>;
  warnings: string[];
  /** Diagnostic lines and the blocking summary, for text output. */
  lines(cwd: string, style: Style): string[];
}

/**
 * The placeholder gate that ends `run`: on the staged test files, or with a range (`run --base`)
 * on the test files the branch changed, as committed at HEAD. `staged`: the staged files as the
 * plan listed them, when nothing was staged since (saves listing them again).
 */
export async function gateStaged(repo: Repo, config: Config, options: { range?: ResolvedRange | undefined; staged?: readonly StagedFile[] | undefined } = {}): Promise<StagedGate> {
  const { range, staged } = options;
  const result = await runPlaceholderCheck({ cwd: repo.cwd, env: repo.env, files: [], repo, config, ...(range ? { base: range } : staged ? { staged } : {}) });
  return {
    findings: result.findings.map((f) => ({ file: f.file, line: f.line, column: f.column, function: f.function, text: f.text })),
    warnings: result.warnings,
    lines: (_cwd, style) => {
      const summary = gateSummary(result);
      return [...gateLines(result, style), ...(summary ? [style.red(summary)] : [])];
    },
  };
}
