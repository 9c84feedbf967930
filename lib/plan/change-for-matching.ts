import { resourceId } from '../arn/arn.js';
import type { Change } from '../changes/types.js';
import type { ChangedResource, ChangeForMatching } from '../references/types.js';

/**
 * The identity matching needs, from a {@link Change}. For a secret the 6-character suffix is what follows
 * `<name>-` in the full ARN; the name itself comes from the event or DescribeSecret, never from guessing.
 */
export function changeForMatching(change: Change & { effect: ChangeForMatching['effect'] }): ChangeForMatching {
  return { resource: changedResource(change), effect: change.effect, labels: change.labels };
}

function changedResource(change: Change): ChangedResource {
  const { partition, region, account } = change;
  if (change.kind === 'parameter') {
    return { kind: 'parameter', partition, region, account, key: change.name.replace(/^\/+/, '') };
  }
  const id = resourceId(change.arn, 'secretsmanager', 'secret:');
  const suffix = id?.startsWith(`${change.name}-`) ? id.slice(change.name.length + 1) : undefined;
  return { kind: 'secret', partition, region, account, name: change.name, ...(suffix ? { suffix } : {}) };
}
