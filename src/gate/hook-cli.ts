/**
 * The smart-test a plain hook falls back to: `smart-test install` records the CLI it runs from
 * (bin/smart-test.cjs of its package, real path) and the node running it in the copy of
 * hooks/pre-commit it installs, so a hook installed from a clone or another folder finds
 * smart-test even where the repository has no node_modules. The hook looks there last, after
 * $SMART_TEST_BIN, node_modules/.bin/smart-test, the package folder, the PATH and npx.
 *
 * The husky line carries no path: .husky/pre-commit is committed and shared, and a path on one
 * machine means nothing on the others (husky projects have smart-test in node_modules).
 */
import { access, constants, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InstalledCli {
  /** Absolute path of bin/smart-test.cjs, or null when it cannot be found. */
  cli: string | null;
  /** Absolute path of the node that runs it. */
  node: string | null;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** bin/smart-test.cjs of the package this module is part of (src/gate/, dist/ or dist/chunks/), real path. */
export async function runningCli(): Promise<string | null> {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const cli = path.join(dir, 'bin', 'smart-test.cjs');
    if ((await isFile(cli)) && (await isFile(path.join(dir, 'package.json')))) return realpath(cli).catch(() => cli);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The running smart-test and node, as install records them. */
export async function currentInstalledCli(): Promise<InstalledCli> {
  return { cli: await runningCli(), node: process.execPath };
}

/** A POSIX shell single-quoted word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The hook script with the installing smart-test written into its `installed_cli=''` / `installed_node=''` lines. */
export function withInstalledCli(script: string, installed: InstalledCli): string {
  let out = script;
  if (installed.cli) out = out.replace(/^installed_cli=''$/m, () => `installed_cli=${shellQuote(installed.cli!)}`);
  if (installed.cli && installed.node) out = out.replace(/^installed_node=''$/m, () => `installed_node=${shellQuote(installed.node!)}`);
  return out;
}

async function isExecutable(p: string): Promise<boolean> {
  if (!(await isFile(p))) return false;
  return access(p, constants.X_OK).then(() => true, () => false);
}

export type HookCommandSource = 'env' | 'node_modules' | 'path' | 'installed' | 'none';

/**
 * The command a plain hook would run now, found in the hook's order (hooks run at the top of
 * the working tree): $SMART_TEST_BIN, node_modules/.bin/smart-test, smart-test on the PATH,
 * then the recorded CLI. npx is not asked (slow, and it finds what the first two find).
 */
export async function hookCommandNow(repoRoot: string, env: NodeJS.ProcessEnv, installed: InstalledCli): Promise<{ command: string; source: HookCommandSource }> {
  if (env.SMART_TEST_BIN) return { command: env.SMART_TEST_BIN, source: 'env' };
  if (await isExecutable(path.join(repoRoot, 'node_modules', '.bin', 'smart-test'))) return { command: 'node_modules/.bin/smart-test', source: 'node_modules' };
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'smart-test');
    if (await isExecutable(candidate)) return { command: candidate, source: 'path' };
  }
  if (installed.cli) return { command: `node ${/[^\w@%+=:,./-]/.test(installed.cli) ? shellQuote(installed.cli) : installed.cli}`, source: 'installed' };
  return { command: 'smart-test', source: 'none' };
}
