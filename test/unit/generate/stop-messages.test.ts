import { describe, expect, it } from 'vitest';
import { exitDescription, notRun, sizeText, stoppedBy, stoppedDetail } from '../../../src/report/messages/generate.js';

describe('messages of calls that stopped a function', () => {
  it('describe how the process ended, and sizes in binary units', () => {
    expect(exitDescription({ exitCode: 4, signal: null })).toBe('os._exit(4)');
    expect(exitDescription({ exitCode: null, signal: 'SIGSEGV' })).toBe('killed by SIGSEGV');
    expect(sizeText(2 ** 30)).toBe('1 GiB');
    expect(sizeText(512 * 2 ** 20)).toBe('512 MiB');
    expect(sizeText(1536 * 2 ** 20)).toBe('1536 MiB');
    expect(sizeText(1e9)).toBe('953.7 MiB');
  });

  it('say what happened, the call, and why the later calls were not run', () => {
    expect(stoppedDetail(stoppedBy.crash({ exitCode: 4, signal: null }), 'hard_exit()', 0, notRun.crash)).toBe(
      'no test written: the call ended the Python process (os._exit(4)): hard_exit()',
    );
    expect(stoppedDetail(stoppedBy.timeout(2), 'spin()', 2, notRun.timeout(2))).toBe(
      'no test written: the call ran past the 2 s limit: spin(); 2 other calls not run: an earlier call ran past the 2 s limit',
    );
    expect(stoppedDetail(stoppedBy.memory(2 ** 30), 'hoard()', 1, notRun.memory(2 ** 30))).toBe(
      'no test written: the call ran out of memory (probeMemory: 1 GiB): hoard(); 1 other call not run: an earlier call ran out of memory (probeMemory: 1 GiB)',
    );
    expect(notRun.sideEffect('starts processes')).toBe('not run: it starts processes (allowSideEffects: true runs it)');
  });
});
