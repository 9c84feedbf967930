import type { AwsClients } from '../aws/clients.js';
import { mapWithConcurrency } from '../aws/concurrency.js';
import { type EcrImage, ecrImage, isPinnedByDigest, resolveImageTag, type TagResolution } from '../aws/ecr.js';
import { describeRevisionImages, describeTargetRevisions } from '../aws/ecs.js';
import { awsErrorKind } from '../aws/errors.js';
import { errorText } from '../errors.js';
import type { ContainerImageRecord } from '../inventory/types.js';
import type { PlannedEcsService } from '../plan/types.js';
import type { ContainerImageDrift, ImageDriftReport } from '../report/types.js';

/**
 * @internal The image drift guard of the ECS deploy step (lib/actions/force-new-deployments.ts).
 *
 * ECS resolves a container's image tag to a digest once per deployment (software version consistency) and
 * runs that digest for the deployment's life. A forced new deployment resolves the tag *again*: a container
 * that names a mutable tag (`:latest`, any reference without `@sha256:`) ships whatever the tag points to now.
 * Before redeploying, this compares, per container, the digest the service's current deployment runs
 * (DescribeServiceDeployments → its target revision → DescribeServiceRevisions `containerImages[].imageDigest`)
 * with the digest the tag resolves to now (ECR DescribeImages). Read-only calls only.
 *
 * Exempt, so never looked up: containers pinned by digest (nothing can move) and containers with
 * `versionConsistency: disabled` (ECS never pinned a digest for them: every new task already pulls the tag).
 * Images outside ECR private registries (Docker Hub, ECR Public, others) cannot be resolved: `unknown`, said so.
 * Every lookup failure is `unknown` with its cause, never a failed target: the guard must not lose a refresh.
 *
 * Where the AWS docs are silent, the choice that never loses a refresh:
 * - ECS records resolved digests only where it enforces version consistency (Fargate platform 1.4.0+, ECS agent
 *   1.70.0+, services deployed since 2024-06-25); the docs do not say whether every launch type's revision
 *   carries them. A container without a recorded digest is `unknown`, and `block` never blocks on `unknown`.
 * - For a multi-architecture image, DescribeImages gives the digest of the image index the tag points to; that
 *   ECS records the same index digest (not a platform manifest's) is inferred from "the digest of the image
 *   manifest" in the ECS docs, not stated. Were it not so, the guard would report drift that is not there: a
 *   false alarm with `warn`, a skipped refresh with `block` — reported, with both digests, never silent.
 *
 * The look-ups are done for a whole wave at once: 20 service deployments and 20 revisions a call, one
 * DescribeImages per distinct image, `concurrency` calls in flight.
 *
 * @returns one entry per target, in order: the finding, or `undefined` when there is nothing to say.
 */
export async function inspectImageDrift(
  targets: readonly PlannedEcsService[],
  clients: AwsClients,
  concurrency: number,
): Promise<(ImageDriftReport | undefined)[]> {
  // Stryker disable next-line ArrayDeclaration: a placeholder container has no image, so it is left out like none
  const checked = new Map(targets.map((target) => [target, mutableContainers(target.images?.containers ?? [])]));
  // Stryker disable next-line ArrayDeclaration: `checked` holds every target (built from `targets` above)
  const needsLookup = targets.filter((target) => (checked.get(target) ?? []).some((container) => container.ecr));
  const running = await runningDigests(needsLookup, clients, concurrency);
  // Only tags whose running digest is known are worth resolving.
  const comparable = needsLookup.flatMap((target) => {
    const known = running.get(target);
    // Stryker disable next-line ArrayDeclaration: `checked` holds every target; a placeholder in `comparable` has no ECR image, so resolveTags skips it
    return known && 'digests' in known ? (checked.get(target) ?? []).filter((container) => container.ecr && known.digests.has(container.name)) : [];
  });
  const resolutions = await resolveTags(comparable, clients, concurrency);
  return targets.map((target) => {
    // Stryker disable next-line ArrayDeclaration: `checked` holds every target
    const containers = (checked.get(target) ?? []).flatMap((container) => {
      const drift = containerDrift(container, running.get(target), resolutions);
      return drift ? [drift] : [];
    });
    if (containers.length === 0) return undefined;
    return { status: containers.some((container) => container.status === 'drift') ? 'drift' : 'unknown', containers };
  });
}

