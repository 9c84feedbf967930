import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { MAX_DETAIL_BYTES, RESULT_DETAIL_TYPES, resultEvents, trimReport } from '../../../lib/report/result-events.js';
import { recordRunMetrics } from '../../../lib/report/run-metrics.js';
import type { ChangeReport, EcsServiceTargetReport, RefreshReport } from '../../../lib/report/types.js';

function target(n: number, status: EcsServiceTargetReport['status'], code?: EcsServiceTargetReport['code']): EcsServiceTargetReport {
  return {
    type: 'ecs-service',
    arn: `arn:aws:ecs:us-east-1:111122223333:service/c/s${n}`,
    name: `s${n}`,
    cluster: 'c',
    region: 'us-east-1',
    status,
    reason: `reason ${n}`,
    ...(code ? { code } : {}),
    changes: ['c1'],
    references: [{ container: 'app', location: 'secrets', valueFrom: 'x'.repeat(400), impact: 'affected', reason: 'r'.repeat(200) }],
  };
}

const CHANGE: ChangeReport = {
  kind: 'secret',
  effect: 'new-current-value',
  reason: 'moved',
  arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-Ab12Cd',
  name: 'db',
  region: 'us-east-1',
  account: '111122223333',
  labels: ['AWSCURRENT'],
  time: '2026-11-24T10:00:00.000Z',
  origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated' },
};

function report(targets: EcsServiceTargetReport[], extra: Partial<RefreshReport> = {}, change: ChangeReport = CHANGE): RefreshReport {
  const count = (status: string) => targets.filter((t) => t.status === status).length;
  return {
    dryRun: false,
    mode: 'event',
    change,
    changes: [{ id: 'c1', ...change, decision: 'act', decisionReason: change.reason }],
    targets,
    warnings: [],
    summary: {
      regions: ['us-east-1'],
      clusters: 1,
      servicesScanned: targets.length,
      jobDefinitionsScanned: 0,
      jobsScanned: 0,
      targets: targets.length,
      done: count('done'),
      planned: count('planned'),
      skipped: count('skipped'),
      waiting: count('waiting'),
      deferred: count('deferred'),
      failed: count('failed'),
      inventoryProblems: 0,
      inputs: 1,
      invalid: 0,
    },
    ...extra,
  };
}

