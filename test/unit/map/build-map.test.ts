import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/config.js';
import {
  buildSecretsMap,
  type MapEcsServiceInput,
  mapIncomplete,
  mapMetadataQueries,
  mapOptions,
  otherRegionQueries,
  type SecretsMapInputs,
} from '../../../lib/map/build-map.js';
import { FINDING_CATALOG } from '../../../lib/map/finding-catalog.js';
import type { FindingCode, MapEcsServiceTarget, SecretsMap } from '../../../lib/map/types.js';
import { planRefresh } from '../../../lib/plan/index.js';
import {
  ACCOUNT,
  found,
  job,
  jobDefinition,
  lookUpFailed,
  mapOptionsFor,
  notFound,
  OTHER_ACCOUNT,
  parameterFound,
  secretFound,
  service,
} from '../../support/map-inputs.js';

const DB_NAME = 'demo/orders/db-credentials';
const DB_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${DB_NAME}-Ab12Cd`;
const DB_PARTIAL = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${DB_NAME}`;
const CURRENT_VERSION = '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90';
const OLD_VERSION = '8e1d4c7b-2a9f-4b3e-8c6d-5f0a1b2c3d4e';
const DIGEST = `sha256:${'a'.repeat(64)}`;

/** The demo secret, last changed 2026-11-30T10:00 (after a 09:00 deployment, before an 11:00 one). */
const dbSecret = (overrides: Record<string, unknown> = {}) =>
  secretFound(DB_ARN, 'us-east-1', {
    arn: DB_ARN,
    name: DB_NAME,
    lastChangedDate: new Date('2026-11-30T10:00:00.000Z'),
    versionIdsToStages: { [CURRENT_VERSION]: ['AWSCURRENT'], [OLD_VERSION]: ['AWSPREVIOUS'] },
    ...overrides,
  });

function build(inputs: Partial<SecretsMapInputs>, options = mapOptionsFor()): SecretsMap {
  return buildSecretsMap({ services: [], metadata: [], ...inputs }, options);
}

/** A service with no PRIMARY deployment time. */
function withoutDeployment(record: MapEcsServiceInput): MapEcsServiceInput {
  const { primaryDeployment: _none, ...rest } = record;
  return rest;
}

function findings(map: SecretsMap, code: FindingCode) {
  return map.findings.filter((finding) => finding.code === code);
}

function target(map: SecretsMap, name: string): MapEcsServiceTarget {
  const found = map.targets.find((candidate) => candidate.name === name);
  if (!found || found.type !== 'ecs-service') throw new Error(`no service ${name} in the map`);
  return found;
}

