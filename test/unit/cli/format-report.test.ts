import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../../lib/audit/types.js';
import { formatAuditReport, formatQuietAudit, formatQuietReport, formatReport } from '../../../lib/cli/format-report.js';
import { createStyle } from '../../../lib/cli/style.js';
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
    code: 'nothing-to-do',
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
    code: 'policy-report',
    newJobId: 'def',
    changes: ['c1'],
    references: [],
  },
];

function report(overrides: Partial<RefreshReport> = {}): RefreshReport {
  const changes = [{ id: 'c1', ...CHANGE, decision: 'act' as const, decisionReason: CHANGE.reason }];
  return { dryRun: false, mode: 'event', change: CHANGE, changes, targets: TARGETS, warnings: [], summary: SUMMARY, ...overrides };
}

const REASON = 'app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed';
const SCANNED = '  scanned  12 services in 3 clusters, 4 Batch job definitions, 1 running Batch jobs (Regions scanned: us-east-1, eu-west-1)';

/** The text without colour: what a pipe would get. */
function stripColor(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is stripped
  return text.replace(/\u001b\[\d+m/g, '');
}

describe('formatReport: the one-screen summary first', () => {
  it('prints the change, then the summary (done, skipped by reason, failed, scanned), then an aligned table, failed first, then the next step', () => {
    expect(formatReport(report(), { command: ['event', 'e.json'] }).split('\n')).toEqual([
      `secret ${SECRET_ARN} (version ${VERSION})`,
      '  RotationSucceeded → new-current-value: RotationSucceeded moved AWSCURRENT',
      '',
      '  done     1: 1 ECS service redeployed',
      '  skipped  2: 1 nothing-to-do, 1 policy-report',
      '  failed   1: 1 target',
      SCANNED,
      '',
      '  STATUS   REGION     TARGET                          REASON',
      `  FAILED   us-east-1  ecs-service orders/worker       error: AccessDeniedException: not authorized · ${REASON}`,
      `  DONE     us-east-1  ecs-service orders/api          deployment ecs-svc/1234567890 · ${REASON}`,
      '  SKIPPED  us-east-1  batch-job-definition nightly:3  new jobs read the new value',
      '  SKIPPED  eu-west-1  batch-job export (abc)          → new job def · policy report',
      '',
      '  next: 1 target failed (the error is in the table above): fix the cause, then run it again: what was deployed is then skipped as already fresh',
      '      secret-refresh event e.json',
      '',
    ]);
  });

  it('counts the skips by their code, most frequent first', () => {
    const skipped = (name: string, code: NonNullable<TargetReport['code']>): TargetReport => ({
      ...(TARGETS[0] as TargetReport & { type: 'ecs-service' }),
      name,
      status: 'skipped',
      code,
      reason: 'x',
    });
    const targets = [skipped('a', 'ignored'), skipped('b', 'already-fresh'), skipped('c', 'already-fresh'), skipped('d', 'deployment-controller')];
    const text = formatReport(report({ targets, summary: { ...SUMMARY, done: 0, skipped: 4, failed: 0 } }));
    expect(text).toContain('\n  skipped  4: 2 already-fresh, 1 deployment-controller, 1 ignored\n');
    expect(text).toContain('\n  done     0\n  skipped');
    expect(text).toContain('\n  failed   0\n');
    expect(text).not.toContain('next:');
  });

  it('a dry run: [dry run], the planned count, PLANNED rows, and how to act (the command without --dry-run)', () => {
    const { deploymentId: _deploymentId, ...done } = TARGETS[0] as TargetReport & { type: 'ecs-service' };
    const planned: TargetReport = { ...done, status: 'planned' };
    const text = formatReport(
      report({ dryRun: true, mode: 'manual', targets: [planned], summary: { ...SUMMARY, done: 0, planned: 1, skipped: 0, failed: 0 } }),
      {
        command: ['refresh', '--ref', 'demo/orders/db', '--dry-run'],
      },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(`[dry run] secret ${SECRET_ARN} (version ${VERSION})`);
    expect(lines.slice(3, 6)).toEqual(['  planned  1: 1 ECS service would be redeployed', '  skipped  0', '  failed   0']);
    expect(text).not.toContain('  done ');
    expect(lines).toContain(`  PLANNED  us-east-1  ecs-service orders/api  ${REASON}`);
    expect(
      text.endsWith('  next: dry run: nothing was done; to act, run it again without --dry-run\n      secret-refresh refresh --ref demo/orders/db\n'),
    ).toBe(true);
  });

  it('does not prefix a real run with [dry run]', () => {
    expect(formatReport(report())).not.toContain('[dry run]');
  });

  it('prints every warning after the targets, before the next steps', () => {
    const lines = formatReport(report({ warnings: ['first thing', 'second thing'] })).split('\n');
    const first = lines.indexOf('  warning: first thing');
    expect(first).toBeGreaterThan(lines.indexOf('  SKIPPED  eu-west-1  batch-job export (abc)          → new job def · policy report'));
    expect(lines[first + 1]).toBe('  warning: second thing');
    expect(lines[first + 2]).toMatch(/^ {2}next: 1 target failed/);
  });

  it('a run with nothing to do says only why: no zero counts, no table, no next step', () => {
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
        '',
        '  nothing to do  PutSecretValue staged the new version as AWSPENDING',
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

describe('formatReport: a batch', () => {
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
  function batch(overrides: Partial<RefreshReport> = {}): RefreshReport {
    const { change: _change, ...rest } = report({
      changes: [
        { id: 'c1', source: 'm-1', ...CHANGE, decision: 'act', decisionReason: CHANGE.reason },
        { id: 'c2', source: 'm-2', ...CHANGE, decision: 'merged', mergedInto: 'c1', decisionReason: 'merged into c1: another signal of the same change' },
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
      ...overrides,
    });
    return rest as RefreshReport;
  }

  it('counts the inputs by decision, then the summary, one row per input, each target once with the changes it answers, and what to fix', () => {
    expect(formatReport(batch()).split('\n')).toEqual([
      'batch of 4 inputs: 2 acted on, 1 merged, 1 invalid',
      '',
      '  done     1: 1 ECS service redeployed',
      '  skipped  0',
      '  failed   0',
      '  invalid  1 input could not be read',
      SCANNED,
      '',
      '  INPUT  DECISION     CHANGE                                                                            SOURCE  REASON',
      `  c1     act          secret demo/orders/db-credentials (version ${VERSION})  m-1     RotationSucceeded → new-current-value: RotationSucceeded moved AWSCURRENT`,
      `  c2     merged → c1  secret demo/orders/db-credentials (version ${VERSION})  m-2     RotationSucceeded → new-current-value: merged into c1: another signal of the same change`,
      `  c3     act          parameter /a/b (version 4)${' '.repeat(56)}m-3     Update → new-current-value: Update made version 4 the latest; delivered again at 2026-11-20T10:05:00.000Z`,
      `  c4     invalid      -${' '.repeat(81)}m-4     event must be an EventBridge event object, got a string`,
      '',
      '  STATUS  REGION     TARGET                  CHANGES  REASON',
      `  DONE    us-east-1  ecs-service orders/api  c1,c3    deployment ecs-svc/1234567890 · ${REASON}`,
      '',
      '  next: 1 input could not be read (c4 m-4): fix what the inputs table says, then run it again; the other inputs were handled',
      '',
    ]);
  });

  it('after the blast-radius cap refused an automatic run: the exact commands to review and go past it, per changed secret or parameter', () => {
    const refused = 'blast-radius cap: 5 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=3; nothing was done.';
    const text = formatReport(
      batch({ refused, refusedBy: 'blast-radius-cap', targets: [], summary: { ...SUMMARY, done: 0, skipped: 0, failed: 0, inputs: 4, invalid: 0 } }),
    );
    expect(text).toContain(`\n  refused  ${refused}\n`);
    expect(text).toContain(
      [
        '  next: the blast-radius cap refused the run (SECRET_REFRESH_MAX_TARGETS): review what would be done, then go past the cap',
        `      secret-refresh refresh --ref ${SECRET_ARN} --dry-run`,
        `      secret-refresh refresh --ref ${SECRET_ARN} --confirm-large`,
        '      secret-refresh refresh --ref arn:aws:ssm:us-east-1:111122223333:parameter/a/b --dry-run',
        '      secret-refresh refresh --ref arn:aws:ssm:us-east-1:111122223333:parameter/a/b --confirm-large',
      ].join('\n'),
    );
  });

  it('after the hourly budget refused the run: when it has room again (the next UTC hour) and the manual refresh it never refuses', () => {
    const text = formatReport(batch({ refused: 'rate limit: …', refusedBy: 'rate-limit', targets: [] }), { now: new Date('2026-11-20T10:41:07Z') });
    expect(text).toContain(
      '  next: the hourly deployment budget (SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR) refused the run: it counts per UTC clock hour and has room again at 2026-11-20T11:00:00.000Z. ' +
        'Look for what changes this often; a manual refresh is never refused by the budget\n' +
        `      secret-refresh refresh --ref ${SECRET_ARN} --dry-run\n`,
    );
    expect(text).not.toContain('--confirm-large');
  });

  it('deferred targets: when they are due, and that the intake queue delivers the change again (nothing to do)', () => {
    const { deploymentId: _deploymentId, ...service } = TARGETS[0] as TargetReport & { type: 'ecs-service' };
    const deferred: TargetReport = { ...service, status: 'deferred', due: '2026-11-20T10:05:00.000Z', reason: 'deferred until …', changes: ['c1', 'c3'] };
    const text = formatReport(batch({ targets: [deferred], summary: { ...SUMMARY, done: 0, deferred: 1, skipped: 0, failed: 0, inputs: 4, invalid: 1 } }));
    expect(text).toContain('\n  deferred  1, due from 2026-11-20T10:05:00.000Z\n');
    expect(text).toContain('\n  DEFERRED  us-east-1  ecs-service orders/api  c1,c3    due 2026-11-20T10:05:00.000Z · deferred until …\n');
    expect(text).toContain(
      '  next: 1 target deferred (the minimum redeploy interval, or the time budget): the changes are delivered again at 2026-11-20T10:05:00.000Z and one deployment then covers them: nothing to do\n',
    );
  });

  it('deferred targets with nothing to deliver them again (a CLI run): when they are due and the command to run then', () => {
    const deferred: TargetReport = {
      ...(TARGETS[0] as TargetReport & { type: 'ecs-service' }),
      status: 'deferred',
      due: '2026-11-20T10:05:00.000Z',
      reason: 'deferred until …',
    };
    const plain = batch();
    const changes = plain.changes.map(({ redelivery: _redelivery, ...entry }) => entry);
    const text = formatReport({ ...plain, changes, targets: [deferred] }, { command: ['event', 'a.json', 'b.json'] });
    expect(text).toContain(
      '  next: 1 target deferred: due at 2026-11-20T10:05:00.000Z; nothing delivers the change again here (no SECRET_REFRESH_INTAKE_QUEUE_URL): run it again then\n      secret-refresh event a.json b.json\n',
    );
  });
});

describe('formatReport: refusals and failures of a single run', () => {
  const capped = (mode: RefreshReport['mode'], dryRun: boolean) =>
    report({
      mode,
      dryRun,
      refused: 'blast-radius cap: 5 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=3; nothing was done.',
      refusedBy: 'blast-radius-cap',
    });

  it('a manual refresh refused by the cap: the same command with --confirm-large (and without --dry-run), quoted for the shell', () => {
    const text = formatReport(capped('manual', true), { command: ['refresh', '--ref', 'rds!db-1', '--dry-run'] });
    expect(text).toContain(
      '  next: the blast-radius cap refused the run (SECRET_REFRESH_MAX_TARGETS): review the targets above, then go past the cap\n' +
        "      secret-refresh refresh --ref 'rds!db-1' --confirm-large\n",
    );
  });

  it('an event refused by the cap: refresh the changed secret by its ARN, reviewed first', () => {
    const text = formatReport(capped('event', false), { command: ['event', 'e.json'] });
    expect(text).toContain(`      secret-refresh refresh --ref ${SECRET_ARN} --dry-run\n      secret-refresh refresh --ref ${SECRET_ARN} --confirm-large\n`);
  });

  it('something could not be read: what to fix and the command to run again', () => {
    const text = formatReport(
      report({
        targets: [],
        summary: { ...SUMMARY, done: 0, skipped: 0, failed: 2, inventoryProblems: 2 },
        warnings: ['inventory: us-east-1 ListClusters: AccessDenied'],
      }),
      {
        command: ['refresh', '--ref', 'demo/db'],
      },
    );
    expect(text).toContain('\n  failed   2: 2 things that could not be read (see the warnings)\n');
    expect(text).toContain(
      '  next: 2 things could not be read (the warnings above), so services and jobs behind them were not seen: fix the access (IAM, the Region, the network), then run it again\n      secret-refresh refresh --ref demo/db\n',
    );
  });
});

describe('formatReport: colour', () => {
  it('colours statuses and counts on a terminal, and aligns exactly as without colour', () => {
    const colored = formatReport(report(), { style: createStyle(true) });
    expect(colored).toContain('\u001b[32mDONE\u001b[39m   ');
    expect(colored).toContain('\u001b[31mFAILED\u001b[39m ');
    expect(colored).toContain('\u001b[1mnext:\u001b[22m');
    expect(stripColor(colored)).toBe(formatReport(report()));
  });

  it('has no escape code at all without colour (a pipe, NO_COLOR)', () => {
    expect(formatReport(report(), { style: createStyle(false) })).not.toContain('\u001b');
    expect(formatReport(report())).not.toContain('\u001b');
  });
});

describe('formatQuietReport (--quiet)', () => {
  it('prints nothing when nothing failed, was refused or deferred', () => {
    const ok = TARGETS.filter((target) => target.status !== 'failed');
    expect(formatQuietReport(report({ targets: ok, summary: { ...SUMMARY, failed: 0 } }))).toBe('');
  });

  it('prints only the failed targets, the refusal, unreadable inputs and inventory problems: no summary, no next step', () => {
    const text = formatQuietReport(
      report({
        refused: 'blast-radius cap: …',
        warnings: ['inventory: us-east-1 ListClusters: AccessDenied', 'the secret x is in eu-west-1, which is not scanned'],
        changes: [{ id: 'c1', source: 'm-1', decision: 'invalid', decisionReason: 'event is malformed', error: 'EventParseError: event is malformed' }],
      }),
    );
    expect(text).toBe(
      [
        'refused: blast-radius cap: …',
        `FAILED  us-east-1  ecs-service orders/worker  error: AccessDeniedException: not authorized · ${REASON}`,
        'c1 invalid (m-1): event is malformed',
        'warning: inventory: us-east-1 ListClusters: AccessDenied',
        '',
      ].join('\n'),
    );
  });
});

describe('formatAuditReport', () => {
  const audit: AuditReport = {
    audit: true,
    time: '2026-11-20T10:00:00.000Z',
    targets: [
      { type: 'ecs-service', arn: 'a1', name: 'fresh-one', cluster: 'c', region: 'us-east-1', status: 'fresh', reason: 'deployed after', references: [] },
      {
        type: 'ecs-service',
        arn: 'a2',
        name: 'stale-one',
        cluster: 'c',
        region: 'us-east-1',
        status: 'stale',
        reason: 'deployed before x changed',
        references: [],
      },
    ],
    warnings: [],
    summary: { regions: ['us-east-1'], servicesScanned: 2, stale: 1, fresh: 1, unknown: 0, inventoryProblems: 0 },
  };

  it('prints the counts first, stale services on top, and how to redeploy them', () => {
    expect(formatAuditReport(audit).split('\n')).toEqual([
      'staleness audit at 2026-11-20T10:00:00.000Z',
      '',
      '  stale    1',
      '  fresh    1',
      '  unknown  0',
      '  scanned  2 services (Regions scanned: us-east-1)',
      '',
      '  STATUS  REGION     SERVICE      REASON',
      '  STALE   us-east-1  c/stale-one  deployed before x changed',
      '  FRESH   us-east-1  c/fresh-one  deployed after',
      '',
      '  next: 1 service runs a value that changed after their deployment: refresh the secret or parameter each reason names (review with --dry-run first)',
      '      secret-refresh refresh --ref <arn-or-name> --dry-run',
      '',
    ]);
  });

  it('says INCOMPLETE, never "all clear", when something could not be read, and --quiet keeps only that and the stale services', () => {
    const incomplete: AuditReport = {
      ...audit,
      warnings: ['inventory: us-east-1 ListClusters: AccessDenied'],
      summary: { ...audit.summary, inventoryProblems: 1 },
    };
    const text = formatAuditReport(incomplete, { command: ['audit'] });
    expect(text).toContain('\n  unreadable  1 thing (see the warnings)\n');
    expect(text).toContain(
      '  warning: inventory: us-east-1 ListClusters: AccessDenied\n  INCOMPLETE: 1 thing(s) could not be read (the warnings above), so services behind them were not judged: this is not "all clear"\n',
    );
    expect(text).toContain('      secret-refresh audit\n');
    expect(formatQuietAudit(incomplete)).toBe(
      'STALE  us-east-1  c/stale-one  deployed before x changed\nwarning: inventory: us-east-1 ListClusters: AccessDenied\nINCOMPLETE: 1 thing(s) could not be read (the warnings above), so services behind them were not judged: this is not "all clear"\n',
    );
    expect(formatQuietAudit({ ...audit, targets: [audit.targets[0] as AuditReport['targets'][number]], summary: { ...audit.summary, stale: 0 } })).toBe('');
  });
});
