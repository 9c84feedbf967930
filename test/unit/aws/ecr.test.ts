import { DescribeImagesCommand, ECRClient, ImageNotFoundException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ecrImage, isPinnedByDigest, resolveImageTag } from '../../../lib/aws/ecr.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('ecrImage', () => {
  it.each([
    [
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders/api:2026-11',
      { registryId: '111122223333', region: 'eu-west-1', repositoryName: 'orders/api', tag: '2026-11' },
    ],
    ['111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders', { registryId: '111122223333', region: 'eu-west-1', repositoryName: 'orders', tag: 'latest' }],
    ['111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1', { registryId: '111122223333', region: 'cn-north-1', repositoryName: 'app', tag: 'v1' }],
    ['111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:v1', { registryId: '111122223333', region: 'us-gov-west-1', repositoryName: 'app', tag: 'v1' }],
    ['111122223333.dkr-ecr.us-east-1.on.aws/app:v1', { registryId: '111122223333', region: 'us-east-1', repositoryName: 'app', tag: 'v1' }],
  ])('reads the registry, Region, repository and tag of %s', (image, expected) => {
    expect(ecrImage(image)).toEqual(expected);
  });

  it.each([
    ['Docker Hub', 'envoyproxy/envoy:v1.30'],
    ['a Docker Hub library image', 'nginx'],
    ['ECR Public (another service)', 'public.ecr.aws/docker/library/busybox:latest'],
    ['another registry', 'ghcr.io/acme/app:1'],
    ['an image pinned by digest', `111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders@${DIGEST}`],
    ['a tag and a digest', `111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:1@${DIGEST}`],
  ])('returns undefined for %s', (_what, image) => {
    expect(ecrImage(image)).toBeUndefined();
  });
});

describe('isPinnedByDigest', () => {
  it('is true for a digest, with or without a tag, and false for a tag', () => {
    expect(isPinnedByDigest(`nginx@${DIGEST}`)).toBe(true);
    expect(isPinnedByDigest(`nginx:1.27@${DIGEST}`)).toBe(true);
    expect(isPinnedByDigest('nginx:1.27')).toBe(false);
    expect(isPinnedByDigest('nginx@sha256:short')).toBe(false);
  });
});

describe('resolveImageTag (ECR DescribeImages for one tag)', () => {
  const ecr = mockClient(ECRClient);
  afterAll(() => ecr.restore());
  beforeEach(() => ecr.reset());
  const client = () => new ECRClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const image = { registryId: '111122223333', region: 'eu-west-1', repositoryName: 'orders/api', tag: 'latest' };

  it('asks for the one tag in the registry and returns its digest', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST, imageTags: ['latest'] }] });
    expect(await resolveImageTag(client(), image)).toEqual({ outcome: 'found', digest: DIGEST });
    expect(ecr.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toEqual({
      registryId: '111122223333',
      repositoryName: 'orders/api',
      imageIds: [{ imageTag: 'latest' }],
    });
  });

  it('says when the tag or the repository is gone', async () => {
    ecr
      .on(DescribeImagesCommand)
      .rejectsOnce(new ImageNotFoundException({ message: 'no such tag', $metadata: {} }))
      .rejectsOnce(new RepositoryNotFoundException({ message: 'no such repository', $metadata: {} }));
    expect(await resolveImageTag(client(), image)).toEqual({ outcome: 'tag-not-found' });
    expect(await resolveImageTag(client(), image)).toEqual({ outcome: 'repository-not-found' });
  });

  it('throws any other error for the caller to classify', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    ecr.on(DescribeImagesCommand).rejects(denied);
    await expect(resolveImageTag(client(), image)).rejects.toThrow('not authorized');
  });
});
