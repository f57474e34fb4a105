/**
 * Phase timings for people who look into speed: with SMART_TEST_TIMING=1, each command prints
 * on stderr when each phase ended, in ms since the process started. Costs nothing otherwise.
 */
const enabled = process.env.SMART_TEST_TIMING === '1';
const marks: Array<[string, number]> = [];

export function mark(label: string): void {
  if (enabled) marks.push([label, performance.now()]);
}

export function printTimings(stderr: NodeJS.WritableStream): void {
  if (!enabled || marks.length === 0) return;
  stderr.write(`smart-test timing (ms since start): ${marks.map(([l, t]) => `${l} ${t.toFixed(0)}`).join(', ')}\n`);
}

/**
 * A stopwatch started now: the returned function gives the seconds since. process.hrtime, not
 * the `performance` global, whose first use loads perf_hooks (~2 ms of a commit).
 */
export function stopwatch(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e9;
}
