import { resourceId } from '../arn/arn.js';
import type { Change } from '../changes/types.js';
import type { ChangedResource, ChangeForMatching } from '../references/types.js';

/**
 * The identity matching needs, from a {@link Change}. For a secret the 6-character suffix is what follows
 * `<name>-` in the full ARN; the name itself comes from the event or DescribeSecret, never from guessing.
 * The replica Regions of a multi-Region secret go along, so readers of a replica are matched; the version id
 * lets a pin to a version with a stage (`…::AWSCURRENT:<versionId>`) tell whether the stage moved off it.
 */
export function changeForMatching(change: Change & { effect: ChangeForMatching['effect'] }): ChangeForMatching {
  return {
    resource: changedResource(change),
    effect: change.effect,
    labels: change.labels,
    ...(change.versionId === undefined ? {} : { versionId: change.versionId }),
  };
}

function changedResource(change: Change): ChangedResource {
  const { partition, region, account } = change;
  if (change.kind === 'parameter') {
    return { kind: 'parameter', partition, region, account, key: change.name.replace(/^\/+/, '') };
  }
  const id = resourceId(change.arn, 'secretsmanager', 'secret:');
  const suffix = id?.startsWith(`${change.name}-`) ? id.slice(change.name.length + 1) : undefined;
  const replicaRegions = change.replicaRegions?.filter((replica) => replica !== region) ?? [];
  return {
    kind: 'secret',
    partition,
    region,
    account,
    name: change.name,
    ...(suffix ? { suffix } : {}),
    ...(replicaRegions.length > 0 ? { replicaRegions } : {}),
  };
}
