import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretMetadata } from '../changes/types.js';
import { awsErrorKind } from './errors.js';

/**
 * DescribeSecret: ARN, name, version → staging labels, deletion date, primary Region and replicas. Metadata only: secret-refresh has no
 * permission to read a value (`secretsmanager:GetSecretValue` is deliberately not granted).
 *
 * @returns `undefined` when the secret does not exist.
 */
export async function describeSecret(client: SecretsManagerClient, secretId: string): Promise<SecretMetadata | undefined> {
  try {
    const output = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (!output.ARN || !output.Name) return undefined;
    return {
      arn: output.ARN,
      name: output.Name,
      versionIdsToStages: output.VersionIdsToStages ?? {},
      ...(output.DeletedDate ? { deletedDate: output.DeletedDate } : {}),
      ...(output.LastChangedDate ? { lastChangedDate: output.LastChangedDate } : {}),
      tags: Object.fromEntries((output.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
      // Multi-Region secrets: where the primary is, and which Regions hold replicas of it.
      ...(output.PrimaryRegion ? { primaryRegion: output.PrimaryRegion } : {}),
      ...(output.ReplicationStatus?.length
        ? {
            replicas: output.ReplicationStatus.flatMap((replica) =>
              replica.Region
                ? [
                    {
                      region: replica.Region,
                      ...(replica.Status ? { status: replica.Status } : {}),
                      ...(replica.StatusMessage ? { statusMessage: replica.StatusMessage } : {}),
                    },
                  ]
                : [],
            ),
          }
        : {}),
    };
  } catch (error) {
    if (awsErrorKind(error) === 'not-found') return undefined;
    throw error;
  }
}

/** The secret's tags (DescribeSecret: metadata only); empty when it does not exist. */
export async function secretTags(client: SecretsManagerClient, secretId: string): Promise<Readonly<Record<string, string>>> {
  return (await describeSecret(client, secretId))?.tags ?? {};
}
