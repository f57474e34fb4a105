/**
 * The reviewer formats on hand-built reviews holding hostile text: GitHub workflow commands
 * (escaping), SARIF (structure, stable rules), Markdown (tables that parse).
 */
import { describe, expect, it } from 'vitest';
import type { PlannedFunction } from '../../../src/pipeline/plan.js';
import { escapeData, escapeProperty, githubLines, workflowCommand } from '../../../src/report/formats/github.js';
import { codeSpan, markdownReport } from '../../../src/report/formats/markdown.js';
import { checkReview, classifyWarnings, functionFindings, planReview, RULE_IDS, runReview } from '../../../src/report/formats/review.js';
import { pathToUri, sarifLog } from '../../../src/report/formats/sarif.js';
import { warnings as planWarnings } from '../../../src/report/messages/plan.js';
import { parseTables, parseWorkflowCommand, splitRow, validateSarif, workflowCommands } from './validators.js';

const RANGE = { base: 'origin/main', mergeBase: '0123456789abcdef0123456789abcdef01234567' };

function fn(over: Partial<PlannedFunction>): PlannedFunction {
  return { file: 'src/pkg/a.py', qualname: 'f', kind: 'function', line: 3, endLine: 9, coverage: 20, statements: 5, selected: true, decision: 'selected', reason: 'coverage 20.0% is below the threshold 80%', uncoveredChangedLines: [], targetLines: null, ...over };
}

const FUNCTIONS: PlannedFunction[] = [
  fn({}),
  fn({ file: 'src/odd, na:me 100%.py', qualname: 'Cart.__init__', line: 12, coverage: null, reason: 'coverage unknown: the file is not in coverage.json\n(second line)' }),
  fn({ qualname: 'g', line: 20, coverage: 95, selected: false, decision: 'covered', reason: 'coverage 95.0% meets the threshold 80%' }),
  fn({ qualname: 'h', line: 30, coverage: 10, selected: false, decision: 'capped', reason: 'needs tests (coverage 10.0% is below the threshold 80%), but left out of this run: maxFunctions (2) ...; run `smart-test generate <file> --function <name>`' }),
];
const PLAN_WARNINGS = [
  planWarnings.staleCoverage('src/pkg/b.py', 'coverage.json', 'the file changed after the coverage run'),
  planWarnings.syntaxError('src/pkg/c.py', 4, 7),
  'using coverage.json, the newest of coverage.json, build/coverage.json',
];
const PLAN = { threshold: 80, coverageFile: 'coverage.json', coverageTimestamp: '2026-01-02T03:04:05.678', functions: FUNCTIONS, warnings: PLAN_WARNINGS };
const GATE = {
  placeholder: 'test_value',
  findings: [
    { file: 'test_a.py', line: 5, column: 17, function: 'test_add', text: 'assert add("test_value", 2) == 3 | x  # `code`' },
    { file: 'test_é b.py', line: 1, column: 6, function: null, text: 'X = "test_value"' },
  ],
  warnings: ['test_c.py:1:1: skipped: not UTF-8 text; smart-test reads Python source as UTF-8', 'notes.txt: skipped: not a Python file (.py)'],
  root: '/repo',
  cwd: '/repo/tests',
};

