import path from 'node:path';

/**
 * The git environment variables smart-test passes on to the git processes it starts.
 *
 * simple-git 4 removes every `GIT_*` variable (and a few others such as EDITOR or PAGER) from
 * the child environment unless it is named in `allowEnvironment`, and it rejects a task when a
 * guarded variable is passed explicitly through `.env()` without being allowed. We therefore
 * build the child environment ourselves: drop every guarded variable, then add back the few
 * that decide *which* repository and *which* index git reads, made absolute.
 *
 * - GIT_INDEX_FILE: inside a pre-commit hook git points this at the index the commit is built
 *   from (`.git/index.lock` for `git commit -a`, `.git/next-index-<pid>.lock` for
 *   `git commit <path>`, the relative `.git/index` for a plain `git commit`). Git resolves a
 *   relative value against the top of the working tree, so we do too.
 * - GIT_DIR / GIT_WORK_TREE: set by git for hooks of linked worktrees (absolute), or by users of
 *   `--git-dir`/`--work-tree` setups; resolved against the directory smart-test started in.
 * - GIT_CEILING_DIRECTORIES / GIT_DISCOVERY_ACROSS_FILESYSTEM: only limit repository discovery.
 */
export const PASSED_GIT_ENV = [
  'GIT_INDEX_FILE',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
] as const;

/** Non-`GIT_` names simple-git guards as well (it rejects them when passed explicitly). */
const GUARDED_OTHER = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

/** Config for every git command: raw UTF-8 in path headers (still C-quoted when they hold `"`, `\` or control characters). */
export const GIT_CONFIG = ['core.quotePath=false'];

export type GitEnv = Record<string, string>;

function isGuarded(name: string): boolean {
  const key = name.toLowerCase().trim();
  return key.startsWith('git_') || GUARDED_OTHER.has(key);
}

/**
 * The environment for git children: `base` without the guarded variables, plus the passed-on
 * git variables. GIT_DIR and GIT_WORK_TREE are made absolute against `cwd`; GIT_INDEX_FILE is
 * made absolute against `root` when it is known (pass null before the root has been found, and
 * GIT_INDEX_FILE is left out).
 */
export function gitEnvironment(base: NodeJS.ProcessEnv, cwd: string, root: string | null): GitEnv {
  const env: GitEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || isGuarded(key)) continue;
    env[key] = value;
  }
  const lookup = (name: string): string | undefined => {
    const value = base[name];
    return value === undefined || value === '' ? undefined : value;
  };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE'] as const) {
    const value = lookup(name);
    if (value !== undefined) env[name] = path.resolve(cwd, value);
  }
  for (const name of ['GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM'] as const) {
    const value = lookup(name);
    if (value !== undefined) env[name] = value;
  }
  const index = lookup('GIT_INDEX_FILE');
  if (index !== undefined && root !== null) env.GIT_INDEX_FILE = path.resolve(root, index);
  return env;
}

/** The same `-c` options as the simple-git client, for processes spawned directly. */
export function gitConfigArgs(): string[] {
  return GIT_CONFIG.flatMap((c) => ['-c', c]);
}
