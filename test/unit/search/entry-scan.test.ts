import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../src/generate/infer/candidates.js';
import { byAffinity } from '../../../src/generate/search/entry-scan.js';

const call = (expr: string, file: string, test: string): Candidate => ({ setup: [], expr, origin: 'seed', placeholder: false, entry: true, from: { file, test } });

describe('entry scan order', () => {
  it('runs first the calls of the tests whose file or name says what the missed lines are about', () => {
    const pool = [
      call('check("a")', 'tests/test_imports.py', 'Test.test_unusedImport'),
      call('check("b")', 'tests/test_other.py', 'Test.test_redefinedFunction'),
      call('check("c")', 'tests/test_type_annotations.py', 'TestTypeAnnotations.test_typingOverload'),
      call('check("d")', 'tests/test_type_annotations.py', 'TestTypeAnnotations.test_variable_annotations'),
      call('check("e")', 'tests/test_other.py', 'Test.test_partialFunction'),
    ];
    const guard = 'if self._in_annotation and not self._in_typing_literal:\n    fn = functools.partial(self.handleStringAnnotation)';
    expect(byAffinity(pool, guard).map((c) => c.expr)).toEqual(['check("c")', 'check("d")', 'check("e")', 'check("a")', 'check("b")']);
  });

  it('keeps the order when nothing names the missed lines, or a call has no test', () => {
    const pool = [call('f(1)', 'tests/test_a.py', 'test_one'), { ...call('f(2)', '', ''), from: undefined }];
    expect(byAffinity(pool, 'if x > 3:').map((c) => c.expr)).toEqual(['f(1)', 'f(2)']);
  });
});