/** A container whose image can move under a forced deployment, with its ECR repository when it has one. */
interface MutableContainer {
  readonly name: string;
  readonly image: string;
  readonly ecr?: EcrImage;
}

function mutableContainers(containers: readonly ContainerImageRecord[]): MutableContainer[] {
  return containers.flatMap((container) => {
    const { image } = container;
    if (!image || isPinnedByDigest(image) || container.versionConsistency === 'disabled') return [];
    const ecr = ecrImage(image);
    return [{ name: container.name, image, ...(ecr ? { ecr } : {}) }];
  });
}

/** Per target: container name → the digest its current deployment runs, or why that is unknown. */
type RunningImages = { readonly digests: ReadonlyMap<string, string> } | { readonly unknown: string };

/**
 * The digests each target's current deployment runs. The revision is the current service deployment's target
 * revision; without a `currentServiceDeployment` (services not deployed since ECS introduced service deployments
 * on 2024-10-25, or an API that does not return it) a single current revision is used, and otherwise it is
 * unknown.
 */
async function runningDigests(targets: readonly PlannedEcsService[], clients: AwsClients, concurrency: number): Promise<Map<PlannedEcsService, RunningImages>> {
  const result = new Map<PlannedEcsService, RunningImages>();
  const byRegion = new Map<string, PlannedEcsService[]>();
  // Stryker disable next-line ArrayDeclaration: a placeholder in a Region's group gets a finding of its own that nothing reads
  for (const target of targets) byRegion.set(target.region, [...(byRegion.get(target.region) ?? []), target]);
  for (const [region, group] of byRegion) {
    const client = clients.ecs(region);
    // Stryker disable next-line OptionalChaining: a target needs a look-up only for containers from its `images`, so `images` is set
    const deploymentArns = group.flatMap((target) => (target.images?.currentServiceDeployment ? [target.images.currentServiceDeployment] : []));
    const revisionOf = new Map<PlannedEcsService, string>();
    try {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; DescribeServiceDeployments of no ARN makes no call and finds nothing
      const { revisions, failures } = deploymentArns.length > 0 ? await describeTargetRevisions(client, deploymentArns, concurrency) : emptyLookup();
      for (const target of group) {
        // Stryker disable next-line OptionalChaining: a target needs a look-up only for containers from its `images`, so `images` is set
        const deployment = target.images?.currentServiceDeployment;
        // Stryker disable next-line OptionalChaining: a target needs a look-up only for containers from its `images`, so `images` is set
        const single = target.images?.currentServiceRevisions?.length === 1 ? target.images.currentServiceRevisions[0] : undefined;
        const revision = deployment ? revisions.get(deployment) : single;
        if (revision) revisionOf.set(target, revision);
        else if (deployment) {
          result.set(target, { unknown: `DescribeServiceDeployments could not describe ${deployment}: ${failures.get(deployment) ?? 'no target revision'}` });
        } else {
          result.set(target, { unknown: 'ECS names no current service deployment for the service, so the digest it runs is not known' });
        }
      }
      // Stryker disable next-line ConditionalExpression: a shortcut; DescribeServiceRevisions of no ARN makes no call and finds nothing
      if (revisionOf.size === 0) continue;
      const { images, failures: revisionFailures } = await describeRevisionImages(client, [...revisionOf.values()], concurrency);
      for (const [target, revision] of revisionOf) {
        const containerImages = images.get(revision);
        if (!containerImages) {
          result.set(target, { unknown: `DescribeServiceRevisions could not describe ${revision}: ${revisionFailures.get(revision) ?? 'not returned'}` });
          continue;
        }
        const digests = new Map(
          containerImages.flatMap((image) => (image.containerName && image.imageDigest ? [[image.containerName, image.imageDigest] as const] : [])),
        );
        result.set(target, { digests });
      }
    } catch (error) {
      for (const target of group) {
        if (!result.has(target)) result.set(target, { unknown: `could not read the running deployment's images: ${errorText(error)}` });
      }
    }
  }
  return result;
}

