import { describe, expect, it } from 'vitest';
import { cleanRepoPath, CoverageKeyIndex, displayPath, normalizeCoverageKey } from '../../../src/coverage/paths.js';

describe('normalizeCoverageKey', () => {
  const posix = { repoRoot: '/home/u/repo', runDir: '/home/u/repo' };
  it('relative keys, against the directory coverage ran in', () => {
    expect(normalizeCoverageKey('src/a.py', posix)).toBe('src/a.py');
    expect(normalizeCoverageKey('./src/./a.py', posix)).toBe('src/a.py');
    expect(normalizeCoverageKey('src\\pkg\\a.py', posix)).toBe('src/pkg/a.py');
    expect(normalizeCoverageKey('.\\src\\a.py', posix)).toBe('src/a.py');
    expect(normalizeCoverageKey('src//a.py', posix)).toBe('src/a.py');
    expect(normalizeCoverageKey('a.py', { repoRoot: '/home/u/repo', runDir: '/home/u/repo/backend' })).toBe('backend/a.py');
    expect(normalizeCoverageKey('../lib/b.py', { repoRoot: '/home/u/repo', runDir: '/home/u/repo/backend' })).toBe('lib/b.py');
  });
  it('keys outside the repository are null', () => {
    expect(normalizeCoverageKey('../other/a.py', posix)).toBeNull();
    expect(normalizeCoverageKey('/usr/lib/python3/dist-packages/six.py', posix)).toBeNull();
    expect(normalizeCoverageKey('/home/u/repository/a.py', posix)).toBeNull(); // a sibling with a common prefix
    expect(normalizeCoverageKey('/home/u/repo', posix)).toBeNull();
  });
  it('absolute POSIX keys', () => {
    expect(normalizeCoverageKey('/home/u/repo/src/a.py', posix)).toBe('src/a.py');
    expect(normalizeCoverageKey('/home/u/repo/src/../lib/./c.py', posix)).toBe('lib/c.py');
    expect(normalizeCoverageKey('/Home/u/repo/src/a.py', posix)).toBeNull(); // POSIX is case-sensitive
    expect(normalizeCoverageKey('/real/repo/src/a.py', { ...posix, otherRoots: ['/real/repo'] })).toBe('src/a.py');
  });
  it('Windows keys: drive letters and backslashes, compared without case', () => {
    const win = { repoRoot: 'C:\\Users\\U\\Repo', runDir: 'C:\\Users\\U\\Repo' };
    expect(normalizeCoverageKey('C:\\Users\\U\\Repo\\src\\a.py', win)).toBe('src/a.py');
    expect(normalizeCoverageKey('c:\\users\\u\\repo\\src\\A.py', win)).toBe('src/A.py');
    expect(normalizeCoverageKey('C:/Users/U/Repo/src/a.py', win)).toBe('src/a.py');
    expect(normalizeCoverageKey('src\\a.py', win)).toBe('src/a.py');
    expect(normalizeCoverageKey('D:\\Users\\U\\Repo\\src\\a.py', win)).toBeNull();
    expect(normalizeCoverageKey('\\\\server\\share\\Repo\\a.py', { repoRoot: '\\\\SERVER\\share\\repo', runDir: '\\\\SERVER\\share\\repo' })).toBe('a.py');
    // a Windows key against a POSIX root cannot be placed directly
    expect(normalizeCoverageKey('C:\\Users\\U\\Repo\\src\\a.py', posix)).toBeNull();
  });
});

describe('CoverageKeyIndex', () => {
  const ctx = { repoRoot: '/home/u/repo', runDir: '/home/u/repo' };
  const lookup = (keys: string[], p: string, c = ctx) => {
    const i = new CoverageKeyIndex(keys, c).lookup(p);
    return i === undefined ? undefined : keys[i];
  };
  it('finds keys by repo-relative path, however the path is spelled', () => {
    const keys = ['src/a.py', '/home/u/repo/src/b.py', 'src\\c.py', './d.py'];
    expect(lookup(keys, 'src/a.py')).toBe('src/a.py');
    expect(lookup(keys, './src/a.py')).toBe('src/a.py');
    expect(lookup(keys, 'src/b.py')).toBe('/home/u/repo/src/b.py');
    expect(lookup(keys, 'src/c.py')).toBe('src\\c.py');
    expect(lookup(keys, 'd.py')).toBe('./d.py');
    expect(lookup(keys, 'src/e.py')).toBeUndefined();
    expect(lookup(keys, '../x.py')).toBeUndefined();
  });
  it('a key that does not resolve matches a requested path it ends with, when only one does', () => {
    // coverage ran in another checkout (CI), or on Windows
    expect(lookup(['/ci/build/repo/src/a.py', '/ci/build/repo/src/b.py'], 'src/a.py')).toBe('/ci/build/repo/src/a.py');
    expect(lookup(['D:\\a\\repo\\Src\\A.py'], 'src/a.py')).toBe('D:\\a\\repo\\Src\\A.py');
    expect(lookup(['../other/src/a.py'], 'src/a.py')).toBe('../other/src/a.py');
    // two candidates: ambiguous
    expect(lookup(['/ci/one/src/a.py', '/ci/two/src/a.py'], 'src/a.py')).toBeUndefined();
    // only whole path segments match
    expect(lookup(['/ci/build/repo/xsrc/a.py'], 'src/a.py')).toBeUndefined();
    // third-party code never does
    expect(lookup(['/usr/lib/python3/site-packages/six.py'], 'six.py')).toBeUndefined();
    // a key inside the repository is about its own path, not another one it ends with
    expect(lookup(['/home/u/repo/vendor/src/a.py'], 'src/a.py')).toBeUndefined();
    // a direct hit wins over a suffix match
    expect(lookup(['/ci/build/repo/src/a.py', 'src/a.py'], 'src/a.py')).toBe('src/a.py');
  });
  it('the same key twice: the last one (as JSON.parse keeps it); two keys for one path: the first', () => {
    const keys = ['a.py', 'b.py', 'a.py'];
    expect(new CoverageKeyIndex(keys, ctx).lookup('a.py')).toBe(2);
    expect(new CoverageKeyIndex(['a.py', '/home/u/repo/a.py'], ctx).lookup('a.py')).toBe(0);
  });
  it('a report in a subdirectory: keys relative to it, or (failing that) to the repository root', () => {
    const sub = { repoRoot: '/home/u/repo', runDir: '/home/u/repo/build' };
    expect(lookup(['src/a.py'], 'build/src/a.py', sub)).toBe('src/a.py');
    expect(lookup(['src/a.py'], 'src/a.py', sub)).toBe('src/a.py');
  });
});

describe('small helpers', () => {
  it('cleanRepoPath', () => {
    expect(cleanRepoPath('./a\\b/../c.py')).toBe('a/c.py');
  });
  it('displayPath: relative to the working directory when inside it', () => {
    expect(displayPath('/r/coverage.json', '/r')).toBe('coverage.json');
    expect(displayPath('/r/build/c.json', '/r')).toBe('build/c.json');
    expect(displayPath('/elsewhere/c.json', '/r')).toBe('/elsewhere/c.json');
  });
});
