/** Text of `smart-test install` and `smart-test uninstall`. Paths are shown as the caller passes them. */

/** Lines for USAGE in messages/cli.ts (Commands section). */
export const INSTALL_USAGE = `  install               Install the git pre-commit hook (core.hooksPath honoured; with husky, a
                        line in .husky/pre-commit). --force replaces another tool's hook.
  uninstall             Remove smart-test's hook (and put back a hook it replaced).`;

/** Line for USAGE in messages/cli.ts (Options section). */
export const FORCE_OPTION_USAGE = `  --force                install: replace a pre-commit hook smart-test did not install.`;

const SKIP_HINT = 'Skip it once with `SMART_TEST_SKIP=1 git commit` (or `git commit --no-verify`).';
const CHAIN_LINE = 'npx --no-install smart-test run';

export const installMessages = {
  installed: (file: string, command: string) =>
    `smart-test: installed the pre-commit hook in ${file}: it runs \`smart-test ${command}\` before each commit. ${SKIP_HINT}`,
  installedWithBackup: (file: string, backup: string, command: string) =>
    `smart-test: installed the pre-commit hook in ${file}: it runs \`smart-test ${command}\` before each commit. The hook that was there is kept as ${backup}; \`smart-test uninstall\` puts it back. ${SKIP_HINT}`,
  updated: (file: string) => `smart-test: updated the pre-commit hook in ${file} to this version of smart-test.`,
  unchanged: (file: string) => `smart-test: the pre-commit hook is already installed in ${file}; nothing changed.`,
  huskyInstalled: (file: string, line: string) =>
    `smart-test: added \`${line}\` to ${file} (husky). Commit ${file} so everyone runs it; smart-test must be a dev dependency (npm install --save-dev smart-test). ${SKIP_HINT}`,
  huskyInactive: (file: string) =>
    `smart-test: note: husky is not set up in this clone yet (core.hooksPath does not point at .husky/_), so git will not run ${file} until \`npx husky\` (or \`npm install\`, through husky's "prepare" script) has run.`,
  huskyScriptMissing: (script: string) =>
    `smart-test: note: ${script} does not exist yet; install smart-test in this repository (npm install --save-dev smart-test) or the hook will fail.`,
  removed: (file: string) => `smart-test: removed the pre-commit hook from ${file}.`,
  removedRestored: (file: string, backup: string) => `smart-test: removed the pre-commit hook from ${file} and put back the hook kept in ${backup}.`,
  huskyRemoved: (file: string, deleted: boolean) =>
    deleted ? `smart-test: removed smart-test's line from ${file}; nothing else was left in it, so the file is deleted.` : `smart-test: removed smart-test's line from ${file}.`,
  absent: (file: string) => `smart-test: no smart-test pre-commit hook in ${file}; nothing to remove.`,
  /** Which command the plain hook will run (found as the hook finds it, now). */
  hookRuns: (command: string, hookCommand: string, source: 'env' | 'node_modules' | 'path' | 'installed' | 'none', installedCli: string | null) => {
    const run = `\`${command} ${hookCommand}\``;
    const fallback = installedCli ? ` ${installedCli} (the smart-test that ran this install) is recorded in it as the last place to look.` : '';
    switch (source) {
      case 'env':
        return `smart-test: the hook will run ${run} (SMART_TEST_BIN is set).${fallback}`;
      case 'node_modules':
        return `smart-test: the hook will run ${run} (found first, in the repository).${fallback}`;
      case 'path':
        return `smart-test: the hook will run ${run} (smart-test on the PATH, found first).${fallback}`;
      case 'installed':
        return `smart-test: the hook will run ${run}, the smart-test that ran this install (recorded in the hook as the last place to look, after node_modules/.bin/smart-test, the PATH and npx).`;
      case 'none':
        return `smart-test: note: the hook will look for smart-test in node_modules/.bin, on the PATH and with npx, and finds none now; install it (npm install --save-dev smart-test) or set SMART_TEST_BIN.`;
    }
  },
};

export function foreignHookRefused(file: string, what: string, backup: string): string {
  return `${file} already holds a pre-commit hook that smart-test did not install (${what}), so it is left as it is. To run both, add the line \`${CHAIN_LINE}\` to that hook (or, with the pre-commit framework, add the smart-test hook to .pre-commit-config.yaml instead); to replace it, run \`smart-test install --force\` (it is kept as ${backup} and put back by \`smart-test uninstall\`).`;
}

export function foreignHook(file: string, what: string): string {
  return `${file} is a pre-commit hook that smart-test did not install (${what}), so \`smart-test uninstall\` leaves it in place. If it calls smart-test, remove that line yourself.`;
}

export function backupInTheWay(file: string, backup: string): string {
  return `Cannot replace ${file}: ${backup} already exists, from an earlier \`smart-test install --force\`. Move or delete ${backup} first, then run \`smart-test install --force\` again.`;
}

export function hookTargetIsDirectory(file: string): string {
  return `${file} is a directory, not a hook file. Remove or rename it, then run \`smart-test install\` again.`;
}

export function hookScriptMissing(file: string): string {
  return `smart-test's hook script is missing from its installation (looked for ${file}). Reinstall smart-test (npm install --save-dev smart-test).`;
}
