import path from 'node:path';

/**
 * The dotted module name of a repo-relative source file, from the configured source roots
 * (src layout: `src/pkg/a/util.py` -> `pkg.a.util`; flat layout with root "."; packages and
 * namespace packages alike). The first root that contains the file wins. Returns the name and
 * the root it was found under, or null when the path cannot be a module name.
 */
export function moduleNameFor(file: string, sourceRoots: readonly string[]): { module: string; root: string } | null {
  for (const rawRoot of sourceRoots) {
    const root = normaliseRoot(rawRoot);
    if (root !== '' && !file.startsWith(`${root}/`)) continue;
    const rel = root === '' ? file : file.slice(root.length + 1);
    const parts = rel.replace(/\.py$/, '').split('/');
    if (parts.at(-1) === '__init__') parts.pop();
    if (parts.length === 0 || !parts.every((p) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(p))) continue;
    return { module: parts.join('.'), root: root === '' ? '.' : root };
  }
  return null;
}

function normaliseRoot(root: string): string {
  const posix = path.posix.normalize(root.replace(/\\/g, '/')).replace(/\/+$/, '');
  return posix === '.' ? '' : posix.replace(/^\.\//, '');
}
