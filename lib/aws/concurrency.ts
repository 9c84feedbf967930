/**
 * Maps `items` through `worker` with at most `limit` calls in flight, keeping input order.
 *
 * Why here and not a dependency: it is ten lines, and every AWS fan-out in secret-refresh (task definition
 * look-ups, UpdateService calls) goes through it so the concurrency limit lives in one place.
 * A rejected worker rejects the whole map; callers that must not stop on one failure catch inside `worker`.
 *
 * @example
 * const definitions = await mapWithConcurrency(arns, 8, (arn) => describe(arn));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Splits `items` into chunks of `size` (DescribeServices takes 10 services a call). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
