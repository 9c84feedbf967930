import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { changeRecordStore } from '../aws/change-records.js';
import type { DynamoDBClient } from '../aws/dynamodb.js';
import type { Change } from '../changes/types.js';
import type { RunMode } from '../plan/types.js';
import { buildReport, reportFailed } from '../report/build-report.js';
import type { RefreshReport } from '../report/types.js';

/** What identifies "one change": the resource, the version that became current, and the effect. */
export interface ChangeKey {
  readonly arn: string;
  readonly versionId: string;
  readonly effect: string;
}

/** The outcome of {@link ChangeGuard.run}. */
export type GuardOutcome =
  | { readonly outcome: 'ran'; readonly report: RefreshReport }
  | { readonly outcome: 'replayed'; readonly report: RefreshReport }
  | { readonly outcome: 'in-progress' };

/**
 * Makes sure one change is acted on once, across duplicate signals (one rotation emits
 * UpdateSecretVersionStage, Secret Label Updated and RotationSucceeded seconds apart, possibly handled
 * concurrently) and replays (Lambda may deliver an event twice). A run whose report failed is returned, and its
 * record released, so a retry can finish the job.
 */
export interface ChangeGuard {
  run(key: ChangeKey, work: () => Promise<RefreshReport>): Promise<GuardOutcome>;
}

/** How long a handled change is remembered. A revert to the same version within it needs `refresh`. */
export const CHANGE_RECORD_TTL_SECONDS = 3600;

/** Outside Lambda (the CLI), an in-progress record left by a crashed run blocks the change this long. */
export const CLI_IN_PROGRESS_SECONDS = 900;

/**
 * A {@link ChangeGuard} backed by Powertools Idempotency, its records in `store` (see `changeRecordStore`:
 * DynamoDB, `SECRET_REFRESH_IDEMPOTENCY_TABLE`, partition key `id`, TTL attribute `expiration`).
 *
 * A run whose report failed (a target failed, part of the inventory could not be read) is returned as `ran`,
 * and its record is released so that Lambda's retry can act again; the already-fresh rule keeps the services
 * that did get a deployment from getting a second one. Any other error of the store or of `work` (DynamoDB
 * throttled or denied, say) propagates: it is never read as "another invocation is handling this change",
 * so the invocation fails and the change is retried, not lost.
 * An in-progress record expires when the Lambda invocation times out (or after
 * {@link CLI_IN_PROGRESS_SECONDS} outside Lambda), so a crashed run never blocks a change for long.
 */
export function createChangeGuard(store: BasePersistenceLayer, lambdaContext?: Context): ChangeGuard {
  return {
    async run(key, work) {
      const config = new IdempotencyConfig({ expiresAfterSeconds: CHANGE_RECORD_TTL_SECONDS });
      // Registering a context bounds how long an in-progress record (a crashed run) blocks retries.
      config.registerLambdaContext(lambdaContext ?? cliContext());
      let ran = false;
      const guarded = makeIdempotent(
        async (_key: ChangeKey) => {
          ran = true;
          const report = await work();
          // Powertools deletes the record of a function that throws: a failed run must not be remembered.
          if (reportFailed(report)) throw new ReleaseRecord(report);
          return report;
        },
        { persistenceStore: store, config, keyPrefix: 'secret-refresh' },
      );
      try {
        const report = await guarded({ arn: key.arn, versionId: key.versionId, effect: key.effect });
        return ran ? { outcome: 'ran', report } : { outcome: 'replayed', report };
      } catch (error) {
        if (error instanceof ReleaseRecord) return { outcome: 'ran', report: error.report };
        if (error instanceof IdempotencyAlreadyInProgressError) return { outcome: 'in-progress' };
        throw error;
      }
    },
  };
}

/** {@link createChangeGuard} on the DynamoDB table `tableName` (through `client` when given). */
export function createDynamoDbChangeGuard(tableName: string, lambdaContext?: Context, client?: DynamoDBClient): ChangeGuard {
  return createChangeGuard(changeRecordStore(tableName, client), lambdaContext);
}

/** Carries a failed run's report out of the idempotent function, so that its record is deleted. */
class ReleaseRecord extends Error {
  public constructor(public readonly report: RefreshReport) {
    super('the run failed: its change record is released for a retry');
  }
}

/**
 * Runs `work` for `change` at most once under `guard` (without a guard, it just runs). A duplicate (the change
 * was already handled, or another invocation is handling it right now) does nothing and gets a report whose
 * `skipped` says so and whose `idempotency` is `replayed` / `in-progress`.
 */
export async function runOnce(
  guard: ChangeGuard | undefined,
  change: Change,
  run: { readonly dryRun: boolean; readonly mode: RunMode },
  work: () => Promise<RefreshReport>,
): Promise<RefreshReport> {
  if (!guard || !change.arn || !change.versionId) return work();
  const result = await guard.run({ arn: change.arn, versionId: change.versionId, effect: change.effect }, work);
  if (result.outcome === 'ran') return result.report;
  const skipped =
    result.outcome === 'replayed'
      ? 'duplicate: this change was already handled by an earlier run (same secret/parameter and version); nothing was done'
      : 'duplicate: another invocation is handling this change right now; nothing was done';
  return buildReport({ ...run, change, skipped, idempotency: result.outcome });
}

/** The little of a Lambda context the idempotency layer reads, for runs outside Lambda. */
function cliContext(): Context {
  const deadline = Date.now() + CLI_IN_PROGRESS_SECONDS * 1000;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}
