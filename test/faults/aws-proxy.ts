/**
 * An HTTP proxy between secret-refresh's SDK clients and moto_server, for the batch fault scenarios: every request
 * is recorded (operation, the service or item it names, the status answered), and a scenario's hook may answer a
 * request itself — a throttle, a 5xx, a denial — or delay it, *below* the SDK: the client's retry strategy and
 * secret-refresh's pacing see a real HTTP answer, as they would from AWS. Clients in other processes (the child a
 * scenario kills) go through it too, so what landed in "AWS" is known even when the client died before logging it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request seen by the proxy. */
export interface ProxiedRequest {
  /** `ecs:UpdateService`, `dynamodb:PutItem`, `sqs:SendMessageBatch`… */
  readonly operation: string;
  /** The parsed JSON body (JSON protocols), or `{}`. */
  readonly input: Record<string, unknown>;
  /** 0-based index among requests of the same operation. */
  readonly index: number;
  /** What the client got: the status moto or the hook answered. */
  status?: number;
}

/** What a hook answers for one request: an AWS-shaped error, or a delay before forwarding it. */
export type ProxyAnswer = { readonly error: { readonly status: number; readonly type: string; readonly message: string } } | { readonly delayMs: number };

/** Decides, for one request, whether to answer it (an error), delay it, or forward it as it is (undefined). */
export type ProxyHook = (request: ProxiedRequest) => ProxyAnswer | undefined;

/** The running proxy. */
export interface AwsProxy {
  readonly url: string;
  readonly requests: ProxiedRequest[];
  hook: ProxyHook;
  /** Called after each answered request (e.g. to kill a child process at the right moment). */
  onAnswered: (request: ProxiedRequest) => void;
  /** Requests of `operation` moto answered with 2xx. */
  landed(operation: string): ProxiedRequest[];
  /** Forgets every request and restarts the per-operation indexes (a new scenario). */
  clear(): void;
  close(): Promise<void>;
}

const TARGET_PREFIXES: Readonly<Record<string, string>> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  DynamoDB_20120810: 'dynamodb',
  AmazonSQS: 'sqs',
  secretsmanager: 'secretsmanager',
  AmazonSSM: 'ssm',
  AWSEvents: 'events',
};

function operationOf(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix = '', action = ''] = target.split('.');
    return `${TARGET_PREFIXES[prefix] ?? prefix}:${action}`;
  }
  const path = request.url ?? '/';
  const batch = /^\/v1\/([a-z]+)/.exec(path);
  return batch ? `batch:${batch[1]}` : `${request.method} ${path.split('?')[0]}`;
}

/** Starts the proxy in front of `targetUrl` (moto). */
export async function startAwsProxy(targetUrl: string): Promise<AwsProxy> {
  const requests: ProxiedRequest[] = [];
  const counts = new Map<string, number>();
  const proxy: AwsProxy = {
    url: '',
    requests,
    hook: () => undefined,
    onAnswered: () => undefined,
    landed: (operation) => requests.filter((request) => request.operation === operation && request.status !== undefined && request.status < 300),
    clear: () => {
      requests.length = 0;
      counts.clear();
    },
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(incoming);
      const index = counts.get(operation) ?? 0;
      counts.set(operation, index + 1);
      let input: Record<string, unknown> = {};
      try {
        input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        input = {};
      }
      const recorded: ProxiedRequest = { operation, input, index };
      requests.push(recorded);
      const answer = proxy.hook(recorded);
      if (answer && 'error' in answer) {
        recorded.status = answer.error.status;
        const payload = JSON.stringify({ __type: answer.error.type, message: answer.error.message });
        response.writeHead(answer.error.status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': answer.error.type,
          'x-amzn-requestid': 'proxy',
        });
        response.end(payload);
        proxy.onAnswered(recorded);
        return;
      }
      if (answer && 'delayMs' in answer) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      try {
        const headers = Object.fromEntries(Object.entries(incoming.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<
          string,
          string
        >;
        const forwarded = await fetch(`${targetUrl}${incoming.url ?? '/'}`, {
          method: incoming.method ?? 'POST',
          headers,
          ...(body.length > 0 ? { body } : {}),
        });
        const text = Buffer.from(await forwarded.arrayBuffer());
        recorded.status = forwarded.status;
        const out: Record<string, string> = {};
        forwarded.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'content-encoding' && name !== 'connection') out[name] = value;
        });
        response.writeHead(forwarded.status, out);
        response.end(text);
      } catch (error) {
        recorded.status = 502;
        response.writeHead(502).end(String(error));
      }
      proxy.onAnswered(recorded);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

/** A throttled answer as DynamoDB sends it (the SDK retries it). */
export const DYNAMODB_THROTTLED = {
  error: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
} as const;

/** An access denial as DynamoDB sends it (the SDK does not retry it). */
export const DYNAMODB_DENIED = {
  error: { status: 400, type: 'com.amazon.coral.service#AccessDeniedException', message: 'User is not authorized to perform: dynamodb:PutItem' },
} as const;

/** A 500 as DynamoDB sends it (retried). */
export const DYNAMODB_INTERNAL = {
  error: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
} as const;

/** ECS's throttle (retried by the SDK's standard mode). */
export const ECS_THROTTLED = { error: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' } } as const;
