import { describe, expect, it } from 'vitest';
import type { PlannedEcsService } from '../../../lib/plan/types.js';
import {
  buildRolloutPlan,
  MAX_ROLLOUT_INPUT_BYTES,
  type RolloutSettings,
  rolloutName,
  rolloutReasons,
  windowVerdict,
} from '../../../lib/rollout/plan-rollout.js';
import { parseSchedule } from '../../../lib/rollout/windows.js';

const NOW = new Date('2026-12-05T12:00:00Z'); // a Saturday
const SETTINGS: RolloutSettings = { waitForSteady: false, approval: 'none', waveTimeoutMinutes: 60, approvalTimeoutMinutes: 1440 };
const CHANGE = {
  id: 'c1',
  kind: 'secret' as const,
  arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
  name: 'prod/db',
  versionId: 'v2',
  time: '2026-12-05T11:59:00Z',
};

function service(name: string, extra: Partial<PlannedEcsService> = {}): PlannedEcsService {
  return {
    type: 'ecs-service',
    arn: `arn:aws:ecs:us-east-1:111122223333:service/prod/${name}`,
    name,
    cluster: 'prod',
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
    region: 'us-east-1',
    decision: 'redeploy',
    reason: 'reads prod/db',
    references: [],
    ...extra,
  };
}

describe('rolloutReasons', () => {
  it('is empty for one immediate wave: the run deploys it directly', () => {
    expect(rolloutReasons([service('a'), service('b')], SETTINGS, NOW)).toEqual([]);
    expect(rolloutReasons([], { ...SETTINGS, waitForSteady: true, approval: 'all' }, NOW)).toEqual([]);
  });

  it('names every reason a plan is a rollout: waves, steady wait, approval, a closed window', () => {
    expect(rolloutReasons([service('a', { wave: 1 }), service('b')], SETTINGS, NOW)).toEqual(['2 waves, each after the previous one COMPLETED']);
    expect(rolloutReasons([service('a')], { ...SETTINGS, waitForSteady: true }, NOW)).toEqual([
      'waits until the deployments COMPLETED (SECRET_REFRESH_WAIT_FOR_STEADY)',
    ]);
    expect(rolloutReasons([service('a')], { ...SETTINGS, approval: 'tagged' }, NOW)).toEqual([]);
    expect(rolloutReasons([service('a', { approval: true })], { ...SETTINGS, approval: 'tagged' }, NOW)).toEqual([
      'needs an approval (SECRET_REFRESH_APPROVAL=tagged)',
    ]);
    const windows = parseSchedule('Mon-Fri 08:00-18:00 Europe/Berlin', 'SECRET_REFRESH_WINDOWS');
    expect(rolloutReasons([service('a')], { ...SETTINGS, windows }, NOW)).toEqual([
      'outside the maintenance window "Mon-Fri 08:00-18:00 Europe/Berlin": waits until 2026-12-07T07:00:00.000Z',
    ]);
  });

  it('lets refresh --now go past the windows, and a service tag replace SECRET_REFRESH_WINDOWS', () => {
    const windows = parseSchedule('Mon-Fri 08:00-18:00 Europe/Berlin', 'SECRET_REFRESH_WINDOWS');
    expect(rolloutReasons([service('a')], { ...SETTINGS, windows, ignoreWindows: true }, NOW)).toEqual([]);
    expect(rolloutReasons([service('a', { window: 'Sat 10:00-14:00 UTC' })], { ...SETTINGS, windows }, NOW)).toEqual([]);
  });

  it('keeps SECRET_REFRESH_WINDOWS for a service whose tag cannot be read, and says so', () => {
    const windows = parseSchedule('Mon-Fri 08:00-18:00 UTC', 'SECRET_REFRESH_WINDOWS');
    const warnings: string[] = [];
    const verdict = windowVerdict([service('a', { window: 'weekends' })], { windows }, NOW, (message) => warnings.push(message));
    expect(verdict.open).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^arn:aws:ecs:.*service\/prod\/a: tag secret-refresh:window: "weekends" has no time range; .*; the service keeps SECRET_REFRESH_WINDOWS$/,
      ),
    ]);
  });
});

describe('rolloutName', () => {
  it('is the same for the same changes in any order, another for another version, within 80 allowed characters', () => {
    const other = { ...CHANGE, id: 'c2', arn: `${CHANGE.arn}-2`, name: 'prod/db-2' };
    const name = rolloutName([CHANGE, other]);
    expect(name).toMatch(/^prod-db-[0-9a-f]{40}$/);
    expect(rolloutName([other, CHANGE])).toBe(name);
    expect(rolloutName([{ ...CHANGE, versionId: 'v3' }, other])).not.toBe(name);
    expect(rolloutName([{ ...CHANGE, name: `${'x'.repeat(200)}!/#` }]).length).toBeLessThanOrEqual(80);
    expect(rolloutName([{ ...CHANGE, name: '!!!' }])).toMatch(/^rollout-[0-9a-f]{40}$/);
  });

  it('tells a re-created parameter (version 1 again) from the old one by its change time', () => {
    const parameter = { id: 'c1', kind: 'parameter' as const, arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/prod/key', name: '/prod/key', versionId: '1' };
    expect(rolloutName([{ ...parameter, time: '2026-12-01T10:00:00Z' }])).not.toBe(rolloutName([{ ...parameter, time: '2026-12-05T10:00:00Z' }]));
  });

  it('adds the moment of a manual refresh: asking again is a new rollout', () => {
    expect(rolloutName([CHANGE], NOW)).not.toBe(rolloutName([CHANGE], new Date(NOW.getTime() + 1000)));
  });
});

describe('buildRolloutPlan', () => {
  it('groups the services into waves, ascending, untagged last, and carries the timing', () => {
    const { plan, warnings } = buildRolloutPlan(
      [CHANGE],
      [service('c'), service('b', { wave: 2 }), service('a', { wave: 1 })],
      { ...SETTINGS, waveTimeoutMinutes: 5 },
      'event',
      NOW,
    );
    expect(plan.waves.map((wave) => wave.map((target) => target.name))).toEqual([['a'], ['b'], ['c']]);
    expect(plan).toMatchObject({
      approval: false,
      windows: true,
      pollSeconds: 30,
      waveTimeoutSeconds: 300,
      changes: [{ arn: CHANGE.arn, since: CHANGE.time }],
    });
    expect(warnings).toEqual([]);
  });

  it("leaves the images out rather than go past Step Functions' input limit, and says so", () => {
    const images = { containers: [{ name: 'app', image: `123.dkr.ecr.us-east-1.amazonaws.com/${'x'.repeat(400)}:latest` }] } as never;
    const many = Array.from({ length: 600 }, (_, index) => service(`s${index}`, { images }));
    const { plan, warnings } = buildRolloutPlan([CHANGE], many, SETTINGS, 'event', NOW);
    expect(Buffer.byteLength(JSON.stringify(plan))).toBeLessThanOrEqual(MAX_ROLLOUT_INPUT_BYTES);
    expect(plan.waves[0]?.every((target) => target.images === undefined)).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/carries 600 services: their image details were left out of its input/)]);
  });
});
