import { type DocumentTable, type DynamoDBClient, documentTable, type ItemUpdate } from '../aws/dynamodb.js';

/** A service of a rollout wave: what UpdateService needs, and what reports name. */
export interface WaveTarget {
  readonly arn: string;
  readonly name: string;
  readonly clusterArn: string;
  readonly region: string;
}

/** A deployment secret-refresh started. */
export interface StartedDeployment {
  readonly deploymentId: string;
  readonly target: WaveTarget;
}

/** What a change summary in a rollout record holds (never a value). */
export interface RolloutChange {
  readonly kind: string;
  readonly arn: string;
  readonly name: string;
  readonly versionId?: string;
  readonly time: string;
}

/** What {@link DeploymentTracker.onDeploymentEvent} found. */
export type TrackerOutcome =
  | { readonly kind: 'untracked' }
  | { readonly kind: 'progress'; readonly rolloutId: string }
  | { readonly kind: 'next-wave'; readonly rolloutId: string; readonly wave: number; readonly targets: readonly WaveTarget[]; readonly change: RolloutChange }
  | { readonly kind: 'rollout-complete'; readonly rolloutId: string; readonly change: RolloutChange }
  | {
      readonly kind: 'failed';
      readonly rolloutId: string;
      readonly target: WaveTarget;
      readonly change: RolloutChange;
      /** Services of later waves that will not be deployed. */
      readonly skipped: readonly WaveTarget[];
    };

/** Rollout and correlation records are kept two days. */
export const TRACKING_TTL_SECONDS = 2 * 24 * 3600;

interface RolloutItem {
  pk: string;
  change: RolloutChange;
  waves: WaveTarget[][];
  currentWave: number;
  status: 'in-progress' | 'completed' | 'failed';
  pending: Record<string, 'IN_PROGRESS' | 'COMPLETED'>;
}

/**
 * Correlates ECS deployment state change events with the deployments secret-refresh started, and drives
 * wave rollouts without ever waiting inside a Lambda (15-minute limit): a run deploys the first wave and
 * records the rest; each `SERVICE_DEPLOYMENT_COMPLETED` marks its deployment; the event that completes a wave
 * (a conditional write, so exactly one) returns the next wave to deploy; a `SERVICE_DEPLOYMENT_FAILED` stops
 * the rollout and returns the services left undeployed. State lives in DynamoDB
 * (`SECRET_REFRESH_DEPLOYMENTS_TABLE`, partition key `pk`, TTL attribute `expiration`).
 */
export class DeploymentTracker {
  readonly #table: DocumentTable;

  public constructor(
    tableName: string,
    client: DynamoDBClient,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#table = documentTable(client, tableName);
  }

  /**
   * Records a rollout: its waves (all of them, the first one already started) and the first wave's deployments.
   * A single-wave rollout still gets tracked, so a failed deployment is reported.
   */
  public async startRollout(
    rolloutId: string,
    change: RolloutChange,
    waves: readonly (readonly WaveTarget[])[],
    started: readonly StartedDeployment[],
  ): Promise<void> {
    const item: RolloutItem & { expiration: number } = {
      pk: `rollout#${rolloutId}`,
      change,
      waves: waves.map((wave) => [...wave]),
      currentWave: 0,
      status: 'in-progress',
      pending: Object.fromEntries(started.map((deployment) => [deployment.deploymentId, 'IN_PROGRESS'])),
      expiration: this.expiration(),
    };
    await this.#table.put(item);
    await this.recordDeployments(rolloutId, 0, started);
  }

  /** Records the deployments of wave `wave` once they were started. */
  public async recordWave(rolloutId: string, wave: number, started: readonly StartedDeployment[]): Promise<void> {
    await this.recordDeployments(rolloutId, wave, started);
    for (const deployment of started) {
      await this.#table.update({
        Key: { pk: `rollout#${rolloutId}` },
        UpdateExpression: 'SET pending.#d = :state',
        ConditionExpression: 'currentWave = :wave',
        ExpressionAttributeNames: { '#d': deployment.deploymentId },
        ExpressionAttributeValues: { ':state': 'IN_PROGRESS', ':wave': wave },
      });
    }
  }

  /** Handles one deployment state change; see {@link TrackerOutcome}. */
  public async onDeploymentEvent(deploymentId: string, eventName: string): Promise<TrackerOutcome> {
    const correlation = await this.#table.get({ pk: `deployment#${deploymentId}` }, { consistentRead: true });
    const tracked = correlation as { rolloutId: string; wave: number; target: WaveTarget } | undefined;
    if (!tracked) return { kind: 'untracked' };
    const { rolloutId, wave } = tracked;
    const key = { pk: `rollout#${rolloutId}` };
    if (eventName === 'SERVICE_DEPLOYMENT_FAILED') {
      const failed = await this.conditional<RolloutItem>({
        Key: key,
        UpdateExpression: 'SET #status = :failed',
        ConditionExpression: '#status = :inProgress',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':inProgress': 'in-progress' },
      });
      if (!failed) return { kind: 'progress', rolloutId };
      return { kind: 'failed', rolloutId, target: tracked.target, change: failed.change, skipped: failed.waves.slice(failed.currentWave + 1).flat() };
    }
    if (eventName !== 'SERVICE_DEPLOYMENT_COMPLETED') return { kind: 'progress', rolloutId };
    const marked = await this.conditional<RolloutItem>({
      Key: key,
      UpdateExpression: 'SET pending.#d = :completed',
      ConditionExpression: 'currentWave = :wave AND #status = :inProgress',
      ExpressionAttributeNames: { '#d': deploymentId, '#status': 'status' },
      ExpressionAttributeValues: { ':completed': 'COMPLETED', ':wave': wave, ':inProgress': 'in-progress' },
    });
    if (!marked || Object.values(marked.pending).some((state) => state !== 'COMPLETED')) return { kind: 'progress', rolloutId };
    const last = wave + 1 >= marked.waves.length;
    // Exactly one event advances the wave: the write is conditional on the wave it saw.
    const advanced = await this.conditional<RolloutItem>({
      Key: key,
      UpdateExpression: last ? 'SET #status = :completed' : 'SET currentWave = :next, pending = :empty',
      ConditionExpression: 'currentWave = :wave AND #status = :inProgress',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: last
        ? { ':completed': 'completed', ':wave': wave, ':inProgress': 'in-progress' }
        : { ':next': wave + 1, ':empty': {}, ':wave': wave, ':inProgress': 'in-progress' },
    });
    if (!advanced) return { kind: 'progress', rolloutId };
    if (last) return { kind: 'rollout-complete', rolloutId, change: advanced.change };
    return { kind: 'next-wave', rolloutId, wave: wave + 1, targets: advanced.waves[wave + 1] ?? [], change: advanced.change };
  }

  private async recordDeployments(rolloutId: string, wave: number, started: readonly StartedDeployment[]): Promise<void> {
    for (const deployment of started) {
      await this.#table.put({ pk: `deployment#${deployment.deploymentId}`, rolloutId, wave, target: deployment.target, expiration: this.expiration() });
    }
  }

  private async conditional<T>(update: ItemUpdate): Promise<T | undefined> {
    return (await this.#table.updateIf(update)) as T | undefined;
  }

  private expiration(): number {
    return Math.floor(this.now().getTime() / 1000) + TRACKING_TTL_SECONDS;
  }
}
