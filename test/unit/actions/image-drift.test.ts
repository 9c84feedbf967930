/**
 * The image drift guard against client mocks. moto 5.2.1 has no DescribeServiceDeployments or
 * DescribeServiceRevisions (both answer HTTP 500) and its DescribeServices returns no `currentServiceDeployment`,
 * so the ECS side of the guard can only be exercised here; ECR DescribeImages is also tested against moto
 * (test/integration/image-drift.test.ts).
 */
import { DescribeImagesCommand, ECRClient, ImageNotFoundException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { DescribeServiceDeploymentsCommand, DescribeServiceRevisionsCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { describeDrift, inspectImageDrift, shortDigest } from '../../../lib/actions/image-drift.js';
import type { ContainerImageRecord } from '../../../lib/inventory/types.js';
import type { PlannedEcsService } from '../../../lib/plan/types.js';
import { ACCOUNT, clusterArn, ecsError, fakeClients, REGION, serviceArn, throttling } from '../aws/ecs-doubles.js';

const ecs = mockClient(ECSClient);
const ecr = mockClient(ECRClient);
afterAll(() => {
  ecs.restore();
  ecr.restore();
});

const RUNNING = `sha256:${'a'.repeat(64)}`;
const MOVED = `sha256:${'b'.repeat(64)}`;
const REPOSITORY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders`;
const deploymentArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/orders/${name}/d-${name}`;
const revisionArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/orders/${name}/r-${name}`;

/** What ECS records for each revision: container name → resolved digest. */
let revisions: Record<string, Record<string, string>>;
/** What each ECR tag points to now: `<repository>:<tag>` → digest. */
let tags: Record<string, string>;

beforeEach(() => {
  ecs.reset();
  ecr.reset();
  revisions = {};
  tags = {};
  // Like ECS: each service deployment deploys the revision named after its service; unknown ARNs are MISSING.
  ecs.on(DescribeServiceDeploymentsCommand).callsFake(async (input: { serviceDeploymentArns: string[] }) => ({
    serviceDeployments: input.serviceDeploymentArns
      .filter((arn) => revisions[revisionArn(arn.split('/')[2] ?? '')])
      .map((arn) => ({ serviceDeploymentArn: arn, targetServiceRevision: { arn: revisionArn(arn.split('/')[2] ?? '') } })),
    failures: input.serviceDeploymentArns.filter((arn) => !revisions[revisionArn(arn.split('/')[2] ?? '')]).map((arn) => ({ arn, reason: 'MISSING' })),
  }));
  ecs.on(DescribeServiceRevisionsCommand).callsFake(async (input: { serviceRevisionArns: string[] }) => ({
    serviceRevisions: input.serviceRevisionArns.map((arn) => ({
      serviceRevisionArn: arn,
      containerImages: Object.entries(revisions[arn] ?? {}).map(([containerName, imageDigest]) => ({ containerName, imageDigest, image: 'x' })),
    })),
    failures: [],
  }));
  ecr.on(DescribeImagesCommand).callsFake(async (input: { repositoryName: string; imageIds: { imageTag: string }[] }) => {
    const digest = tags[`${input.repositoryName}:${input.imageIds[0]?.imageTag}`];
    if (!digest) throw new ImageNotFoundException({ message: 'The image with imageId … does not exist', $metadata: {} });
    return { imageDetails: [{ imageDigest: digest }] };
  });
});

/** A service to redeploy; `current` replaces the current service deployment ECS names (none: `{}`). */
function target(
  name: string,
  containers: readonly ContainerImageRecord[],
  current: { currentServiceDeployment?: string; currentServiceRevisions?: readonly string[] } = { currentServiceDeployment: deploymentArn(name) },
): PlannedEcsService {
  return {
    type: 'ecs-service',
    arn: serviceArn('orders', name),
    name,
    cluster: 'orders',
    clusterArn: clusterArn('orders'),
    region: REGION,
    decision: 'redeploy',
    reason: 'app reads the secret, which changed',
    references: [],
    images: { containers, ...current },
  };
}

/** A service whose `app` runs `orders:<tag>` at RUNNING. */
function running(name: string, tag = 'latest'): PlannedEcsService {
  revisions[revisionArn(name)] = { app: RUNNING };
  return target(name, [{ name: 'app', image: `${REPOSITORY}:${tag}` }]);
}

const inspect = (targets: readonly PlannedEcsService[]) => inspectImageDrift(targets, fakeClients(), 4);

describe('inspectImageDrift', () => {
  it('finds drift when the tag now resolves to another digest than the running deployment, with both digests', async () => {
    tags['orders:latest'] = MOVED;
    const [drift] = await inspect([running('api')]);
    expect(drift).toEqual({
      status: 'drift',
      containers: [
        {
          container: 'app',
          image: `${REPOSITORY}:latest`,
          status: 'drift',
          runningDigest: RUNNING,
          currentDigest: MOVED,
          reason: 'tag latest now resolves to sha256:bbbbbbbbbbbb…; the running deployment has sha256:aaaaaaaaaaaa…',
        },
      ],
    });
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)[0]?.args[0].input).toEqual({ serviceDeploymentArns: [deploymentArn('api')] });
    expect(ecs.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input).toEqual({ serviceRevisionArns: [revisionArn('api')] });
    expect(ecr.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toEqual({
      registryId: ACCOUNT,
      repositoryName: 'orders',
      imageIds: [{ imageTag: 'latest' }],
    });
  });

  it('says nothing when the tag still resolves to the running digest', async () => {
    tags['orders:latest'] = RUNNING;
    expect(await inspect([running('api')])).toEqual([undefined]);
  });

  it('looks nothing up for images pinned by digest or with versionConsistency disabled', async () => {
    const pinned = target('pinned', [
      { name: 'app', image: `${REPOSITORY}@${RUNNING}` },
      { name: 'sidecar', image: `${REPOSITORY}:v2@${RUNNING}` },
      { name: 'agent', image: `${REPOSITORY}:latest`, versionConsistency: 'disabled' },
    ]);
    expect(await inspect([pinned, target('no-images', [])])).toEqual([undefined, undefined]);
    expect(ecs.calls()).toEqual([]);
    expect(ecr.calls()).toEqual([]);
  });

  it('reports an image of another registry as unknown without any call', async () => {
    const [drift] = await inspect([target('web', [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:latest' }])]);
    expect(drift).toEqual({
      status: 'unknown',
      containers: [
        {
          container: 'web',
          image: 'public.ecr.aws/nginx/nginx:latest',
          status: 'unknown',
          reason: 'not an Amazon ECR private image: where its tag points now cannot be checked',
        },
      ],
    });
    expect(ecs.calls()).toEqual([]);
  });

  it('treats a tag or repository that is gone as drift: a forced deployment could not pull the image', async () => {
    ecr
      .on(DescribeImagesCommand, { repositoryName: 'gone' })
      .rejects(new RepositoryNotFoundException({ message: 'The repository with name gone does not exist', $metadata: {} }));
    revisions[revisionArn('repo-gone')] = { app: RUNNING };
    const [tagGone, repoGone] = await inspect([
      running('tag-gone', 'v1'),
      target('repo-gone', [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/gone:v1` }]),
    ]);
    expect(tagGone?.containers).toEqual([
      expect.objectContaining({
        status: 'drift',
        runningDigest: RUNNING,
        reason: 'tag v1 no longer exists in repository orders: new tasks could not pull the image',
      }),
    ]);
    expect(tagGone?.containers[0]).not.toHaveProperty('currentDigest');
    expect(repoGone?.containers[0]).toMatchObject({ status: 'drift', reason: 'repository gone no longer exists: new tasks could not pull the image' });
  });

  it("reports another account's repository (not readable by the role) as unknown, saying why", async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: ecr:DescribeImages'), { name: 'AccessDeniedException' });
    ecr.on(DescribeImagesCommand).rejects(denied);
    revisions[revisionArn('shared')] = { app: RUNNING };
    const [drift] = await inspect([target('shared', [{ name: 'app', image: '999988887777.dkr.ecr.us-east-1.amazonaws.com/shared/base:latest' }])]);
    expect(drift).toMatchObject({ status: 'unknown', containers: [{ status: 'unknown', runningDigest: RUNNING }] });
    expect(drift?.containers[0]?.reason).toBe(
      'could not resolve tag latest: AccessDeniedException: User is not authorized to perform: ecr:DescribeImages (a repository of another account is not readable by the deployed role)',
    );
  });

  it('uses the single current revision when ECS names no current service deployment, and says unknown when it cannot tell', async () => {
    tags['orders:latest'] = MOVED;
    revisions[revisionArn('single')] = { app: RUNNING };
    const image = [{ name: 'app', image: `${REPOSITORY}:latest` }];
    const single = target('single', image, { currentServiceRevisions: [revisionArn('single')] });
    const two = target('two', image, { currentServiceRevisions: [revisionArn('a'), revisionArn('b')] });
    const [fromRevision, undecided, none] = await inspect([single, two, target('none', image, {})]);
    expect(fromRevision?.status).toBe('drift');
    expect(undecided?.containers[0]?.reason).toBe('ECS names no current service deployment for the service, so the digest it runs is not known');
    expect(none?.containers[0]?.reason).toBe(undecided?.containers[0]?.reason);
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toEqual([]);
  });

  it('reports a service deployment ECS cannot describe (MISSING: a revision from before 2024-10-25) as unknown', async () => {
    const [drift] = await inspect([target('old', [{ name: 'app', image: `${REPOSITORY}:latest` }])]);
    expect(drift?.containers[0]).toMatchObject({
      status: 'unknown',
      reason: `DescribeServiceDeployments could not describe ${deploymentArn('old')}: MISSING`,
    });
    expect(ecr.calls()).toEqual([]);
  });

  it('reports a container the running revision has no digest for as unknown', async () => {
    revisions[revisionArn('api')] = { other: RUNNING };
    const [drift] = await inspect([target('api', [{ name: 'app', image: `${REPOSITORY}:latest` }])]);
    expect(drift?.containers[0]?.reason).toBe('the current service revision records no resolved digest for this container');
  });

  it('never throws: a throttled or failing look-up makes every affected service unknown', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).rejects(throttling());
    const [drift] = await inspect([running('api')]);
    expect(drift?.containers[0]?.reason).toBe("could not read the running deployment's images: ThrottlingException: Rate exceeded");
    ecs.on(DescribeServiceDeploymentsCommand).rejects(ecsError('AccessDeniedException', 'not authorized'));
    expect((await inspect([running('api')]))[0]?.status).toBe('unknown');
  });

  it('looks a wave up 20 deployments and 20 revisions a call, and resolves each distinct image once', async () => {
    tags['orders:latest'] = MOVED;
    tags['orders:v2'] = RUNNING;
    const wave = Array.from({ length: 25 }, (_, index) => running(`svc-${index}`, index % 2 === 0 ? 'latest' : 'v2'));
    const drifts = await inspect(wave);
    expect(drifts.map((drift) => drift?.status)).toEqual(wave.map((_, index) => (index % 2 === 0 ? 'drift' : undefined)));
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand).map((call) => call.args[0].input.serviceDeploymentArns?.length)).toEqual([20, 5]);
    expect(ecs.commandCalls(DescribeServiceRevisionsCommand).map((call) => call.args[0].input.serviceRevisionArns?.length)).toEqual([20, 5]);
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(2);
  });
});

