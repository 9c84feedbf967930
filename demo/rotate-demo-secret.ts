import { randomUUID } from 'node:crypto';
import { DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';

/** The versions a simulated rotation moved between, and when AWSCURRENT moved. */
export interface Rotation {
  readonly previousVersionId: string;
  readonly versionId: string;
  readonly time: string;
}

/**
 * Rotates a secret the way a rotation Lambda does (createSecret: PutSecretValue staged AWSPENDING;
 * finishSecret: UpdateSecretVersionStage moves AWSCURRENT), without moto's rotation quirks. `versionId` is the new
 * version's id (the rotation's ClientRequestToken): random unless the demo makes it the one its sample events name.
 */
export async function rotateSecret(secretArn: string, region: string, newValue: string, versionId: string = randomUUID()): Promise<Rotation> {
  const client = new SecretsManagerClient({ region });
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretArn }));
  const previousVersionId = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  if (!previousVersionId) throw new Error(`${secretArn} has no AWSCURRENT version`);
  await client.send(new PutSecretValueCommand({ SecretId: secretArn, ClientRequestToken: versionId, SecretString: newValue, VersionStages: ['AWSPENDING'] }));
  const time = new Date().toISOString();
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretArn,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: versionId,
      RemoveFromVersionId: previousVersionId,
    }),
  );
  return { previousVersionId, versionId, time };
}
