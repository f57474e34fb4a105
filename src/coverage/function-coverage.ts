/**
 * Line coverage of one function of the staged file, from a report that measured the working tree.
 *
 * The function's lines are in index (staged) coordinates; the report's in working-tree
 * coordinates. Each measured line is mapped back with `map.toOld`; lines with no staged
 * counterpart are dropped. Staged lines of the function that have no working-tree counterpart
 * and hold code were never measured: the percentage is then unknown (null).
 *
 * Which lines belong to the function:
 *  - format 3 reports: coverage.py's own region for the qualname (its first body statement to
 *    its end, minus nested function bodies; nested `def` lines count, as coverage.py counts them);
 *  - otherwise: the body range minus `nestedRanges` (decorators to end of nested definitions).
 * In both, `def` and decorator lines are outside, docstring lines are not statements, and
 * excluded lines (`# pragma: no cover`) do not count even when coverage.py lists them as executed.
 */
import type { PyFunction } from '../python/model.js';
import { fileNotMeasured, noStatementsInFunction, stagedDiffersFromWorktree } from '../report/messages/coverage.js';
import type { LineMap } from './line-map.js';
import type { FileCoverage } from './model.js';

export interface FunctionCoverage {
  /** 100 * executed / statements, or null when it cannot be told (see `reason`). */
  percent: number | null;
  executed: number;
  statements: number;
  /** Staged code lines of the function that are not in the working tree coverage measured. */
  unmeasuredLines: number[];
  /** Why `percent` is null, else null. */
  reason: string | null;
  /** Executed and missing statement lines, in staged (index) coordinates. */
  executedLines: number[];
  missingLines: number[];
  /** Executed lines with a branch never taken (branch data only), in staged (index) coordinates. */
  partialLines: number[];
  /** Where the lines came from: coverage.py's function region (format 3) or the file's lines. */
  source: 'region' | 'lines';
}

/** Why a staged file has no coverage: the report does not list it. */
export function fileNotMeasuredReason(repoPath: string): string {
  return fileNotMeasured(repoPath);
}

/** True for a line that holds code: not blank, not only a comment. */
export function isCodeLine(text: string | undefined): boolean {
  if (text === undefined) return false;
  const t = text.trim();
  return t !== '' && !t.startsWith('#');
}

const STRING_START = /^\s*(?:[rRuUbBfF]{1,2})?("""|'''|"|')/;

/**
 * Lines of the function's docstring (index coordinates): from the first body line to the line
 * closing its quotes. Found in the source text; falls back to counting the docstring's lines.
 */
export function docstringLines(fn: PyFunction, indexLines: readonly string[]): Set<number> {
  const lines = new Set<number>();
  if (fn.docstring === null) return lines;
  const first = fn.bodyStartLine;
  const text = indexLines[first - 1];
  const m = text === undefined ? null : STRING_START.exec(text);
  if (!m || text === undefined) {
    const count = fn.docstring.split('\n').length;
    for (let l = first; l < first + count && l <= fn.bodyEndLine; l++) lines.add(l);
    return lines;
  }
  const quote = m[1]!;
  lines.add(first);
  let rest = text.slice(m[0].length);
  let line = first;
  for (;;) {
    // an unescaped closing quote on this line ends the string
    let i = 0;
    let closed = false;
    while (i < rest.length) {
      if (rest[i] === '\\') {
        i += 2;
        continue;
      }
      if (rest.startsWith(quote, i)) {
        closed = true;
        break;
      }
      i++;
    }
    if (closed || quote.length === 1 || line >= fn.bodyEndLine) break;
    line++;
    lines.add(line);
    rest = indexLines[line - 1] ?? '';
  }
  return lines;
}

function inRanges(line: number, ranges: ReadonlyArray<[number, number]>): boolean {
  for (const [a, b] of ranges) if (line >= a && line <= b) return true;
  return false;
}

export function functionCoverage(fn: PyFunction, file: FileCoverage, map: LineMap, indexLines: string[]): FunctionCoverage {
  const docstring = docstringLines(fn, indexLines);
  const inBody = (line: number): boolean =>
    line >= fn.bodyStartLine && line <= fn.bodyEndLine && !inRanges(line, fn.nestedRanges) && !docstring.has(line);

  // the staged lines of each kind, mapped from the working tree
  const toIndex = (lines: readonly number[]): Set<number> => {
    const out = new Set<number>();
    for (const l of lines) {
      const old = map.toOld(l);
      if (old !== null) out.add(old);
    }
    return out;
  };

  let source: 'region' | 'lines' = 'lines';
  let executedSet: Set<number>;
  let missingSet: Set<number>;
  let excludedSet: Set<number>;
  let partialSet: Set<number>;
  const region = file.functions?.get(fn.qualname);
  const regionExecuted = region ? toIndex(region.executedLines) : null;
  const regionMissing = region ? toIndex(region.missingLines) : null;
  // a region whose lines lie outside this definition belongs to another one of the same
  // qualname (a redefinition, a property setter): use the line rule then
  const regionFits =
    region !== undefined &&
    [...regionExecuted!, ...regionMissing!].every((l) => l >= fn.bodyStartLine && l <= fn.endLine);
  if (region && regionFits) {
    source = 'region';
    executedSet = regionExecuted!;
    missingSet = regionMissing!;
    excludedSet = toIndex(region.excludedLines);
    partialSet = toIndex(region.partialLines ?? file.partialLines ?? []);
  } else {
    executedSet = toIndex(file.executedLines);
    missingSet = toIndex(file.missingLines);
    excludedSet = toIndex(file.excludedLines);
    partialSet = toIndex(file.partialLines ?? []);
  }
  const keep = (l: number): boolean => (source === 'region' ? !docstring.has(l) : inBody(l)) && !excludedSet.has(l);
  const executedLines = [...executedSet].filter(keep).sort((a, b) => a - b);
  const missingLines = [...missingSet].filter((l) => keep(l) && !executedSet.has(l)).sort((a, b) => a - b);
  const partialLines = executedLines.filter((l) => partialSet.has(l));

  const unmeasuredLines: number[] = [];
  for (let l = fn.bodyStartLine; l <= fn.bodyEndLine; l++) {
    if (!inBody(l)) continue;
    if (map.toNew(l) !== null) continue;
    if (isCodeLine(indexLines[l - 1])) unmeasuredLines.push(l);
  }

  const executed = executedLines.length;
  const statements = executed + missingLines.length;
  let percent: number | null = statements === 0 ? null : (100 * executed) / statements;
  let reason: string | null = statements === 0 ? noStatementsInFunction : null;
  if (unmeasuredLines.length > 0) {
    percent = null;
    reason = stagedDiffersFromWorktree(unmeasuredLines);
  }
  return { percent, executed, statements, unmeasuredLines, reason, executedLines, missingLines, partialLines, source };
}
