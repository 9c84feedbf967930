/** Tag on an ECS service: its wave, a whole number; lower waves deploy first, untagged services last. */
export const WAVE_TAG = 'secret-refresh:wave';

/**
 * The wave of a service from its tags: `secret-refresh:wave=N` (0 ≤ N ≤ 1000), or `undefined` (last wave).
 * An invalid value is reported through `warn` and treated as untagged.
 */
export function waveOf(tags: Readonly<Record<string, string>>, warn: (message: string) => void, subject: string): number | undefined {
  const value = tags[WAVE_TAG];
  if (value === undefined) return undefined;
  if (/^\d{1,4}$/.test(value.trim()) && Number(value) <= 1000) return Number(value);
  warn(`${subject}: tag ${WAVE_TAG}="${value}" is not a whole number from 0 to 1000; the service goes in the last wave`);
  return undefined;
}

/** Groups items by wave, ascending, the untagged (`undefined`) group last. */
export function groupByWave<T extends { readonly wave?: number }>(items: readonly T[]): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = item.wave ?? Number.POSITIVE_INFINITY;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}
