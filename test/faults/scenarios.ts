/**
 * The fault matrix: for every AWS call the pipeline makes, what happens when it is throttled for a while,
 * answers 5xx once, loses its connection once, or is denied; plus the races (a service or cluster deleted
 * between list and update), one service of many failing, a failed publish of the result events, and the
 * Lambda time budget running out mid-run followed by a redelivery.
 *
 * Each scenario delivers the sample event (AWSCURRENT moved on demo/orders/db) to a synthetic
 * account of 12 ECS services in 2 clusters — 10 read the secret, 2 do not — and 2 running Batch jobs (one
 * reads it, policy `resubmit`), delivered again as the intake queue does while the run fails (after the visibility
 * timeout, up to maxReceiveCount, then the failed-events queue). The matrix runs the pipeline per delivery without
 * the state table; test/faults/batch-faults.test.ts adds it, the queue and the lease. `expected` is the outcome line
 * per delivery (see `describeDelivery`) and the end state; every scenario must also lose nothing, do nothing
 * twice and touch nothing that does not read the secret.
 *
 * Without a fault: `11 done, 1 skipped (nothing-to-do 1) → exit 0` — 10 services redeployed, the running job
 * cloned, its job definition reported (future jobs read the new value anyway).
 */
import { deliverEvent, MAX_RECEIVES, type Outcome } from './deliver-event.js';
import {
  CALLS,
  type CallName,
  clusterArn,
  type FaultHook,
  FIRST_INVOCATION,
  networkError,
  serviceArn,
  serviceError,
  WRITE_CALLS,
} from './synthetic-account.js';

/** One row of the matrix. */
export interface FaultScenario {
  readonly name: string;
  /** The fault, as the table's first column says it. */
  readonly fault: string;
  /** Outcome line of each delivery, joined by ` ⟳ `; ` ⇒ failed-events queue` when the last one failed too. */
  readonly expected: string;
  /** Set when lib/ is known to get this wrong: what is wrong, where. The test is `it.fails` until it is fixed. */
  readonly knownBug?: string;
  run(): Promise<Outcome>;
}

const OK = '11 done, 1 skipped (nothing-to-do 1) → exit 0';
/** A retry after everything else was done: services already fresh, the job already resubmitted. */
const ALL_FRESH = '0 done, 12 skipped (already-fresh 10, nothing-to-do 1, superseded 1) → exit 0';
const NOTHING = '1 skipped (nothing-to-do 1)';
const NOTHING_SUPERSEDED = '2 skipped (nothing-to-do 1, superseded 1)';
const FRESH_9 = '11 skipped (already-fresh 9, nothing-to-do 1, superseded 1)';
const FRESH_10 = '11 skipped (already-fresh 10, nothing-to-do 1)';
const UNPUBLISHED = 'result events not published (warning)';
const DLQ = ' ⇒ failed-events queue';

/** Delivery lines in order: the first delivery, then the intake queue's redeliveries. */
function chain(...deliveries: string[]): string {
  return deliveries.join(' ⟳ ');
}

/** The same line for every redelivery after the first delivery, up to the intake queue's maxReceiveCount. */
function redeliveries(line: string): string[] {
  return Array.from({ length: MAX_RECEIVES - 1 }, () => line);
}

/** The storm lasts 90 s: the first delivery is throttled, its redelivery (after the 1,800 s visibility timeout) is not. */
export const STORM_MS = 90_000;

