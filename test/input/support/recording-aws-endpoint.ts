/**
 * A local HTTP server that stands in for every AWS endpoint (`AWS_ENDPOINT_URL` points the SDK at it) and
 * records every request, so a test can assert "no AWS call at all" by count and "no write call" by
 * operation name, whatever code path (handler, CLI, pipeline) made it.
 *
 * It understands the wire protocols secret-refresh's clients use: JSON 1.1 (`x-amz-target`: Secrets Manager,
 * SSM, ECS, EventBridge, DynamoDB), Smithy RPC v2 (`/service/<S>/operation/<Op>`), REST-JSON (Batch
 * `/v1/<op>`) and Query (STS `Action=`). By default every secret and parameter is unknown: DescribeSecret
 * answers `ResourceNotFoundException`, DescribeParameters an empty list, SSM ListTagsForResource
 * `InvalidResourceId`, ListClusters and the Batch describe calls empty lists, and
 * anything else (every write) `AccessDeniedException`, so a stray write is recorded *and* fails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake endpoint received. */
export interface RecordedRequest {
  /** Operation name as AWS spells it: `DescribeSecret`, `UpdateService`, `SubmitJob`, `GetCallerIdentity`. */
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** What the fake endpoint answers. */
export interface FakeAnswer {
  readonly status: number;
  /** For errors: the AWS error code, sent as `__type` and `x-amzn-errortype`. */
  readonly errorType?: string;
  readonly body?: unknown;
}

/** Decides the answer to one request; return undefined for the default answer. */
export type Responder = (request: RecordedRequest) => FakeAnswer | undefined;

/** Operations that change something (in AWS, or publish something): none of them may follow invalid input. */
const WRITE_OPERATION = /^(Update|Create|Delete|Put|Register|Deregister|Submit|Terminate|Tag|Untag|Run|Start|Stop|Send|Batch(Write|Execute)|TransactWrite)/;

/** Batch's REST paths, lower-cased, → operation names. */
const BATCH_OPERATIONS: Readonly<Record<string, string>> = {
  describejobdefinitions: 'DescribeJobDefinitions',
  describejobqueues: 'DescribeJobQueues',
  listjobs: 'ListJobs',
  describejobs: 'DescribeJobs',
  submitjob: 'SubmitJob',
  terminatejob: 'TerminateJob',
  canceljob: 'CancelJob',
};

/** True for operations that write. */
export function isWrite(operation: string): boolean {
  return WRITE_OPERATION.test(operation);
}

function operationOf(request: IncomingMessage, path: string, body: string): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  const rpcV2 = /\/service\/[^/]+\/operation\/([^/?]+)/.exec(path);
  if (rpcV2?.[1]) return rpcV2[1];
  const batch = /^\/v1\/([a-z]+)/.exec(path);
  if (batch?.[1]) {
    if (batch[1] === 'tags') return request.method === 'DELETE' ? 'UntagResource' : request.method === 'GET' ? 'ListTagsForResource' : 'TagResource';
    return BATCH_OPERATIONS[batch[1]] ?? batch[1];
  }
  const action = new URLSearchParams(body).get('Action') ?? new URL(path, 'http://x').searchParams.get('Action');
  return action ?? `${request.method} ${path}`;
}

function defaultAnswer(request: RecordedRequest): FakeAnswer {
  switch (request.operation) {
    case 'DescribeSecret':
      return { status: 400, errorType: 'ResourceNotFoundException', body: { message: "Secrets Manager can't find the specified secret." } };
    case 'DescribeParameters':
      return { status: 200, body: { Parameters: [] } };
    case 'ListTagsForResource':
      return { status: 400, errorType: 'InvalidResourceId', body: { message: 'fake AWS endpoint: no such resource' } };
    case 'ListClusters':
      return { status: 200, body: { clusterArns: [] } };
    case 'DescribeJobQueues':
      return { status: 200, body: { jobQueues: [] } };
    case 'DescribeJobDefinitions':
      return { status: 200, body: { jobDefinitions: [] } };
    default:
      return { status: 400, errorType: 'AccessDeniedException', body: { message: `fake AWS endpoint: ${request.operation} is not allowed in this test` } };
  }
}

function send(response: ServerResponse, request: RecordedRequest, answer: FakeAnswer): void {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake-request-id' };
  let body = answer.body ?? {};
  if (answer.errorType) {
    headers['x-amzn-errortype'] = answer.errorType;
    body = { __type: answer.errorType, ...(body as object) };
  }
  if (request.operation === 'GetCallerIdentity' && !answer.errorType) {
    headers['content-type'] = 'text/xml';
    response
      .writeHead(answer.status, headers)
      .end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          '<Arn>arn:aws:iam::111122223333:user/test</Arn><UserId>AIDATEST</UserId><Account>111122223333</Account>' +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    return;
  }
  response.writeHead(answer.status, headers).end(JSON.stringify(body));
}

/** The running fake endpoint. */
export interface RecordingAwsEndpoint {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The operation names of the requests that write. */
  writes(): string[];
  /** Replace the responder (undefined: defaults only). */
  respondWith(responder: Responder | undefined): void;
  /** Forget the recorded requests and the responder. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts the fake endpoint on a free loopback port.
 *
 * @example
 * const aws = await startRecordingAwsEndpoint();
 * vi.stubEnv('AWS_ENDPOINT_URL', aws.url);
 * // … run the handler …
 * expect(aws.requests).toEqual([]);
 */
export async function startRecordingAwsEndpoint(): Promise<RecordingAwsEndpoint> {
  const requests: RecordedRequest[] = [];
  let responder: Responder | undefined;
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = incoming.url ?? '/';
      const recorded: RecordedRequest = { operation: operationOf(incoming, path, body), method: incoming.method ?? 'GET', path, body };
      requests.push(recorded);
      send(response, recorded, responder?.(recorded) ?? defaultAnswer(recorded));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: () => requests.map((request) => request.operation).filter(isWrite),
    respondWith: (next) => {
      responder = next;
    },
    reset: () => {
      requests.length = 0;
      responder = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