function emptyLookup(): { revisions: ReadonlyMap<string, string>; failures: ReadonlyMap<string, string> } {
  // Stryker disable next-line ObjectLiteral: only used when no target names a deployment, and then neither map is read
  return { revisions: new Map(), failures: new Map() };
}

/** What each distinct ECR image's tag resolves to now, or the error that kept it unknown. */
type Resolved = TagResolution | { readonly outcome: 'error'; readonly message: string };

async function resolveTags(containers: readonly MutableContainer[], clients: AwsClients, concurrency: number): Promise<Map<string, Resolved>> {
  const images = new Map<string, EcrImage>();
  // Stryker disable next-line ConditionalExpression: `comparable` holds ECR containers only
  for (const container of containers) if (container.ecr) images.set(container.image, container.ecr);
  const resolved = await mapWithConcurrency([...images], concurrency, async ([image, ecr]): Promise<[string, Resolved]> => {
    try {
      return [image, await resolveImageTag(clients.ecr(ecr.region), ecr)];
    } catch (error) {
      const denied = awsErrorKind(error) === 'denied' ? ' (a repository of another account is not readable by the deployed role)' : '';
      return [image, { outcome: 'error', message: `${errorText(error)}${denied}` }];
    }
  });
  return new Map(resolved);
}

/** The finding for one container: drift, unknown, or `undefined` when the tag still resolves to the running digest. */
function containerDrift(
  container: MutableContainer,
  running: RunningImages | undefined,
  resolutions: ReadonlyMap<string, Resolved>,
): ContainerImageDrift | undefined {
  const base = { container: container.name, image: container.image };
  if (!container.ecr) {
    return { ...base, status: 'unknown', reason: 'not an Amazon ECR private image: where its tag points now cannot be checked' };
  }
  // Stryker disable next-line OptionalChaining,StringLiteral: every target with an ECR container gets a running entry (runningDigests sets one for each)
  if (!running || 'unknown' in running) return { ...base, status: 'unknown', reason: running?.unknown ?? 'the running digest was not read' };
  const runningDigest = running.digests.get(container.name);
  if (!runningDigest) return { ...base, status: 'unknown', reason: 'the current service revision records no resolved digest for this container' };
  const resolution = resolutions.get(container.image);
  const { repositoryName, tag } = container.ecr;
  // Stryker disable next-line OptionalChaining: every ECR container with a known running digest is resolved (comparable → resolveTags)
  switch (resolution?.outcome) {
    case 'found':
      if (resolution.digest === runningDigest) return undefined;
      return {
        ...base,
        status: 'drift',
        runningDigest,
        currentDigest: resolution.digest,
        reason: `tag ${tag} now resolves to ${shortDigest(resolution.digest)}; the running deployment has ${shortDigest(runningDigest)}`,
      };
    case 'tag-not-found':
      return {
        ...base,
        status: 'drift',
        runningDigest,
        reason: `tag ${tag} no longer exists in repository ${repositoryName}: new tasks could not pull the image`,
      };
    case 'repository-not-found':
      return { ...base, status: 'drift', runningDigest, reason: `repository ${repositoryName} no longer exists: new tasks could not pull the image` };
    case 'error':
      return { ...base, status: 'unknown', runningDigest, reason: `could not resolve tag ${tag}: ${resolution.message}` };
    // Stryker disable next-line ConditionalExpression: unreachable, every comparable container is resolved (see above)
    default:
      // Stryker disable next-line ObjectLiteral,StringLiteral: unreachable, every comparable container is resolved (see above)
      return { ...base, status: 'unknown', runningDigest, reason: `tag ${tag} was not resolved` };
  }
}

/** `sha256:0123456789ab…`: enough to tell two digests apart in a sentence (the report fields keep them whole). */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/** One line for a report reason: which containers drift, and how. */
export function describeDrift(drift: ImageDriftReport): string {
  return drift.containers
    .filter((container) => container.status === 'drift')
    .map((container) => `${container.container} (${container.image}): ${container.reason}`)
    .join('; ');
}
