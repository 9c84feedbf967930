/**
 * The fault matrix as tests: one per scenario of `scenarios.ts`. Each asserts the outcome of every
 * delivery (statuses, failures, exit code), that nothing was lost, nothing done twice, and nothing touched that
 * does not read the changed secret. Scenarios with a `knownBug` are `it.fails` until lib/ is fixed.
 */
import { describe, expect, it } from 'vitest';

// Before the SDK clients load: no Node version support warning in the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { SCENARIOS } = await import('./scenarios.js');
const { deliverEvent } = await import('./deliver-event.js');
const { serviceArn } = await import('./synthetic-account.js');

describe('fault matrix: the pipeline under AWS faults, races and the Lambda time budget', () => {
  for (const scenario of SCENARIOS) {
    const test = scenario.knownBug ? it.fails : it;
    test(`${scenario.fault}: ${scenario.expected}`, async () => {
      const outcome = await scenario.run();
      expect(outcome.summary).toBe(scenario.expected);
      expect(outcome.lost).toEqual([]);
      expect(outcome.twice).toEqual([]);
      expect(outcome.outside).toEqual([]);
    });
  }

  it('retries after the time budget ran out deploy exactly the services the first delivery did not', async () => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === 'time budget runs out mid-run, then the change is delivered again');
    if (!scenario) throw new Error('scenario not found');
    const outcome = await scenario.run();
    const deployed = (attempt: number) =>
      outcome.account.applied.filter((write) => write.call === 'ecs:UpdateService' && write.attempt === attempt).map((write) => write.subject);
    const first = deployed(1);
    const retry = deployed(2);
    expect(first).toHaveLength(3);
    expect(retry).toHaveLength(7);
    expect(new Set([...first, ...retry]).size).toBe(10);
    expect(
      outcome.account
        .readers()
        .map((service) => service.arn)
        .sort(),
    ).toEqual([...first, ...retry].sort());
    const notStarted = outcome.deliveries[0]?.report?.targets.filter((target) => target.status === 'failed').map((target) => target.arn);
    expect(notStarted?.filter((arn) => arn.includes(':service/')).sort()).toEqual([...retry].sort());
  });

  it('flags as lost a reader that silently vanishes from the inventory (check of the detector itself)', async () => {
    const vanished = serviceArn('orders', 'orders-02');
    const outcome = await deliverEvent({ setup: (account) => account.describeOmits.add(vanished) });
    expect(outcome.summary).toBe('10 done, 1 skipped (nothing-to-do 1) → exit 0');
    expect(outcome.lost).toEqual([
      `delivery 1: ${vanished} reads the secret but is absent from the report and from its inventory problems`,
      `${vanished} still runs the old value after a successful run`,
    ]);
  });
});
