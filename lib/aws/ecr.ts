import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { awsErrorKind } from './errors.js';

export type { ECRClient } from '@aws-sdk/client-ecr';

/** A container image reference that names an Amazon ECR private repository. */
export interface EcrImage {
  /** The registry id: the account that owns the repository. */
  readonly registryId: string;
  readonly region: string;
  readonly repositoryName: string;
  /** The tag (`latest` when the reference names none). */
  readonly tag: string;
}

/** A reference that names its image by digest (`…@sha256:<64 hex>`, with or without a tag): it cannot move. */
const DIGEST_PIN = /@sha256:[0-9a-fA-F]{64}$/;

/**
 * ECR private registry hosts: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` and the dual-stack
 * `<account>.dkr-ecr[-fips].<region>.on.aws`. ECR Public (`public.ecr.aws`) is another service with another API.
 */
const ECR_HOST = /^(\d{12})\.(?:dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|dkr-ecr(?:-fips)?\.([a-z0-9-]+)\.on\.aws)$/;

/** True when `image` is pinned by digest: a forced new deployment runs exactly that image again. */
export function isPinnedByDigest(image: string): boolean {
  return DIGEST_PIN.test(image);
}

/**
 * The ECR repository and tag an image reference names, or `undefined` when it is not an ECR private image
 * (Docker Hub, ECR Public, another registry) or is pinned by digest.
 *
 * @example
 * ecrImage('111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders/api:2026-11')
 * // → { registryId: '111122223333', region: 'eu-west-1', repositoryName: 'orders/api', tag: '2026-11' }
 */
export function ecrImage(image: string): EcrImage | undefined {
  if (isPinnedByDigest(image) || image.includes('@')) return undefined;
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const host = ECR_HOST.exec(image.slice(0, slash));
  if (!host) return undefined;
  const path = image.slice(slash + 1);
  // A tag follows the last ':' of the path (a ':' before a '/' would be a port, which ECR hosts never have).
  const colon = path.lastIndexOf(':');
  const repositoryName = colon > path.lastIndexOf('/') ? path.slice(0, colon) : path;
  const tag = colon > path.lastIndexOf('/') ? path.slice(colon + 1) : 'latest';
  if (repositoryName === '' || tag === '') return undefined;
  return { registryId: host[1] ?? '', region: host[2] ?? host[3] ?? '', repositoryName, tag };
}

/** What a tag of an ECR repository resolves to now. */
export type TagResolution =
  | { readonly outcome: 'found'; readonly digest: string }
  /** The repository exists but has no image with this tag (deleted, or never pushed). */
  | { readonly outcome: 'tag-not-found' }
  | { readonly outcome: 'repository-not-found' };

/**
 * The digest `image`'s tag points to now (ECR `DescribeImages` for one tag: read-only, image metadata only).
 * Errors other than "not found" (denied for another account's registry, throttled) are thrown for the caller to
 * classify.
 */
export async function resolveImageTag(client: ECRClient, image: EcrImage): Promise<TagResolution> {
  try {
    const output = await client.send(
      new DescribeImagesCommand({ registryId: image.registryId, repositoryName: image.repositoryName, imageIds: [{ imageTag: image.tag }] }),
    );
    const digest = output.imageDetails?.find((detail) => detail.imageDigest)?.imageDigest;
    return digest ? { outcome: 'found', digest } : { outcome: 'tag-not-found' };
  } catch (error) {
    if ((error as Error).name === 'RepositoryNotFoundException') return { outcome: 'repository-not-found' };
    if (awsErrorKind(error) === 'not-found') return { outcome: 'tag-not-found' };
    throw error;
  }
}
