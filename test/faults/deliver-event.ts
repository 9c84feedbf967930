/**
 * Delivers the sample event to the pipeline the way the intake queue does — once, then again after each visibility
 * timeout while the run fails, up to maxReceiveCount — against a {@link SyntheticAccount}, and checks
 * after every delivery that nothing was lost, nothing done twice and nothing else touched.
 *
 * "Lost" means: a target that should have been acted on is neither done nor reported (failed, skipped with a
 * reason, or covered by a reported inventory problem), a reported `done` that did not happen, a write that
 * happened but is not in the report, or — when the last delivery succeeded — a reader left stale.
 */
import { readFileSync } from 'node:fs';
import { SubmitJobCommand, TagResourceCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { NOT_STARTED } from '../../lib/actions/force-new-deployments.js';
import { TaskDefinitionCache } from '../../lib/aws/ecs.js';
import { loadConfig } from '../../lib/config/config.js';
import { DEADLINE_MARGIN_MS } from '../../lib/lambda/run-in-lambda.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { reportFailed } from '../../lib/report/build-report.js';
import type { RefreshReport, TargetReport } from '../../lib/report/types.js';
import { ACCOUNT, CHANGE_TIME, clusterArn, type FaultHook, jobArn, QUEUE_ARN, READING_JOB, REGION, SyntheticAccount } from './synthetic-account.js';

/** The event every scenario delivers: AWSCURRENT moved to a new version of demo/orders/db. */
export const EVENT_FILE = 'secretsmanager-secret-label-updated-awscurrent.json';

/** The intake queue's maxReceiveCount: the first delivery and 4 redeliveries, then the failed-events queue. */
export const MAX_RECEIVES = 5;

/** A message a run did not finish comes back when its visibility timeout (6 × onChanges' 300 s timeout) expires. */
export const RETRY_DELAYS_MS: readonly number[] = Array.from({ length: MAX_RECEIVES - 1 }, () => 1_800_000);

/** The Lambda configuration the scenarios run with (the stack's: results published to `default`). */
export const FAULT_ENVIRONMENT = {
  AWS_REGION: REGION,
  SECRET_REFRESH_ACCOUNT_ID: ACCOUNT,
  SECRET_REFRESH_BATCH_POLICY: 'resubmit',
  SECRET_REFRESH_EVENT_BUS: 'default',
  SECRET_REFRESH_CONCURRENCY: '5',
} as const;

/** How a scenario shapes the deliveries beyond its fault. */
export interface DeliveryOptions {
  readonly fault?: FaultHook;
  /** Environment on top of {@link FAULT_ENVIRONMENT} (e.g. another Batch policy). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Prepares the account before the first delivery (e.g. a slow control plane). */
  readonly setup?: (account: SyntheticAccount) => void;
  /**
   * The Lambda's remaining time at the start of delivery `attempt` (ms); the pipeline's deadline is that minus
   * {@link DEADLINE_MARGIN_MS}, as `runInLambda` computes it. Unset: no deadline.
   */
  readonly remainingMs?: (attempt: number) => number | undefined;
}

/** What one delivery did. */
export interface Delivery {
  readonly attempt: number;
  readonly exitCode: 0 | 1;
  readonly report?: RefreshReport;
  readonly thrown?: Error;
  /** One line: counts by status, names of failures, exit code. */
  readonly line: string;
}

/** What the deliveries of one event did, and what went wrong with them. */
export interface Outcome {
  readonly deliveries: readonly Delivery[];
  /** The deliveries' lines joined, plus the end state (`ok`, or the on-failure queue). */
  readonly summary: string;
  /** Targets silently dropped, false `done`s, unreported writes, readers left stale after success. */
  readonly lost: readonly string[];
  /** Services deployed or jobs cloned more than once for the one change. */
  readonly twice: readonly string[];
  /** Writes to anything that does not read the changed secret. */
  readonly outside: readonly string[];
  readonly account: SyntheticAccount;
}

/** Runs the deliveries of one event against a fresh synthetic account. */
export async function deliverEvent(options: DeliveryOptions = {}): Promise<Outcome> {
  const account = new SyntheticAccount(options.fault);
  options.setup?.(account);
  const initialReaders = new Set(account.readers().map((service) => service.arn));
  // One warm execution environment: the task definition cache survives between deliveries, as in Lambda.
  const taskDefinitions = new TaskDefinitionCache();
  const config = loadConfig({ ...FAULT_ENVIRONMENT, ...options.environment });
  const terminate = config.batchPolicy === 'resubmit-and-terminate';
  const deliveries: Delivery[] = [];
  const lost: string[] = [];
  const realNow = Date.now;
  try {
    // The pipeline reads the clock with Date.now (deadline checks): it reads the account's fake clock.
    Date.now = () => account.now;
    for (let attempt = 1; attempt <= 1 + RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 1) account.now += RETRY_DELAYS_MS[attempt - 2] ?? 0;
      account.attempt = attempt;
      const shouldAct = snapshotReaders(account, terminate);
      const remaining = options.remainingMs?.(attempt);
      const deadline = remaining === undefined ? undefined : new Date(account.now + Math.max(0, remaining - DEADLINE_MARGIN_MS));
      let report: RefreshReport | undefined;
      let thrown: Error | undefined;
      try {
        report = await runRefresh(
          { type: 'event', event: sampleEvent() },
          config,
          { clients: account.clients(), directory: account.directory(), taskDefinitions, expectedAccount: ACCOUNT },
          deadline ? { deadline } : {},
        );
      } catch (error) {
        thrown = error instanceof Error ? error : new Error(String(error));
      }
      const exitCode = thrown || (report && reportFailed(report)) ? 1 : 0;
      lost.push(...lostIn(account, attempt, shouldAct, report).map((item) => `delivery ${attempt}: ${item}`));
      deliveries.push({ attempt, exitCode, ...(report ? { report } : {}), ...(thrown ? { thrown } : {}), line: describeDelivery(exitCode, report, thrown) });
      if (exitCode === 0) break;
    }
  } finally {
    Date.now = realNow;
    account.restore();
  }
  const last = deliveries[deliveries.length - 1];
  if (last?.exitCode === 0) lost.push(...staleAfterSuccess(account, terminate));
  const summary = `${deliveries.map((delivery) => delivery.line).join(' ⟳ ')}${last?.exitCode === 0 ? '' : ' ⇒ failed-events queue'}`;
  return { deliveries, summary, lost, twice: doneTwice(account), outside: touchedOutside(account, initialReaders, terminate), account };
}