/** Generic faults, applied to one AWS call at a time. */
const KINDS = {
  storm: {
    label: (call: CallName) => `${call}: ThrottlingException storm (every call, ${STORM_MS / 1000} s)`,
    hook:
      (call: CallName): FaultHook =>
      (context) =>
        context.call === call && context.now < FIRST_INVOCATION + STORM_MS
          ? { when: 'before', error: serviceError(call, 'ThrottlingException', 'Rate exceeded', 'client', call.startsWith('batch') ? 429 : 400) }
          : undefined,
  },
  server: {
    label: (call: CallName) => `${call}: 503 ServiceUnavailable (first call)`,
    hook:
      (call: CallName): FaultHook =>
      (context) =>
        context.call === call && context.index === 0
          ? { when: 'before', error: serviceError(call, 'ServiceUnavailable', 'Service is unavailable', 'server', 503) }
          : undefined,
  },
  network: {
    label: (call: CallName) =>
      WRITE_CALLS.includes(call) ? `${call}: TimeoutError/ECONNRESET after the write landed (first call)` : `${call}: TimeoutError/ECONNRESET (first call)`,
    hook:
      (call: CallName): FaultHook =>
      (context) =>
        context.call === call && context.index === 0 ? { when: WRITE_CALLS.includes(call) ? 'after' : 'before', error: networkError() } : undefined,
  },
  denied: {
    label: (call: CallName) => `${call}: AccessDeniedException (every call)`,
    hook:
      (call: CallName): FaultHook =>
      (context) =>
        context.call === call ? { when: 'before', error: serviceError(call, 'AccessDeniedException', `not authorized to perform ${call}`) } : undefined,
  },
} as const;
type Kind = keyof typeof KINDS;

/**
 * Expected outcome of each generic fault: `[call][kind]`. Read with the synthetic account in mind: orders-01…08
 * and payments-01/02 read the secret; the job nightly-run reads it; ListJobs is also the clone look-up before
 * SubmitJob; DescribeJobDefinitions is also how definitions of running jobs are completed.
 */
