/**
 * Every user-facing string the git layer (src/git/) produces. Errors are one paragraph that
 * says what is wrong and what to do.
 */

function firstLines(text: string, max = 3): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const shown = lines.slice(0, max).join(' / ');
  return lines.length > max ? `${shown} / ...` : shown;
}

export function directoryMissing(cwd: string): string {
  return `The directory "${cwd}" does not exist or cannot be read, so smart-test cannot look for a git repository there. Run smart-test from inside your repository's working tree.`;
}

export function notARepository(cwd: string): string {
  return `"${cwd}" is not inside a git repository. smart-test checks the changes staged for a commit, so run it from inside a git working tree (or run \`git init\` first), normally through the pre-commit hook.`;
}

export function notAWorkTree(cwd: string): string {
  return `"${cwd}" is inside a git directory or a bare repository, which has no working tree. Run smart-test from the repository's working tree (the folder that holds your files, not .git).`;
}

export function gitNotFound(detail: string): string {
  return `Could not run git (${detail}). smart-test needs the git command line: install git and make sure it is on the PATH of the process that runs smart-test (for hooks, the PATH that \`git commit\` sees).`;
}

export function gitCommandFailed(args: readonly string[], stderr: string): string {
  const detail = firstLines(stderr) || 'no error output';
  return `git ${args.join(' ')} failed: ${detail}. Check that the repository is not damaged (\`git status\` and \`git fsck\` should succeed) and try again.`;
}

export function indexFileMissing(value: string, resolved: string): string {
  return `GIT_INDEX_FILE is set to "${value}", but there is no index file at "${resolved}". Git sets this variable for its hooks; if you set it yourself, unset it (\`unset GIT_INDEX_FILE\`) and run smart-test again.`;
}

export function batchOutputMalformed(detail: string): string {
  return `git cat-file returned output smart-test could not read (${detail}). Check that the repository is not damaged (\`git fsck\`) and that no git wrapper alters the output of \`git cat-file --batch\`.`;
}
