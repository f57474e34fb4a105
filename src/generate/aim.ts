/**
 * Aimed choice of candidates: which of the calls that ran to completion become tests, given the
 * lines each one reached and the lines the function's tests should reach (its target lines: the
 * changed lines no test runs, or every line for `generate --all`).
 */

export interface Reaching {
  /** Lines of the target function the candidate ran. */
  lines: readonly number[];
}

/**
 * Up to `max` items, in their original order: first, greedily, the ones reaching the most target
 * lines not reached yet (the earliest on ties); then, greedily again, those reaching the most
 * lines no kept one reaches. The first item is kept when nothing else is, so a function that ran
 * still gets a test.
 * A function with many branches may keep up to `maxAimed` items for target lines (one test per
 * branch, as a person writes them); the other items stop at `max`.
 */
export function chooseAimed<T extends Reaching>(items: readonly T[], targets: ReadonlySet<number>, max: number, maxAimed = max): T[] {
  const kept = new Set<number>();
  const reached = new Set<number>();
  const keep = (i: number): void => {
    kept.add(i);
    for (const l of items[i]!.lines) reached.add(l);
  };
  // Greedily, up to `limit` kept: the item reaching the most lines `counts` not reached yet (the earliest on ties).
  const keepGreedily = (limit: number, counts: (line: number) => boolean): void => {
    while (kept.size < limit) {
      let best = -1;
      let bestGain = 0;
      items.forEach((item, i) => {
        if (kept.has(i)) return;
        let gain = 0;
        for (const l of new Set(item.lines)) if (counts(l) && !reached.has(l)) gain++;
        if (gain > bestGain) {
          best = i;
          bestGain = gain;
        }
      });
      if (best < 0) break;
      keep(best);
    }
  };
  keepGreedily(Math.max(max, maxAimed), (l) => targets.has(l));
  if (kept.size === 0 && items.length > 0 && max > 0) keep(0);
  // Then the other lines, greedily too: a call that alone runs a whole branch (the iterator's
  // path through a function that takes a list or an iterator) before calls that each add one line.
  keepGreedily(max, () => true);
  return [...kept].sort((a, b) => a - b).map((i) => items[i]!);
}

/** Target lines that none of the chosen items reaches, sorted. */
export function unreachedTargets(chosen: readonly Reaching[], targets: ReadonlySet<number>): number[] {
  const reached = new Set(chosen.flatMap((c) => c.lines));
  return [...targets].filter((l) => !reached.has(l)).sort((a, b) => a - b);
}

/**
 * A few more items after the aimed choice, for what they assert rather than what they reach: in
 * order, each whose outcome (`keyOf`: a returned value, an exception and its message) no chosen
 * item has, up to `extra` more and `max` in all. Two calls down the same lines with different
 * results catch changes to the arithmetic and constants on those lines that one call does not.
 */
export function addDistinct<T>(items: readonly T[], chosen: readonly T[], keyOf: (item: T) => string | null, extra: number, max: number): T[] {
  const out = [...chosen];
  const seen = new Set(chosen.map(keyOf));
  let added = 0;
  for (const item of items) {
    if (added >= extra || out.length >= max) break;
    if (out.includes(item)) continue;
    const key = keyOf(item);
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    out.push(item);
    added++;
  }
  return items.filter((item) => out.includes(item));
}

/**
 * Up to `extra` more items for other lines (`linesOf`: lines beyond the target's, such as those of
 * the other functions a change touched): greedily, each reaching the most of those lines that no
 * chosen or added item reaches (the earliest on ties); then, in order, each taking a path over
 * them (the set of them it runs) that no chosen or added item takes.
 */
export function addReaching<T>(items: readonly T[], chosen: readonly T[], linesOf: (item: T) => readonly number[], extra: number): T[] {
  const out = [...chosen];
  const reached = new Set(chosen.flatMap((c) => linesOf(c)));
  while (out.length - chosen.length < extra) {
    let best: T | null = null;
    let bestGain = 0;
    for (const item of items) {
      if (out.includes(item)) continue;
      let gain = 0;
      for (const l of new Set(linesOf(item))) if (!reached.has(l)) gain++;
      if (gain > bestGain) [best, bestGain] = [item, gain];
    }
    if (best === null) break;
    out.push(best);
    for (const l of linesOf(best)) reached.add(l);
  }
  const path = (item: T) => (linesOf(item).length > 0 ? [...new Set(linesOf(item))].sort((a, b) => a - b).join(',') : null);
  const paths = addDistinct(items, out, path, extra - (out.length - chosen.length), out.length + extra);
  return items.filter((item) => paths.includes(item));
}
