/**
 * `smart-test doctor`: the tests folder (config `testsDir`). It must be inside the repository
 * (after following symbolic links: smart-test never writes outside it), be a folder or not exist
 * yet (the first test written creates it), and not be ignored by git (or its tests are never
 * committed).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { displayPath } from '../coverage/paths.js';
import type { Repo } from '../git/repo.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { error, ok, warn, type Check } from './model.js';

export async function testsDirCheck(ctx: { root: string; cwd: string; config: Config; repo: Repo | null }): Promise<Check> {
  const { root, cwd, config } = ctx;
  const dir = path.resolve(root, config.testsDir);
  const shown = `${displayPath(dir, cwd)}/`;
  const realRoot = await realpath(root).catch(() => root);
  if (!inside(await realpathOfNearest(dir), realRoot) || !inside(dir, root)) return error('tests-dir', t.testsOutside(shown), t.testsOutsideFix);
  const info = await stat(dir).catch(() => null);
  if (info !== null && !info.isDirectory()) return error('tests-dir', t.testsNotFolder(shown), t.testsNotFolderFix(shown));
  if (ctx.repo && dir !== root) {
    const rel = path.relative(root, dir).split(path.sep).join('/');
    // check-ignore exits 1 (no output) when the path is not ignored: read it as text.
    const ignored = await ctx.repo.read(['check-ignore', '-q', '--no-index', '--', `${rel}/test_smart_test_doctor.py`]).then(() => true, () => false);
    if (ignored) return warn('tests-dir', t.testsIgnored(shown), t.testsIgnoredFix(rel));
  }
  if (info === null) return ok('tests-dir', t.testsWillBeCreated(shown));
  return ok('tests-dir', t.testsExist(shown, await countTests(dir)));
}

function inside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
async function realpathOfNearest(p: string): Promise<string> {
  let rest = '';
  let at = p;
  for (;;) {
    const real = await realpath(at).catch(() => null);
    if (real !== null) return rest === '' ? real : path.join(real, rest);
    const parent = path.dirname(at);
    if (parent === at) return p;
    rest = rest === '' ? path.basename(at) : path.join(path.basename(at), rest);
    at = parent;
  }
}

/** Python test files below `dir` (pytest's names: test_*.py, *_test.py), not following links, at most a few levels down. */
async function countTests(dir: string): Promise<number> {
  let count = 0;
  const walk = async (folder: string, depth: number): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < 6 && !entry.name.startsWith('.') && entry.name !== '__pycache__') await walk(full, depth + 1);
      else if (entry.isFile() && /^(test_.*|.+_test)\.py$/.test(entry.name)) count++;
    }
  };
  await walk(dir, 0);
  return count;
}
