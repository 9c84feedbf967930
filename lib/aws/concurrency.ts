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
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(Number.isFinite(limit) ? Math.floor(limit) : 1, items.length)) }, async () => {
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
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Runs a call under a shared limit; see {@link createLimiter}. */
export type Limiter = <R>(call: () => Promise<R>) => Promise<R>;

/**
 * A limit shared by every call made through it, wherever they come from: the inventory of one Region runs
 * all its clusters at once, and this keeps its Describe* calls in flight at `limit` in total (nested
 * `mapWithConcurrency` would multiply the limits).
 *
 * @example
 * const limit = createLimiter(5);
 * await Promise.all(arns.map((arn) => limit(() => describe(arn))));
 */
export function createLimiter(limit: number): Limiter {
  const size = Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1;
  let active = 0;
  const queue: (() => void)[] = [];
  return async <R>(call: () => Promise<R>): Promise<R> => {
    // A released slot passes straight to the next waiter, so a newcomer can never slip in between.
    if (active < size) active++;
    else await new Promise<void>((resolve) => queue.push(resolve));
    try {
      return await call();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}
