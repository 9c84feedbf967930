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
  skipped: 2,
  failed: 1,
  inventoryProblems: 0,
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
    references: [],
  },
  {
    type: 'batch-job-definition',
    arn: 'arn:aws:batch:us-east-1:111122223333:job-definition/nightly:3',
    name: 'nightly:3',
    region: 'us-east-1',
    status: 'skipped',
    reason: 'new jobs read the new value',
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
    references: [],
  },
];

function report(overrides: Partial<RefreshReport> = {}): RefreshReport {
  return { dryRun: false, mode: 'event', change: CHANGE, targets: TARGETS, warnings: [], summary: SUMMARY, ...overrides };
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

  it('names the change by its name when it has no ARN', () => {
    const { arn: _arn, ...withoutArn } = CHANGE;
    const change: ChangeReport = { ...withoutArn, kind: 'parameter', name: '/a/b', versionId: '4', labels: [] };
    expect(formatReport(report({ change })).split('\n')[0]).toBe('parameter /a/b (version 4)');
  });
});
