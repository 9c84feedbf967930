import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LatencyModel, lognormalLatency, seededRandom } from './random.js';
import type { JsonObject, SyntheticAccount } from './synthetic-account.js';
import { type BucketLimits, ECS_THROTTLING_CATEGORIES, TokenBucket, throttlingCategory } from './token-bucket.js';

/**
 * A small AWS look-alike for the read and write calls secret-refresh makes, speaking the protocols the
 * real SDK clients use, so `AWS_ENDPOINT_URL=<url>` points them at it:
 * - ECS: AWS JSON 1.1 (`POST /`, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Action>`);
 * - Batch: REST-JSON (`POST /v1/<action in lower case>`).
 *
 * Unlike moto it behaves like AWS at scale: page sizes and defaults, `nextToken`, the 10-service limit of
 * DescribeServices, per-category token-bucket throttling (see token-bucket.ts for the cited figures),
 * and a per-call latency distribution. Every call is counted by action.
 *
 * Errors are sent as AWS does for JSON protocols: HTTP 400, `x-amzn-errortype` header and
 * `{"__type": "...", "message": "..."}`; the SDK turns `ThrottlingException` into a retryable throttling error.
 */
export interface SimulatorOptions {
  readonly account: SyntheticAccount;
  /** Median latency per call in ms (0: none). Default 40. */
  readonly latencyMedianMs?: number;
  /** Lognormal shape of the latency tail. Default 0.5 (p99 ≈ 3.2 × median). */
  readonly latencySigma?: number;
  /** Throttling categories (default: ECS's documented ones); `false` disables throttling. */
  readonly throttling?: Readonly<Record<string, BucketLimits & { readonly actions: readonly string[] }>> | false;
  readonly seed?: number;
  /** Clock for the token buckets, in ms (tests step it). */
  readonly now?: () => number;
}

/** Counters of one simulator, since start or the last reset. */
export interface SimulatorStats {
  /** Requests received by action (throttled ones included). */
  readonly calls: Record<string, number>;
  /** ThrottlingException responses by action. */
  readonly throttled: Record<string, number>;
  /** Other error responses by action. */
  readonly errors: Record<string, number>;
}

/** A running simulator. */
export interface AwsSimulator {
  readonly url: string;
  stats(): SimulatorStats;
  /** Clears the counters and refills every bucket (a new run after an idle period). */
  reset(): void;
  /** Changes latency / throttling while running. */
  configure(options: { latencyMedianMs?: number; throttling?: boolean }): void;
  close(): Promise<void>;
}

const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

