/**
 * How the probe's work is split when generation covers many modules: into groups of whole
 * modules, each run by one probe process, up to `jobs` processes at once.
 *
 * The groups depend only on the modules of the run (sorted by name, packed in that order up to
 * GROUP_TARGETS targets; a module is never split), never on `jobs` or on the order the files
 * were named: every target runs beside the same neighbours whatever `jobs` is, so the answers,
 * and the tests written from them, are the same. A run with few targets is one group: one
 * process, as before.
 */

/** Targets per probe process before a new group is started (a module with more stays whole). */
export const GROUP_TARGETS = 24;

/** Splits `items` into groups of whole modules, modules sorted by name (code-unit order). */
export function groupByModule<T>(items: readonly T[], moduleOf: (item: T) => string, maxTargets = GROUP_TARGETS): T[][] {
  const byModule = new Map<string, T[]>();
  for (const item of items) {
    const key = moduleOf(item);
    let list = byModule.get(key);
    if (!list) byModule.set(key, (list = []));
    list.push(item);
  }
  const modules = [...byModule.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groups: T[][] = [];
  let current: T[] = [];
  for (const module of modules) {
    const list = byModule.get(module)!;
    if (current.length > 0 && current.length + list.length > maxTargets) {
      groups.push(current);
      current = [];
    }
    current.push(...list);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Runs `task` on every item, at most `parallel` at once, and resolves with the results in the
 * items' order (whatever order they finish in). `onDone` is called after each one finishes.
 */
export async function runPooled<T, R>(items: readonly T[], parallel: number, task: (item: T, index: number) => Promise<R>, onDone?: (finished: number) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let finished = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
      finished++;
      onDone?.(finished);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return results;
}
