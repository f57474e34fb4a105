import { spawn } from 'node:child_process';
import { SmartTestError } from '../errors.js';
import { gitCommandFailed, gitNotFound, notARepository } from '../report/messages/git.js';
import { gitConfigArgs } from './client.js';

/**
 * Git spawned directly rather than through simple-git, for the commands of the commit path:
 *
 * - simple-git waits 50 ms more before resolving a command that printed nothing, and the diff
 *   commands print nothing whenever there is no difference (the working tree matching the
 *   index is the usual case on a commit);
 * - it decodes output as text, and blobs need not be UTF-8.
 *
 * The command runs with the same `-c` options as the simple-git client and with exactly the
 * environment it is given (see client.ts for which git variables are passed on).
 */
export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface SpawnGitOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to git's standard input, which is then closed. */
  input?: string;
}

/** Runs `git <args>`; resolves with its exit code and output, rejects only when git cannot be started. */
export function spawnGit(args: readonly string[], { cwd, env, input }: SpawnGitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...gitConfigArgs(), ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') reject(new SmartTestError(gitNotFound(error.message)));
      else if (error.code === 'ENOTDIR') reject(new SmartTestError(notARepository(cwd)));
      else reject(new SmartTestError(gitCommandFailed(args, error.message)));
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    // EPIPE when git exits early is reported through 'close' with its exit code.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Runs `git <args>` and resolves with its standard output; a non-zero exit is a SmartTestError naming the command. */
export async function gitOutput(args: readonly string[], options: SpawnGitOptions): Promise<Buffer> {
  const result = await spawnGit(args, options);
  if (result.code !== 0) throw new SmartTestError(gitCommandFailed(args, result.stderr));
  return result.stdout;
}