describe('result events', () => {
  it('publishes only Secret Refresh Completed for an ordinary run', () => {
    expect(resultEvents(report([target(1, 'done')])).map((event) => event.detailType)).toEqual([RESULT_DETAIL_TYPES.completed]);
  });

  it('adds an alert for a refusal by the cap, a deletion still read, and failed targets', () => {
    const refused = resultEvents(report([target(1, 'skipped', 'blast-radius-cap')], { refused: 'blast-radius cap: …' }));
    expect(refused.map((event) => event.detail.alert).filter(Boolean)).toEqual(['blast-radius-cap']);
    const deletedEvents = resultEvents(report([target(1, 'skipped', 'deleted')], {}, { ...CHANGE, effect: 'deleted' }));
    expect(deletedEvents.map((event) => event.detail.alert).filter(Boolean)).toEqual(['deleted-in-use']);
    expect(deletedEvents[1]?.detail).toMatchObject({ message: 'secret db was deleted but 1 target(s) still read it: new tasks and jobs would fail to start' });
    const failed = resultEvents(report([target(1, 'done'), target(2, 'failed')]));
    expect(failed[1]?.detail).toMatchObject({ alert: 'targets-failed', targets: [{ name: 's2', status: 'failed' }] });
  });

  it('alerts rate-limit when the hourly budget refused the run, and invalid-input for inputs dropped as unreadable', () => {
    const limited = resultEvents(report([target(1, 'skipped', 'rate-limit')], { refused: 'rate limit: …', refusedBy: 'rate-limit' }));
    expect(limited.map((event) => event.detail.alert).filter(Boolean)).toEqual(['rate-limit']);
    const batch = report([target(1, 'done')], {
      changes: [
        { id: 'c1', ...CHANGE, decision: 'act', decisionReason: 'moved' },
        { id: 'c2', source: 'm-2', decision: 'invalid', decisionReason: 'not JSON', error: 'SQS message m-2 has a body that is not JSON: …' },
      ],
    });
    const invalid = resultEvents(batch).filter((event) => event.detail.alert === 'invalid-input');
    expect(invalid.map((event) => event.detail.message)).toEqual([
      '1 input(s) could not be read and were dropped (never retried): c2 (m-2): SQS message m-2 has a body that is not JSON: …',
    ]);
    expect(invalid[0]?.detail.changes).toEqual([{ id: 'c1', kind: 'secret', arn: CHANGE.arn, name: 'db', versionId: undefined, effect: 'new-current-value' }]);
  });

  it('alerts image-drift for services whose redeploy shipped, or would have shipped, another image, naming them with their finding', () => {
    const drift = {
      status: 'drift' as const,
      containers: [
        { container: 'app', image: 'repo:latest', status: 'drift' as const, runningDigest: 'sha256:a', currentDigest: 'sha256:b', reason: 'tag latest moved' },
      ],
    };
    const unknown = { status: 'unknown' as const, containers: [{ container: 'web', image: 'nginx:latest', status: 'unknown' as const, reason: 'not ECR' }] };
    const shipped = { ...target(1, 'done'), imageDrift: drift };
    const blocked = { ...target(2, 'skipped', 'image-drift'), imageDrift: drift };
    const quiet = { ...target(3, 'done'), imageDrift: unknown };
    const events = resultEvents(report([shipped, blocked, quiet]));
    const alerts = events.filter((event) => event.detailType === RESULT_DETAIL_TYPES.alert);
    expect(alerts.map((event) => event.detail.alert)).toEqual(['image-drift']);
    expect(alerts[0]?.detail.message).toBe(
      'image drift: 1 redeploy(s) ship another image than the one running; 1 service(s) not redeployed because their image tag moved (SECRET_REFRESH_IMAGE_DRIFT=block)',
    );
    expect(alerts[0]?.detail.targets).toEqual([
      { type: 'ecs-service', arn: shipped.arn, name: 's1', region: 'us-east-1', status: 'done', imageDrift: drift },
      { type: 'ecs-service', arn: blocked.arn, name: 's2', region: 'us-east-1', status: 'skipped', code: 'image-drift', imageDrift: drift },
    ]);
    // An unknown alone is reported in the entry, not alerted.
    expect(resultEvents(report([quiet])).map((event) => event.detailType)).toEqual([RESULT_DETAIL_TYPES.completed]);
  });

  it('trims a large report below the EventBridge limit, keeping the summary whole and saying what was cut', () => {
    const big = report(Array.from({ length: 3000 }, (_, n) => target(n, 'done')));
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(MAX_DETAIL_BYTES);
    const trimmed = trimReport(big);
    expect(Buffer.byteLength(JSON.stringify(trimmed))).toBeLessThanOrEqual(MAX_DETAIL_BYTES);
    expect(trimmed.summary).toEqual(big.summary);
    expect(trimmed.truncated).toMatchObject({ references: true, targets: 3000 });
    expect((trimmed.targets as unknown[]).length).toBe((trimmed.truncated as { kept: number }).kept);
  });

  it('leaves a small report untouched', () => {
    const small = report([target(1, 'done')]);
    expect(trimReport(small)).toEqual(small);
  });
});

describe('run metrics', () => {
  it('records matched, redeployed, failed, skips by reason and the latency from the change', () => {
    const recorded: { name: string; value: number; dimension?: string }[] = [];
    const metrics = {
      addMetric: (name: string, _unit: string, value: number) => void recorded.push({ name, value }),
      singleMetric: () => {
        let dimension = '';
        const single = {
          addDimension: (_key: string, value: string) => {
            dimension = value;
            return single;
          },
          addMetric: (name: string, _unit: string, value: number) => void recorded.push({ name, value, dimension }),
        };
        return single;
      },
    } as unknown as Metrics;
    const run = report([
      target(1, 'done'),
      target(2, 'done'),
      target(3, 'skipped', 'already-fresh'),
      target(4, 'skipped', 'already-fresh'),
      target(5, 'failed'),
    ]);

    recordRunMetrics(metrics, run, new Date('2026-11-24T10:00:30.000Z'));

    expect(recorded).toEqual(
      expect.arrayContaining([
        { name: 'TargetsMatched', value: 5 },
        { name: 'Redeployed', value: 2 },
        { name: 'Failed', value: 1 },
        { name: 'ChangeToActionLatency', value: 30_000 },
        { name: 'Skipped', value: 2, dimension: 'already-fresh' },
      ]),
    );
  });
});
