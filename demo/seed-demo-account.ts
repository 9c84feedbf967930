import { BatchClient, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { type ContainerDefinition, CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { safeParseArn } from '../lib/arn/arn.js';

/** The demo account's home Region and second Region. */
export const DEMO_REGIONS = ['us-east-1', 'us-west-2'] as const;

/** A seeded service and what a rotation of the demo secret should do to it. */
export interface DemoService {
  readonly region: string;
  readonly cluster: string;
  readonly name: string;
  /** Expected outcome for a rotation of `demo/orders/db`: redeploy, skip (with a reason), or not a target. */
  readonly onSecretRotation: 'redeploy' | 'skip' | 'not-a-target';
  /** Expected outcome for an update of parameter `/demo/orders/api-key`. */
  readonly onParameterUpdate: 'redeploy' | 'not-a-target';
  /** Expected outcome for a rotation of the RDS master user secret `rds!db-<uuid>`. */
  readonly onRdsRotation: 'redeploy' | 'skip' | 'not-a-target';
  readonly valueFrom: readonly string[];
}

/** What {@link seedDemoAccount} created. */
export interface DemoAccount {
  readonly account: string;
  /** `demo/orders/db` in us-east-1: the secret the demo rotates. */
  readonly secretArn: string;
  readonly secretName: string;
  /** `demo/orders/db-replica`: a look-alike whose partial ARN starts with the rotated secret's name. */
  readonly replicaArn: string;
  /** `demo/orders/db` in us-west-2: same name, other Region. */
  readonly westSecretArn: string;
  readonly parameterName: string;
  /**
   * An RDS-style managed secret (`rds!db-<uuid>`, as RDS names the master user secret of a DB instance with
   * ManageMasterUserPassword) in us-east-1: the most often rotated secret behind ECS services.
   */
  readonly rdsSecretArn: string;
  readonly rdsSecretName: string;
  readonly services: readonly DemoService[];
  /** Batch job definitions (us-east-1): name → what a rotation of the demo secret should report. */
  readonly jobDefinitions: readonly { readonly name: string; readonly arn: string; readonly onSecretRotation: 'report' | 'not-a-target' }[];
}

const HOME = 'us-east-1';
const WEST = 'us-west-2';

/** The demo's RDS database instance id: RDS names its master user secret `rds!db-<this uuid>`. */
const RDS_INSTANCE_UUID = '3f8a2b1c-1234-4abc-9def-0123456789ab';

/**
 * The random suffixes AWS appends to secret names in their ARNs, fixed for the demo's two home-Region secrets (moto's
 * `_custom_id_` tag) so that the sample events in events/ name them exactly: `demo/orders/db-Ab12Cd`,
 * `rds!db-<uuid>-Xy12Zw`.
 */
export const DEMO_SECRET_SUFFIXES = { secret: 'Ab12Cd', rdsSecret: 'Xy12Zw' } as const;

/** moto's tag that sets the id it would otherwise generate (here: the secret's ARN suffix). */
const fixedSuffix = (suffix: string) => [{ Key: '_custom_id_', Value: suffix }];

/**
 * Seeds a small demo account in whatever the SDK points at (moto in the demo and the integration tests):
 * 3 clusters in 2 Regions, 19 services whose task definitions reference the demo secret, the demo parameter and
 * an RDS-style managed secret (`rds!db-<uuid>`) in every common `valueFrom` form, plus look-alikes that must
 * never be redeployed, and 2 Batch job definitions (one reads the demo secret, one a look-alike).
 */
export async function seedDemoAccount(): Promise<DemoAccount> {
  const sm = new SecretsManagerClient({ region: HOME });
  const smWest = new SecretsManagerClient({ region: WEST });
  const ssm = new SSMClient({ region: HOME });
  const rdsSecretName = `rds!db-${RDS_INSTANCE_UUID}`;
  const [secret, replica, westSecret, rdsSecret] = await Promise.all([
    sm.send(
      new CreateSecretCommand({ Name: 'demo/orders/db', SecretString: '{"username":"app","password":"v1"}', Tags: fixedSuffix(DEMO_SECRET_SUFFIXES.secret) }),
    ),
    sm.send(new CreateSecretCommand({ Name: 'demo/orders/db-replica', SecretString: '{"password":"r1"}' })),
    smWest.send(new CreateSecretCommand({ Name: 'demo/orders/db', SecretString: '{"password":"w1"}' })),
    // RDS creates this secret itself (ManageMasterUserPassword); moto accepts the managed-secret name as is.
    sm.send(
      new CreateSecretCommand({
        Name: rdsSecretName,
        SecretString: '{"username":"admin","password":"rds-v1"}',
        Tags: fixedSuffix(DEMO_SECRET_SUFFIXES.rdsSecret),
      }),
    ),
    ssm.send(new PutParameterCommand({ Name: '/demo/orders/api-key', Value: 'k1', Type: 'SecureString' })),
    ssm.send(new PutParameterCommand({ Name: '/demo/orders/api-key-old', Value: 'k0', Type: 'SecureString' })),
  ]);
  const secretArn = required(secret.ARN);
  const replicaArn = required(replica.ARN);
  const westSecretArn = required(westSecret.ARN);
  const account = safeParseArn(secretArn)?.account ?? '';
  const partialArn = `arn:aws:secretsmanager:${HOME}:${account}:secret:demo/orders/db`;
  const pinnedVersion = required(secret.VersionId);
  const rdsSecretArn = required(rdsSecret.ARN);
  const rdsPartialArn = `arn:aws:secretsmanager:${HOME}:${account}:secret:${rdsSecretName}`;

  const services: SeedService[] = [
    svc(HOME, 'demo-orders', 'orders-api', 'redeploy', 'not-a-target', [secretArn]),
    svc(HOME, 'demo-orders', 'orders-worker', 'redeploy', 'not-a-target', [`${partialArn}:password::`]),
    svc(HOME, 'demo-orders', 'orders-pinned', 'skip', 'not-a-target', [`${secretArn}:::${pinnedVersion}`]),
    svc(HOME, 'demo-orders', 'orders-previous', 'skip', 'not-a-target', [`${secretArn}::AWSPREVIOUS:`]),
    svc(HOME, 'demo-orders', 'orders-ignored', 'skip', 'not-a-target', [secretArn], { ignore: true }),
    svc(HOME, 'demo-payments', 'payments-api', 'redeploy', 'redeploy', ['/aws/reference/secretsmanager/demo/orders/db', '/demo/orders/api-key']),
    svc(HOME, 'demo-payments', 'payments-logs', 'redeploy', 'not-a-target', [], { logSecret: secretArn }),
    svc(HOME, 'demo-payments', 'payments-codedeploy', 'skip', 'not-a-target', [partialArn], { codeDeploy: true }),
    svc(HOME, 'demo-payments', 'replica-reader', 'not-a-target', 'not-a-target', [`${partialArn}-replica`, replicaArn]),
    svc(HOME, 'demo-payments', 'api-key-reader', 'not-a-target', 'redeploy', [`arn:aws:ssm:${HOME}:${account}:parameter/demo/orders/api-key`]),
    svc(HOME, 'demo-payments', 'api-key-old-reader', 'not-a-target', 'not-a-target', ['/demo/orders/api-key-old']),
    svc(WEST, 'demo-west', 'west-cross-region', 'redeploy', 'not-a-target', [secretArn]),
    svc(WEST, 'demo-west', 'west-same-name', 'not-a-target', 'not-a-target', [
      westSecretArn,
      'arn:aws:secretsmanager:us-west-2:' + account + ':secret:demo/orders/db',
    ]),
    // Readers of the RDS master user secret, in the forms Terraform, CloudFormation and the CDK produce.
    svc(HOME, 'demo-payments', 'billing-api', 'not-a-target', 'not-a-target', [`${rdsSecretArn}:password::`, `${rdsSecretArn}:username::`], {
      onRdsRotation: 'redeploy',
    }),
    svc(HOME, 'demo-orders', 'billing-worker', 'not-a-target', 'not-a-target', [`${rdsPartialArn}:password::`], { onRdsRotation: 'redeploy' }),
    svc(HOME, 'demo-payments', 'billing-reports', 'not-a-target', 'not-a-target', [`/aws/reference/secretsmanager/${rdsSecretName}`], {
      onRdsRotation: 'redeploy',
    }),
    svc(WEST, 'demo-west', 'billing-west', 'not-a-target', 'not-a-target', [`${rdsSecretArn}:password::`], { onRdsRotation: 'redeploy' }),
    // Stage plus version id (the CDK emits it): pinned, skipped with a warning once AWSCURRENT moves off it.
    svc(HOME, 'demo-payments', 'billing-pinned', 'not-a-target', 'not-a-target', [`${rdsSecretArn}:password:AWSCURRENT:${required(rdsSecret.VersionId)}`], {
      onRdsRotation: 'skip',
    }),
    // Look-alike: the cluster secret of the same uuid is another secret.
    svc(HOME, 'demo-orders', 'billing-cluster-reader', 'not-a-target', 'not-a-target', [
      `arn:aws:secretsmanager:${HOME}:${account}:secret:rds!cluster-${RDS_INSTANCE_UUID}:password::`,
    ]),
  ];

  const clients = new Map(DEMO_REGIONS.map((region) => [region, new ECSClient({ region })]));
  const clusters = [...new Set(services.map((service) => `${service.region}|${service.cluster}`))];
  await Promise.all(
    clusters.map((key) => {
      const [region, clusterName] = key.split('|') as [string, string];
      return ecs(clients, region).send(new CreateClusterCommand({ clusterName }));
    }),
  );
  for (const service of services) {
    const container: ContainerDefinition = {
      name: 'app',
      image: 'public.ecr.aws/docker/library/busybox:latest',
      memory: 128,
      secrets: service.valueFrom.map((valueFrom, index) => ({ name: `SECRET_${index}`, valueFrom })),
      ...(service.logSecret
        ? {
            logConfiguration: {
              logDriver: 'splunk',
              options: { 'splunk-url': 'https://splunk.example' },
              secretOptions: [{ name: 'splunk-token', valueFrom: service.logSecret }],
            },
          }
        : {}),
    };
    const client = ecs(clients, service.region);
    const registered = await client.send(new RegisterTaskDefinitionCommand({ family: service.name, containerDefinitions: [container] }));
    await client.send(
      new CreateServiceCommand({
        cluster: service.cluster,
        serviceName: service.name,
        taskDefinition: required(registered.taskDefinition?.taskDefinitionArn),
        desiredCount: 1,
        ...(service.codeDeploy ? { deploymentController: { type: 'CODE_DEPLOY' } } : {}),
        ...(service.ignore ? { tags: [{ key: 'secret-refresh:ignore', value: 'true' }] } : {}),
      }),
    );
  }
  const batch = new BatchClient({ region: HOME });
  const jobDefinitions = [];
  for (const [name, valueFrom, onSecretRotation] of [
    ['orders-nightly-export', `${partialArn}:password::`, 'report'],
    ['orders-replica-export', replicaArn, 'not-a-target'],
  ] as const) {
    const registered = await batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: name,
        type: 'container',
        containerProperties: {
          image: 'public.ecr.aws/docker/library/busybox:latest',
          command: ['sh', '-c', 'echo export'],
          resourceRequirements: [
            { type: 'VCPU', value: '1' },
            { type: 'MEMORY', value: '512' },
          ],
          secrets: [{ name: 'DB_PASSWORD', valueFrom }],
        },
      }),
    );
    jobDefinitions.push({ name, arn: required(registered.jobDefinitionArn), onSecretRotation });
  }
  return {
    account,
    jobDefinitions,
    secretArn,
    secretName: 'demo/orders/db',
    replicaArn,
    westSecretArn,
    parameterName: '/demo/orders/api-key',
    rdsSecretArn,
    rdsSecretName,
    services: services.map(({ region, cluster, name, onSecretRotation, onParameterUpdate, onRdsRotation, valueFrom, logSecret }) => ({
      region,
      cluster,
      name,
      onSecretRotation,
      onParameterUpdate,
      onRdsRotation,
      valueFrom: logSecret ? [...valueFrom, logSecret] : valueFrom,
    })),
  };
}

interface SeedService extends DemoService {
  readonly logSecret?: string;
  readonly codeDeploy?: boolean;
  readonly ignore?: boolean;
}

function svc(
  region: string,
  cluster: string,
  name: string,
  onSecretRotation: DemoService['onSecretRotation'],
  onParameterUpdate: DemoService['onParameterUpdate'],
  valueFrom: string[],
  extra: { logSecret?: string; codeDeploy?: boolean; ignore?: boolean; onRdsRotation?: DemoService['onRdsRotation'] } = {},
): SeedService {
  return { region, cluster, name, onSecretRotation, onParameterUpdate, onRdsRotation: 'not-a-target', valueFrom, ...extra };
}

function ecs(clients: Map<string, ECSClient>, region: string): ECSClient {
  const client = clients.get(region);
  if (!client) throw new Error(`no ECS client for ${region}`);
  return client;
}

function required<T>(value: T | undefined): T {
  if (value === undefined || value === null) throw new Error('moto returned an incomplete response while seeding the demo account');
  return value;
}
