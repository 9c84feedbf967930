import { type AwsClients, createAwsClients } from '../../lib/aws/clients.js';
import { TaskDefinitionCache } from '../../lib/aws/ecs.js';
import { createMetadataDirectory } from '../../lib/aws/metadata-directory.js';
import type { PipelineDependencies } from '../../lib/pipeline/run-refresh.js';

/** One SDK call seen by {@link recordingClients}. */
export interface RecordedCall {
  readonly service: string;
  readonly region: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** Commands that change something in AWS. */
export const WRITE_COMMANDS = /^(Update|Create|Delete|Put|Register|Deregister|Submit|Terminate|Tag|Untag|Run|Start|Stop)/;

/**
 * Real SDK clients (pointed at moto by AWS_ENDPOINT_URL) that record every command they send, so tests can
 * assert "exactly one UpdateService per service" or "no write call at all".
 */
export function recordingClients(): { clients: AwsClients; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  // No pacing against moto: it does not throttle, and pacing would only slow the tests.
  const inner = createAwsClients({ maxAttempts: 1, ecsQuotaShare: 0 });
  const instrumented = new WeakSet<object>();
  const record = <T extends { middlewareStack: { add: (...args: never[]) => void } }>(service: string, region: string, client: T): T => {
    if (!instrumented.has(client)) {
      instrumented.add(client);
      (client.middlewareStack as unknown as { add: (mw: unknown, options: unknown) => void }).add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input?: Record<string, unknown> }) => {
          calls.push({ service, region, command: context.commandName ?? '?', input: args.input ?? {} });
          return next(args);
        },
        { step: 'initialize', name: 'secretRefreshTestRecorder' },
      );
    }
    return client;
  };
  return {
    calls,
    clients: {
      ecs: (region) => record('ecs', region, inner.ecs(region)),
      ecr: (region) => record('ecr', region, inner.ecr(region)),
      batch: (region) => record('batch', region, inner.batch(region)),
      dynamodb: (region) => record('dynamodb', region, inner.dynamodb(region)),
      events: (region) => record('events', region, inner.events(region)),
      secretsManager: (region) => record('secretsmanager', region, inner.secretsManager(region)),
      ssm: (region) => record('ssm', region, inner.ssm(region)),
      sts: (region) => record('sts', region, inner.sts(region)),
      sqs: (region) => record('sqs', region, inner.sqs(region)),
      s3: async (region) => record('s3', region, await inner.s3(region)),
    },
  };
}

/** The ARNs of services that got an UpdateService call, sorted. */
export function updatedServices(calls: readonly RecordedCall[]): string[] {
  return calls
    .filter((call) => call.command === 'UpdateServiceCommand')
    .map((call) => String(call.input.service))
    .sort();
}

/**
 * Pipeline dependencies on {@link recordingClients}: the real metadata directory, a fresh task definition
 * cache, and whatever else a test adds (a change guard, a deployment tracker).
 */
export function recordingPipeline(extra: Partial<PipelineDependencies> = {}): { dependencies: PipelineDependencies; calls: RecordedCall[] } {
  const { clients, calls } = recordingClients();
  return { dependencies: { clients, directory: createMetadataDirectory(clients), taskDefinitions: new TaskDefinitionCache(), ...extra }, calls };
}