const EXPECTED: Record<(typeof CALLS)[number], Record<Kind, string>> = {
  // No cluster list: no ECS target at all, the Region is reported unreadable; the job is still cloned.
  'ecs:ListClusters': {
    storm: chain(`1 done, 1 unreadable (ListClusters), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    server: chain(`1 done, 1 unreadable (ListClusters), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    network: chain(`1 done, 1 unreadable (ListClusters), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    denied:
      chain(
        `1 done, 1 unreadable (ListClusters), ${NOTHING} → exit 1`,
        ...redeliveries(`0 done, 1 unreadable (ListClusters), ${NOTHING_SUPERSEDED} → exit 1`),
      ) + DLQ,
  },
  // The first call lists cluster orders: its 8 readers wait for the retry; payments-01/02 are done at once.
  'ecs:ListServices': {
    storm: chain(`1 done, 2 unreadable (cluster/orders, cluster/payments), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    server: chain(`3 done, 1 unreadable (cluster/orders), ${NOTHING} → exit 1`, '8 done, 4 skipped (already-fresh 2, nothing-to-do 1, superseded 1) → exit 0'),
    network: chain(`3 done, 1 unreadable (cluster/orders), ${NOTHING} → exit 1`, '8 done, 4 skipped (already-fresh 2, nothing-to-do 1, superseded 1) → exit 0'),
    denied:
      chain(
        `1 done, 2 unreadable (cluster/orders, cluster/payments), ${NOTHING} → exit 1`,
        ...redeliveries(`0 done, 2 unreadable (cluster/orders, cluster/payments), ${NOTHING_SUPERSEDED} → exit 1`),
      ) + DLQ,
  },
  'ecs:DescribeServices': {
    storm: chain(`1 done, 2 unreadable (cluster/orders, cluster/payments), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    server: chain(`3 done, 1 unreadable (cluster/orders), ${NOTHING} → exit 1`, '8 done, 4 skipped (already-fresh 2, nothing-to-do 1, superseded 1) → exit 0'),
    network: chain(`3 done, 1 unreadable (cluster/orders), ${NOTHING} → exit 1`, '8 done, 4 skipped (already-fresh 2, nothing-to-do 1, superseded 1) → exit 0'),
    denied:
      chain(
        `1 done, 2 unreadable (cluster/orders, cluster/payments), ${NOTHING} → exit 1`,
        ...redeliveries(`0 done, 2 unreadable (cluster/orders, cluster/payments), ${NOTHING_SUPERSEDED} → exit 1`),
      ) + DLQ,
  },
  // Every service whose task definition cannot be read is reported, readers or not (12 services).
  'ecs:DescribeTaskDefinition': {
    storm: chain(`1 done, 12 unreadable (orders-01, orders-02, orders-03, …), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    server: chain(`10 done, 1 unreadable (orders-01), ${NOTHING} → exit 1`, `1 done, ${FRESH_9} → exit 0`),
    network: chain(`10 done, 1 unreadable (orders-01), ${NOTHING} → exit 1`, `1 done, ${FRESH_9} → exit 0`),
    denied:
      chain(
        `1 done, 12 unreadable (orders-01, orders-02, orders-03, …), ${NOTHING} → exit 1`,
        ...redeliveries(`0 done, 12 unreadable (orders-01, orders-02, orders-03, …), ${NOTHING_SUPERSEDED} → exit 1`),
      ) + DLQ,
  },
  // The write that landed but whose answer was lost is reported failed; the retry finds it already fresh.
  'ecs:UpdateService': {
    storm: chain(`1 done, 10 failed (orders-01, orders-02, orders-03, …), ${NOTHING} → exit 1`, `10 done, ${NOTHING_SUPERSEDED} → exit 0`),
    server: chain(`10 done, 1 failed (orders-01), ${NOTHING} → exit 1`, `1 done, ${FRESH_9} → exit 0`),
    network: chain(`10 done, 1 failed (orders-01), ${NOTHING} → exit 1`, ALL_FRESH),
    denied:
      chain(
        `1 done, 10 failed (orders-01, orders-02, orders-03, …), ${NOTHING} → exit 1`,
        ...redeliveries(`0 done, 10 failed (orders-01, orders-02, orders-03, …), ${NOTHING_SUPERSEDED} → exit 1`),
      ) + DLQ,
  },
  // Both DescribeJobDefinitions calls fail in a storm (ACTIVE list, then the running job's revision): the job
  // cannot be matched and is covered by the reported problems. One failure: the second call finds the revision.
  'batch:DescribeJobDefinitions': {
    storm: chain('10 done, 2 unreadable (DescribeJobDefinitions, job-definition/nightly:1) → exit 1', `1 done, ${FRESH_10} → exit 0`),
    server: chain(`11 done, 1 unreadable (DescribeJobDefinitions), ${NOTHING} → exit 1`, ALL_FRESH),
    network: chain(`11 done, 1 unreadable (DescribeJobDefinitions), ${NOTHING} → exit 1`, ALL_FRESH),
    denied:
      chain(
        '10 done, 2 unreadable (DescribeJobDefinitions, job-definition/nightly:1) → exit 1',
        ...redeliveries('0 done, 2 unreadable (DescribeJobDefinitions, job-definition/nightly:1), 10 skipped (already-fresh 10) → exit 1'),
      ) + DLQ,
  },
  'batch:DescribeJobQueues': {
    storm: chain(`10 done, 1 unreadable (DescribeJobQueues), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    server: chain(`10 done, 1 unreadable (DescribeJobQueues), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    network: chain(`10 done, 1 unreadable (DescribeJobQueues), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    denied:
      chain(
        `10 done, 1 unreadable (DescribeJobQueues), ${NOTHING} → exit 1`,
        ...redeliveries(`0 done, 1 unreadable (DescribeJobQueues), ${FRESH_10} → exit 1`),
      ) + DLQ,
  },
  // The first ListJobs is the inventory's (STARTING jobs of the queue); the clone look-up has its own rows below.
  'batch:ListJobs': {
    storm: chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    server: chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    network: chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    denied:
      chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, ...redeliveries(`0 done, 1 unreadable (job-queue/orders), ${FRESH_10} → exit 1`)) +
      DLQ,
  },
  'batch:DescribeJobs': {
    storm: chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    server: chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    network: chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    denied:
      chain(`10 done, 1 unreadable (job-queue/orders), ${NOTHING} → exit 1`, ...redeliveries(`0 done, 1 unreadable (job-queue/orders), ${FRESH_10} → exit 1`)) +
      DLQ,
  },
  // A clone that was submitted but whose answer was lost is found by name and tag on the retry: never two clones.
  'batch:SubmitJob': {
    storm: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    server: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    network: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    denied: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, ...redeliveries(`0 done, 1 failed (nightly-run), ${FRESH_10} → exit 1`)) + DLQ,
  },
  // Tagging the original fails after the clone was submitted: the retry reuses the clone and tags again.
  'batch:TagResource': {
    storm: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    server: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    network: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, ALL_FRESH),
    denied: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, ...redeliveries(`0 done, 1 failed (nightly-run), ${FRESH_10} → exit 1`)) + DLQ,
  },
  // Publishing is best effort: a warning in the report, never a failed run (a retry would redo nothing anyway).
  'events:PutEvents': {
    storm: `11 done, ${NOTHING}, ${UNPUBLISHED} → exit 0`,
    server: `11 done, ${NOTHING}, ${UNPUBLISHED} → exit 0`,
    network: `11 done, ${NOTHING}, ${UNPUBLISHED} → exit 0`,
    denied: `11 done, ${NOTHING}, ${UNPUBLISHED} → exit 0`,
  },
  // The change cannot be confirmed: the run throws before any inventory or write, and the event is delivered again.
  'secretsmanager:DescribeSecret': {
    storm: chain('threw ThrottlingException → exit 1', OK),
    server: chain('threw ServiceUnavailable → exit 1', OK),
    network: chain('threw TimeoutError → exit 1', OK),
    denied: chain(...Array.from({ length: MAX_RECEIVES }, () => 'threw AccessDeniedException → exit 1')) + DLQ,
  },
};

const generic: FaultScenario[] = CALLS.flatMap((call) =>
  (Object.keys(KINDS) as Kind[]).map((kind) => ({
    name: `${call} ${kind}`,
    fault: KINDS[kind].label(call),
    expected: EXPECTED[call][kind],
    run: () => deliverEvent({ fault: KINDS[kind].hook(call) }),
  })),
);

const ORDERS_04 = serviceArn('orders', 'orders-04');
const ORDERS_05 = serviceArn('orders', 'orders-05');
const ORDERS_06 = serviceArn('orders', 'orders-06');
const TERMINATE = { SECRET_REFRESH_BATCH_POLICY: 'resubmit-and-terminate' } as const;

/** Faults that are not "one call misbehaves": races, partial failures, the time budget, policy terminate. */
const special: FaultScenario[] = [
  {
    name: 'baseline',
    fault: 'no fault',
    expected: OK,
    run: () => deliverEvent(),
  },
  {
    name: 'service deleted between ListServices and DescribeServices',
    fault: 'race: orders-06 deleted after ListServices (DescribeServices: MISSING)',
    // The vanished service is reported as skipped (not-found): nothing of it runs, so nothing failed.
    expected: '10 done, 2 skipped (not-found 1, nothing-to-do 1) → exit 0',
    run: () =>
      deliverEvent({
        fault: (context) => {
          if (context.call === 'ecs:DescribeServices' && context.attempt === 1 && String(context.input.cluster) === clusterArn('orders')) {
            context.account.deleteService(ORDERS_06);
          }
          return undefined;
        },
      }),
  },
  {
    name: 'service deleted between list and UpdateService',
    fault: 'race: orders-04 deleted before its UpdateService (ServiceNotFoundException)',
    // A service gone when UpdateService runs is skipped (not-found), never a failure that Lambda would retry.
    expected: '10 done, 2 skipped (not-found 1, nothing-to-do 1) → exit 0',
    run: () =>
      deliverEvent({
        fault: (context) => {
          if (context.call === 'ecs:UpdateService' && context.input.service === ORDERS_04) context.account.deleteService(ORDERS_04);
          return undefined;
        },
      }),
  },
  {
    name: 'cluster deleted between list and UpdateService',
    fault: 'race: cluster payments deleted before its UpdateService (ClusterNotFoundException)',
    expected: '9 done, 3 skipped (not-found 2, nothing-to-do 1) → exit 0',
    run: () =>
      deliverEvent({
        fault: (context) => {
          if (context.call === 'ecs:UpdateService' && String(context.input.cluster) === clusterArn('payments')) context.account.deleteCluster('payments');
          return undefined;
        },
      }),
  },
  {
    name: 'UpdateService fails for one service of many (transient)',
    fault: 'ecs:UpdateService: InternalFailure for orders-05 only, first delivery',
    expected: chain(`10 done, 1 failed (orders-05), ${NOTHING} → exit 1`, `1 done, ${FRESH_9} → exit 0`),
    run: () =>
      deliverEvent({
        fault: (context) =>
          context.call === 'ecs:UpdateService' && context.input.service === ORDERS_05 && context.attempt === 1
            ? { when: 'before', error: serviceError('ecs:UpdateService', 'InternalFailure', 'We encountered an internal error.', 'server', 500) }
            : undefined,
      }),
  },
  {
    name: 'UpdateService fails for one service of many (persistent)',
    fault: 'ecs:UpdateService: InvalidParameterException for orders-05, every call',
    expected: chain(`10 done, 1 failed (orders-05), ${NOTHING} → exit 1`, ...redeliveries(`0 done, 1 failed (orders-05), ${FRESH_9} → exit 1`)) + DLQ,
    run: () =>
      deliverEvent({
        fault: (context) =>
          context.call === 'ecs:UpdateService' && context.input.service === ORDERS_05
            ? { when: 'before', error: serviceError('ecs:UpdateService', 'InvalidParameterException', 'The service has no active task definition.') }
            : undefined,
      }),
  },
  {
    name: 'PutEvents reports failed entries',
    fault: 'events:PutEvents: FailedEntryCount 1 (no exception)',
    expected: `11 done, ${NOTHING}, ${UNPUBLISHED} → exit 0`,
    run: () =>
      deliverEvent({
        setup: (account) => {
          account.putEventsFailedEntries = 1;
        },
      }),
  },
  {
    name: 'every call throttled',
    fault: `every ECS/Batch/EventBridge call: ThrottlingException storm (${STORM_MS / 1000} s)`,
    expected: chain(`0 done, 3 unreadable (ListClusters, DescribeJobDefinitions, DescribeJobQueues), ${UNPUBLISHED} → exit 1`, OK),
    run: () =>
      deliverEvent({
        fault: (context) =>
          context.call !== 'secretsmanager:DescribeSecret' && context.now < FIRST_INVOCATION + STORM_MS
            ? { when: 'before', error: serviceError(context.call, 'ThrottlingException', 'Rate exceeded') }
            : undefined,
      }),
  },
  {
    name: 'clone look-up (ListJobs by name) fails once',
    fault: 'batch:ListJobs JOB_NAME look-up before SubmitJob: 503 ServiceUnavailable (first call)',
    expected: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    run: () => {
      let failed = false;
      return deliverEvent({
        fault: (context) => {
          if (context.call !== 'batch:ListJobs' || !context.input.filters || failed) return undefined;
          failed = true;
          return { when: 'before', error: serviceError('batch:ListJobs', 'ServiceUnavailable', 'Service is unavailable', 'server', 503) };
        },
      });
    },
  },
  {
    name: 'SubmitJob answer lost, then the clone look-up (DescribeJobs) fails on the retry',
    fault: 'batch:SubmitJob lands but times out; on the 1st retry DescribeJobs of the clone: 503',
    expected: chain(
      `10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`,
      `0 done, 1 failed (nightly-run), ${FRESH_10} → exit 1`,
      `1 done, ${FRESH_10} → exit 0`,
    ),
    run: () =>
      deliverEvent({
        fault: (context) => {
          if (context.call === 'batch:SubmitJob' && context.attempt === 1) return { when: 'after', error: networkError() };
          const clone = ((context.input.jobs as string[] | undefined) ?? []).some((id) => id.startsWith('job-clone-'));
          if (context.call === 'batch:DescribeJobs' && context.attempt === 2 && clone) {
            return { when: 'before', error: serviceError('batch:DescribeJobs', 'ServiceUnavailable', 'Service is unavailable', 'server', 503) };
          }
          return undefined;
        },
      }),
  },
  {
    name: 'policy resubmit-and-terminate, no fault',
    fault: 'no fault, SECRET_REFRESH_BATCH_POLICY=resubmit-and-terminate',
    expected: OK,
    run: () => deliverEvent({ environment: TERMINATE }),
  },
  {
    name: 'TerminateJob fails once under resubmit-and-terminate',
    fault: 'batch:TerminateJob: 503 ServiceUnavailable (first call), policy resubmit-and-terminate',
    // What should happen: the retry finishes the missing step (terminate the original, which its clone superseded).
    expected: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, `1 done, ${FRESH_10} → exit 0`),
    run: () =>
      deliverEvent({
        environment: TERMINATE,
        fault: (context) =>
          context.call === 'batch:TerminateJob' && context.index === 0
            ? { when: 'before', error: serviceError('batch:TerminateJob', 'ServiceUnavailable', 'Service is unavailable', 'server', 503) }
            : undefined,
      }),
  },
  {
    name: 'TerminateJob answer lost under resubmit-and-terminate',
    fault: 'batch:TerminateJob: TimeoutError after it landed (first call), policy resubmit-and-terminate',
    // The original was terminated (FAILED): the retry no longer lists it.
    expected: chain(`10 done, 1 failed (nightly-run), ${NOTHING} → exit 1`, '0 done, 11 skipped (already-fresh 10, nothing-to-do 1) → exit 0'),
    run: () =>
      deliverEvent({
        environment: TERMINATE,
        fault: (context) => (context.call === 'batch:TerminateJob' && context.index === 0 ? { when: 'after', error: networkError() } : undefined),
      }),
  },
  {
    name: 'time budget runs out mid-run, then the change is delivered again',
    fault: 'Lambda time budget ends after 3 UpdateService calls (20 s each); retry with a fresh budget',
    // The first delivery clones the job (it starts at once, beside the ECS wave) and deploys 3 services, then stops
    // starting actions at the deadline (7 services "not started") and fails; the retry deploys exactly the 7
    // others: nothing twice.
    expected: chain(`4 done, 7 not started, ${NOTHING} → exit 1`, '7 done, 5 skipped (already-fresh 3, nothing-to-do 1, superseded 1) → exit 0'),
    run: () =>
      deliverEvent({
        setup: (account) => {
          account.updateServiceTakesMs = 20_000;
        },
        // 90 s left − 30 s margin = 60 s: the 4th UpdateService would start at +60 s.
        remainingMs: (attempt) => (attempt === 1 ? 90_000 : 900_000),
      }),
  },
  {
    name: 'time budget already spent before the first action',
    fault: 'Lambda time budget below the margin before the first action; retry with a fresh budget',
    expected: chain(`0 done, 11 not started, ${NOTHING} → exit 1`, OK),
    run: () => deliverEvent({ remainingMs: (attempt) => (attempt === 1 ? 10_000 : 900_000) }),
  },
];

/** Every scenario of the matrix, in table order. */
export const SCENARIOS: readonly FaultScenario[] = [...special.slice(0, 1), ...generic, ...special.slice(1)];
