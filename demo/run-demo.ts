/**
 * `npm run demo`: the whole pipeline against a local AWS (moto_server), seeded with a demo account.
 *
 * 1. starts moto_server on a free loopback port and seeds 19 ECS services in 3 clusters and 2 Regions;
 * 2. a burst, handled as one batch as the intake queue gathers it in one settle window: a rotation of secret
 *    demo/orders/db (its CloudTrail UpdateSecretVersionStage and its Secret Label Updated), an AWSPENDING
 *    PutSecretValue of the next rotation (nothing to do) and a parameter update — one inventory scan, each service
 *    deployed once (payments-api reads both the secret and the parameter: one deployment answers both changes);
 * 3. the rotation's late RotationSucceeded: the change record says it was handled (nothing done);
 * 4. rotates the RDS-style managed secret rds!db-<uuid> (Secret Label Updated: exactly its readers redeployed,
 *    a stage-plus-version pin skipped with a warning), then its managed rotation's RotationSucceeded (deduplicated);
 * 5. dry-runs a manual refresh;
 * 6. rotates again with a blast-radius cap of 3 (the batch is refused: nothing redeployed, every target reported);
 * 7. runs the staleness audit (the services the capped run left behind are stale); prints every report; stops moto.
 */

import { randomUUID } from 'node:crypto';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runAudit } from '../lib/audit/run-audit.js';
import { formatAuditReport, formatReport } from '../lib/cli/format-report.js';
import { loadConfig } from '../lib/config/config.js';
import { errorMessage } from '../lib/errors.js';
import { createPipelineDependencies } from '../lib/pipeline/dependencies.js';
import { type RefreshRequest, runRefresh } from '../lib/pipeline/run-refresh.js';
import {
  parameterStoreChangeEvent,
  putSecretValueEvent,
  rotationInput,
  rotationSucceededEvent,
  secretLabelUpdatedEvent,
  updateSecretVersionStageEvent,
} from './demo-events.js';
import { motoEnvironment, startMotoServer } from './moto-server.js';
import { rotateSecret } from './rotate-demo-secret.js';
import { DEMO_REGIONS, seedDemoAccount } from './seed-demo-account.js';
import { createIdempotencyTable } from './tables.js';

const TABLE = 'secret-refresh-demo-changes';

/**
 * Waits for the next whole second: freshness and the change record compare at whole seconds, counting a deployment
 * in the change's own second as not fresh; in AWS the settle window separates a change from its deployments.
 */
function nextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
}

async function demo(): Promise<number> {
  const moto = await startMotoServer();
  try {
    Object.assign(process.env, motoEnvironment(moto.url, DEMO_REGIONS[0]), {
      SECRET_REFRESH_REGIONS: DEMO_REGIONS.join(','),
      SECRET_REFRESH_IDEMPOTENCY_TABLE: TABLE,
    });
    const config = loadConfig(process.env);
    await createIdempotencyTable(TABLE, config.homeRegion);
    const account = await seedDemoAccount();
    const dependencies = createPipelineDependencies(config, { maxAttempts: 2 });
    const run = async (title: string, request: RefreshRequest | RefreshRequest[], dryRun = false) => {
      process.stdout.write(`\n=== ${title}\n`);
      const report = await runRefresh(request, config, dependencies, { dryRun });
      process.stdout.write(formatReport(report));
      return report;
    };
    process.stdout.write(
      `secret-refresh demo: moto at ${moto.url}, account ${account.account}, ${account.services.length} ECS services in ${DEMO_REGIONS.join(' and ')}\n`,
    );

    const rotation = await rotateSecret(account.secretArn, config.homeRegion, '{"username":"app","password":"v2"}');
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
    process.stdout.write(
      oneBatch
        ? `The burst of ${first.changes.length} events was one run: one inventory scan, ${deployedOnce.length} services deployed once each; payments-api answers ${both?.changes.join(' and ')}\n`
        : `UNEXPECTED: the burst deployed ${deployedOnce.length} services, ${burstReaders} read a changed value\n`,
    );
    await run('The same rotation, a late signal: RotationSucceeded (the change record says it was handled)', {
      type: 'event',
      event: rotationSucceededEvent(secretEvent),
    });
    const rdsRotation = await rotateSecret(account.rdsSecretArn, config.homeRegion, '{"username":"admin","password":"rds-v2"}');
    await nextSecond();
    const rdsEvent = rotationInput(
      { account: account.account, secretArn: account.rdsSecretArn, secretName: account.rdsSecretName },
      rdsRotation,
      config.homeRegion,
    );
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
    process.stdout.write(
      exactlyItsReaders
        ? `The RDS rotation redeployed exactly its ${rdsReaders.length} readers: ${rdsRedeployed.join(', ')}
`
        : `UNEXPECTED: the RDS rotation redeployed [${rdsRedeployed.join(', ')}], its readers are [${rdsReaders.join(', ')}]
`,
    );
    await run('Same RDS rotation, second signal: RotationSucceeded of the managed rotation (deduplicated)', {
      type: 'event',
      event: rotationSucceededEvent(rdsEvent, 'serviceEventDetails'),
    });
    await run('Manual refresh, dry run: secret-refresh refresh --ref demo/orders/db --dry-run', { type: 'manual', ref: account.secretName }, true);
    const again = await rotateSecret(account.secretArn, config.homeRegion, '{"username":"app","password":"v3"}');
    await nextSecond();
    process.stdout.write('\n=== Second rotation with SECRET_REFRESH_MAX_TARGETS=3: the blast-radius cap refuses the run\n');
    const capped = await runRefresh(
      { type: 'event', event: secretLabelUpdatedEvent({ ...secretEvent, versionId: again.versionId, time: again.time }) },
      { ...config, maxTargets: 3 },
      dependencies,
    );
    process.stdout.write(formatReport(capped));
    process.stdout.write('\n=== Staleness audit: secret-refresh audit\n');
    process.stdout.write(formatAuditReport(await runAudit(config, dependencies, new Date())));
    process.stdout.write(`\nThe burst redeployed ${first.summary.done} service(s) in one run; the JSON report of that batch:\n`);
    process.stdout.write(`${JSON.stringify(first, null, 2)}\n`);
    return first.summary.done > 0 && first.summary.failed === 0 && oneBatch && exactlyItsReaders && rds.summary.failed === 0 ? 0 : 1;
  } finally {
    await moto.stop();
  }
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
