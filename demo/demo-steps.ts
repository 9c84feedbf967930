/**
 * The demo's steps against whatever the SDK points at (moto): the whole pipeline on the seeded demo account. Used by
 * `npm run demo` (demo/run-demo.ts) and by the integration test that runs README's CLI examples on the account the
 * demo leaves behind.
 *
 * 1. seeds 19 ECS services in 3 clusters and 2 Regions;
 * 2. a burst, handled as one batch as the intake queue gathers it in one settle window: a rotation of secret
 *    demo/orders/db (its CloudTrail UpdateSecretVersionStage and its Secret Label Updated), an AWSPENDING
 *    PutSecretValue of the next rotation (nothing to do) and a parameter update — one inventory scan, each service
 *    deployed once (payments-api reads both the secret and the parameter: one deployment answers both changes);
 * 3. the rotation's late RotationSucceeded: the change record says it was handled (nothing done);
 * 4. rotates the RDS-style managed secret rds!db-<uuid> (Secret Label Updated: exactly its readers redeployed,
 *    a stage-plus-version pin skipped with a warning), then its managed rotation's RotationSucceeded (deduplicated);
 * 5. dry-runs a manual refresh;
 * 6. rotates again with a blast-radius cap of 3 (the batch is refused: nothing redeployed, every target reported);
 * 7. runs the staleness audit (the services the capped run left behind are stale);
 * 8. builds the secrets map of the account (the runner writes its page).
 *
 * The rotations use the version ids the sample events in events/ name, so that after the demo those samples describe
 * the account: the second rotation of demo/orders/db made version {@link SAMPLE_VERSIONS.rotation} current (moved off
 * {@link SAMPLE_VERSIONS.previous}), the RDS rotation made {@link SAMPLE_VERSIONS.rdsRotation} current.
 */
import { randomUUID } from 'node:crypto';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runAudit } from '../lib/audit/run-audit.js';
import { type FormatOptions, formatAuditReport, formatReport } from '../lib/cli/format-report.js';
import type { Config } from '../lib/config/config.js';
import { mapAccount } from '../lib/map/index.js';
import type { SecretsMap } from '../lib/map/types.js';
import { createPipelineDependencies } from '../lib/pipeline/dependencies.js';
import { type RefreshRequest, runRefresh } from '../lib/pipeline/run-refresh.js';
import type { RefreshReport } from '../lib/report/types.js';
import {
  parameterStoreChangeEvent,
  putSecretValueEvent,
  rotationInput,
  rotationSucceededEvent,
  secretLabelUpdatedEvent,
  updateSecretVersionStageEvent,
} from './demo-events.js';
import { motoEnvironment } from './moto-server.js';
import { rotateSecret } from './rotate-demo-secret.js';
import { DEMO_REGIONS, type DemoAccount, seedDemoAccount } from './seed-demo-account.js';
import { createIdempotencyTable } from './tables.js';

/** The version ids of the sample events in events/ (see the header). */
export const SAMPLE_VERSIONS = {
  /** `removeFromVersionId` of the UpdateSecretVersionStage sample: AWSCURRENT before the sampled rotation. */
  previous: '8e1d4c7b-2a9f-4b3e-8c6d-5f0a1b2c3d4e',
  /** The version the rotation samples of demo/orders/db make current (Secret Label Updated, UpdateSecretVersionStage). */
  rotation: '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90',
  /** The version the RDS samples make current (Secret Label Updated of rds!db-…). */
  rdsRotation: 'b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e',
} as const;

/** The change-record table of the demo. */
export const DEMO_CHANGES_TABLE = 'secret-refresh-demo-changes';

/**
 * The environment the CLI needs to work on the demo account at `motoUrl` (what `npm run demo -- --keep` prints to
 * export): moto's endpoint and dummy credentials, the home Region and both demo Regions. The change-record table
 * stays the demo's own, so README's examples are never answered "replayed".
 */
export function demoEnvironment(motoUrl: string): Record<string, string> {
  return { ...motoEnvironment(motoUrl, DEMO_REGIONS[0]), SECRET_REFRESH_REGIONS: DEMO_REGIONS.join(',') };
}

/**
 * Waits for the next whole second: freshness and the change record compare at whole seconds, counting a deployment
 * in the change's own second as not fresh; in AWS the settle window separates a change from its deployments.
 */
function nextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
}

/** What the demo did, for its exit code and the runner's last words. */
export interface DemoOutcome {
  readonly account: DemoAccount;
  /** The burst's report: one batch (the demo prints its JSON). */
  readonly first: RefreshReport;
  /** The secrets map of the account as the demo left it (the demo writes its page). */
  readonly map: SecretsMap;
  /** True when every step did what it should. */
  readonly ok: boolean;
}

/**
 * Seeds the demo account and runs every step, writing each report with `write`. `config` must name the demo's Regions
 * and {@link DEMO_CHANGES_TABLE}. `format` styles the reports (the runner colours them on a terminal).
 */
