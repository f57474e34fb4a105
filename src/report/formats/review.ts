/**
 * What a reviewer sees, whatever the format: the findings of `plan`, `check` and `run` in one
 * model that the GitHub, SARIF and Markdown writers render. Paths are repo-relative POSIX paths.
 */
import path from 'node:path';
import type { BelowThreshold } from '../../config/model.js';
import type { PlannedFunction } from '../../pipeline/plan.js';
import { functionFinding, placeholderFindingText, RULE_TEXT, type RangeLabel } from '../messages/review.js';
import { warnings as planWarnings } from '../messages/plan.js';

export type RuleId = keyof typeof RULE_TEXT;
export type Level = 'error' | 'warning';

/** Every rule, in a fixed order: a rule's index here is its SARIF ruleIndex. */
export const RULE_IDS: readonly RuleId[] = Object.freeze(Object.keys(RULE_TEXT) as RuleId[]);

/** The level a rule has when nothing is configured. */
export const DEFAULT_LEVEL: Readonly<Record<RuleId, Level>> = {
  'smart-test/placeholder-left': 'error',
  'smart-test/below-threshold': 'warning',
  'smart-test/coverage-unknown': 'warning',
  'smart-test/stale-coverage': 'warning',
  'smart-test/analysis-warning': 'warning',
  'smart-test/changed-lines-not-covered': 'warning',
};

export interface Finding {
  ruleId: RuleId;
  level: Level;
  /** Repo-relative POSIX path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in code points. */
  column: number;
  message: string;
}

export interface ReviewPlaceholder {
  /** Repo-relative POSIX path. */
  file: string;
  line: number;
  column: number;
  function: string | null;
  text: string;
}

export interface ReviewGenerated {
  file: string;
  qualname: string;
  testFile: string | null;
  status: string;
  tests: number;
  placeholders: number;
}

export interface Review {
  command: 'plan' | 'check' | 'run';
  range: RangeLabel | null;
  /** check FILE...: the files named on the command line (neither staged nor a range). */
  namedFiles: boolean;
  /** The plan part (plan, run); null for check. */
  plan: {
    threshold: number;
    coverageFile: string | null;
    coverageTimestamp: string | null;
    functions: PlannedFunction[];
  } | null;
  /** The gate part (check, run); null for plan. */
  gate: { placeholder: string; placeholders: ReviewPlaceholder[] } | null;
  /** What run wrote; null for plan and check. */
  generation: { written: string[]; generated: ReviewGenerated[] } | null;
  /** Everything with a file and a line, errors first. */
  findings: Finding[];
  /** Warnings that name no file and line. */
  notices: string[];
  /** The one-line text summary. */
  summary: string;
  /** True when the command exits 1. */
  failed: boolean;
}

/** A touched function that needs tests (selected or left out by maxFunctions) is a finding; a covered one is not. */
export function functionFindings(functions: readonly PlannedFunction[], severity: BelowThreshold): Finding[] {
  const level: Level = severity === 'error' ? 'error' : 'warning';
  return functions
    .filter((f) => f.decision !== 'covered')
    .map((f) => ({
      ruleId: f.coverage === null ? 'smart-test/coverage-unknown' : f.cause === 'changed-lines' ? 'smart-test/changed-lines-not-covered' : 'smart-test/below-threshold',
      level,
      file: f.file,
      line: f.line,
      column: 1,
      message: functionFinding(f.qualname, f.coverage, f.reason),
    }));
}

/** Placeholders always fail. */
export function placeholderFindings(placeholders: readonly ReviewPlaceholder[], placeholder: string): Finding[] {
  return placeholders.map((p) => ({
    ruleId: 'smart-test/placeholder-left',
    level: 'error',
    file: p.file,
    line: p.line,
    column: p.column,
    message: placeholderFindingText(placeholder, p.function),
  }));
}

const LOCATED = /^(.+?):(\d+):(\d+): ([\s\S]*)$/;

/**
 * A pattern matching what `template` produces for any arguments: the template is called with
 * sentinels, which become wildcards. The stale-coverage warning is recognised this way, so its
 * wording can change without breaking the rule it maps to.
 */
function templatePattern(template: (...args: string[]) => string, arity: number): RegExp {
  const sentinels = Array.from({ length: arity }, (_, i) => String.fromCharCode(0xe000 + i));
  let source = template(...sentinels).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const s of sentinels) source = source.split(s).join('[\\s\\S]*?');
  return new RegExp(`^${source}$`);
}

let stalePattern: RegExp | undefined;

/**
 * Sorts warnings: `path:line:col: message` ones become findings (stale coverage, or a generic
 * analysis warning), with the path made repo-relative by `toRepoPath`; the others are notices.
 */
