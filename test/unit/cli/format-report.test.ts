import { describe, expect, it } from 'vitest';
import { formatReport } from '../../../lib/cli/format-report.js';
import type { ChangeReport, RefreshReport, ReportSummary, TargetReport } from '../../../lib/report/types.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-credentials-Ab12Cd';
const VERSION = '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90';

const CHANGE: ChangeReport = {
  kind: 'secret',
  effect: 'new-current-value',
  reason: 'RotationSucceeded moved AWSCURRENT',
  arn: SECRET_ARN,
  name: 'demo/orders/db-credentials',
  region: 'us-east-1',
  account: '111122223333',
  versionId: VERSION,
  labels: ['AWSCURRENT'],
  time: '2025-03-10T10:00:00.000Z',
  origin: { channel: 'cloudtrail-service-event', eventName: 'RotationSucceeded' },
};

const SUMMARY: ReportSummary = {
  regions: ['us-east-1', 'eu-west-1'],
  clusters: 3,
  servicesScanned: 12,
  jobDefinitionsScanned: 4,
  jobsScanned: 1,
  targets: 4,
  done: 1,
  planned: 0,
  waiting: 0,
  deferred: 0,
  skipped: 2,
  failed: 1,
  inventoryProblems: 0,
  inputs: 1,
  invalid: 0,
};

const TARGETS: readonly TargetReport[] = [
  {
    type: 'ecs-service',
    arn: 'arn:aws:ecs:us-east-1:111122223333:service/orders/api',
    name: 'api',
    cluster: 'orders',
    region: 'us-east-1',
    status: 'done',
    reason: 'app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
    deploymentId: 'ecs-svc/1234567890',
    changes: ['c1'],
    references: [],
  },
  {
    type: 'ecs-service',
    arn: 'arn:aws:ecs:us-east-1:111122223333:service/orders/worker',
    name: 'worker',
    cluster: 'orders',
    region: 'us-east-1',
    status: 'failed',
    reason: 'app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
    error: 'AccessDeniedException: not authorized',
    changes: ['c1'],
    references: [],
  },
  {
    type: 'batch-job-definition',
    arn: 'arn:aws:batch:us-east-1:111122223333:job-definition/nightly:3',
    name: 'nightly:3',
    region: 'us-east-1',
    status: 'skipped',
    reason: 'new jobs read the new value',
    changes: ['c1'],
    references: [],
  },
  {
    type: 'batch-job',
    arn: 'arn:aws:batch:eu-west-1:111122223333:job/abc',
    jobId: 'abc',
    name: 'export',
    jobQueue: 'default',
    region: 'eu-west-1',
    policy: 'resubmit',
    status: 'skipped',
    reason: 'policy report',
    newJobId: 'def',
    changes: ['c1'],
    references: [],
  },
];

function report(overrides: Partial<RefreshReport> = {}): RefreshReport {
  const changes = [{ id: 'c1', ...CHANGE, decision: 'act' as const, decisionReason: CHANGE.reason }];
  return { dryRun: false, mode: 'event', change: CHANGE, changes, targets: TARGETS, warnings: [], summary: SUMMARY, ...overrides };
}