/** Thrown by handlers; becomes an HTTP 400 JSON error. */
class AwsError extends Error {
  public constructor(
    public readonly type: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Starts the simulator on 127.0.0.1 and a free port.
 *
 * @example
 * const sim = await startAwsSimulator({ account: generateAccount({ services: 500 }) });
 * process.env.AWS_ENDPOINT_URL = sim.url;
 */
export async function startAwsSimulator(options: SimulatorOptions): Promise<AwsSimulator> {
  const account = options.account;
  const random = seededRandom(options.seed ?? 1);
  const sigma = options.latencySigma ?? 0.5;
  let latency: LatencyModel = lognormalLatency(options.latencyMedianMs ?? 40, sigma, random);
  const categories = options.throttling === false ? ECS_THROTTLING_CATEGORIES : (options.throttling ?? ECS_THROTTLING_CATEGORIES);
  let throttlingOn = options.throttling !== false;
  const buckets = new Map(Object.entries(categories).map(([name, limits]) => [name, new TokenBucket(limits, options.now)]));
  let counters = emptyStats();
  const serviceIndex = indexServices(account);
  let deploymentSequence = 0;
  /** Successful UpdateService calls per service ARN, and when the last one was answered (ms since epoch). */
  let updates = new Map<string, { count: number; last: number }>();

  const ecsActions: Record<string, (input: JsonObject) => JsonObject> = {
    ListClusters: (input) => page(account.clusterArns, input, 100, 100, 'clusterArns'),
    ListServices: (input) => {
      const cluster = findCluster(account, input.cluster);
      const arns = (account.servicesByCluster.get(cluster) ?? []).filter((s) => s.status === 'ACTIVE').map((s) => s.serviceArn as string);
      return page(arns, input, 10, 100, 'serviceArns');
    },
    DescribeServices: (input) => {
      const cluster = findCluster(account, input.cluster);
      const requested = input.services;
      if (!Array.isArray(requested) || requested.length === 0) throw new AwsError('InvalidParameterException', 'services must not be empty.');
      if (requested.length > 10) throw new AwsError('InvalidParameterException', 'services can have at most 10 items.');
      const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
      const services: JsonObject[] = [];
      const failures: JsonObject[] = [];
      for (const ref of requested as string[]) {
        const service = serviceIndex.get(`${cluster}|${ref.split('/').pop()}`);
        if (!service) failures.push({ arn: ref, reason: 'MISSING' });
        else if (withTags) services.push(service);
        else services.push({ ...service, tags: undefined });
      }
      return { services, failures };
    },
    DescribeTaskDefinition: (input) => {
      const ref = String(input.taskDefinition ?? '');
      const found = account.taskDefinitions.get(ref) ?? findTaskDefinitionByName(account, ref);
      if (!found) throw new AwsError('ClientException', 'Unable to describe task definition.');
      return { taskDefinition: found, ...(Array.isArray(input.include) && input.include.includes('TAGS') ? { tags: [] } : {}) };
    },
    UpdateService: (input) => {
      const cluster = findCluster(account, input.cluster);
      const service = serviceIndex.get(
        `${cluster}|${String(input.service ?? '')
          .split('/')
          .pop()}`,
      );
      if (!service) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      if (service.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
      const now = Math.floor(Date.now() / 1000);
      const deployment = {
        id: `ecs-svc/${9_000_000_000 + ++deploymentSequence}`,
        status: 'PRIMARY',
        taskDefinition: input.taskDefinition ?? service.taskDefinition,
        desiredCount: service.desiredCount,
        runningCount: 0,
        createdAt: now,
        updatedAt: now,
        rolloutState: 'IN_PROGRESS',
      };
      const previous = (service.deployments as JsonObject[]).map((d) => ({ ...d, status: 'ACTIVE' }));
      service.deployments = [deployment, ...previous].slice(0, 3);
      const arn = String(service.serviceArn);
      const seen = updates.get(arn);
      updates.set(arn, { count: (seen?.count ?? 0) + 1, last: Date.now() });
      return { service };
    },
  };

  const batchActions: Record<string, (input: JsonObject) => JsonObject> = {
    describejobdefinitions: (input) => {
      if (Array.isArray(input.jobDefinitions) && input.jobDefinitions.length > 0) {
        const wanted = new Set(input.jobDefinitions as string[]);
        return {
          jobDefinitions: account.jobDefinitions.filter((d) => wanted.has(d.jobDefinitionArn as string) || wanted.has(`${d.jobDefinitionName}:${d.revision}`)),
        };
      }
      const status = input.status;
      const definitions = account.jobDefinitions.filter(
        (d) => (!status || d.status === status) && (!input.jobDefinitionName || d.jobDefinitionName === input.jobDefinitionName),
      );
      return page(definitions, input, 100, 100, 'jobDefinitions');
    },
    describejobqueues: (input) => page(account.jobQueues, input, 100, 100, 'jobQueues'),
    listjobs: (input) => {
      if (!input.jobQueue && !input.arrayJobId && !input.multiNodeJobId) {
        throw new AwsError('ClientException', 'jobQueue, arrayJobId or multiNodeJobId is required.');
      }
      return page([], input, 100, 100, 'jobSummaryList');
    },
    describejobs: (input) => {
      if (!Array.isArray(input.jobs) || input.jobs.length > 100) throw new AwsError('ClientException', 'jobs must have 1 to 100 items.');
      return { jobs: [] };
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = request.url ?? '/';
    if (url.startsWith('/__sim/')) return control(url, body, response);
    const target = request.headers['x-amz-target'];
    let action: string;
    let handler: ((input: JsonObject) => JsonObject) | undefined;
    if (typeof target === 'string') {
      action = target.startsWith(ECS_TARGET_PREFIX) ? target.slice(ECS_TARGET_PREFIX.length) : target;
      handler = target.startsWith(ECS_TARGET_PREFIX) ? ecsActions[action] : undefined;
    } else {
      const path = url.split('?')[0] ?? '';
      action = `batch:${path.replace(/^\/v1\//, '')}`;
      handler = path.startsWith('/v1/') ? batchActions[path.slice(4)] : undefined;
    }
    counters.calls[action] = (counters.calls[action] ?? 0) + 1;
    const delay = latency();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      if (!handler) throw new AwsError('UnknownOperationException', `Unknown operation ${action}`);
      const category = throttlingOn ? throttlingCategory(action, categories) : undefined;
      if (category && !buckets.get(category)?.take()) {
        counters.throttled[action] = (counters.throttled[action] ?? 0) + 1;
        throw new AwsError('ThrottlingException', 'Rate exceeded');
      }
      let input: JsonObject;
      try {
        input = body.length ? (JSON.parse(body) as JsonObject) : {};
      } catch {
        throw new AwsError('SerializationException', 'Request body is not valid JSON');
      }
      send(response, 200, handler(input), typeof target === 'string');
    } catch (error) {
      if (error instanceof AwsError) {
        if (error.type !== 'ThrottlingException') counters.errors[action] = (counters.errors[action] ?? 0) + 1;
        response.setHeader('x-amzn-errortype', error.type);
        send(response, error.status, { __type: error.type, message: error.message }, typeof target === 'string');
      } else {
        counters.errors[action] = (counters.errors[action] ?? 0) + 1;
        send(response, 500, { __type: 'ServerException', message: String(error) }, typeof target === 'string');
      }
    }
  }

  function control(url: string, body: string, response: ServerResponse): void {
    if (url === '/__sim/stats') {
      send(response, 200, counters as unknown as JsonObject, false);
      return;
    }
    if (url === '/__sim/account') {
      const clusterSizes = account.clusterArns.map((arn) => (account.servicesByCluster.get(arn) ?? []).filter((s) => s.status === 'ACTIVE').length);
      const readers = account.parameterReaders ? { parameterReaders: Object.fromEntries(account.parameterReaders) } : {};
      // Services secret-refresh never deploys, by design: another deployment controller, or nothing running.
      const undeployable = [...account.servicesByCluster.values()]
        .flat()
        .filter((service) => (service.deploymentController as JsonObject | undefined)?.type !== 'ECS' || service.desiredCount === 0)
        .map((service) => String(service.serviceArn));
      send(
        response,
        200,
        { clusterSizes, revisionsInUse: account.revisionsInUse, jobDefinitions: account.jobDefinitions.length, undeployable, ...readers },
        false,
      );
      return;
    }
    if (url === '/__sim/updates') {
      send(response, 200, Object.fromEntries(updates) as unknown as JsonObject, false);
      return;
    }
    if (url === '/__sim/reset') {
      api.reset();
      send(response, 200, {}, false);
      return;
    }
    if (url === '/__sim/configure') {
      api.configure(JSON.parse(body || '{}') as { latencyMedianMs?: number; throttling?: boolean });
      send(response, 200, {}, false);
      return;
    }
    send(response, 404, { message: 'unknown control path' }, false);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const api: AwsSimulator = {
    url: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(counters),
    reset: () => {
      counters = emptyStats();
      updates = new Map();
      for (const bucket of buckets.values()) bucket.reset();
    },
    configure: (change) => {
      if (change.latencyMedianMs !== undefined) latency = lognormalLatency(change.latencyMedianMs, sigma, random);
      if (change.throttling !== undefined) throttlingOn = change.throttling;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return api;
}

function emptyStats(): { calls: Record<string, number>; throttled: Record<string, number>; errors: Record<string, number> } {
  return { calls: {}, throttled: {}, errors: {} };
}

function send(response: ServerResponse, status: number, body: JsonObject, json11: boolean): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': json11 ? 'application/x-amz-json-1.1' : 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One page of `items`: `maxResults` within [1, max] (else InvalidParameterException), opaque `nextToken`. */
function page<T>(items: readonly T[], input: JsonObject, defaultSize: number, max: number, key: string): JsonObject {
  const size = input.maxResults === undefined || input.maxResults === null ? defaultSize : Number(input.maxResults);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new AwsError('InvalidParameterException', `maxResults must be between 1 and ${max}.`);
  }
  let offset = 0;
  if (typeof input.nextToken === 'string' && input.nextToken.length > 0) {
    const decoded = Number(Buffer.from(input.nextToken, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw new AwsError('InvalidParameterException', 'Invalid nextToken.');
    offset = decoded;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(`o:${offset + size}`).toString('base64url') : undefined;
  return { [key]: slice, ...(next ? { nextToken: next } : {}) };
}

function findCluster(account: SyntheticAccount, cluster: unknown): string {
  const ref = typeof cluster === 'string' && cluster.length > 0 ? cluster : 'default';
  const arn = account.clusterArns.find((candidate) => candidate === ref || candidate.endsWith(`:cluster/${ref}`));
  if (!arn) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return arn;
}

function indexServices(account: SyntheticAccount): Map<string, JsonObject> {
  const index = new Map<string, JsonObject>();
  for (const [cluster, services] of account.servicesByCluster) {
    for (const service of services) index.set(`${cluster}|${service.serviceName as string}`, service);
  }
  return index;
}

function findTaskDefinitionByName(account: SyntheticAccount, ref: string): JsonObject | undefined {
  const [family, revision] = ref.replace(/^.*task-definition\//, '').split(':');
  let latest: JsonObject | undefined;
  for (const definition of account.taskDefinitions.values()) {
    if (definition.family !== family) continue;
    if (revision !== undefined && String(definition.revision) === revision) return definition;
    if (revision === undefined && (!latest || (definition.revision as number) > (latest.revision as number))) latest = definition;
  }
  return revision === undefined ? latest : undefined;
}
