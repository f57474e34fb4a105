import { spawnSync } from 'node:child_process';

let found: string | null | undefined;

/**
 * A Python 3 with pytest and coverage.py for the end-to-end tests. Tests that need one call this
 * and fail, naming what is missing, when there is none: they are never skipped.
 */
export function requirePython(): string {
  if (found === undefined) {
    const candidates = [process.env.SMART_TEST_TEST_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
    found = candidates.find((python) => spawnSync(python, ['-c', 'import pytest, coverage'], { stdio: 'ignore' }).status === 0) ?? null;
  }
  if (found === null) {
    throw new Error(
      'This end-to-end test needs Python 3 with pytest and coverage.py, and none was found ' +
        '(tried $SMART_TEST_TEST_PYTHON, /usr/bin/python3, python3). Install them with ' +
        '`apt-get install python3-pytest python3-coverage python3-pytest-cov` (what .ci/run does).',
    );
  }
  return found;
}
