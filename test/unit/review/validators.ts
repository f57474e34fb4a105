/**
 * Validators for the reviewer formats, shared by the unit and end-to-end tests: the GitHub
 * Actions workflow-command grammar, the parts of SARIF 2.1.0 smart-test writes, and Markdown
 * tables. Written from the specifications, not from smart-test's code.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- GitHub workflow commands

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

const DATA_ESCAPES: Record<string, string> = { '%25': '%', '%0D': '\r', '%0A': '\n' };
const PROPERTY_ESCAPES: Record<string, string> = { ...DATA_ESCAPES, '%3A': ':', '%2C': ',' };

function unescape(text: string, escapes: Record<string, string>, what: string): string {
  return text.replace(/%(.{0,2})/g, (seq) => {
    const value = escapes[seq.toUpperCase()];
    if (value === undefined) throw new Error(`${what}: "${seq}" is not an escape a workflow command allows (a bare "%"?)`);
    return value;
  });
}

/**
 * Parses one `::command key=value,key=value::message` line as the Actions runner does, and
 * rejects what a correct writer never produces: raw CR/LF, an unescaped `%`, or `:`/`,`
 * inside a property value.
 */
export function parseWorkflowCommand(line: string): WorkflowCommand {
  if (/[\r\n]/.test(line)) throw new Error('a workflow command must be one line');
  const m = /^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const properties: Record<string, string> = {};
  if (m[2] !== undefined && m[2] !== '') {
    for (const pair of m[2].split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`property without a name or "=": "${pair}"`);
      const key = pair.slice(0, eq);
      const raw = pair.slice(eq + 1);
      properties[key] = unescape(raw, PROPERTY_ESCAPES, `property ${key}`);
    }
  }
  return { command: m[1]!, properties, message: unescape(m[3]!, DATA_ESCAPES, 'message') };
}

/** The workflow commands among the lines of an output (other lines are plain log text). */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  return stdout.split('\n').filter((l) => l.startsWith('::')).map(parseWorkflowCommand);
}

// ---------------------------------------------------------------- SARIF 2.1.0 (the parts used)

const message = z.strictObject({ text: z.string().min(1) });
const level = z.enum(['none', 'note', 'warning', 'error']);
const rule = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: message,
  fullDescription: message,
  help: message,
  defaultConfiguration: z.strictObject({ level }),
});
/** A URI reference relative to %SRCROOT%: no scheme, no leading slash, only URI characters. */
const relativeUri = z.string().regex(/^(?![a-z][a-z0-9+.-]*:)(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/);
const result = z.strictObject({
  ruleId: z.string().min(1),
  ruleIndex: z.number().int().min(0),
  level,
  message,
  locations: z.array(z.strictObject({
    physicalLocation: z.strictObject({
      artifactLocation: z.strictObject({ uri: relativeUri, uriBaseId: z.literal('%SRCROOT%') }),
      region: z.strictObject({ startLine: z.number().int().min(1), startColumn: z.number().int().min(1) }),
    }),
  })).length(1),
});
export const sarifSchema = z.strictObject({
  $schema: z.string().url(),
  version: z.literal('2.1.0'),
  runs: z.array(z.strictObject({
    tool: z.strictObject({
      driver: z.strictObject({
        name: z.literal('smart-test'),
        version: z.string().min(1),
        semanticVersion: z.string().regex(/^\d+\.\d+\.\d+/).optional(),
        informationUri: z.string().url().optional(),
        rules: z.array(rule).min(1),
      }),
    }),
    columnKind: z.enum(['utf16CodeUnits', 'unicodeCodePoints']).optional(),
    invocations: z.array(z.strictObject({
      executionSuccessful: z.boolean(),
      toolExecutionNotifications: z.array(z.strictObject({ level, message })).optional(),
    })).optional(),
    results: z.array(result),
  })).length(1),
});
export type SarifLog = z.infer<typeof sarifSchema>;

/** Validates a SARIF log, and that every result points at its rule by id and index. */
export function validateSarif(json: unknown): SarifLog {
  const log = sarifSchema.parse(json);
  const run = log.runs[0]!;
  const ids = run.tool.driver.rules.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new Error('rule ids are not unique');
  for (const r of run.results) {
    if (ids[r.ruleIndex] !== r.ruleId) throw new Error(`result ${r.ruleId} has ruleIndex ${r.ruleIndex}, which is ${ids[r.ruleIndex]}`);
  }
  return log;
}

// ---------------------------------------------------------------- Markdown tables (GFM)

/** Cells of one table row: split on `|` not escaped with a backslash, outer pipes dropped. */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      current += c + line[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(current);
      current = '';
    } else current += c;
  }
  cells.push(current);
  if (line.trimStart().startsWith('|')) cells.shift();
  if (line.trimEnd().endsWith('|') && !line.trimEnd().endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

export interface MarkdownTable {
  header: string[];
  rows: string[][];
}

/**
 * Every table in a Markdown document: a header row, a separator row of `---` cells (with
 * optional `:`), body rows. Throws when a row's cell count differs from the header's.
 */
export function parseTables(markdown: string): MarkdownTable[] {
  const lines = markdown.split('\n');
  const tables: MarkdownTable[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|')) continue;
    const header = splitRow(lines[i]!);
    const sep = lines[i + 1];
    if (sep === undefined) throw new Error(`table at line ${i + 1} has no separator row`);
    const seps = splitRow(sep);
    if (seps.length !== header.length || !seps.every((s) => /^:?-{3,}:?$/.test(s))) throw new Error(`bad separator row at line ${i + 2}: ${sep}`);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.startsWith('|'); j++) {
      const cells = splitRow(lines[j]!);
      if (cells.length !== header.length) throw new Error(`row at line ${j + 1} has ${cells.length} cells, the header ${header.length}: ${lines[j]}`);
      rows.push(cells);
    }
    tables.push({ header, rows });
    i = j;
  }
  return tables;
}