describe('buildSecretsMap: the model', () => {
  it('maps a secret → the task definition that reads it → the services running it, with a versioned format', () => {
    const map = build({
      services: [service('api', [DB_ARN], { family: 'orders-api', revision: 12 }), service('api-canary', [DB_ARN], { family: 'orders-api', revision: 12 })],
      metadata: [dbSecret()],
    });
    expect(map.format).toBe('secret-refresh/map@1');
    expect(map.generatedAt).toBe('2026-12-01T12:00:00.000Z');
    expect(map.resources).toHaveLength(1);
    const [resource] = map.resources;
    expect(resource).toMatchObject({
      id: DB_ARN,
      kind: 'secret',
      name: DB_NAME,
      arn: DB_ARN,
      region: 'us-east-1',
      account: ACCOUNT,
      status: 'exists',
      lastChanged: '2026-11-30T10:00:00.000Z',
      definitions: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/orders-api:12`],
      wouldAct: 2,
    });
    expect(resource?.targets).toEqual([`arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api`, `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api-canary`]);
    expect(resource?.uses).toEqual([
      {
        definition: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/orders-api:12`,
        container: 'app',
        location: 'secrets',
        name: 'VALUE',
        valueFrom: DB_ARN,
        pin: { type: 'current' },
        pinLabel: 'AWSCURRENT',
      },
    ]);
    expect(map.definitions).toEqual([
      expect.objectContaining({ type: 'task-definition', name: 'orders-api:12', resources: [DB_ARN], targets: resource?.targets, unparsed: [] }),
    ]);
    expect(map.summary).toMatchObject({
      secrets: 1,
      parameters: 0,
      broken: 0,
      taskDefinitions: 1,
      services: 2,
      stale: 2,
      findings: { error: 0, warning: 0, info: 0 },
    });
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
  });

  it('puts a full ARN, a partial ARN and a json-key reference to one secret under one resource', () => {
    const map = build({
      services: [service('api', [DB_ARN, `${DB_PARTIAL}:password::`]), service('worker', [DB_PARTIAL])],
      metadata: [dbSecret(), secretFound(DB_PARTIAL, 'us-east-1', { arn: DB_ARN, name: DB_NAME })],
    });
    expect(map.resources.map((resource) => resource.id)).toEqual([DB_ARN]);
    expect(map.resources[0]?.uses.map((use) => [use.valueFrom, use.jsonKey])).toEqual([
      [DB_ARN, undefined],
      [`${DB_PARTIAL}:password::`, 'password'],
      [DB_PARTIAL, undefined],
    ]);
  });

  it('judges staleness by the audit rule: deployed before the last change is stale, after it fresh, pinned not judged', () => {
    const map = build({
      services: [
        service('before', [DB_ARN], { deployedAt: '2026-11-30T09:00:00.000Z' }),
        service('after', [DB_ARN], { deployedAt: '2026-11-30T11:00:00.000Z' }),
        service('pinned', [`${DB_ARN}::AWSPREVIOUS:`], { deployedAt: '2026-11-30T09:00:00.000Z' }),
        withoutDeployment(service('never-deployed', [DB_ARN])),
      ],
      metadata: [dbSecret()],
    });
    expect(target(map, 'before').staleness).toEqual({
      status: 'stale',
      since: '2026-11-30T09:00:00.000Z',
      reason: `deployed at 2026-11-30T09:00:00.000Z, before ${DB_ARN} changed at 2026-11-30T10:00:00.000Z`,
    });
    expect(target(map, 'after').staleness.status).toBe('fresh');
    expect(target(map, 'pinned').staleness).toMatchObject({ status: 'unknown', reason: 'no referenced secret or parameter could be judged' });
    expect(target(map, 'never-deployed').staleness).toEqual({ status: 'unknown', reason: 'no PRIMARY deployment time' });
    expect(map.summary).toMatchObject({ stale: 1, fresh: 1, unknown: 2 });
  });

  it('gives every service its scope status and wave, as the Plan would skip it', () => {
    const map = build(
      {
        services: [
          service('ok', [DB_ARN], { tags: { 'secret-refresh:enabled': 'true', 'secret-refresh:wave': '2' } }),
          service('ignored', [DB_ARN], { tags: { 'secret-refresh:ignore': 'true', 'secret-refresh:enabled': 'true' } }),
          service('excluded', [DB_ARN], { cluster: 'sandbox', tags: { 'secret-refresh:enabled': 'true' } }),
          service('not-opted', [DB_ARN]),
          service('blue-green', [DB_ARN], { deploymentController: 'CODE_DEPLOY', tags: { 'secret-refresh:enabled': 'true' } }),
          service('draining', [DB_ARN], { status: 'DRAINING' }),
          service('scaled-to-zero', [DB_ARN], { desiredCount: 0, tags: { 'secret-refresh:enabled': 'true', 'secret-refresh:wave': 'soon' } }),
        ],
        metadata: [dbSecret()],
      },
      mapOptionsFor({ scope: { include: [], exclude: ['sandbox'], optIn: true } }),
    );
    const scope = (name: string) => target(map, name).scope;
    expect(scope('ok')).toEqual({ status: 'in-scope', reason: 'redeployed when a value it reads changes' });
    expect(target(map, 'ok').wave).toBe(2);
    expect(scope('ignored')).toEqual({ status: 'ignored', reason: 'service is tagged secret-refresh:ignore=true' });
    expect(scope('excluded')).toEqual({ status: 'out-of-scope', reason: 'cluster sandbox is excluded by SECRET_REFRESH_CLUSTERS_EXCLUDE (sandbox)' });
    expect(scope('not-opted')).toEqual({
      status: 'not-opted-in',
      reason: 'SECRET_REFRESH_MODE=opt-in and the service is not tagged secret-refresh:enabled=true',
    });
    expect(scope('blue-green').status).toBe('deployment-controller');
    expect(scope('blue-green').reason).toContain('CODE_DEPLOY: forceNewDeployment does not apply; start a CodeDeploy deployment');
    expect(scope('draining')).toEqual({ status: 'not-active', reason: 'service is DRAINING, not ACTIVE' });
    expect(scope('scaled-to-zero').status).toBe('nothing-running');
    expect(target(map, 'scaled-to-zero').wave).toBeUndefined();
    expect(map.warnings).toContain(
      `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/scaled-to-zero: tag secret-refresh:wave="soon" is not a whole number from 0 to 1000; the service goes in the last wave`,
    );
    expect(map.settings).toMatchObject({ mode: 'opt-in', clustersExclude: ['sandbox'] });
    expect(map.resources[0]?.wouldAct).toBe(1);
  });

  it("says each service's and job's scope in the Plan's own words: the code and reason planRefresh gives when the value changes", () => {
    const scope = { include: [], exclude: ['sandbox'], optIn: true };
    const enabled = { 'secret-refresh:enabled': 'true' };
    const services = [
      service('ignored', [DB_ARN], { tags: { 'secret-refresh:ignore': 'true', ...enabled } }),
      service('excluded', [DB_ARN], { cluster: 'sandbox', tags: enabled }),
      service('not-opted', [DB_ARN]),
      service('blue-green', [DB_ARN], { deploymentController: 'CODE_DEPLOY', tags: enabled }),
      service('task-sets', [DB_ARN], { deploymentController: 'EXTERNAL', tags: enabled }),
      service('draining', [DB_ARN], { status: 'DRAINING', tags: enabled }),
      service('scaled-to-zero', [DB_ARN], { desiredCount: 0, tags: enabled }),
    ];
    const tagged = jobDefinition('tagged', [DB_ARN], { tags: { 'secret-refresh:batch-policy': 'resubmit' } });
    const jobs = [
      job('ignored-job', tagged, { jobId: 'j-ignored', tags: { 'secret-refresh:ignore': 'true' } }),
      job('cloned-job', tagged, { jobId: 'j-cloned', tags: { 'secret-refresh:superseded-by': 'j-clone' } }),
    ];
    const map = build({ services, jobDefinitions: [tagged], jobs, metadata: [dbSecret()] }, mapOptionsFor({ scope }));
    const plan = planRefresh(
      {
        kind: 'secret',
        effect: 'new-current-value',
        reason: 'rotation',
        partition: 'aws',
        region: 'us-east-1',
        account: ACCOUNT,
        name: DB_NAME,
        arn: DB_ARN,
        labels: ['AWSCURRENT'],
        time: '2026-12-01T12:00:00.000Z',
        origin: { channel: 'manual', eventName: 'manual' },
        warnings: [],
      },
      {
        ecs: { regions: ['us-east-1'], clusters: 2, services, problems: [] },
        batch: { regions: ['us-east-1'], queues: 1, jobDefinitions: [tagged], jobs, problems: [] },
      },
      { mode: 'manual', scope, redeployOnPreviousChange: false, batchPolicy: 'report', maxTargets: 50, confirmLarge: false },
    );
    const planned = plan.targets.filter((target) => target.type !== 'batch-job-definition');
    expect(planned).toHaveLength(services.length + jobs.length);
    for (const target of planned) {
      expect(map.targets.find((candidate) => candidate.arn === target.arn)?.scope, target.name).toEqual({ status: target.code, reason: target.reason });
    }
  });

  it('maps Batch job definitions, with and without running jobs, and judges jobs by their start time and policy', () => {
    const nightly = jobDefinition('nightly-report', [DB_ARN], { tags: { 'secret-refresh:batch-policy': 'resubmit' } });
    const adhoc = jobDefinition('adhoc', [DB_ARN]);
    const retired = jobDefinition('retired', [DB_ARN], { status: 'INACTIVE' });
    const map = build({
      jobDefinitions: [nightly, adhoc, retired],
      jobs: [job('nightly-2026-11-30', nightly, { startedAt: '2026-11-30T08:00:00.000Z' })],
      metadata: [dbSecret()],
    });
    expect(map.definitions.map((definition) => [definition.type, definition.name, definition.status, definition.targets.length])).toEqual([
      ['job-definition', 'adhoc:1', 'ACTIVE', 0],
      ['job-definition', 'nightly-report:1', 'ACTIVE', 1],
    ]);
    const [running] = map.targets;
    expect(running).toMatchObject({
      type: 'batch-job',
      jobId: 'nightly-2026-11-30-0001',
      policy: 'resubmit',
      scope: { status: 'in-scope' },
      staleness: { status: 'stale', reason: `started at 2026-11-30T08:00:00.000Z, before ${DB_ARN} changed at 2026-11-30T10:00:00.000Z` },
    });
    expect(map.summary).toMatchObject({ jobDefinitions: 2, jobs: 1, services: 0 });
  });

  it('reports a running job under the report policy as reported, not resubmitted', () => {
    const definition = jobDefinition('etl', [DB_ARN]);
    const map = build({ jobDefinitions: [definition], jobs: [job('etl-run', definition)], metadata: [dbSecret()] });
    expect(map.targets[0]?.scope).toEqual({ status: 'policy-report', reason: 'policy "report": reported, not resubmitted' });
    expect(map.resources[0]?.wouldAct).toBe(0);
  });

  it('passes inventory problems on as warnings', () => {
    const map = build({ problems: [{ region: 'eu-west-1', subject: 'cluster prod', message: 'AccessDenied' }] });
    expect(map.warnings).toEqual(['inventory: eu-west-1 cluster prod: AccessDenied']);
    expect(map.resources).toEqual([]);
    expect(map.summary.inventoryProblems).toBe(1);
    expect(mapIncomplete(map)).toBe(true);
  });

  it('is complete when everything could be read, invalid tags included (they are warnings, not unread parts)', () => {
    const map = build({ services: [service('api', [DB_ARN], { tags: { 'secret-refresh:wave': 'soon' } })], metadata: [dbSecret()] });
    expect(map.warnings).toHaveLength(1);
    expect(map.summary.inventoryProblems).toBe(0);
    expect(mapIncomplete(map)).toBe(false);
  });

  it('takes its options from the configuration', () => {
    const config = loadConfig({
      AWS_REGION: 'us-east-1',
      SECRET_REFRESH_REGIONS: 'us-east-1,eu-west-1',
      SECRET_REFRESH_MAX_TARGETS: '7',
      SECRET_REFRESH_MODE: 'opt-in',
      SECRET_REFRESH_CLUSTERS_EXCLUDE: 'sandbox-*',
    });
    expect(mapOptions(config, ACCOUNT, new Date('2026-12-01T00:00:00Z'))).toEqual({
      generatedAt: '2026-12-01T00:00:00.000Z',
      homeAccount: ACCOUNT,
      watchedRegions: ['us-east-1', 'eu-west-1'],
      maxTargets: 7,
      scope: { include: [], exclude: ['sandbox-*'], optIn: true },
      redeployOnPreviousChange: false,
      batchPolicy: 'report',
    });
  });
});

