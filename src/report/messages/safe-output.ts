/** What generation reports when it writes no test for a call it cannot trust (see issue 9, items 3 to 5). */

/** A side effect, as a phrase after "it", and how a test written by hand avoids it. */
export interface EffectKind {
  what: string;
  advice: string;
}

const PROCESS: Omit<EffectKind, 'what'> = { advice: 'with the process call mocked' };
const NETWORK: Omit<EffectKind, 'what'> = { advice: 'with the network call mocked' };
const ENVIRON: Omit<EffectKind, 'what'> = { advice: 'that sets the variables with monkeypatch.setenv' };

/** The side effect behind a probe's blocking event ("subprocess.Popen", "open", "os.environ changed"). */
export function effectOfEvent(event: string, detail: string): EffectKind {
  if (/^(subprocess\.|os\.(system|exec|spawn|posix_spawn|fork|forkpty|kill|killpg|startfile)|signal\.pthread_kill|pty\.)/.test(event)) return { what: 'starts processes', ...PROCESS };
  if (/^(socket\.|http\.|urllib\.|smtplib\.|ftplib\.|poplib\.|imaplib\.|nntplib\.|telnetlib\.)/.test(event)) return { what: 'uses the network', ...NETWORK };
  if (/^(os\.environ changed|os\.putenv|os\.unsetenv)$/.test(event)) return { what: 'changes os.environ', ...ENVIRON };
  if (/^closed (stdout|stderr|stdin|fd \d+)$/.test(event)) return { what: `closes its process's ${event.slice('closed '.length)}`, advice: 'that gives it a stream of its own (io.StringIO, capsys)' };
  const where = detail.trim() === '' ? event : `${event} ${detail.trim()}`;
  return { what: `writes outside its temporary folder (${where})`, advice: 'that passes it a path under tmp_path' };
}

/** The same for a side effect found in the source (side-effects.ts's phrases). */
export function effectOfSource(what: string): EffectKind {
  if (what.includes('process')) return { what, ...PROCESS };
  if (what.includes('network')) return { what, ...NETWORK };
  if (what.includes('environ')) return { what, ...ENVIRON };
  return { what, advice: 'with that call mocked' };
}

export const safeStatus = {
  /** Found in the source (not run), or blocked while its calls ran. */
  sideEffect: (effect: EffectKind, when: 'source' | 'blocked' = 'source') =>
    when === 'source'
      ? `not run: it ${effect.what} (allowSideEffects: true runs it); no test written: write one by hand ${effect.advice}`
      : `its calls were stopped: it ${effect.what} (allowSideEffects: true lets it); no test written: write one by hand ${effect.advice}`,
  notCompleted: (why: string) => `no test written: its calls did not run to completion in the probe (${why}); write one by hand`,
  changesModule: (names: readonly string[]) =>
    `no test written: its calls change the module's state (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}), which would change what the tests after its test see; write one by hand that restores it (monkeypatch.setattr)`,
  unstable:
    'no test written: its results changed when run again with another hash seed, time zone, working directory or sys.argv; write one by hand',
  staticDoctestOnly:
    'no test written: without running the code only doctest examples become tests; run without --no-execute (or fix the project\'s Python) to have its calls run',
  probeStopped: 'the execution probe stopped before reporting it',
  blocksDropped: 'no test written: the tests generated for it did not parse as Python (a bug in smart-test; see the warnings)',
};

export const safeWarnings = {
  existingBroken: (file: string) => `${file}:1:1: this test file does not parse as Python, so no test was added to it; fix it and run smart-test again`,
  probeFailed: (detail: string) => `running the candidate calls failed (${detail}); no test was written for the functions it did not report on`,
  blockDropped: (where: string, test: string, why: string) => `${where}: the generated test ${test} was left out: ${why}. This is a bug in smart-test`,
  stabilityFailed: (detail: string) =>
    `running the chosen calls again (to check that their results are stable) failed (${detail}); no test was written for them`,
};