describe('GitHub workflow commands', () => {
  it('escapes data (% CR LF) and properties (also : and ,)', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext%3A a%2Cb');
    const line = workflowCommand('error', [['file', 'a,b:c%.py'], ['line', 3], ['title', 'smart-test: x']], 'first\nsecond 50%');
    expect(line).toBe('::error file=a%2Cb%3Ac%25.py,line=3,title=smart-test%3A x::first%0Asecond 50%25');
    expect(parseWorkflowCommand(line)).toEqual({ command: 'error', properties: { file: 'a,b:c%.py', line: '3', title: 'smart-test: x' }, message: 'first\nsecond 50%' });
    expect(workflowCommand('warning', [], 'plain')).toBe('::warning::plain');
  });

  it('the validator rejects what a wrong writer produces', () => {
    expect(() => parseWorkflowCommand('::error file=a:b.py::m')).toThrow();
    expect(() => parseWorkflowCommand('::error::50% off')).toThrow(/bare/);
  });

  it('one command per finding with file, line, col, title and message; errors first; summary last', () => {
    const review = runReview({ plan: PLAN, warnings: [], generation: { written: [], generated: [] }, gate: GATE, range: RANGE, severity: 'warn', summary: 'smart-test: summary', failed: true });
    const lines = githubLines(review);
    expect(lines.at(-1)).toBe('smart-test: summary');
    const commands = workflowCommands(lines.join('\n'));
    expect(commands.map((c) => c.command)).toEqual(['error', 'error', ...Array<string>(8).fill('warning')]);
    const [first, second] = commands;
    expect(first).toEqual({
      command: 'error',
      properties: { file: 'tests/test_a.py', line: '5', col: '17', title: 'smart-test: placeholder left' },
      message: 'placeholder "test_value" left in test_add: replace it with the value the test needs',
    });
    expect(second!.properties.file).toBe('tests/test_é b.py');
    const odd = commands.find((c) => c.properties.file === 'src/odd, na:me 100%.py')!;
    expect(odd).toMatchObject({ command: 'warning', properties: { line: '12', col: '1', title: 'smart-test: coverage unknown' } });
    expect(odd.message).toBe('Cart.__init__ (coverage unknown): coverage unknown: the file is not in coverage.json\n(second line)');
    const stale = commands.find((c) => c.properties.title === 'smart-test: stale coverage')!;
    expect(stale.properties).toMatchObject({ file: 'src/pkg/b.py', line: '1', col: '1' });
    // A warning without a place is a command without file.
    expect(commands.some((c) => c.properties.file === undefined && c.message.startsWith('using coverage.json'))).toBe(true);
    for (const c of commands) expect(c.message.length).toBeGreaterThan(0);
  });

  it('more than GitHub shows per step: every finding is printed, and a notice counts the hidden ones', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ ...GATE.findings[0]!, line: i + 1 }));
    const review = checkReview({ gate: { ...GATE, findings: many, warnings: [] }, range: null, namedFiles: false, summary: 's', failed: true });
    const commands = workflowCommands(githubLines(review).join('\n'));
    expect(commands.filter((c) => c.command === 'error')).toHaveLength(12);
    expect(commands.at(-1)).toEqual({ command: 'notice', properties: { title: 'smart-test' }, message: '2 more findings than GitHub shows as annotations of one step; every finding is in the log above and in the step summary' });
  });

  it('belowThreshold "error" makes function findings errors; placeholders are errors either way', () => {
    expect(functionFindings(FUNCTIONS, 'warn').map((f) => f.level)).toEqual(['warning', 'warning', 'warning']);
    expect(functionFindings(FUNCTIONS, 'error').map((f) => [f.ruleId, f.level])).toEqual([
      ['smart-test/below-threshold', 'error'],
      ['smart-test/coverage-unknown', 'error'],
      ['smart-test/below-threshold', 'error'],
    ]);
  });
});

describe('warnings become findings when they name a place', () => {
  it('recognises the stale-coverage warning from its message template', () => {
    const { findings, notices } = classifyWarnings(PLAN_WARNINGS, (f) => f);
    expect(findings.map((f) => [f.ruleId, f.file, f.line, f.column])).toEqual([
      ['smart-test/stale-coverage', 'src/pkg/b.py', 1, 1],
      ['smart-test/analysis-warning', 'src/pkg/c.py', 4, 7],
    ]);
    expect(notices).toEqual([PLAN_WARNINGS[2]]);
  });
});

