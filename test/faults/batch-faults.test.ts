/**
 * The batch fault scenarios (batch-scenarios.ts) as tests, against one moto_server started for this file, every
 * request through the recording and fault-injecting proxy: each asserts its outcome line, that nothing was lost
 * (every reader fresh, every message handled, every deferred change deployed) and that nothing was done twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const { motoEnvironment, startMotoServer } = await import('../../demo/moto-server.js');
const { startAwsProxy } = await import('./aws-proxy.js');
const { BATCH_SCENARIOS } = await import('./batch-scenarios.js');

type World = import('./batch-scenarios.js').BatchFaultWorld;
let world: World;
let stop: () => Promise<void>;

beforeAll(async () => {
  const moto = await startMotoServer();
  const proxy = await startAwsProxy(moto.url);
  // Seeding, the checks and the pipeline all reach moto through the proxy.
  Object.assign(process.env, motoEnvironment(proxy.url));
  world = {
    motoUrl: moto.url,
    proxy,
    reset: async () => {
      await moto.reset();
      proxy.clear();
      proxy.hook = () => undefined;
      proxy.onAnswered = () => undefined;
    },
  };
  stop = async () => {
    await proxy.close();
    await moto.stop();
  };
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
