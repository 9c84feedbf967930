/**
 * The batch fault scenarios (batch-scenarios.ts) as tests, against one moto_server started for this file, every
 * request through the recording and fault-injecting proxy: each asserts its outcome line, that nothing was lost
 * (every reader fresh, every message handled, every deferred change deployed) and that nothing was done twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const { BATCH_SCENARIOS, startBatchFaultWorld } = await import('./batch-scenarios.js');

type World = import('./batch-scenarios.js').BatchFaultWorld;
let world: World;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ world, stop } = await startBatchFaultWorld());
}, 60_000);

afterAll(async () => stop?.());

describe('batch faults: the intake queue, the lease and the state table under faults (moto_server, faults below the SDK)', () => {
  for (const scenario of BATCH_SCENARIOS) {
    it(`${scenario.fault}: ${scenario.expected}`, async () => {
      const outcome = await scenario.run(world);
      expect(outcome.lost).toEqual([]);
      expect(outcome.twice).toEqual([]);
      expect(outcome.summary).toBe(scenario.expected);
    }, 90_000);
  }
});
