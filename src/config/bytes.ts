/** Sizes in bytes, as the configuration accepts them (probeMemory). */

/** The smallest memory cap accepted: below it Python itself cannot run the candidates. */
export const MIN_PROBE_MEMORY = 64 * 2 ** 20;

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  kb: 1e3,
  m: 2 ** 20,
  mib: 2 ** 20,
  mb: 1e6,
  g: 2 ** 30,
  gib: 2 ** 30,
  gb: 1e9,
  t: 2 ** 40,
  tib: 2 ** 40,
  tb: 1e12,
};

/**
 * Bytes from a number of bytes or a string such as "1GiB", "512 MiB", "1.5G" or "2GB" (KiB, MiB,
 * GiB and the single letters K, M, G count in 1024s; kB, MB, GB in 1000s). NaN when it is neither.
 */
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return Number.NaN;
  return Math.round(Number(m[1]) * unit);
}
