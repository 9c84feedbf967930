/**
 * A CloudTrail event recorded in this account for a call on *another* account's secret (CloudTrail records a
 * cross-account call in the caller's account too): refused like a native event of another account, never
 * matched against this account's secret of the same name, against moto's demo account.
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, rotationSucceededEvent, updateSecretVersionStageEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { main } from '../../lib/cli/main.js';
import { loadConfig } from '../../lib/config/config.js';
import { ForeignAccountError } from '../../lib/errors.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { resetMoto } from '../support/moto.js';
import { recordingPipeline } from '../support/recording-clients.js';

const FOREIGN = '444455556666';
const config = loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' });

async function primaryDeployments(account: DemoAccount): Promise<string[]> {
  const ids: string[] = [];
  for (const service of account.services) {
    const described = await new ECSClient({ region: service.region }).send(new DescribeServicesCommand({ cluster: service.cluster, services: [service.name] }));
    ids.push(described.services?.[0]?.deployments?.find((deployment) => deployment.status === 'PRIMARY')?.id ?? '');
  }
  return ids;
}

describe('a CloudTrail event naming a secret of another account, against moto', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('is refused with ForeignAccountError before any AWS call, though this account has a secret of the same name that just rotated', async () => {
    // This account's demo/orders/db really has a new AWSCURRENT version: matching by name would redeploy 5 services.
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const foreignArn = account.secretArn.replace(`:${account.account}:`, `:${FOREIGN}:`);
    const input = { ...rotationInput(account, rotation), secretArn: foreignArn };
    const events = [
      updateSecretVersionStageEvent({ ...input, previousVersionId: rotation.previousVersionId }),
      rotationSucceededEvent(input),
      rotationSucceededEvent(input, 'serviceEventDetails'),
    ];
    const before = await primaryDeployments(account);

    for (const event of events) {
      const { dependencies, calls } = recordingPipeline();
      const outcome = await runRefresh({ type: 'event', event }, config, dependencies).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(ForeignAccountError);
      expect((outcome as Error).message).toContain(`of account ${FOREIGN}, but the event was recorded for account ${account.account}`);
      expect(calls).toEqual([]);
    }
    expect(await primaryDeployments(account)).toEqual(before);
  });

  it('makes the CLI exit 2 with a one-line message and change nothing', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const foreignArn = account.secretArn.replace(`:${account.account}:`, `:${FOREIGN}:`);
    const file = join(await mkdtemp(join(tmpdir(), 'secret-refresh-foreign-')), 'event.json');
    await writeFile(file, JSON.stringify(rotationSucceededEvent({ ...rotationInput(account, rotation), secretArn: foreignArn })));
    const out = { stdout: '', stderr: '' };
    const before = await primaryDeployments(account);

    const code = await main(['event', file], {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
      env: { ...process.env, SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' },
      readText: async (path: string) => (await import('node:fs/promises')).readFile(path, 'utf8'),
    });

    expect(code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^secret-refresh: RotationSucceeded event detail\.additionalEventData\.SecretId names secret .* of account 444455556666/);
    expect(await primaryDeployments(account)).toEqual(before);
  });
});
