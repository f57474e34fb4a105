/**
 * The simple-git client, loaded only when a command runs git through it (repo.raw): the
 * commit path's commands spawn git directly (process.ts) and never load it.
 */
import { simpleGit, type SimpleGit } from 'simple-git';
import { SmartTestError } from '../errors.js';
import { gitCommandFailed, gitNotFound } from '../report/messages/git.js';
import { GIT_CONFIG, PASSED_GIT_ENV, type GitEnv } from './client.js';

/** A simple-git client for `baseDir` that runs git with exactly `env`. */
export function createGitClient(baseDir: string, env: GitEnv): SimpleGit {
  return simpleGit({
    baseDir,
    config: GIT_CONFIG,
    allowEnvironment: [...PASSED_GIT_ENV],
    maxConcurrentProcesses: 6,
  }).env(env);
}

/** Runs `git <args>` through `git`, mapping every failure to a SmartTestError. */
export async function runSimpleGit(git: SimpleGit, args: readonly string[]): Promise<string> {
  try {
    return await git.raw([...args]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/\bspawn\b.*\b(ENOENT|EACCES)\b/.test(message)) throw new SmartTestError(gitNotFound(message));
    throw new SmartTestError(gitCommandFailed(args, message));
  }
}
