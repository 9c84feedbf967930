import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isCredentialSpecReference } from '../references/index.js';

/**
 * A persisted index of task definition revisions: revision ARN → the parts of the task definition that hold
 * references. Revisions are immutable, so an entry never goes stale; with it, even a cold start describes
 * only revisions it has never seen (DescribeTaskDefinition is the slowest ECS quota at 20 calls a second).
 * Index failures are never fatal: the revision is then described as usual.
 */
export interface RevisionIndex {
  get(arn: string): Promise<TaskDefinition | undefined>;
  put(arn: string, definition: TaskDefinition): Promise<void>;
}

/**
 * The parts of a task definition the inventory reads: where references come from (container names, `secrets`,
 * `logConfiguration.secretOptions`, `repositoryCredentials`, gMSA credential specs, FSx volume credentials) and
 * each container's `image` and `versionConsistency` (the image drift guard, the secrets map). ARNs, names and
 * image references only, never a value, and small enough for one DynamoDB item.
 */
export function referenceSubset(definition: TaskDefinition): TaskDefinition {
  return {
    ...(definition.taskDefinitionArn ? { taskDefinitionArn: definition.taskDefinitionArn } : {}),
    containerDefinitions: (definition.containerDefinitions ?? []).map((container) => ({
      ...(container.name ? { name: container.name } : {}),
      ...(container.image ? { image: container.image } : {}),
      ...(container.versionConsistency ? { versionConsistency: container.versionConsistency } : {}),
      ...(container.secrets ? { secrets: container.secrets } : {}),
      ...(container.logConfiguration?.secretOptions
        ? { logConfiguration: { logDriver: container.logConfiguration.logDriver, secretOptions: container.logConfiguration.secretOptions } }
        : {}),
      ...(container.repositoryCredentials ? { repositoryCredentials: container.repositoryCredentials } : {}),
      ...credentialSpecEntries(container),
    })),
    volumes: (definition.volumes ?? [])
      .filter((volume) => volume.fsxWindowsFileServerVolumeConfiguration?.authorizationConfig?.credentialsParameter)
      .map((volume) => ({
        ...(volume.name ? { name: volume.name } : {}),
        fsxWindowsFileServerVolumeConfiguration: volume.fsxWindowsFileServerVolumeConfiguration,
      })),
  } as TaskDefinition;
}

/**
 * gMSA credential spec entries that name an SSM parameter (`credentialSpecs`, and the `credentialspec…` entries of
 * `dockerSecurityOptions`; other security options are not references and are not kept).
 */
function credentialSpecEntries(container: ContainerDefinition): Pick<ContainerDefinition, 'credentialSpecs' | 'dockerSecurityOptions'> {
  const credentialSpecs = (container.credentialSpecs ?? []).filter(isCredentialSpecReference);
  const dockerSecurityOptions = (container.dockerSecurityOptions ?? []).filter(isCredentialSpecReference);
  return {
    ...(credentialSpecs.length > 0 ? { credentialSpecs } : {}),
    ...(dockerSecurityOptions.length > 0 ? { dockerSecurityOptions } : {}),
  };
}

/**
 * Version of what {@link referenceSubset} keeps. An entry written under another version may lack parts that are
 * read now (version 1 had no credential specs, version 2 no images) and is read as a miss, so the revision is
 * described again and re-indexed instead of serving an incomplete subset for the entry's lifetime.
 */
export const REFERENCE_SUBSET_VERSION = 3;

/** Entries are kept 180 days after they were last written (deregistered revisions age out). */
export const REVISION_INDEX_TTL_SECONDS = 180 * 24 * 3600;

/** {@link RevisionIndex} in DynamoDB (`SECRET_REFRESH_REVISION_INDEX_TABLE`: partition key `arn`, TTL `expiration`). */
export class DynamoDbRevisionIndex implements RevisionIndex {
  readonly #documents: DynamoDBDocumentClient;

  public constructor(
    private readonly tableName: string,
    client: DynamoDBClient,
  ) {
    this.#documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  public async get(arn: string): Promise<TaskDefinition | undefined> {
    const output = await this.#documents.send(new GetCommand({ TableName: this.tableName, Key: { arn } }));
    const stored = output.Item?.definition;
    if (output.Item?.subsetVersion !== REFERENCE_SUBSET_VERSION) return undefined;
    return typeof stored === 'string' ? (JSON.parse(stored) as TaskDefinition) : undefined;
  }

  public async put(arn: string, definition: TaskDefinition): Promise<void> {
    await this.#documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          arn,
          definition: JSON.stringify(referenceSubset(definition)),
          subsetVersion: REFERENCE_SUBSET_VERSION,
          expiration: Math.floor(Date.now() / 1000) + REVISION_INDEX_TTL_SECONDS,
        },
      }),
    );
  }
}

/** {@link RevisionIndex} in memory: tests, and the benchmark's "cold start with the index" runs. */
export class InMemoryRevisionIndex implements RevisionIndex {
  readonly #entries = new Map<string, string>();

  public get size(): number {
    return this.#entries.size;
  }

  public async get(arn: string): Promise<TaskDefinition | undefined> {
    const stored = this.#entries.get(arn);
    return stored === undefined ? undefined : (JSON.parse(stored) as TaskDefinition);
  }

  public async put(arn: string, definition: TaskDefinition): Promise<void> {
    this.#entries.set(arn, JSON.stringify(referenceSubset(definition)));
  }
}
