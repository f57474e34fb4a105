/** User-facing text of the command line itself: usage, help, argument errors. */
import { FORCE_OPTION_USAGE, INSTALL_USAGE } from './install.js';

export const USAGE = `Usage: smart-test <command> [options]

Commands:
  plan                  Show the functions this commit touches, their coverage, and which need
                        tests. Writes nothing.
  run                   What the hook runs: plan, write or refresh tests for the selected
                        functions, then the placeholder gate on the staged test files.
  generate PATH...      Write tests for functions of the named source files (below the
                        threshold; --all: every function; --function NAME: that one).
  check [FILE...]       The placeholder gate: staged test files (or the named files) must not
                        hold the placeholder string in a Python string.
${INSTALL_USAGE}

Options:
  --config PATH          Use this configuration file instead of searching for one.
  --format text|json     Output format (default: text). json prints only JSON on stdout.
  --threshold N          Line coverage (0-100) below which a touched function needs tests
                         (default: 80, or the configured threshold).
  --stage                run: stage the test files it writes (config onGenerate: "stage").
  --no-execute           run, generate: do not run project code; static tests only.
  --all                  generate: every function of the files, whatever its coverage.
  --function NAME        generate: only this function (repeatable).
${FORCE_OPTION_USAGE}
  -h, --help             Show this help.
  -v, --version          Show the version.

Exit codes: 0 ok, 1 commit blocked, 2 usage, configuration or input error.
Configuration: .smarttestrc, .smarttestrc.json|.yaml|.yml|.js|.cjs|.mjs, smarttest.config.js,
package.json "smarttest", or pyproject.toml [tool.smarttest]. See .smarttestrc.example.`;

export function unknownCommand(name: string, known: readonly string[]): string {
  return `Unknown command "${name}". smart-test knows ${known.map((k) => `"${k}"`).join(', ')}; run \`smart-test --help\` for what each does.`;
}

export function missingCommand(known: readonly string[]): string {
  return `No command given. Run \`smart-test ${known[0]}\` (or one of ${known.map((k) => `"${k}"`).join(', ')}), or \`smart-test --help\` for more.`;
}

export function badArguments(detail: string): string {
  return `${detail.replace(/\.$/, '')}. Run \`smart-test --help\` for the options each command takes.`;
}

export function badFormat(value: string, allowed: readonly string[]): string {
  return `--format "${value}" is not a format smart-test writes: use ${allowed.map((a) => `"${a}"`).join(' or ')}.`;
}

export function badThreshold(value: string): string {
  return `--threshold "${value}" is not a percentage: give a number from 0 to 100, e.g. --threshold 80.`;
}

export function unexpectedFailure(detail: string): string {
  return `smart-test failed unexpectedly: ${detail}. This is a bug in smart-test, not in your repository; please report it with the command you ran. Set SMART_TEST_DEBUG=1 to see the stack trace.`;
}
