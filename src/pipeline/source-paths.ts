import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { SmartTestError } from '../errors.js';
import { isTestFile, selectSources } from '../git/files-filter.js';
import type { Repo } from '../git/repo.js';
import { runMessages } from '../report/messages/run.js';
import { sourceMessages } from '../report/messages/sources.js';

/**
 * The Python source files named on the command line, as repo-relative POSIX paths in the order
 * given (each folder's files sorted, every file once).
 *
 * - A file is taken as named: it must exist inside the repository, end in `.py` and not be a
 *   test; include/exclude do not apply (naming a file is asking for it).
 * - A folder stands for the Python source files below it, at any depth, that git tracks or
 *   would track (untracked files count; ignored ones, such as a virtualenv, do not), read from
 *   the working tree, filtered by include, exclude and testsDir like the commit path.
 * - Nothing named: the whole repository, as a folder.
 *
 * Files listed by git but deleted from the working tree are listed: the callers skip what they cannot read.
 */
export async function sourceFilesFor(repo: Repo, config: Config, given: readonly string[], cwd: string): Promise<string[]> {
  const named = given.length > 0 ? given : [path.relative(cwd, repo.root) || '.'];
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    out.push(file);
  };
  for (const item of named) {
    const absolute = path.resolve(cwd, item);
    const rel = path.relative(repo.root, absolute);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new SmartTestError(runMessages.outsideRepo(item));
    const info = await stat(absolute).catch(() => null);
    if (!info) throw new SmartTestError(runMessages.notFound(item));
    const repoPath = rel.split(path.sep).join('/');
    if (info.isDirectory()) {
      const files = await filesUnder(repo, config, repoPath);
      if (files.length === 0 && given.length > 0) throw new SmartTestError(sourceMessages.noSourcesIn(item, config.testsDir));
      files.forEach(add);
      continue;
    }
    if (!info.isFile()) throw new SmartTestError(runMessages.notFound(item));
    if (!repoPath.endsWith('.py')) throw new SmartTestError(runMessages.notPython(item));
    if (isTestFile(repoPath, config.testsDir)) throw new SmartTestError(runMessages.isTestFile(item));
    add(repoPath);
  }
  return out;
}

/** The Python sources under a repo-relative folder ("" for the root) that git tracks or would track, filtered, sorted. */
async function filesUnder(repo: Repo, config: Config, folder: string): Promise<string[]> {
  const spec = folder === '' ? '.' : folder;
  // --literal-pathspecs: a folder named `a[1]` is that folder, not a glob.
  const listed = await repo.read(['--literal-pathspecs', 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', spec]);
  const paths = [...new Set(listed.split('\0').filter((p) => p.endsWith('.py')))].sort(byCodeUnit);
  return selectSources(paths, { include: config.include, exclude: config.exclude, testsDir: config.testsDir });
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