describe('inspectImageDrift: what each finding says (rows that npm run mutation showed missing)', () => {
  it('calls a service drifted when one container drifts and another is unknown', async () => {
    tags['orders:latest'] = MOVED;
    revisions[revisionArn('mixed')] = { app: RUNNING };
    const mixed = target('mixed', [
      { name: 'app', image: `${REPOSITORY}:latest` },
      { name: 'proxy', image: 'public.ecr.aws/nginx/nginx:latest' },
    ]);
    const [drift] = await inspect([mixed]);
    expect(drift?.status).toBe('drift');
    expect(drift?.containers.map((container) => [container.container, container.status])).toEqual([
      ['app', 'drift'],
      ['proxy', 'unknown'],
    ]);
  });

  it('resolves no tag for a container the running revision has no digest for, and calls it unknown', async () => {
    revisions[revisionArn('api')] = { other: RUNNING };
    const [drift] = await inspect([target('api', [{ name: 'app', image: `${REPOSITORY}:latest` }])]);
    expect(drift).toMatchObject({ status: 'unknown', containers: [{ container: 'app', status: 'unknown' }] });
    expect(ecr.calls()).toEqual([]);
  });

  it('takes no digest from a revision image ECS recorded without one', async () => {
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [{ serviceRevisionArn: revisionArn('api'), containerImages: [{ containerName: 'app', image: 'x' }] }],
      failures: [],
    });
    revisions[revisionArn('api')] = { app: RUNNING };
    const [drift] = await inspect([target('api', [{ name: 'app', image: `${REPOSITORY}:latest` }])]);
    expect(drift?.containers[0]).toEqual({
      container: 'app',
      image: `${REPOSITORY}:latest`,
      status: 'unknown',
      reason: 'the current service revision records no resolved digest for this container',
    });
    expect(ecr.calls()).toEqual([]);
  });

  it('says when ECS describes the service deployment without a target revision', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: deploymentArn('api') }], failures: [] });
    const [drift] = await inspect([target('api', [{ name: 'app', image: `${REPOSITORY}:latest` }])]);
    expect(drift?.containers[0]).toMatchObject({
      status: 'unknown',
      reason: `DescribeServiceDeployments could not describe ${deploymentArn('api')}: no target revision`,
    });
  });

  it('says when ECS cannot describe the target revision, with its reason or that it was not returned', async () => {
    revisions[revisionArn('failed')] = { app: RUNNING };
    revisions[revisionArn('dropped')] = { app: RUNNING };
    ecs.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [], failures: [{ arn: revisionArn('failed'), reason: 'MISSING' }] });
    const image = [{ name: 'app', image: `${REPOSITORY}:latest` }];
    const [failed, dropped] = await inspect([target('failed', image), target('dropped', image)]);
    expect(failed?.containers[0]).toMatchObject({ status: 'unknown', reason: `DescribeServiceRevisions could not describe ${revisionArn('failed')}: MISSING` });
    expect(dropped?.containers[0]).toMatchObject({
      status: 'unknown',
      reason: `DescribeServiceRevisions could not describe ${revisionArn('dropped')}: not returned`,
    });
    expect(ecr.calls()).toEqual([]);
  });

  it('keeps what it knew of a service when the look-up of another one of its Region fails', async () => {
    // The deployments are described; the revisions' look-up then fails: what was known before it stays.
    ecs.on(DescribeServiceRevisionsCommand).rejects(throttling());
    revisions[revisionArn('api')] = { app: RUNNING };
    const image = [{ name: 'app', image: `${REPOSITORY}:latest` }];
    const [unnamed, failed] = await inspect([target('unnamed', image, {}), target('api', image)]);
    expect(unnamed?.containers[0]?.reason).toBe('ECS names no current service deployment for the service, so the digest it runs is not known');
    expect(failed?.containers[0]?.reason).toBe("could not read the running deployment's images: ThrottlingException: Rate exceeded");
  });

  it('adds the other-account hint only to an access denial, not to a throttled DescribeImages', async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    const [drift] = await inspect([running('api')]);
    expect(drift?.containers[0]?.reason).toBe('could not resolve tag latest: ThrottlingException: Rate exceeded');
  });
});

describe('shortDigest and describeDrift', () => {
  it('cuts a digest after sha256: and 12 hex digits, and leaves one that short whole', () => {
    expect(shortDigest(RUNNING)).toBe('sha256:aaaaaaaaaaaa…');
    expect(shortDigest('sha256:aaaaaaaaaaaa')).toBe('sha256:aaaaaaaaaaaa');
    expect(shortDigest('sha256:aaaaaaaaaaaab')).toBe('sha256:aaaaaaaaaaaa…');
  });

  it('names the drifting containers only, each with its image and reason, joined by "; "', () => {
    expect(
      describeDrift({
        status: 'drift',
        containers: [
          { container: 'app', image: 'orders:latest', status: 'drift', reason: 'tag latest now resolves to b' },
          { container: 'proxy', image: 'nginx:latest', status: 'unknown', reason: 'not an Amazon ECR private image' },
          { container: 'worker', image: 'orders:v2', status: 'drift', reason: 'tag v2 no longer exists' },
        ],
      }),
    ).toBe('app (orders:latest): tag latest now resolves to b; worker (orders:v2): tag v2 no longer exists');
  });
});
