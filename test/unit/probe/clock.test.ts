/**
 * A request's clockShift (smart_test_probe/clock.py): the candidates read a wall clock that far
 * ahead, through the time module and through datetime, whose values and reprs stay those of the
 * usual module; timers are not moved, and zoneinfo still imports. Real Python.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeReturn } from '../../../src/generate/probe-model.js';
import { CLOCK_SHIFT_SECONDS } from '../../../src/generate/stability.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `import time
from datetime import date, datetime, timezone, timedelta

def ahead():
    # Days between the shifted clock and the real one (the file's time is not shifted).
    import os
    return round((time.time() - os.stat(__file__).st_mtime) / 86400)

def readings():
    in_days = [time.time() / 86400, time.time_ns() / 1e9 / 86400, time.mktime(time.localtime()) / 86400,
               datetime.now().timestamp() / 86400, datetime.now(timezone.utc).timestamp() / 86400,
               (date.today() - date(1970, 1, 1)).days]
    return max(in_days) - min(in_days) < 1.01

def timer_moves():
    return time.monotonic() > 10 * 365 * 86400

def shown():
    return repr(datetime(2020, 1, 2, 3, 4) + timedelta(days=1)), type(date.today()).__module__

def zoned():
    import zoneinfo
    return datetime(2020, 6, 1, 12, tzinfo=zoneinfo.ZoneInfo('UTC')).isoformat()
`;

let python: string;
const mod = probeModule('clockmod', MODULE);
beforeAll(() => {
  python = requirePython();
});

async function values(clockShift?: number): Promise<string[]> {
  const targets = ['ahead', 'readings', 'timer_moves', 'shown', 'zoned'].map((name) => mod.target(name, `${name}()`, { qualname: name }));
  const res = await runProbe(python, mod.request(targets, clockShift === undefined ? {} : { clockShift }), { timeoutMs: 60_000 });
  return res.targets.map((t) => {
    const c = t.candidates[0] as ProbeReturn;
    expect(c.outcome).toBe('return');
    return c.repr;
  });
}

describe('a clock read ahead', () => {
  it('moves every reading of the wall clock by clockShift, and nothing else', async () => {
    const days = Math.round(CLOCK_SHIFT_SECONDS / 86400);
    const [ahead, readings, timer, shown, zoned] = await values(CLOCK_SHIFT_SECONDS);
    expect(Number(ahead)).toBe(days);
    // date.today(), datetime.now(), time.localtime() and time.time_ns() agree with time.time().
    expect(readings).toBe('True');
    expect(timer).toBe('False');
    expect(shown).toBe("('datetime.datetime(2020, 1, 3, 3, 4)', 'datetime')");
    expect(zoned).toBe("'2020-06-01T12:00:00+00:00'");
    // Without it: the real clock, and the same values otherwise.
    const plain = await values();
    expect(Number(plain[0])).toBe(0);
    expect(plain.slice(1)).toEqual([readings, timer, shown, zoned]);
  });
});