/** The sample event, fresh each time. */
export function sampleEvent(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../events/${EVENT_FILE}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** Who should be acted on or explained at the start of a delivery. */
interface Readers {
  readonly services: readonly { arn: string; cluster: string }[];
  /** The running job that reads the secret, when it was not resubmitted (and, by policy, terminated) yet. */
  readonly job?: string;
}

function snapshotReaders(account: SyntheticAccount, terminate: boolean): Readers {
  const job = account.jobs.get(READING_JOB);
  const pending = job && job.status === 'RUNNING' && (terminate || !job.tags['secret-refresh:superseded-by']);
  return {
    services: account.readers().map((service) => ({ arn: service.arn, cluster: service.cluster })),
    ...(pending ? { job: READING_JOB } : {}),
  };
}

/** Everything one delivery lost (see the module comment). */
function lostIn(account: SyntheticAccount, attempt: number, readers: Readers, report: RefreshReport | undefined): string[] {
  const lost: string[] = [];
  const writes = account.applied.filter((write) => write.attempt === attempt);
  if (!report) {
    // The run threw: the whole event is delivered again, so only writes it made are unaccounted for.
    return writes.map((write) => `${write.call} on ${write.subject} happened but the run threw before reporting it`);
  }
  const byArn = new Map(report.targets.map((target) => [target.arn, target]));
  const covered = (...subjects: string[]) =>
    report.warnings.some((warning) => subjects.some((subject) => warning.startsWith(`inventory: ${REGION} ${subject}`)));
  for (const service of readers.services) {
    const target = byArn.get(service.arn);
    if (target) {
      if (!explained(target)) lost.push(`${service.arn} is ${target.status} without a reason or error`);
    } else if (!covered('ListClusters', clusterArn(service.cluster), service.arn)) {
      lost.push(`${service.arn} reads the secret but is absent from the report and from its inventory problems`);
    }
  }
  if (readers.job) {
    const target = byArn.get(jobArn(readers.job));
    const definition = account.jobs.get(readers.job)?.jobDefinition ?? '';
    if (target) {
      if (!explained(target)) lost.push(`job ${readers.job} is ${target.status} without a reason or error`);
    } else if (!covered('DescribeJobQueues', 'DescribeJobDefinitions', QUEUE_ARN, definition)) {
      lost.push(`job ${readers.job} reads the secret but is absent from the report and from its inventory problems`);
    }
  }
  for (const target of report.targets) {
    if (target.status !== 'done') continue;
    if (target.type === 'ecs-service' && !writes.some((write) => write.call === 'ecs:UpdateService' && write.subject === target.arn)) {
      lost.push(`${target.arn} is reported done but was not redeployed`);
    }
    if (target.type === 'batch-job') {
      const clone = target.newJobId ? account.jobs.get(target.newJobId) : undefined;
      const original = account.jobs.get(target.jobId);
      if (!clone || clone.tags['secret-refresh:resubmitted-from'] !== target.jobId || original?.tags['secret-refresh:superseded-by'] !== target.newJobId) {
        lost.push(`job ${target.jobId} is reported done but has no tagged clone`);
      }
    }
  }
  for (const write of writes) {
    const target =
      write.call === 'ecs:UpdateService' ? byArn.get(write.subject) : report.targets.find((t) => t.type === 'batch-job' && t.jobId === write.subject);
    // `failed` after a write that landed is honest (the answer was lost); the retry sees it as already fresh.
    if (!target || (target.status !== 'done' && target.status !== 'failed')) {
      lost.push(`${write.call} on ${write.subject} happened but the report says ${target ? target.status : 'nothing'}`);
    }
  }
  return lost;
}

function explained(target: TargetReport): boolean {
  if (target.status === 'failed') return 'error' in target && typeof target.error === 'string' && target.error.length > 0;
  return target.reason.length > 0;
}

/** After a successful last delivery, every reader must be fresh and the job resubmitted (and terminated, by policy). */
function staleAfterSuccess(account: SyntheticAccount, terminate: boolean): string[] {
  const stale: string[] = [];
  for (const service of account.readers()) {
    const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
    if (!primary || primary.createdAt.getTime() < CHANGE_TIME) stale.push(`${service.arn} still runs the old value after a successful run`);
  }
  const job = account.jobs.get(READING_JOB);
  if (job?.status === 'RUNNING' && !job.tags['secret-refresh:superseded-by']) stale.push(`job ${READING_JOB} was never resubmitted after a successful run`);
  if (terminate && job?.status === 'RUNNING') {
    stale.push(`job ${READING_JOB} still runs with the old value after a successful run (policy resubmit-and-terminate)`);
  }
  return stale;
}

function doneTwice(account: SyntheticAccount): string[] {
  const counts = new Map<string, number>();
  for (const write of account.applied) {
    if (write.call === 'batch:TagResource' || write.call === 'batch:TerminateJob') continue;
    const key = `${write.call} ${write.subject}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${key} ×${count}`);
}

/** Write calls (attempted, per `commandCalls`) on anything that does not read the secret. */
function touchedOutside(account: SyntheticAccount, readers: ReadonlySet<string>, terminate: boolean): string[] {
  const outside: string[] = [];
  for (const call of account.ecsMock.commandCalls(UpdateServiceCommand)) {
    const service = String(call.args[0].input.service);
    if (!readers.has(service)) outside.push(`UpdateService ${service}`);
  }
  for (const call of account.batchMock.commandCalls(SubmitJobCommand)) {
    const from = call.args[0].input.tags?.['secret-refresh:resubmitted-from'];
    if (from !== READING_JOB) outside.push(`SubmitJob ${call.args[0].input.jobName} (from ${from})`);
  }
  for (const call of account.batchMock.commandCalls(TagResourceCommand)) {
    const resource = String(call.args[0].input.resourceArn);
    if (resource !== jobArn(READING_JOB)) outside.push(`TagResource ${resource}`);
  }
  for (const call of account.batchMock.commandCalls(TerminateJobCommand)) {
    const job = String(call.args[0].input.jobId);
    if (!terminate || job !== READING_JOB) outside.push(`TerminateJob ${job}`);
  }
  return outside;
}

/** `9 done, 1 failed (orders-01), 11 skipped (already-fresh 9, …) → exit 1`. */
export function describeDelivery(exitCode: 0 | 1, report: RefreshReport | undefined, thrown: Error | undefined): string {
  if (!report) return `threw ${thrown?.name ?? 'Error'} → exit 1`;
  const parts: string[] = [];
  const by = (status: TargetReport['status']) => report.targets.filter((target) => target.status === status);
  const failed = by('failed').filter((target) => !('error' in target && target.error === NOT_STARTED));
  const notStarted = by('failed').filter((target) => 'error' in target && target.error === NOT_STARTED);
  parts.push(`${by('done').length} done`);
  if (failed.length) parts.push(`${failed.length} failed (${names(failed.map((target) => target.name))})`);
  if (notStarted.length) parts.push(`${notStarted.length} not started`);
  const problems = report.warnings.filter((warning) => warning.startsWith('inventory: '));
  if (problems.length) parts.push(`${problems.length} unreadable (${names(problems.map(problemSubject))})`);
  const skipped = by('skipped');
  if (skipped.length) {
    const codes = new Map<string, number>();
    for (const target of skipped) codes.set(target.code ?? '?', (codes.get(target.code ?? '?') ?? 0) + 1);
    parts.push(`${skipped.length} skipped (${[...codes].map(([code, count]) => `${code} ${count}`).join(', ')})`);
  }
  if (report.warnings.some((warning) => warning.startsWith('could not publish'))) parts.push('result events not published (warning)');
  return `${parts.join(', ')} → exit ${exitCode}`;
}

function names(list: readonly string[]): string {
  return list.length <= 4 ? list.join(', ') : `${list.slice(0, 3).join(', ')}, …`;
}

/** `inventory: us-east-1 <subject>: <message>` → a short subject. */
function problemSubject(warning: string): string {
  const subject = warning.slice(`inventory: ${REGION} `.length).split(': ')[0] ?? '';
  if (!subject.startsWith('arn:')) return subject;
  const resource = subject.split(',')[0]?.split(':').slice(5).join(':') ?? subject;
  return resource.startsWith('service/') ? (resource.split('/').pop() ?? resource) : resource;
}
