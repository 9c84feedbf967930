import { BatchClient } from '@aws-sdk/client-batch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * One SDK client per service and Region, created lazily and reused.
 *
 * Why: scanning several Regions needs a client per Region, and reusing clients across warm Lambda
 * invocations keeps their connection pools. Endpoints, credentials and `AWS_MAX_ATTEMPTS` come from the
 * SDK's own configuration chain (`AWS_ENDPOINT_URL` points them at moto in tests and the demo); retries
 * default to the SDK's *adaptive* mode, which backs off client-side when ECS throttles.
 */
export interface AwsClients {
  ecs(region: string): ECSClient;
  batch(region: string): BatchClient;
  events(region: string): EventBridgeClient;
  secretsManager(region: string): SecretsManagerClient;
  ssm(region: string): SSMClient;
  sts(region: string): STSClient;
}

/** Options for {@link createAwsClients}; tests pass `maxAttempts: 1` to see moto errors at once. */
export interface AwsClientOptions {
  readonly maxAttempts?: number;
}

/**
 * Creates the client registry.
 *
 * @example
 * const clients = createAwsClients();
 * await clients.ecs('eu-west-1').send(new ListClustersCommand({}));
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const common = { retryMode: 'adaptive', ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
  function client<T>(service: string, region: string, create: () => T): T {
    const key = `${service}:${region}`;
    let existing = cache.get(key) as T | undefined;
    if (existing === undefined) {
      existing = create();
      cache.set(key, existing);
    }
    return existing;
  }
  return {
    ecs: (region) => client('ecs', region, () => new ECSClient({ region, ...common })),
    batch: (region) => client('batch', region, () => new BatchClient({ region, ...common })),
    events: (region) => client('events', region, () => new EventBridgeClient({ region, ...common })),
    secretsManager: (region) => client('secretsmanager', region, () => new SecretsManagerClient({ region, ...common })),
    ssm: (region) => client('ssm', region, () => new SSMClient({ region, ...common })),
    sts: (region) => client('sts', region, () => new STSClient({ region, ...common })),
  };
}
