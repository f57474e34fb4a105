import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PyFunction } from '../../../src/python/model.js';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/coverage');
export const py65Dir = path.join(fixturesDir, 'py65');
export const v7Dir = path.join(fixturesDir, 'v7');
export const fixture = (...parts: string[]): string => path.join(fixturesDir, ...parts);

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = 'smart-test-cov-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A PyFunction with only the fields coverage uses set meaningfully. */
export function pyFunction(over: Partial<PyFunction> & Pick<PyFunction, 'qualname' | 'bodyStartLine' | 'bodyEndLine'>): PyFunction {
  const name = over.qualname.split('.').pop()!;
  const defLine = over.defLine ?? over.bodyStartLine - 1;
  return {
    name,
    kind: 'function',
    isAsync: false,
    className: null,
    parentQualname: null,
    startLine: over.startLine ?? defLine,
    defLine,
    endLine: over.endLine ?? over.bodyEndLine,
    decorators: [],
    parameters: [],
    returnAnnotation: null,
    docstring: null,
    raises: [],
    nestedRanges: [],
    ...over,
  };
}
