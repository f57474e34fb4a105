/**
 * `smart-test doctor`: does a pre-commit hook run smart-test? One check, "hook", for the way the
 * repository runs it: smart-test's plain hook (or another hook that calls smart-test) where git
 * runs hooks, husky's `.husky/pre-commit`, or the pre-commit framework (.pre-commit-config.yaml
 * naming smart-test's hook ids, and pre-commit's own hook installed). Where hooks are and which
 * file smart-test would write come from gate/install.ts (hookDirs, resolveHookTarget), so doctor
 * and `install` agree. A hook of ours in `.git/hooks` while core.hooksPath points elsewhere is
 * "shadowed": git never runs it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { displayPath } from '../coverage/paths.js';
import { HUSKY_SCRIPT, describeHook, hookDirs, isOurs, isPreCommitFrameworkHook, readHook, resolveHookTarget, type HookDirs } from '../gate/install.js';
import type { Repo } from '../git/repo.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { error, ok, warn, type Check } from './model.js';

/** The hook ids of .pre-commit-hooks.yaml (a unit test keeps them in step with that file). */
export const PRE_COMMIT_HOOK_IDS = ['smart-test', 'smart-test-placeholders'] as const;

const CALLS_SMART_TEST = /(^|[\s/"'`=])smart-test(\.cjs)?\b/m;

interface HookFile {
  content: string;
  mode: number;
}

/** A finding about the hook where git looks; `runs`: that hook runs smart-test (even if something is wrong with it). */
interface Finding {
  check: Check;
  runs: boolean;
}

export async function hookCheck(repo: Repo): Promise<Check> {
  const dirs = await hookDirs(repo);
  const target = await resolveHookTarget(repo, dirs);
  const show = (file: string): string => displayPath(file, repo.cwd);
  const hooksPathSet = dirs.hooksDir !== dirs.defaultDir;
  const preCommit = await preCommitConfig(repo.root);

  const runs = async (content: string): Promise<boolean> =>
    callsSmartTest(content) || (/\blint-staged\b/.test(content) && (await lintStagedRunsSmartTest(repo.root)));
  // What git runs: <hooks dir>/pre-commit; with husky set up, that is husky's shim, which runs .husky/pre-commit.
  const huskyActive = target.kind === 'husky' && target.active;
  const plainFile = path.join(dirs.hooksDir, 'pre-commit');
  let reading = target.file;
  try {
    let husky: HookFile | null = null;
    let huskyInactive: Check | null = null;
    if (target.kind === 'husky') {
      husky = await readHook(target.file);
      if (husky !== null && (await runs(husky.content))) {
        const check = await huskyCheck(repo, target.file, target.active, dirs, husky, show);
        if (target.active) return check;
        huskyInactive = check;
      }
    }
    let plain: Finding | null = null;
    let plainHook: HookFile | null = null;
    if (!huskyActive) {
      reading = plainFile;
      plainHook = await readHook(plainFile);
      if (plainHook !== null) {
        plain = plainCheck(plainFile, plainHook, await runs(plainHook.content), preCommit, show);
        if (plain.runs) return plain.check;
      }
    }
    if (huskyInactive) return huskyInactive;

    // Nothing where git looks runs smart-test: a hook that would, where git never looks?
    if (hooksPathSet) {
      const shadowFile = path.join(dirs.defaultDir, 'pre-commit');
      const shadow = await readHook(shadowFile).catch(() => null);
      if (shadow !== null && (callsSmartTest(shadow.content) || (isPreCommitFrameworkHook(shadow.content) && (preCommit?.ids.length ?? 0) > 0))) {
        const hooksPath = show(dirs.hooksDir);
        return warn('hook', t.shadowed(show(shadowFile), hooksPath), t.shadowedFix(show(shadowFile), hooksPath, plainHook !== null));
      }
    }
    if (plain) return plain.check;
    if (preCommit !== null && preCommit.ids.length > 0 && !huskyActive) {
      return warn('hook', t.preCommitNotInstalled(show(preCommit.file), preCommit.ids, show(plainFile)), t.preCommitNotInstalledFix(hooksPathSet));
    }
    if (target.kind === 'husky' && husky !== null) return warn('hook', t.huskyWithout(show(target.file)), t.noneFix);
    return warn('hook', t.none(show(target.file)), t.noneFix);
  } catch (err) {
    return error('hook', t.hookUnreadable(show(reading), err instanceof Error ? err.message : String(err)), t.hookUnreadableFix(show(reading)));
  }
}

/** The hook where git runs hooks (no husky): ours, one that calls smart-test, pre-commit's, or another. */
function plainCheck(file: string, hook: HookFile, runs: boolean, preCommit: PreCommitConfig | null, show: (f: string) => string): Finding {
  const executable = (hook.mode & 0o111) !== 0;
  const ours = isOurs(hook.content);
  if (runs) {
    if (!executable) return { check: warn('hook', t.hookNotExecutable(show(file)), t.hookNotExecutableFix(show(file), ours)), runs };
    return { check: ok('hook', ours ? t.hookPlain(show(file)) : t.hookCalls(show(file))), runs };
  }
  if (isPreCommitFrameworkHook(hook.content)) {
    if (preCommit === null || preCommit.ids.length === 0) {
      return { check: warn('hook', t.preCommitWithoutSmartTest(preCommit ? show(preCommit.file) : null, show(file)), t.preCommitWithoutSmartTestFix(PRE_COMMIT_HOOK_IDS)), runs: false };
    }
    if (!executable) return { check: warn('hook', t.hookNotExecutable(show(file)), t.hookNotExecutableFix(show(file), false)), runs: true };
    return { check: ok('hook', t.hookPreCommit(show(preCommit.file), preCommit.ids, show(file))), runs: true };
  }
  return { check: warn('hook', t.foreign(show(file), describeHook(hook.content)), t.foreignFix(show(file))), runs: false };
}

/** `.husky/pre-commit` that runs smart-test: is husky set up, and is the script the line runs there? */
async function huskyCheck(repo: Repo, file: string, active: boolean, dirs: HookDirs, hook: HookFile, show: (f: string) => string): Promise<Check> {
  if (!active) {
    const hooksPath = dirs.hooksDir === dirs.defaultDir ? null : show(dirs.hooksDir);
    return warn('hook', t.huskyInactive(show(file), hooksPath), t.huskyInactiveFix);
  }
  if (isOurs(hook.content)) {
    // The line runs `<dir>/node_modules/smart-test/hooks/pre-commit`, `<dir>` holding .husky/.
    const script = path.join(path.dirname(path.dirname(file)), HUSKY_SCRIPT);
    if (!(await stat(script).then((s) => s.isFile(), () => false))) {
      return error('hook', t.huskyScriptMissing(show(file), displayPath(script, repo.root)), t.huskyScriptMissingFix);
    }
  }
  return ok('hook', t.hookHusky(show(file)));
}

/** lint-staged's configuration (package.json "lint-staged", .lintstagedrc*, lint-staged.config.*) runs smart-test. */
async function lintStagedRunsSmartTest(root: string): Promise<boolean> {
  const pkg = await readFile(path.join(root, 'package.json'), 'utf8').catch(() => null);
  if (pkg !== null) {
    try {
      const section = (JSON.parse(pkg) as Record<string, unknown>)['lint-staged'];
      if (section !== undefined && CALLS_SMART_TEST.test(JSON.stringify(section).replace(/\\"/g, ' '))) return true;
    } catch {
      // not JSON: no section
    }
  }
  for (const name of LINT_STAGED_FILES) {
    const text = await readFile(path.join(root, name), 'utf8').catch(() => null);
    if (text !== null && CALLS_SMART_TEST.test(text)) return true;
  }
  return false;
}

const LINT_STAGED_FILES = ['.lintstagedrc', '.lintstagedrc.json', '.lintstagedrc.yaml', '.lintstagedrc.yml', '.lintstagedrc.js', '.lintstagedrc.cjs', '.lintstagedrc.mjs', 'lint-staged.config.js', 'lint-staged.config.cjs', 'lint-staged.config.mjs'];

export function callsSmartTest(content: string): boolean {
  return isOurs(content) || content.split(/\r?\n/).some((line) => !line.trim().startsWith('#') && CALLS_SMART_TEST.test(line));
}

interface PreCommitConfig {
  file: string;
  /** smart-test's hook ids it names (or hooks of its own whose entry runs smart-test, by their id). */
  ids: string[];
}

/**
 * `.pre-commit-config.yaml` at the top of the repository, and which of smart-test's hooks it
 * names: `id: smart-test` / `id: smart-test-placeholders`, or a local hook whose `entry` runs
 * smart-test. Read line by line (the file is YAML, but only these keys matter here).
 */
export async function preCommitConfig(root: string): Promise<PreCommitConfig | null> {
  for (const name of ['.pre-commit-config.yaml', '.pre-commit-config.yml']) {
    const file = path.join(root, name);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    const ids: string[] = [];
    let lastId: string | null = null;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/\s+#.*$/, '');
      const id = /^\s*(?:-\s+)?id:\s*["']?([^"'\s]+)["']?\s*$/.exec(line)?.[1];
      if (id !== undefined) {
        lastId = id;
        if ((PRE_COMMIT_HOOK_IDS as readonly string[]).includes(id) && !ids.includes(id)) ids.push(id);
        continue;
      }
      const entry = /^\s*(?:-\s+)?entry:\s*["']?(.*?)["']?\s*$/.exec(line)?.[1];
      if (entry !== undefined && lastId !== null && CALLS_SMART_TEST.test(entry) && !ids.includes(lastId)) ids.push(lastId);
    }
    return { file, ids };
  }
  return null;
}