export async function runDemoSteps(config: Config, write: (text: string) => void, format: FormatOptions = {}): Promise<DemoOutcome> {
  await createIdempotencyTable(DEMO_CHANGES_TABLE, config.homeRegion);
  const account = await seedDemoAccount();
  const dependencies = createPipelineDependencies(config, { maxAttempts: 2 });
  const run = async (title: string, request: RefreshRequest | RefreshRequest[], dryRun = false) => {
    write(`\n=== ${title}\n`);
    const report = await runRefresh(request, config, dependencies, { dryRun });
    write(formatReport(report, format));
    return report;
  };
  write(`account ${account.account}, ${account.services.length} ECS services in ${config.regions.join(' and ')}\n`);

  const rotation = await rotateSecret(account.secretArn, config.homeRegion, '{"username":"app","password":"v2"}', SAMPLE_VERSIONS.previous);
  const secretEvent = rotationInput(account, rotation, config.homeRegion);
  await new SSMClient({ region: config.homeRegion }).send(
    new PutParameterCommand({ Name: account.parameterName, Value: 'k2', Type: 'SecureString', Overwrite: true }),
  );
  const parameterUpdate = parameterStoreChangeEvent({
    account: account.account,
    region: config.homeRegion,
    name: account.parameterName,
    operation: 'Update',
    time: new Date().toISOString(),
  });
  await nextSecond();
  const first = await run(
    "A burst, handled as one batch (one settle window of the intake queue): a rotation's two signals, an AWSPENDING staging, a parameter update",
    [
      { type: 'event', event: updateSecretVersionStageEvent({ ...secretEvent, previousVersionId: rotation.previousVersionId }), source: 'cloudtrail-1' },
      { type: 'event', event: secretLabelUpdatedEvent(secretEvent), source: 'native-1' },
      {
        type: 'event',
        event: putSecretValueEvent({ ...secretEvent, versionId: randomUUID(), time: new Date().toISOString() }, ['AWSPENDING']),
        source: 'cloudtrail-2',
      },
      { type: 'event', event: parameterUpdate, source: 'ssm-1' },
    ],
  );
  const burstReaders = account.services.filter((service) => service.onSecretRotation === 'redeploy' || service.onParameterUpdate === 'redeploy').length;
  const deployedOnce = first.targets.filter((target) => target.status === 'done');
  const both = first.targets.find((target) => target.name === 'payments-api');
  const oneBatch = deployedOnce.length === burstReaders && both?.changes.length === 2;
  write(
    oneBatch
      ? `The burst of ${first.changes.length} events was one run: one inventory scan, ${deployedOnce.length} services deployed once each; payments-api answers ${both?.changes.join(' and ')}\n`
      : `UNEXPECTED: the burst deployed ${deployedOnce.length} services, ${burstReaders} read a changed value\n`,
  );
  await run('The same rotation, a late signal: RotationSucceeded (the change record says it was handled)', {
    type: 'event',
    event: rotationSucceededEvent(secretEvent),
  });
  const rdsRotation = await rotateSecret(account.rdsSecretArn, config.homeRegion, '{"username":"admin","password":"rds-v2"}', SAMPLE_VERSIONS.rdsRotation);
  const rdsEvent = rotationInput(
    { account: account.account, secretArn: account.rdsSecretArn, secretName: account.rdsSecretName },
    rdsRotation,
    config.homeRegion,
  );
  await nextSecond();
  const rds = await run(`RDS rotated its master user secret ${account.rdsSecretName}: Secret Label Updated (AWSCURRENT)`, {
    type: 'event',
    event: secretLabelUpdatedEvent(rdsEvent),
  });
  const rdsReaders = account.services
    .filter((service) => service.onRdsRotation === 'redeploy')
    .map((service) => service.name)
    .sort();
  const rdsRedeployed = rds.targets
    .filter((target) => target.status === 'done')
    .map((target) => target.name)
    .sort();
  const exactlyItsReaders = JSON.stringify(rdsRedeployed) === JSON.stringify(rdsReaders);
  write(
    exactlyItsReaders
      ? `The RDS rotation redeployed exactly its ${rdsReaders.length} readers: ${rdsRedeployed.join(', ')}\n`
      : `UNEXPECTED: the RDS rotation redeployed [${rdsRedeployed.join(', ')}], its readers are [${rdsReaders.join(', ')}]\n`,
  );
  await run('Same RDS rotation, second signal: RotationSucceeded of the managed rotation (deduplicated)', {
    type: 'event',
    event: rotationSucceededEvent(rdsEvent, 'serviceEventDetails'),
  });
  await run('Manual refresh, dry run: secret-refresh refresh --ref demo/orders/db --dry-run', { type: 'manual', ref: account.secretName }, true);
  const again = await rotateSecret(account.secretArn, config.homeRegion, '{"username":"app","password":"v3"}', SAMPLE_VERSIONS.rotation);
  await nextSecond();
  write('\n=== Second rotation with SECRET_REFRESH_MAX_TARGETS=3: the blast-radius cap refuses the run\n');
  const capped = await runRefresh(
    { type: 'event', event: secretLabelUpdatedEvent({ ...secretEvent, versionId: again.versionId, time: again.time }) },
    { ...config, maxTargets: 3 },
    dependencies,
  );
  write(formatReport(capped, format));
  write('\n=== Staleness audit: secret-refresh audit\n');
  write(formatAuditReport(await runAudit(config, dependencies, new Date()), format));
  const map = await mapAccount(config, dependencies, new Date());
  return { account, first, map, ok: first.summary.done > 0 && first.summary.failed === 0 && oneBatch && exactlyItsReaders && rds.summary.failed === 0 };
}
