import type { Config } from '../config/model.js';
import type { Repo } from '../git/repo.js';
import { runPlaceholderCheck, type FileFinding } from '../gate/check.js';
import { checkLines, checkSummary } from '../gate/report.js';
import type { Style } from '../report/style.js';

export interface StagedGate {
  findings: Array<Pick<FileFinding, 'file' | 'line' | 'column' | 'function' | 'text'>>;
  warnings: string[];
  /** Diagnostic lines and the blocking summary, for text output. */
  lines(cwd: string, style: Style): string[];
}

/** The placeholder gate on the staged test files: how `run` ends. */
export async function gateStaged(repo: Repo, config: Config): Promise<StagedGate> {
  const result = await runPlaceholderCheck({ cwd: repo.cwd, env: repo.env, files: [], repo, config });
  return {
    findings: result.findings.map((f) => ({ file: f.file, line: f.line, column: f.column, function: f.function, text: f.text })),
    warnings: result.warnings,
    lines: (_cwd, style) => {
      const summary = checkSummary(result);
      return [...checkLines(result, style), ...(summary ? [style.red(summary)] : [])];
    },
  };
}