describe('formatReport', () => {
  it('prints the change, one line per target with its status, and the summary', () => {
    expect(formatReport(report()).split('\n')).toEqual([
      `secret ${SECRET_ARN} (version ${VERSION})`,
      '  RotationSucceeded → new-current-value: RotationSucceeded moved AWSCURRENT',
      '  DONE     us-east-1 ecs-service orders/api [ecs-svc/1234567890]: app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
      '  FAILED   us-east-1 ecs-service orders/worker [AccessDeniedException: not authorized]: app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
      '  SKIPPED  us-east-1 batch-job-definition nightly:3: new jobs read the new value',
      '  SKIPPED  eu-west-1 batch-job export (abc) [→ def]: policy report',
      '  summary: 1 done, 0 planned, 2 skipped, 1 failed (12 services in 3 clusters, 4 Batch job definitions, 1 running Batch jobs; Regions scanned: us-east-1, eu-west-1)',
      '',
    ]);
  });

  it('prefixes a dry run with [dry run] and prints planned targets as PLANNED', () => {
    const { deploymentId: _deploymentId, ...done } = TARGETS[0] as TargetReport & { type: 'ecs-service' };
    const planned: TargetReport = { ...done, status: 'planned' };
    const text = formatReport(report({ dryRun: true, targets: [planned], summary: { ...SUMMARY, done: 0, planned: 1, skipped: 0, failed: 0 } }));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`[dry run] secret ${SECRET_ARN} (version ${VERSION})`);
    expect(lines[2]).toBe(
      '  PLANNED  us-east-1 ecs-service orders/api: app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
    );
    expect(lines).toContain(
      '  summary: 0 done, 1 planned, 0 skipped, 0 failed (12 services in 3 clusters, 4 Batch job definitions, 1 running Batch jobs; Regions scanned: us-east-1, eu-west-1)',
    );
  });

  it('does not prefix a real run with [dry run]', () => {
    expect(formatReport(report())).not.toContain('[dry run]');
  });

  it('prints every warning on its own line after the targets', () => {
    const lines = formatReport(report({ warnings: ['first thing', 'second thing'] })).split('\n');
    expect(lines.slice(6, 8)).toEqual(['  warning: first thing', '  warning: second thing']);
    expect(lines[8]).toMatch(/^ {2}summary: /);
  });

  it('prints the skipped line and says nothing was scanned for a run that had nothing to do', () => {
    const { versionId: _versionId, ...unversioned } = CHANGE;
    const change: ChangeReport = {
      ...unversioned,
      effect: 'none',
      reason: 'PutSecretValue staged the new version as AWSPENDING',
      origin: { channel: 'cloudtrail-api-call', eventName: 'PutSecretValue' },
    };
    const empty: ReportSummary = {
      ...SUMMARY,
      regions: [],
      clusters: 0,
      servicesScanned: 0,
      jobDefinitionsScanned: 0,
      jobsScanned: 0,
      targets: 0,
      done: 0,
      skipped: 0,
      failed: 0,
    };
    expect(formatReport(report({ change, skipped: 'PutSecretValue staged the new version as AWSPENDING', targets: [], summary: empty }))).toBe(
      [
        `secret ${SECRET_ARN}`,
        '  PutSecretValue → none: PutSecretValue staged the new version as AWSPENDING',
        '  nothing to do: PutSecretValue staged the new version as AWSPENDING',
        '  summary: 0 done, 0 planned, 0 skipped, 0 failed (nothing scanned)',
        '',
      ].join('\n'),
    );
  });

  it('prints a batch as one line per input with its decision, then each target once with the changes it answers', () => {
    const second: ChangeReport = {
      ...CHANGE,
      kind: 'parameter',
      arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/a/b',
      name: '/a/b',
      versionId: '4',
      labels: [],
      reason: 'Update made version 4 the latest',
      origin: { channel: 'ssm-native', eventName: 'Update' },
    };
    const batch = report({
      change: undefined as never,
      changes: [
        { id: 'c1', source: 'm-1', ...CHANGE, decision: 'act', decisionReason: CHANGE.reason },
        {
          id: 'c2',
          source: 'm-2',
          ...CHANGE,
          decision: 'merged',
          mergedInto: 'c1',
          decisionReason: 'merged into c1: Secret Label Updated is another signal of the same change',
        },
        { id: 'c3', source: 'm-3', ...second, decision: 'act', decisionReason: second.reason, redelivery: '2026-11-20T10:05:00.000Z' },
        {
          id: 'c4',
          source: 'm-4',
          decision: 'invalid',
          decisionReason: 'event must be an EventBridge event object, got a string',
          error: 'event must be an EventBridge event object, got a string',
        },
      ],
      targets: [{ ...(TARGETS[0] as TargetReport), changes: ['c1', 'c3'] }],
      summary: { ...SUMMARY, targets: 1, skipped: 0, failed: 0, inputs: 4, invalid: 1 },
    });
    const { change: _change, ...withoutChange } = batch;
    expect(formatReport(withoutChange as RefreshReport).split('\n')).toEqual([
      'batch of 4 input(s): 2 acted on, 1 merged, 0 nothing to do, 0 already handled, 1 invalid, 0 failed',
      `  c1 act secret ${SECRET_ARN} (version ${VERSION}) (m-1) — RotationSucceeded → new-current-value: RotationSucceeded moved AWSCURRENT`,
      `  c2 merged secret ${SECRET_ARN} (version ${VERSION}) (m-2) — RotationSucceeded → new-current-value: merged into c1: Secret Label Updated is another signal of the same change`,
      '  c3 act parameter arn:aws:ssm:us-east-1:111122223333:parameter/a/b (version 4) (m-3) — Update → new-current-value: Update made version 4 the latest; delivered again at 2026-11-20T10:05:00.000Z',
      '  c4 invalid (m-4): event must be an EventBridge event object, got a string',
      '  DONE     us-east-1 ecs-service orders/api [ecs-svc/1234567890] [c1, c3]: app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
      '  summary: 1 done, 0 planned, 0 skipped, 0 failed (12 services in 3 clusters, 4 Batch job definitions, 1 running Batch jobs; Regions scanned: us-east-1, eu-west-1)',
      '',
    ]);
  });

  it('names the change by its name when it has no ARN', () => {
    const { arn: _arn, ...withoutArn } = CHANGE;
    const change: ChangeReport = { ...withoutArn, kind: 'parameter', name: '/a/b', versionId: '4', labels: [] };
    expect(formatReport(report({ change })).split('\n')[0]).toBe('parameter /a/b (version 4)');
  });
});
