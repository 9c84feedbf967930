/**
 * Multi-Region secrets: a primary secret replicated to other Regions, each replica with the primary's name and
 * suffix in its own Region, each getting the primary's new versions (same version ids). Metadata only.
 *
 * Why here: one change of a replicated secret must have one identity wherever its event comes from. The primary's
 * Region records the change; if a replica Region's event is forwarded too (whether Secrets Manager sends one
 * there, e.g. `Secret Label Updated`, is not documented), it is normalised to the primary's ARN and Region, so
 * its change key (ARN, version, effect) equals the primary event's and the change guard and the already-fresh
 * rule deploy once. The change carries the replica Regions so readers of a replica ARN are matched as well.
 */
import type { MetadataDirectory, SecretMetadata } from './types.js';

/** A secret resolved to its primary: the primary's metadata, the Region it lives in, and what to tell a person. */
export interface PrimarySecret {
  readonly secret: SecretMetadata;
  readonly region: string;
  readonly warnings: readonly string[];
}

/** `arn:<p>:secretsmanager:<region>:…` with another Region field: the same secret id in another Region. */
function inRegion(arn: string, region: string): string {
  const fields = arn.split(':');
  fields[3] = region;
  return fields.join(':');
}

/**
 * The primary of `secret`, described in `region`. A secret that is not a replica (no `PrimaryRegion`, or its
 * own Region) is its own primary, at no cost. A replica costs one more DescribeSecret, of the primary's ARN in
 * the primary's Region. If the primary cannot be found, the replica is kept, with a warning.
 *
 * @example
 * await primaryOf(replica, 'eu-west-1', directory) // → { secret: <primary metadata>, region: 'us-east-1', warnings: [] }
 */
export async function primaryOf(secret: SecretMetadata, region: string, directory: MetadataDirectory): Promise<PrimarySecret> {
  const primaryRegion = secret.primaryRegion;
  if (primaryRegion === undefined || primaryRegion === region) return { secret, region, warnings: [] };
  const primary = await directory.describeSecret(inRegion(secret.arn, primaryRegion), primaryRegion);
  if (primary === undefined) {
    return {
      secret,
      region,
      warnings: [
        `secret ${secret.name} in ${region} is a replica of a primary in ${primaryRegion}, which DescribeSecret could not find there: handled as a change of the replica alone`,
      ],
    };
  }
  return { secret: primary, region: primaryRegion, warnings: [] };
}

/**
 * The replica Regions of a primary secret, and a warning for each replica not `InSync`.
 *
 * Choice where AWS is silent on timing: readers of every replica are matched (a replica gets the primary's value,
 * and dropping them could lose their refresh for good, since a replica Region's own signal deduplicates with the
 * primary's), and a replica still `InProgress` or `Failed` is named, because tasks started there before
 * replication completes read the previous value.
 */
export function replicasOf(secret: SecretMetadata): { readonly replicaRegions: readonly string[]; readonly warnings: readonly string[] } {
  const replicas = secret.replicas ?? [];
  const warnings = replicas
    .filter((replica) => replica.status !== undefined && replica.status !== 'InSync')
    .map(
      (replica) =>
        `replica of secret ${secret.name} in ${replica.region} is ${replica.status}${replica.statusMessage ? ` (${replica.statusMessage})` : ''}: ` +
        'its readers are redeployed, but tasks that start before replication completes read the previous value',
    );
  return { replicaRegions: replicas.map((replica) => replica.region), warnings };
}
