/**
 * Seeded randomness for the simulator: the synthetic account and the latency draws must be the same on
 * every run so two benchmark runs (and the naive baseline and our pipeline) see the same account.
 */

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one element of `items` with `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A latency model: milliseconds to wait before answering one request. */
export type LatencyModel = () => number;

/**
 * Lognormal latency with the given median and shape: `median * exp(sigma * N(0,1))`.
 * sigma 0.5 gives p90 ≈ 1.9× and p99 ≈ 3.2× the median, a plausible control-plane tail.
 * A median of 0 means no latency at all (tests).
 */
export function lognormalLatency(medianMs: number, sigma: number, random: () => number): LatencyModel {
  if (medianMs <= 0) return () => 0;
  return () => {
    // Box–Muller.
    const u = Math.max(random(), 1e-12);
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return medianMs * Math.exp(sigma * normal);
  };
}
