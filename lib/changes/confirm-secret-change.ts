/**
 * Confirmation of a secret change with one DescribeSecret call before anything is redeployed.
 *
 * Why: events arrive late, twice and out of order. A version that an event says became AWSCURRENT may already
 * have been replaced; redeploying for it would be wasted (the later change triggers its own refresh), and the
 * dedupe key `(ARN, versionId)` must name the version that is really current. DescribeSecret also gives the
 * full ARN and the true name (never guessed from an ARN suffix), and tells whether the secret is being deleted.
 * It returns metadata only, never the value. A change that arrives from a replica's Region is normalised to the
 * primary (one more DescribeSecret), so it has the same identity as the primary's own event.
 */

import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../references/secret-pin.js';
import type { EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { primaryOf, replicasOf } from './secret-replicas.js';
import type { Change, MetadataDirectory, SecretMetadata } from './types.js';

/** Labels that never mean a value consumers read has changed: rotation bookkeeping. */
export const ROTATION_LABELS: ReadonlySet<string> = new Set([AWSPENDING, AWSPREVIOUS]);

/** What an event claims happened to a secret, before it is confirmed. */
export interface SecretChangeClaim {
  /** The id to describe: the full ARN when the event has it, else what the caller passed (name or partial ARN). */
  readonly secretId: string;
  /** The full ARN when the event carried it, kept on `none` results. */
  readonly eventArn?: string | undefined;
  /** A name for `none` results when DescribeSecret has none to give (see `fallbackSecretName`). */
  readonly fallbackName: string;
  readonly effect: 'new-current-value' | 'label-moved';
  /** The version the labels moved to; when unknown (RotationSucceeded), the version now carrying `labels[0]`. */
  readonly versionId?: string | undefined;
  /** Labels that moved; `AWSCURRENT` first for `new-current-value`. */
  readonly labels: readonly string[];
  /** Reason used when the claim is confirmed. */
  readonly reason: string;
  /** Reason used when `versionId` is not a version of the secret at all (e.g. UpdateSecret without a value). */
  readonly noSuchVersionReason?: string;
}

function versionCarrying(secret: SecretMetadata, label: string): string | undefined {
  return Object.entries(secret.versionIdsToStages).find(([, stages]) => stages.includes(label))?.[0];
}

/**
 * Confirm `claim` against DescribeSecret (exactly one call) and return the resulting change.
 *
 * - secret gone → `none` ("secret no longer exists");
 * - scheduled for deletion → `none` with a warning;
 * - `versionId` no longer carries the moved label → `none` ("superseded …");
 * - otherwise the claimed effect, with the name and full ARN from DescribeSecret.
 */
export async function confirmSecretChange(claim: SecretChangeClaim, scope: EventScope, directory: MetadataDirectory): Promise<Change> {
  const described = await directory.describeSecret(claim.secretId, scope.region);
  if (described === undefined) {
    return buildChange(scope, {
      effect: 'none',
      reason: `secret no longer exists: DescribeSecret found no secret "${claim.secretId}" in ${scope.region}`,
      name: claim.fallbackName,
      arn: claim.eventArn,
      versionId: claim.versionId,
    });
  }
  const primary = await primaryOf(described, scope.region, directory);
  const { secret } = primary;
  const fromReplica = primary.region !== scope.region;
  const where: EventScope = fromReplica ? { ...scope, region: primary.region } : scope;
  if (secret.deletedDate !== undefined) {
    const warning = `secret ${secret.name} is scheduled for deletion (since ${secret.deletedDate.toISOString()}): it cannot be read, so new tasks that reference it fail to start`;
    return buildChange(where, {
      effect: 'none',
      reason: `not redeploying: ${warning}`,
      name: secret.name,
      arn: secret.arn,
      versionId: claim.versionId,
      warnings: [warning],
    });
  }

  const primaryLabel = claim.labels[0] ?? AWSCURRENT;
  const versionId = claim.versionId ?? versionCarrying(secret, primaryLabel);
  // RotationSucceeded names no version: the one read from DescribeSecret became current at the latest when the
  // secret last changed (LastChangedDate), which may be after the event's time.
  const metadataChangedAt = claim.versionId === undefined ? secret.lastChangedDate : undefined;
  const stages = versionId === undefined ? undefined : secret.versionIdsToStages[versionId];
  if (versionId === undefined || stages === undefined) {
    return buildChange(where, {
      effect: 'none',
      reason:
        versionId === undefined
          ? `no version of secret ${secret.name} carries ${primaryLabel}`
          : (claim.noSuchVersionReason ?? `superseded: version ${versionId} no longer exists; the later change triggers its own refresh`),
      name: secret.name,
      arn: secret.arn,
      stale: versionId !== undefined && claim.noSuchVersionReason === undefined,
    });
  }

  const stillCarried = claim.labels.filter((label) => stages.includes(label));
  const confirmed = claim.effect === 'new-current-value' ? stillCarried.includes(AWSCURRENT) : stillCarried.length > 0;
  if (!confirmed) {
    const moved = claim.effect === 'new-current-value' ? AWSCURRENT : claim.labels.join(', ');
    return buildChange(where, {
      effect: 'none',
      reason: `superseded: version ${versionId} no longer carries ${moved}; the later change triggers its own refresh`,
      name: secret.name,
      arn: secret.arn,
      versionId,
      stale: true,
    });
  }
  const replicas = replicasOf(secret);
  const warnings = [...primary.warnings, ...replicas.warnings];
  return buildChange(where, {
    effect: claim.effect,
    reason: fromReplica
      ? `${claim.reason} (signalled in replica Region ${scope.region}; handled as the change of the primary in ${primary.region})`
      : claim.reason,
    name: secret.name,
    arn: secret.arn,
    versionId,
    labels: stillCarried,
    metadataChangedAt,
    tags: secret.tags,
    replicaRegions: replicas.replicaRegions,
    ...(warnings.length > 0 ? { warnings } : {}),
  });
}
