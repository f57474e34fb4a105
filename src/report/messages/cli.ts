/** User-facing text of the command line itself: usage, help, argument errors. */
import { DOCTOR_USAGE } from './doctor.js';
import { FORCE_OPTION_USAGE, INSTALL_USAGE } from './install.js';

export const USAGE = `Usage: smart-test <command> [options]

Commands:
${DOCTOR_USAGE}
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
  --format FORMAT        text (default) or json (only JSON on stdout); plan, check and run also
                         write github (workflow commands: annotations on a pull request, plus
                         a Markdown step summary), sarif (SARIF 2.1.0) or markdown.
  --base REF             plan, check, run: code-review mode. The changes are the commits between
                         the merge base of REF and HEAD (as committed, not the index), e.g.
                         --base origin/main in a pull-request job.
  --threshold N          Line coverage (0-100) below which a touched function needs tests
                         (default: 80, or the configured threshold).
  --stage                run: stage the test files it writes (config onGenerate: "stage").
  --no-execute           run, generate: do not run project code; static tests only.
  --all                  generate: every function of the files, whatever its coverage.
  --function NAME        generate: only this function (repeatable).
${FORCE_OPTION_USAGE}
  -h, --help             Show this help.
  -v, --version          Show the version.

Exit codes: 0 ok, 1 commit blocked, 2 usage, configuration or input error (doctor: 1 warnings,
2 errors). With --base, 1 means the branch fails review (a placeholder left; tests run wrote;
with belowThreshold "error", plan also fails on a touched function below the threshold), and a
clone that lacks REF or the merge base exits 2 with the fetch to run.
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

export function badBase(value: string): string {
  return `--base "${value}" is not a git ref: name the branch the changes are reviewed against, e.g. --base origin/main.`;
}

export function formatNotForCommand(format: string, command: string, commands: readonly string[]): string {
  return `--format ${format} goes with ${commands.map((c) => `"${c}"`).join(', ')}, not "${command}": use --format text or json with "${command}".`;
}

export function baseWithFiles(base: string, files: readonly string[]): string {
  return `"check" takes either files or --base, not both (got --base ${base} and ${files.join(' ')}). With --base it checks the test files the branch changed since ${base}; leave the files out, or drop --base to check the files named.`;
}

export function stageWithBase(): string {
  return `--stage goes with "run" on staged changes, not with --base: a branch range is committed already, so there is nothing to stage. Drop --stage, or commit the tests smart-test writes.`;
}
