/**
 * `smart-test doctor`: every check, in the order they are printed. The repository is opened
 * first (without one, the hook checks are left out and the rest runs from the current folder),
 * then the configuration (an invalid one is reported and the defaults are used); the other
 * groups run side by side.
 */
import { SmartTestError } from '../errors.js';
import { openRepo, type Repo } from '../git/repo.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { configCheck } from './config.js';
import { coverageChecks } from './coverage.js';
import { hookCheck } from './hook.js';
import { error, ok, type Check } from './model.js';
import { pythonChecks } from './python.js';
import { testsDirCheck } from './tests-dir.js';

export interface DoctorOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --config */
  configPath?: string | undefined;
}

export async function runDoctorChecks({ cwd, env, configPath }: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  let repo: Repo | null = null;
  try {
    repo = await openRepo(cwd, { env });
  } catch (err) {
    if (!(err instanceof SmartTestError)) throw err;
    checks.push(error('git', t.gitMissing(err.message), t.gitMissingFix));
  }
  const root = repo?.root ?? cwd;
  const hook = repo ? hookCheck(repo) : null;
  const { check: config, config: settings } = await configCheck({ cwd, root, explicitPath: configPath });
  const ctx = { root, cwd, config: settings, repo, env };
  const [hookResult, coverage, python, tests] = await Promise.all([hook, coverageChecks(ctx), pythonChecks(ctx), testsDirCheck(ctx)]);
  if (repo) {
    const branch = (await repo.read(['symbolic-ref', '--short', '-q', 'HEAD']).catch(() => '')).trim();
    checks.push(ok('git', repo.hasHead ? t.gitOk(repo.root, branch || null) : t.gitNoCommit(repo.root)));
  }
  if (hookResult) checks.push(hookResult);
  checks.push(config, ...coverage, ...python, tests);
  return checks;
}
