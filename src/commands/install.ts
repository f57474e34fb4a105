import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { GlobalOptions, Io } from '../cli.js';
import { HUSKY_LINE, HUSKY_SCRIPT, installHook, resolveHookTarget, uninstallHook } from '../gate/install.js';
import { currentInstalledCli, hookCommandNow } from '../gate/hook-cli.js';
import { openRepo } from '../git/repo.js';
import { installMessages as m } from '../report/messages/install.js';

export interface InstallOptions {
  /** Replace a pre-commit hook smart-test did not install (kept as pre-commit.smart-test-backup). */
  force: boolean;
  /** `smart-test uninstall`. */
  uninstall: boolean;
}

/**
 * `smart-test install` / `smart-test uninstall`. Exit 0 when the hook is (or already was)
 * in place / removed; 2 when another tool's hook is in the way (without --force) or would be
 * removed. Messages go to stdout; --format and --config do not apply.
 */
export async function runInstall(options: GlobalOptions, io: Io, { force, uninstall }: InstallOptions): Promise<number> {
  const repo = await openRepo(options.cwd, { env: io.env });
  const target = await resolveHookTarget(repo);
  const shown = (file: string) => display(options.cwd, file);
  const say = (text: string) => io.stdout.write(`${text}\n`);

  if (uninstall) {
    const outcome = await uninstallHook(target);
    if (outcome.action === 'absent') say(m.absent(shown(target.file)));
    else if (target.kind === 'husky') say(m.huskyRemoved(shown(target.file), outcome.deleted));
    else if (outcome.restored) say(m.removedRestored(shown(target.file), shown(outcome.restored)));
    else say(m.removed(shown(target.file)));
    return 0;
  }

  const installed = await currentInstalledCli();
  const outcome = await installHook(target, force, installed);
  const file = shown(target.file);
  switch (outcome.action) {
    case 'unchanged':
      say(m.unchanged(file));
      break;
    case 'updated':
      say(m.updated(file));
      break;
    case 'appended':
      say(m.huskyInstalled(file, target.line ?? HUSKY_LINE));
      break;
    case 'installed':
      if (target.kind === 'husky') say(m.huskyInstalled(file, target.line ?? HUSKY_LINE));
      else if (outcome.backup) say(m.installedWithBackup(file, shown(outcome.backup), 'run'));
      else say(m.installed(file, 'run'));
      break;
  }
  if (target.kind === 'plain') {
    const now = await hookCommandNow(repo.root, io.env, installed);
    say(m.hookRuns(now.command, io.env.SMART_TEST_HOOK_COMMAND || 'run', now.source, installed.cli));
  }
  if (target.kind === 'husky' && outcome.action !== 'unchanged') {
    if (!target.active) say(m.huskyInactive(file));
    // The folder holding .husky/ is where npm installs smart-test (node_modules/smart-test).
    const script = path.join(path.dirname(path.dirname(target.file)), HUSKY_SCRIPT);
    if (!(await stat(script).then((s) => s.isFile(), () => false))) say(m.huskyScriptMissing(display(options.cwd, script)));
  }
  return 0;
}

/** Relative to cwd when below it, else absolute. */
function display(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}
