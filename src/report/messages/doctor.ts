/** Text of `smart-test doctor`: one message and one fix per check. Paths are shown as the caller passes them. */

/** Lines for USAGE in messages/cli.ts (Commands section). */
export const DOCTOR_USAGE = `  doctor                Check the setup: git and the hook, configuration, coverage report, the
                        project's Python (pytest, coverage, imports), the tests folder. Exit 0
                        all ok, 1 warnings, 2 errors.`;

const CHAIN_LINE = 'npx --no-install smart-test run';
const MEASURE = '`coverage run -m pytest && coverage json` (or `pytest --cov=<package> --cov-report=json`)';

function andList(items: readonly string[], max = 6): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const doctorText = {
  // ------------------------------------------------------------- summary
  summary: (ok: number, warnings: number, errors: number) =>
    `smart-test doctor: ${ok} ok, ${plural(warnings, 'warning')}, ${plural(errors, 'error')}.`,
  fixLabel: 'fix:',

  // ------------------------------------------------------------- git
  gitOk: (root: string, branch: string | null) => `git repository at ${root}${branch ? ` (branch ${branch})` : ''}.`,
  gitNoCommit: (root: string) => `git repository at ${root}, with no commit yet.`,
  gitMissing: (detail: string) => detail,
  gitMissingFix: 'Run smart-test doctor inside the repository, or `git init` to make one; the hook checks are skipped until then.',

  // ------------------------------------------------------------- hook
  hookPlain: (file: string) => `${file} is smart-test's hook: git runs \`smart-test run\` before each commit.`,
  hookCalls: (file: string) => `${file} calls smart-test (a hook smart-test did not write, left as it is).`,
  hookHusky: (file: string) => `husky: ${file} runs smart-test's hook before each commit.`,
  hookPreCommit: (config: string, ids: readonly string[], file: string) =>
    `pre-commit framework: ${config} runs ${andList(ids.map((id) => `"${id}"`))}, and \`pre-commit install\` put its hook in ${file}.`,
  hookNotExecutable: (file: string) => `${file} runs smart-test but is not executable, so git skips it.`,
  hookNotExecutableFix: (file: string, ours: boolean) =>
    ours ? 'Run `smart-test install` (it makes the hook executable again).' : `Run \`chmod +x ${file}\`.`,
  huskyInactive: (file: string, hooksPath: string | null) =>
    `husky: ${file} runs smart-test, but husky is not set up in this clone (${hooksPath === null ? 'core.hooksPath is not set' : `core.hooksPath is ${hooksPath}, not .husky/_`}), so git never runs it.`,
  huskyInactiveFix: 'Run `npx husky` (or `npm install`, which runs husky through the "prepare" script).',
  huskyScriptMissing: (file: string, script: string) => `husky: ${file} runs ${script}, which does not exist, so every commit stops with an error.`,
  huskyScriptMissingFix: 'Install smart-test in this repository: `npm install --save-dev smart-test`.',
  shadowed: (file: string, hooksPath: string) =>
    `${file} runs smart-test, but core.hooksPath is set to ${hooksPath}: git runs the hooks in ${hooksPath} only, so it never runs ${file}.`,
  shadowedFix: (file: string, hooksPath: string, foreign: boolean) =>
    foreign
      ? `Add the line \`${CHAIN_LINE}\` to ${hooksPath}/pre-commit (or replace that hook with \`smart-test install --force\`), then delete ${file}; or \`git config --unset core.hooksPath\` if ${hooksPath} is not meant to hold your hooks.`
      : `Run \`smart-test install\` (it installs the hook in ${hooksPath}), then delete ${file}; or \`git config --unset core.hooksPath\` if ${hooksPath} is not meant to hold your hooks.`,
  preCommitNotInstalled: (config: string, ids: readonly string[], file: string) =>
    `pre-commit framework: ${config} names ${andList(ids.map((id) => `"${id}"`))}, but \`pre-commit install\` has not put its hook in ${file}, so nothing runs on commit.`,
  preCommitNotInstalledFix: (hooksPathSet: boolean) =>
    hooksPathSet
      ? 'pre-commit will not install while core.hooksPath is set: run `git config --unset core.hooksPath`, then `pre-commit install`.'
      : 'Run `pre-commit install`.',
  preCommitWithoutSmartTest: (config: string | null, file: string) =>
    `the pre-commit framework's hook is in ${file}, but ${config ?? '.pre-commit-config.yaml (missing)'} names none of smart-test's hooks.`,
  preCommitWithoutSmartTestFix: (ids: readonly string[]) =>
    `Add smart-test's repository to .pre-commit-config.yaml with \`hooks: [${ids.map((id) => `{id: ${id}}`).join(', ')}]\` (see "Hooks" in smart-test's README).`,
  foreign: (file: string, what: string) => `${file} is a pre-commit hook smart-test did not install (${what}), and it does not call smart-test.`,
  foreignFix: (file: string) =>
    `Add the line \`${CHAIN_LINE}\` to ${file}, or replace it with \`smart-test install --force\` (the old hook is kept and put back by \`smart-test uninstall\`).`,
  huskyWithout: (file: string) => `husky: ${file} does not run smart-test, so commits are not checked.`,
  none: (file: string) => `no pre-commit hook runs smart-test (nothing in ${file}), so commits are not checked.`,
  noneFix: 'Run `smart-test install` (or see "Hooks" in the README for the pre-commit framework, husky and lint-staged).',
  hookUnreadable: (file: string, detail: string) => `cannot read the hook ${file}: ${detail}`,
  hookUnreadableFix: (file: string) => `Make ${file} a readable file, or remove it and run \`smart-test install\`.`,

  // ------------------------------------------------------------- config
  configFound: (file: string) => `configuration from ${file} is valid.`,
  configDefaults: 'no configuration file; the defaults are used.',
  configInvalid: (detail: string) => detail.trim(),
  configInvalidFix: (file: string | null) =>
    `Correct ${file ?? 'the configuration file'} as the message says, then run \`smart-test doctor\` again. Until then, the other checks use the default settings.`,

  // ------------------------------------------------------------- coverage report
  coverageFound: (file: string, version: string | null, format: number | null, files: number, written: string | null) =>
    `${file}: coverage.py ${version ?? '(version not recorded)'} JSON report, ${format === null ? 'no format number (coverage.py before 7.4.1)' : `format ${format}`}, ${plural(files, 'measured file')}${written ? `, written ${written}` : ''}.`,
  coverageOnlyData: (dataFile: string, written: string, tried: readonly string[]) =>
    `no JSON coverage report (looked for ${andList(tried)}), but coverage.py's data file ${dataFile} is there (written ${written}).`,
  coverageOnlyDataFix: (dir: string) => `Run \`coverage json\`${dir === '.' ? '' : ` in ${dir}`} to write coverage.json from it.`,
  coverageDataNewer: (file: string, dataFile: string, json: string, data: string) =>
    `${file} (written ${json}) is older than coverage.py's data file ${dataFile} (written ${data}): the last test run is not in the JSON report yet.`,
  coverageDataNewerFix: 'Run `coverage json` to write the JSON report from the newer data.',
  coverageMissing: (tried: readonly string[]) =>
    `no coverage report (looked for ${andList(tried)}): a commit that touches a function stops until there is one.`,
  coverageMissingFix: `Measure the tests with ${MEASURE}, or set "coverage" in the configuration to where your report is written.`,
  coverageBroken: (detail: string) => detail,
  coverageBrokenFix: `Write the report again with ${MEASURE}.`,

  // ------------------------------------------------------------- coverage age
  ageFresh: (file: string, count: number, newest: string | null) =>
    count === 0
      ? `${file} is newer than every staged or changed source file (there are none).`
      : `${file} is newer than the ${plural(count, 'staged or changed source file')}${newest ? ` (newest: ${newest})` : ''}.`,
  ageStale: (file: string, stale: readonly string[], first: string, reason: string) =>
    stale.length === 1
      ? `${file} is out of date for ${first}: ${reason}. Until coverage is measured again, its functions count as of unknown coverage.`
      : `${file} is out of date for ${stale.length} staged or changed files (${andList(stale)}); ${first}: ${reason}. Until coverage is measured again, their functions count as of unknown coverage.`,
  ageStaleFix: (error: boolean) =>
    `Run the tests with coverage again: ${MEASURE}.${error ? ' (staleCoverage is "error": until then, `smart-test run` stops.)' : ''}`,
  newestFile: (file: string, when: string) => `${file}, modified ${when}`,

  // ------------------------------------------------------------- python
  pythonOk: (python: string, version: string, from: string) => `Python ${version} at ${python} (${from}) runs the probe and the generated tests.`,
  pythonFromConfig: (configured: string) => `"python": "${configured}" in the configuration`,
  pythonFromVenv: (where: string) => `the virtualenv in ${where}`,
  pythonFromPath: 'python3 on the PATH',
  pythonTooOld: (python: string, version: string) => `Python ${version} (${python}) is older than 3.8, which smart-test's probe needs.`,
  pythonTooOldFix: 'Point "python" in the configuration at a Python 3.8 or newer (e.g. your virtualenv\'s bin/python).',
  pythonMissingConfigured: (python: string) => `the configured "python" ${python} does not exist or does not run.`,
  pythonMissing: (tried: readonly string[]) =>
    `no Python could be run (tried ${andList(tried.length > 0 ? tried : ['$VIRTUAL_ENV, .venv, venv, python3'])}): the code cannot be run, so only static tests are written.`,
  pythonMissingFix: 'Install Python 3 (python3 on the PATH), create the project\'s virtualenv in .venv, or set "python" in the configuration to its interpreter.',
  pythonBroken: (python: string, detail: string) => `${python} ran but the checks could not run in it: ${detail}`,
  pythonBrokenFix: 'Set "python" in the configuration to a working Python 3 interpreter.',

  pytestOk: (version: string) => `pytest ${version} imports.`,
  pytestMissing: (python: string, detail: string) => `${python} cannot import pytest (${detail}), so the tests smart-test writes cannot run there.`,
  pytestMissingFix: (python: string) => `Run \`${python} -m pip install pytest\` (or add pytest to the project's dev dependencies).`,
  coverageModuleOk: (version: string) => `coverage.py ${version} imports.`,
  coverageModuleMissing: (python: string, detail: string) =>
    `${python} cannot import coverage (${detail}), so it cannot measure the tests or turn a .coverage data file into coverage.json.`,
  coverageModuleMissingFix: (python: string) => `Run \`${python} -m pip install coverage\` (or pytest-cov).`,

  packagesOk: (names: readonly string[], roots: readonly string[]) =>
    `the project's top-level ${names.length === 1 ? 'package' : 'packages'} ${andList(names)} ${names.length === 1 ? 'is' : 'are'} found from the source roots (${roots.join(', ')}).`,
  packagesNone: (roots: readonly string[]) => `no Python source files found under the source roots (${roots.join(', ')}); nothing to import yet.`,
  packagesMissing: (missing: readonly string[], roots: readonly string[], python: string) =>
    `${python} cannot find ${andList(missing)} from the source roots (${roots.join(', ')}): their functions are tested without running them (static tests only).`,
  packagesMissingFix: 'Set "sourceRoots" in the configuration to the folders that hold your packages (e.g. ["src"]), or install the project in that Python (`pip install -e .`).',

  pytestPathSet: (file: string) => `${file} sets pytest's \`pythonpath\`, so pytest imports the modules the tests are written for.`,
  pytestPathFound: (names: readonly string[]) => `pytest started at the top of the repository finds ${andList(names)} (importable from there, or installed).`,
  pytestPathNone: 'no project modules to check.',
  pytestPathMissing: (missing: readonly string[]) =>
    `pytest started at the top of the repository may not import ${andList(missing)}: no pytest configuration sets \`pythonpath\` and ${missing.length === 1 ? 'it is' : 'they are'} not installed, so the generated tests fail with ModuleNotFoundError.`,
  pytestPathElsewhere: (name: string, place: string, root: string) =>
    `pytest started at the top of the repository imports ${name} from ${place}, not from ${root === '.' ? name : `${root}/${name}`}: an installed copy, so the generated tests (written for the repository's code) check that copy instead.`,
  pytestPathMissingFix: (root: string) =>
    `Add \`pythonpath = ["${root}"]\` under [tool.pytest.ini_options] in pyproject.toml (or \`pythonpath = ${root}\` under [pytest] in pytest.ini; pytest 7+), or \`pip install -e .\`.`,

  // ------------------------------------------------------------- tests folder
  testsExist: (dir: string, count: number) => `tests folder ${dir} exists (${plural(count, 'test file')}).`,
  testsWillBeCreated: (dir: string) => `tests folder ${dir} does not exist yet; smart-test creates it with the first test it writes.`,
  testsOutside: (dir: string) => `the tests folder ${dir} is outside the repository; smart-test never writes there.`,
  testsOutsideFix: 'Set "testsDir" in the configuration to a folder inside the repository, e.g. "tests".',
  testsNotFolder: (dir: string) => `the tests folder ${dir} is a file, not a folder, so no test can be written.`,
  testsNotFolderFix: (dir: string) => `Move ${dir} away, or set "testsDir" in the configuration to another folder.`,
  testsIgnored: (dir: string) => `the tests folder ${dir} is ignored by git (.gitignore), so the tests written there are never committed.`,
  testsIgnoredFix: (dir: string) => `Remove the .gitignore rule that matches ${dir} (\`git check-ignore -v ${dir}\` names it), or set "testsDir" to another folder.`,
};
