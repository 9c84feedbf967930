import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
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
 * concurrently) and replays (Lambda may deliver an event twice).
 */
export interface ChangeGuard {
  run(key: ChangeKey, work: () => Promise<RefreshReport>): Promise<GuardOutcome>;
}

/** How long a handled change is remembered. A revert to the same version within it needs `refresh`. */
export const CHANGE_RECORD_TTL_SECONDS = 3600;

/** Outside Lambda (the CLI), an in-progress record left by a crashed run blocks the change this long. */
export const CLI_IN_PROGRESS_SECONDS = 900;

/**
 * A {@link ChangeGuard} backed by Powertools Idempotency with DynamoDB persistence
 * (`SECRET_REFRESH_IDEMPOTENCY_TABLE`; partition key `id`, TTL attribute `expiration`).
 *
 * If `work` throws (e.g. a target failed), the record is deleted so Lambda's retry can act again; the
 * already-fresh rule keeps the services that did get a deployment from getting a second one.
 * An in-progress record expires when the Lambda invocation times out (or after
 * {@link CLI_IN_PROGRESS_SECONDS} outside Lambda), so a crashed run never blocks a change for long.
 */
export function createDynamoDbChangeGuard(tableName: string, lambdaContext?: Context): ChangeGuard {
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName });
  return {
    async run(key, work) {
      const config = new IdempotencyConfig({ expiresAfterSeconds: CHANGE_RECORD_TTL_SECONDS });
      // Registering a context bounds how long an in-progress record (a crashed run) blocks retries.
      config.registerLambdaContext(lambdaContext ?? cliContext());
      let ran = false;
      const guarded = makeIdempotent(
        async (_key: ChangeKey) => {
          ran = true;
          return work();
        },
        { persistenceStore, config, keyPrefix: 'secret-refresh' },
      );
      try {
        const report = await guarded({ arn: key.arn, versionId: key.versionId, effect: key.effect });
        return ran ? { outcome: 'ran', report } : { outcome: 'replayed', report };
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) return { outcome: 'in-progress' };
        throw error;
      }
    },
  };
}

/** The little of a Lambda context the idempotency layer reads, for runs outside Lambda. */
function cliContext(): Context {
  const deadline = Date.now() + CLI_IN_PROGRESS_SECONDS * 1000;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as Context;
}