export function classifyWarnings(warnings: readonly string[], toRepoPath: (file: string) => string): { findings: Finding[]; notices: string[] } {
  stalePattern ??= templatePattern((a = '', b = '', c = '') => planWarnings.staleCoverage(a, b, c), 3);
  const findings: Finding[] = [];
  const notices: string[] = [];
  for (const warning of warnings) {
    const m = LOCATED.exec(warning);
    if (!m) {
      notices.push(warning);
      continue;
    }
    findings.push({
      ruleId: stalePattern.test(warning) ? 'smart-test/stale-coverage' : 'smart-test/analysis-warning',
      level: 'warning',
      file: toRepoPath(m[1]!),
      line: Number(m[2]),
      column: Number(m[3]),
      message: m[4]!,
    });
  }
  return { findings, notices };
}

/** Errors first, then by file and line: the order annotations are shown in. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (l: Level) => (l === 'error' ? 0 : 1);
  return findings.sort((a, b) => rank(a.level) - rank(b.level) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column);
}

/** A path shown relative to `cwd` (as the gate prints it), made relative to the repository root. */
export function repoRelative(root: string, cwd: string, shown: string): string {
  const rel = path.relative(root, path.resolve(cwd, shown));
  return rel.split(path.sep).join('/');
}

interface PlanLike {
  threshold: number;
  coverageFile: string | null;
  coverageTimestamp: string | null;
  functions: PlannedFunction[];
  warnings: string[];
}

function planPart(plan: PlanLike): NonNullable<Review['plan']> {
  return { threshold: plan.threshold, coverageFile: plan.coverageFile, coverageTimestamp: plan.coverageTimestamp, functions: plan.functions };
}

/** `plan`: a finding per touched function that needs tests, and the plan's warnings (repo-relative already). */
export function planReview(opts: { plan: PlanLike; range: RangeLabel | null; severity: BelowThreshold; summary: string; failed: boolean }): Review {
  const warned = classifyWarnings(opts.plan.warnings, (f) => f);
  return {
    command: 'plan',
    range: opts.range,
    namedFiles: false,
    plan: planPart(opts.plan),
    gate: null,
    generation: null,
    findings: sortFindings([...functionFindings(opts.plan.functions, opts.severity), ...warned.findings]),
    notices: warned.notices,
    summary: opts.summary,
    failed: opts.failed,
  };
}

export interface GateLike {
  placeholder: string;
  /** As the gate shows them: paths relative to `cwd`. */
  findings: ReadonlyArray<{ file: string; line: number; column: number; function: string | null; text: string }>;
  warnings: string[];
  root: string;
  cwd: string;
}

function gatePart(gate: GateLike): { part: NonNullable<Review['gate']>; findings: Finding[]; notices: string[] } {
  const toRepo = (file: string) => repoRelative(gate.root, gate.cwd, file);
  const placeholders = gate.findings.map((f) => ({ file: toRepo(f.file), line: f.line, column: f.column, function: f.function, text: f.text }));
  const warned = classifyWarnings(gate.warnings, toRepo);
  return {
    part: { placeholder: gate.placeholder, placeholders },
    findings: [...placeholderFindings(placeholders, gate.placeholder), ...warned.findings],
    notices: warned.notices,
  };
}

/** `check`: a finding per placeholder left (always an error), and the gate's warnings. */
export function checkReview(opts: { gate: GateLike; range: RangeLabel | null; namedFiles: boolean; summary: string; failed: boolean }): Review {
  const g = gatePart(opts.gate);
  return {
    command: 'check',
    range: opts.range,
    namedFiles: opts.namedFiles,
    plan: null,
    gate: g.part,
    generation: null,
    findings: sortFindings(g.findings),
    notices: g.notices,
    summary: opts.summary,
    failed: opts.failed,
  };
}

/** `run`: the plan's findings, what was written, and the gate's findings. */
export function runReview(opts: {
  plan: PlanLike;
  /** Warnings of generation, with repo-relative paths. */
  warnings: string[];
  generation: { written: string[]; generated: ReviewGenerated[] };
  gate: GateLike;
  range: RangeLabel | null;
  severity: BelowThreshold;
  summary: string;
  failed: boolean;
}): Review {
  const warned = classifyWarnings([...opts.plan.warnings, ...opts.warnings], (f) => f);
  const g = gatePart(opts.gate);
  return {
    command: 'run',
    range: opts.range,
    namedFiles: false,
    plan: planPart(opts.plan),
    gate: g.part,
    generation: opts.generation,
    findings: sortFindings([...functionFindings(opts.plan.functions, opts.severity), ...warned.findings, ...g.findings]),
    notices: [...warned.notices, ...g.notices],
    summary: opts.summary,
    failed: opts.failed,
  };
}