describe('buildSecretsMap: metadata look-ups', () => {
  it('asks once per distinct resource of the home account, pinned ones included, never another account', () => {
    const services = [
      service('a', [DB_ARN, `${DB_ARN}:::${OLD_VERSION}`, '/demo/flags']),
      service('b', [DB_ARN, 'arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/key-Qw34Er', 'arn:aws:ssm:eu-west-1:111122223333:parameter/shared/x']),
    ];
    expect(mapMetadataQueries({ services }, mapOptionsFor())).toEqual([
      { kind: 'secret', id: DB_ARN, region: 'us-east-1' },
      { kind: 'parameter', id: '/demo/flags', region: 'us-east-1' },
      { kind: 'parameter', id: '/shared/x', region: 'eu-west-1' },
    ]);
  });

  it('looks for a parameter read by name in the other watched Regions only when it is missing in its own', () => {
    const services = [service('a', ['/shared/flag', '/demo/present'])];
    const first = [notFound('parameter', '/shared/flag', 'us-east-1'), parameterFound('/demo/present', 'us-east-1')];
    expect(otherRegionQueries({ services }, first, mapOptionsFor({ watchedRegions: ['us-east-1', 'eu-west-1', 'ap-south-1'] }))).toEqual([
      { kind: 'parameter', id: '/shared/flag', region: 'eu-west-1' },
      { kind: 'parameter', id: '/shared/flag', region: 'ap-south-1' },
    ]);
  });
});

