/** Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The valid key a misspelt one most likely meant, or null when none is close: the same key in
 * another case or spelling style (`max_functions`, `max-functions` -> `maxFunctions`), or one
 * within a small edit distance (`treshold` -> `threshold`).
 */
export function closestKey(key: string, valid: readonly string[]): string | null {
  const target = squash(key);
  const sameWords = valid.find((v) => squash(v) === target);
  if (sameWords !== undefined) return sameWords;
  const limit = target.length <= 4 ? 1 : target.length <= 8 ? 2 : 3;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const v of valid) {
    const d = editDistance(target, squash(v));
    if (d < bestDistance) {
      best = v;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : null;
}
