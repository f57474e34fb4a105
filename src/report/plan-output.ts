import path from 'node:path';
import type { Plan, PlannedFunction } from '../pipeline/plan.js';
import { formatPercent } from './messages/plan.js';
import type { Style } from './style.js';
import { plural } from './messages/plural.js';

/** The plan as JSON: stable keys that later commands extend. */
export function planJson(plan: Plan): Record<string, unknown> {
  return {
    coverageFile: plan.coverageFile,
    coverageTimestamp: plan.coverageTimestamp,
    threshold: plan.threshold,
    filesChecked: plan.filesChecked,
    functions: plan.functions.map(functionJson),
    warnings: plan.warnings,
  };
}

/** One function of the plan as JSON (plan, and plan --all, which adds its own keys). */
export function functionJson(f: PlannedFunction) {
  return {
    file: f.file,
    qualname: f.qualname,
    kind: f.kind,
    line: f.line,
    endLine: f.endLine,
    coverage: f.coverage,
    statements: f.statements,
    selected: f.selected,
    decision: f.decision,
    reason: f.reason,
    uncoveredChangedLines: f.uncoveredChangedLines,
  };
}

const LABELS: Record<PlannedFunction['decision'], string> = {
  selected: 'needs tests',
  covered: 'ok',
  capped: 'left out',
};

/** One diagnostic line per touched function, `path:line:col: ...`, paths relative to where the user stands. */
export function planLines(plan: Plan, repoRoot: string, cwd: string, style: Style): string[] {
  return plan.functions.map((f) => {
    const where = style.bold(`${displayFromCwd(repoRoot, cwd, f.file)}:${f.line}:1:`);
    const cov = f.coverage === null ? 'unknown' : formatPercent(f.coverage);
    const label = LABELS[f.decision];
    const coloured = f.decision === 'selected' ? style.yellow(label) : f.decision === 'capped' ? style.red(label) : style.green(label);
    return `${where} ${style.cyan(f.qualname)} (${cov}) ${coloured}: ${f.reason}`;
  });
}

export function planSummary(plan: Plan, style: Style): string {
  const files = plural(plan.filesChecked, 'staged Python file');
  if (plan.filesChecked === 0) return style.dim('smart-test: no staged Python source files; nothing to plan.');
  const touched = plan.functions.length;
  if (touched === 0) return style.dim(`smart-test: ${files} checked; the staged changes touch no function.`);
  const selected = plan.functions.filter((f) => f.decision === 'selected').length;
  const capped = plan.functions.filter((f) => f.decision === 'capped').length;
  const parts = [`${files} checked`, `${plural(touched, 'touched function')}`, `${selected} selected for tests`];
  if (capped > 0) parts.push(`${capped} left out by maxFunctions`);
  const source = plan.coverageFile ? ` (coverage from ${plan.coverageFile}${plan.coverageTimestamp ? `, ${plan.coverageTimestamp.replace('T', ' ').replace(/\.\d+$/, '')}` : ''})` : '';
  return `smart-test: ${parts.join(', ')}${source}.`;
}

export function displayFromCwd(repoRoot: string, cwd: string, repoPath: string): string {
  const rel = path.relative(cwd, path.join(repoRoot, repoPath));
  return rel.split(path.sep).join('/');
}

