/**
 * `--format sarif`: one SARIF 2.1.0 log with one run, for code scanning (GitHub's
 * upload-sarif, GitLab, IDE viewers). Every rule is always listed, in a fixed order, so rule ids
 * and indices are stable from run to run.
 */
import { RULE_TEXT } from '../messages/review.js';
import { DEFAULT_LEVEL, RULE_IDS, type Finding, type Review } from './review.js';

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A repo-relative POSIX path as a relative URI reference: each segment percent-encoded. */
export function pathToUri(file: string): string {
  return file.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

function rules() {
  return RULE_IDS.map((id) => {
    const text = RULE_TEXT[id];
    return {
      id,
      name: text.name,
      shortDescription: { text: text.short },
      fullDescription: { text: text.full },
      help: { text: text.help },
      defaultConfiguration: { level: DEFAULT_LEVEL[id] },
    };
  });
}

function result(f: Finding) {
  return {
    ruleId: f.ruleId,
    ruleIndex: RULE_IDS.indexOf(f.ruleId),
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToUri(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
  };
}

/** The SARIF log of one command's review. `version` is smart-test's own (package.json). */
export function sarifLog(review: Review, version: string): Record<string, unknown> {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'smart-test', version, ...(SEMVER.test(version) ? { semanticVersion: version } : {}), rules: rules() } },
        // Columns are counted in code points (the gate's positions), not UTF-16 code units.
        columnKind: 'unicodeCodePoints',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: review.notices.map((text) => ({ level: 'warning', message: { text } })),
          },
        ],
        results: review.findings.map(result),
      },
    ],
  };
}
