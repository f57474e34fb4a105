/** Text about the source files and folders named on the command line (`plan --all PATH...`, `generate PATH...`). */

export const sourceMessages = {
  noSourcesIn: (folder: string, testsDir: string) =>
    `"${folder}" holds no Python source file smart-test would analyse: none that git tracks or would track (ignored files are left out), matches "include", matches no "exclude" and is not a test (test_*.py, *_test.py, conftest.py, or under "${testsDir}").`,
};