describe('buildSecretsMap: findings', () => {
  it('missing: a referenced secret that does not exist fails new tasks (error), naming every affected reader', () => {
    const map = build({
      services: [service('api', [DB_ARN]), service('worker', [DB_ARN], { family: 'worker' })],
      metadata: [notFound('secret', DB_ARN, 'us-east-1')],
    });
    expect(map.resources[0]).toMatchObject({ status: 'missing', statusReason: 'secret not found in us-east-1', name: `${DB_NAME}-Ab12Cd` });
    expect(findings(map, 'missing')).toEqual([
      {
        code: 'missing',
        severity: 'error',
        message: `secret ${DB_NAME}-Ab12Cd (us-east-1, ${ACCOUNT}) does not exist: new tasks and jobs that read it fail to start`,
        action: FINDING_CATALOG.missing.action,
        resource: DB_ARN,
        definitions: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/api:1`, `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/worker:1`],
        targets: [`arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api`, `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/worker`],
      },
    ]);
    expect(map.summary).toMatchObject({ broken: 1, findings: { error: 1 } });
    expect(target(map, 'api').staleness.status).toBe('unknown');
  });

  it('missing: also for a parameter, and for a job definition with no running job', () => {
    const definition = jobDefinition('etl', ['/demo/etl/token']);
    const map = build({ jobDefinitions: [definition], metadata: [notFound('parameter', '/demo/etl/token', 'us-east-1')] });
    expect(findings(map, 'missing')).toMatchObject([
      {
        message: `parameter /demo/etl/token (us-east-1, ${ACCOUNT}) does not exist: new tasks and jobs that read it fail to start`,
        definitions: [definition.arn],
        targets: [],
      },
    ]);
  });

  it('scheduled-for-deletion: DescribeSecret has a DeletedDate (error), with a restore command', () => {
    const map = build({ services: [service('api', [DB_ARN])], metadata: [dbSecret({ deletedDate: new Date('2026-11-29T08:00:00Z') })] });
    expect(map.resources[0]).toMatchObject({ status: 'scheduled-for-deletion', deletedDate: '2026-11-29T08:00:00.000Z' });
    expect(findings(map, 'scheduled-for-deletion')).toMatchObject([
      {
        severity: 'error',
        message: `secret ${DB_NAME} (us-east-1, ${ACCOUNT}) is scheduled for deletion (DeletedDate 2026-11-29T08:00:00.000Z): new tasks and jobs that read it fail to start`,
        action: `restore it (aws secretsmanager restore-secret --secret-id ${DB_ARN} --region us-east-1), or move the definitions off it before it is deleted`,
        targets: [`arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api`],
      },
    ]);
    expect(findings(map, 'missing')).toEqual([]);
  });

  it('name-only-other-region: a parameter read by name that exists only in another watched Region (error, use the ARN)', () => {
    const map = build({
      services: [service('api', ['/shared/flag']), service('worker', ['arn:aws:ssm:us-east-1:111122223333:parameter/shared/flag'], { family: 'worker' })],
      metadata: [notFound('parameter', '/shared/flag', 'us-east-1'), parameterFound('/shared/flag', 'eu-west-1')],
    });
    expect(map.resources[0]).toMatchObject({ status: 'missing', foundInRegions: ['eu-west-1'] });
    expect(findings(map, 'name-only-other-region')).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: 'parameter /shared/flag is read by name in us-east-1, where it does not exist; it exists in eu-west-1',
        action: `reference it by its full ARN: arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shared/flag`,
        targets: [`arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/api`],
      }),
    ]);
    // The ARN reference names the us-east-1 parameter explicitly: that one is plainly missing.
    expect(findings(map, 'missing').map((finding) => finding.targets)).toEqual([[`arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/worker`]]);
  });

  it('awspending-pin: the parser note becomes a warning on the reference', () => {
    const map = build({ services: [service('api', [`${DB_ARN}::AWSPENDING:`])], metadata: [dbSecret()] });
    expect(findings(map, 'awspending-pin')).toMatchObject([
      { severity: 'warning', valueFrom: `${DB_ARN}::AWSPENDING:`, resource: DB_ARN, message: expect.stringContaining('pinned to AWSPENDING') },
    ]);
    expect(map.resources[0]?.uses[0]?.pinLabel).toBe('staging label "AWSPENDING"');
  });

  it('stage-and-version-pin: still mapped to its secret; an error that says whether it works now', () => {
    const holds = `${DB_ARN}::AWSCURRENT:${CURRENT_VERSION}`;
    const moved = `${DB_ARN}:password:AWSCURRENT:${OLD_VERSION}`;
    const map = build({ services: [service('api', [holds]), service('worker', [moved], { family: 'worker' })], metadata: [dbSecret()] });
    expect(map.resources).toHaveLength(1);
    expect(map.resources[0]?.uses.map((use) => use.pin)).toEqual([
      { type: 'stage-and-version', stage: 'AWSCURRENT', versionId: CURRENT_VERSION },
      { type: 'stage-and-version', stage: 'AWSCURRENT', versionId: OLD_VERSION },
    ]);
    expect(findings(map, 'stage-and-version-pin').map((finding) => [finding.severity, finding.message])).toEqual([
      [
        'error',
        `${holds} pins staging label "AWSCURRENT" and version id ${CURRENT_VERSION} at once: the label is on that version now, so it reads until "AWSCURRENT" moves`,
      ],
      [
        'error',
        `${moved} pins staging label "AWSCURRENT" and version id ${OLD_VERSION} at once: "AWSCURRENT" is no longer on that version, so reading it fails now`,
      ],
    ]);
    expect(findings(map, 'unparseable-reference')).toEqual([]);
    expect(map.resources[0]?.wouldAct).toBe(0);
  });

  it('unwatched-region: a reference into a Region this deployment does not watch (warning instead of the cross-region note)', () => {
    const arn = `arn:aws:secretsmanager:ap-south-1:${ACCOUNT}:secret:mumbai/key-Xy12Zz`;
    const map = build({
      services: [service('api', [arn])],
      metadata: [secretFound(arn, 'ap-south-1', { arn, name: 'mumbai/key' })],
    });
    expect(findings(map, 'unwatched-region')).toMatchObject([
      {
        severity: 'warning',
        resource: arn,
        message: 'secret mumbai/key-Xy12Zz is in Region ap-south-1, which this deployment does not watch (us-east-1, eu-west-1)',
      },
    ]);
    expect(findings(map, 'cross-region')).toEqual([]);
  });

  it('cross-region: a reference into another watched Region keeps the parser note (info)', () => {
    const arn = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shared/x`;
    const map = build({ services: [service('api', [arn])], metadata: [parameterFound('/shared/x', 'eu-west-1')] });
    expect(findings(map, 'cross-region')).toMatchObject([
      {
        severity: 'info',
        valueFrom: arn,
        message: expect.stringContaining('cross-Region reference: it is in Region eu-west-1 but the workload runs in us-east-1'),
      },
    ]);
    expect(findings(map, 'unwatched-region')).toEqual([]);
  });

  it('other-account: a secret of another account is not looked up (warning, refresh by hand)', () => {
    const arn = `arn:aws:secretsmanager:us-east-1:${OTHER_ACCOUNT}:secret:shared/key-Qw34Er`;
    const map = build({ services: [service('api', [arn])] });
    expect(map.resources[0]).toMatchObject({ status: 'not-checked', statusReason: `in account ${OTHER_ACCOUNT}, not ${ACCOUNT}: not looked up` });
    expect(findings(map, 'other-account')).toMatchObject([
      {
        severity: 'warning',
        message: `secret shared/key-Qw34Er belongs to account ${OTHER_ACCOUNT}, not ${ACCOUNT}: its change events are refused here`,
        action: `after changing it, run secret-refresh refresh --ref ${arn} in account ${ACCOUNT}`,
      },
    ]);
    expect(findings(map, 'cross-account')).toEqual([]);
    expect(findings(map, 'missing')).toEqual([]);
  });

  it('cross-account: the parser note shows when the workload runs in another account than the resource', () => {
    const member = { partition: 'aws', region: 'us-east-1', account: OTHER_ACCOUNT };
    const map = build({
      services: [service('api', [found(DB_ARN, { context: member })], { account: OTHER_ACCOUNT })],
      metadata: [dbSecret()],
    });
    expect(findings(map, 'cross-account')).toMatchObject([
      {
        severity: 'info',
        message: expect.stringContaining(`cross-account reference: it belongs to account ${ACCOUNT} but the workload runs in account ${OTHER_ACCOUNT}`),
      },
    ]);
  });

  it('mutable-image-tag: a container image without a digest, once per image, only when images are known', () => {
    const map = build({
      services: [
        service('api', [DB_ARN], {
          containers: [
            { name: 'app', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4' },
            { name: 'proxy', image: 'envoyproxy/envoy' },
            { name: 'pinned', image: `public.ecr.aws/x/y:2@${DIGEST}` },
            { name: 'unknown' },
          ],
        }),
        service('worker', [DB_ARN], { family: 'worker', containers: [{ name: 'proxy', image: 'envoyproxy/envoy' }] }),
        service('no-images', [DB_ARN], { family: 'no-images' }),
      ],
      metadata: [dbSecret()],
    });
    expect(findings(map, 'mutable-image-tag').map((finding) => [finding.image, finding.targets.length, finding.severity])).toEqual([
      ['123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4', 1, 'warning'],
      ['envoyproxy/envoy', 2, 'warning'],
    ]);
    expect(map.definitions.find((definition) => definition.name === 'api:1')?.containers).toHaveLength(3);
    expect(map.definitions.find((definition) => definition.name === 'no-images:1')).not.toHaveProperty('containers');
  });

  it('over-max-targets: more in-scope readers of the current value than SECRET_REFRESH_MAX_TARGETS', () => {
    const services = [
      service('a', [DB_ARN]),
      service('b', [DB_ARN]),
      service('c', [DB_ARN]),
      service('ignored', [DB_ARN], { tags: { 'secret-refresh:ignore': 'true' } }),
      service('previous', [`${DB_ARN}::AWSPREVIOUS:`]),
    ];
    const map = build({ services, metadata: [dbSecret()] }, mapOptionsFor({ maxTargets: 2 }));
    expect(map.resources[0]?.wouldAct).toBe(3);
    expect(findings(map, 'over-max-targets')).toMatchObject([
      {
        severity: 'warning',
        message: `secret ${DB_NAME} (us-east-1, ${ACCOUNT}): its next change would act on 3 targets, more than SECRET_REFRESH_MAX_TARGETS=2: the automatic refresh will be refused`,
        targets: ['a', 'b', 'c'].map((name) => `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/${name}`),
      },
    ]);
    const withPrevious = build({ services, metadata: [dbSecret()] }, mapOptionsFor({ maxTargets: 3, redeployOnPreviousChange: true }));
    expect(withPrevious.resources[0]?.wouldAct).toBe(4);
    expect(findings(withPrevious, 'over-max-targets')).toHaveLength(1);
    expect(findings(build({ services, metadata: [dbSecret()] }, mapOptionsFor({ maxTargets: 3 })), 'over-max-targets')).toEqual([]);
  });

  it('unparseable-reference: what the parser refused, with its message', () => {
    const bad = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:demo/x:password`;
    const map = build({ services: [service('api', [bad])] });
    expect(map.resources).toEqual([]);
    expect(map.definitions[0]?.unparsed).toMatchObject([{ valueFrom: bad, container: 'app' }]);
    expect(findings(map, 'unparseable-reference')).toMatchObject([
      { severity: 'warning', valueFrom: bad, message: expect.stringContaining('app (secrets VALUE): ') },
    ]);
    expect(findings(map, 'unparseable-reference')[0]?.message).toContain('an invalid ARN format for the AWS Secrets Manager secret was specified');
  });

  it('metadata-unreadable: a failed look-up leaves existence unknown (info), never "missing"', () => {
    const map = build({
      services: [service('api', [DB_ARN])],
      metadata: [lookUpFailed('secret', DB_ARN, 'us-east-1', 'AccessDeniedException: not authorized')],
    });
    expect(map.resources[0]).toMatchObject({ status: 'unreadable', statusReason: 'metadata could not be read: AccessDeniedException: not authorized' });
    expect(findings(map, 'metadata-unreadable')).toMatchObject([
      { severity: 'info', message: `secret ${DB_NAME}-Ab12Cd (us-east-1, ${ACCOUNT}): metadata could not be read: AccessDeniedException: not authorized` },
    ]);
    expect(findings(map, 'missing')).toEqual([]);
    // What could not be read is counted and said, as the audit says it: the map is incomplete.
    expect(map.warnings).toEqual([`inventory: us-east-1 DescribeSecret ${DB_ARN}: AccessDeniedException: not authorized`]);
    expect(map.summary.inventoryProblems).toBe(1);
    expect(mapIncomplete(map)).toBe(true);
  });

  it('invalid-parameter-name and secret-name-in-secrets: a Secrets Manager name written in secrets[]', () => {
    const map = build({ services: [service('api', [DB_NAME])], metadata: [notFound('parameter', DB_NAME, 'us-east-1')] });
    expect(map.resources[0]).toMatchObject({ kind: 'parameter', name: `/${DB_NAME}` });
    expect(findings(map, 'secret-name-in-secrets')).toMatchObject([
      { severity: 'warning', valueFrom: DB_NAME, message: expect.stringContaining('looks like a Secrets Manager secret name') },
    ]);
    expect(findings(map, 'invalid-parameter-name')).toMatchObject([
      { severity: 'warning', message: expect.stringContaining('a name with "/" levels must start with "/"') },
    ]);
  });

  it('ssm-selector: a version selector on a parameter (warning), pinned and not judged', () => {
    const map = build({
      services: [service('api', ['/demo/flags:3'])],
      metadata: [parameterFound('/demo/flags', 'us-east-1', { lastModifiedDate: new Date('2026-11-30T10:00:00Z') })],
    });
    expect(findings(map, 'ssm-selector')).toMatchObject([{ severity: 'warning', valueFrom: '/demo/flags:3' }]);
    expect(map.resources[0]?.uses[0]?.pin).toEqual({ type: 'selector', selector: '3' });
    expect(target(map, 'api').staleness.status).toBe('unknown');
  });

  it('double-slash-arn: a hand-built parameter ARN with "//" (info), read as the parameter without it', () => {
    const arn = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter//demo/flags`;
    const map = build({ services: [service('api', [arn])], metadata: [parameterFound('/demo/flags', 'us-east-1')] });
    expect(findings(map, 'double-slash-arn')).toMatchObject([{ severity: 'info', valueFrom: arn }]);
    expect(map.resources[0]).toMatchObject({ id: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/demo/flags`, status: 'exists' });
  });

  it('lists errors first, then warnings, then info, and counts them in the summary', () => {
    const map = build({
      services: [service('api', [DB_ARN, `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/x`, '/demo/flags:3'])],
      metadata: [notFound('secret', DB_ARN, 'us-east-1'), parameterFound('/x', 'eu-west-1'), parameterFound('/demo/flags', 'us-east-1')],
    });
    expect(map.findings.map((finding) => finding.severity)).toEqual(['error', 'warning', 'info']);
    expect(map.summary.findings).toEqual({ error: 1, warning: 1, info: 1 });
  });
});