describe('SARIF 2.1.0', () => {
  const review = runReview({ plan: PLAN, warnings: [], generation: { written: [], generated: [] }, gate: GATE, range: RANGE, severity: 'warn', summary: 's', failed: true });

  it('validates against the parts of the schema it uses, with every finding located', () => {
    const log = validateSarif(JSON.parse(JSON.stringify(sarifLog(review, '1.2.3'))));
    const run = log.runs[0]!;
    expect(run.tool.driver.version).toBe('1.2.3');
    expect(run.results).toHaveLength(review.findings.length);
    for (const r of run.results) {
      expect(r.message.text.length).toBeGreaterThan(0);
      expect(r.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    const uris = run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('tests/test_a.py');
    expect(uris).toContain('tests/test_%C3%A9%20b.py');
    expect(uris).toContain('src/odd%2C%20na%3Ame%20100%25.py');
    expect(run.invocations![0]!.toolExecutionNotifications!.map((n) => n.message.text)).toEqual([PLAN_WARNINGS[2], 'notes.txt: skipped: not a Python file (.py)']);
  });

  it('rules are stable: the same ids in the same order whatever was found', () => {
    const empty = validateSarif(sarifLog(checkReview({ gate: { ...GATE, findings: [], warnings: [] }, range: null, namedFiles: false, summary: 's', failed: false }), '1'));
    const full = validateSarif(sarifLog(review, '1'));
    const ids = (l: typeof empty) => l.runs[0]!.tool.driver.rules.map((r) => r.id);
    expect(ids(empty)).toEqual(ids(full));
    expect(ids(full)).toEqual([...RULE_IDS]);
    expect(ids(full)).toEqual(['smart-test/placeholder-left', 'smart-test/below-threshold', 'smart-test/coverage-unknown', 'smart-test/stale-coverage', 'smart-test/analysis-warning', 'smart-test/changed-lines-not-covered']);
    expect(empty.runs[0]!.results).toEqual([]);
  });

  it('belowThreshold "error" reports levels as error', () => {
    const strict = validateSarif(sarifLog(planReview({ plan: PLAN, range: RANGE, severity: 'error', summary: 's', failed: true }), '1'));
    const levels = strict.runs[0]!.results.filter((r) => r.ruleId === 'smart-test/below-threshold').map((r) => r.level);
    expect(levels).toEqual(['error', 'error']);
  });

  it('paths become relative URI references, segment by segment', () => {
    expect(pathToUri('src/a b/c#d?.py')).toBe('src/a%20b/c%23d%3F.py');
  });
});

describe('Markdown', () => {
  it('tables parse: same cell count per row, a separator row; hostile text stays in its cell', () => {
    const review = runReview({
      plan: PLAN,
      warnings: [],
      generation: { written: ['tests/test_pkg_a.py'], generated: [{ file: 'src/pkg/a.py', qualname: 'f', testFile: 'tests/test_pkg_a.py', status: 'written', tests: 2, placeholders: 1 }, { file: 'src/pkg/a.py', qualname: 'k', testFile: null, status: 'none', tests: 0, placeholders: 0 }] },
      gate: GATE,
      range: RANGE,
      severity: 'warn',
      summary: 'smart-test: 1 | 2 *bold* <b>',
      failed: true,
    });
    const md = markdownReport(review);
    const tables = parseTables(md);
    expect(tables.map((t) => t.header)).toEqual([
      ['Function', 'File', 'Coverage', 'Decision', 'Why'],
      ['Test file', 'Function', 'Status', 'Tests', 'With a placeholder'],
      ['Location', 'Test', 'Line'],
    ]);
    expect(tables[0]!.rows).toHaveLength(4);
    expect(tables[0]!.rows[1]!.slice(0, 3)).toEqual(['`Cart.__init__`', '`src/odd, na:me 100%.py:12`', 'unknown']);
    expect(tables[1]!.rows).toEqual([['`tests/test_pkg_a.py`', '`f`', 'written', '2', '1']]);
    expect(tables[2]!.rows[0]![0]).toBe('`tests/test_a.py:5`');
    expect(tables[2]!.rows[0]![2]).toBe('`` assert add("test_value", 2) == 3 \\| x  # `code` ``');
    expect(tables[2]!.rows[1]![1]).toBe('(module level)');
    expect(md).toContain('**Result: failed.** smart-test: 1 \\| 2 \\*bold\\* \\<b\\>');
    expect(md).toContain('`origin/main...HEAD` (merge base `0123456`)');
    expect(md).toMatch(/### Warnings\n\n- `src\/pkg\/b\.py:1:1`: coverage\.json is stale/);
    expect(md).toContain('- using coverage.json');
  });

  it('code spans pick a fence longer than any backtick run', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(splitRow('| `a \\| b` | c |')).toEqual(['`a \\| b`', 'c']);
  });

  it('check alone: placeholders and warnings, no function table', () => {
    const md = markdownReport(checkReview({ gate: GATE, range: null, namedFiles: true, summary: 's', failed: true }));
    expect(parseTables(md).map((t) => t.header[0])).toEqual(['Location']);
    expect(md).toContain('Checked: the files named on the command line.');
  });
});
