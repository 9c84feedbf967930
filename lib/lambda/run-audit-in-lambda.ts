import { auditIncomplete, runAudit } from '../audit/run-audit.js';
import type { AuditReport } from '../audit/types.js';
import { eventBusRegion } from '../aws/events.js';
import { memoizedMetadataDirectory } from '../aws/metadata-directory.js';
import { putTextObject } from '../aws/s3.js';
import type { Config } from '../config/config.js';
import { AuditIncompleteError, errorText, SecretsMapNotStoredError } from '../errors.js';
import { collectInventory } from '../inventory/index.js';
import { mapAccount, mapIncomplete, storeMap } from '../map/index.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import { publishEvent, RESULT_DETAIL_TYPES } from '../report/result-events.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';

/** At most this many warnings go into the event (each is also in the log); `summary.inventoryProblems` counts all. */
export const MAX_AUDIT_EVENT_WARNINGS = 50;

/** The secrets map the run stored in `SECRET_REFRESH_REPORT_BUCKET`: the keys written, and what went wrong. */
interface MapOutcome {
  readonly bucket: string;
  readonly keys: readonly string[];
  /** Each also a warning of the report: a failed PutObject, a map that could not be built or read whole. */
  readonly problems: readonly string[];
}

/**
 * The daily staleness audit: runs {@link runAudit}, logs the report and publishes
 * `Secret Refresh Audit Completed` (summary, the warnings, at most 200 stale services) to
 * `SECRET_REFRESH_EVENT_BUS`. Report-only: it never redeploys anything.
 *
 * With `SECRET_REFRESH_REPORT_BUCKET` set, the same run also builds the secrets map from the same inventory and
 * metadata (each secret and parameter described once) and stores its page and JSON there (see `storeMap` for the
 * keys); the event then names the bucket and the keys written (`secretsMap`).
 *
 * @throws {AuditIncompleteError} after publishing, when something could not be read (no credentials, an
 * unreachable endpoint, a denied or throttled call): an audit that could not see part of the account must fail
 * loudly (Lambda retries it, then hands it to the failed-events queue), not report "all clear".
 * @throws {SecretsMapNotStoredError} after publishing, when the audit is complete but the map is not stored whole: a
 * PutObject failed, the map could not be built, or it could not read part of the account (the Batch inventory, which
 * the audit does not read). Each problem is a warning of the event first.
 */
export async function runAuditInLambda(): Promise<AuditReport> {
  const { config, dependencies } = lambdaDependencies();
  const now = new Date();
  const { report, map } = config.reportBucket
    ? await auditWithMap(config, dependencies, now, config.reportBucket)
    : { report: await runAudit(config, dependencies, now), map: undefined };
  if (config.eventBus) {
    const stale = report.targets.filter((target) => target.status === 'stale').slice(0, 200);
    const warnings = await publishEvent(
      RESULT_DETAIL_TYPES.audit,
      {
        time: report.time,
        summary: report.summary,
        warnings: report.warnings.slice(0, MAX_AUDIT_EVENT_WARNINGS),
        stale: stale.map(({ references: _references, ...target }) => target),
        ...(map ? { secretsMap: { bucket: map.bucket, keys: map.keys } } : {}),
      },
      config.eventBus,
      dependencies.clients.events(eventBusRegion(config.eventBus, config.homeRegion)),
    );
    for (const warning of warnings) logger.warn(warning);
  }
  if (auditIncomplete(report)) {
    logger.error('secret-refresh audit incomplete', { audit: report });
    throw new AuditIncompleteError(
      `audit incomplete: ${report.summary.inventoryProblems} thing(s) could not be read, so services behind them were not judged: ${report.warnings.slice(0, 3).join('; ')}`,
      report,
    );
  }
  if (map && map.problems.length > 0) {
    logger.error('secret-refresh secrets map not stored whole', { audit: report });
    throw new SecretsMapNotStoredError(
      `secrets map not stored whole in s3://${map.bucket}: ${map.problems.length} problem(s): ${map.problems.slice(0, 3).join('; ')}`,
      report,
    );
  }
  logger.info('secret-refresh audit finished', { audit: report, ...(map ? { secretsMap: map } : {}) });
  return report;
}

/**
 * The audit and the secrets map from one inventory and one set of metadata look-ups, then the map stored. Whatever
 * goes wrong with the map becomes a warning of the report (and a problem of the outcome), never a lost audit.
 */
async function auditWithMap(config: Config, dependencies: PipelineDependencies, now: Date, bucket: string): Promise<{ report: AuditReport; map: MapOutcome }> {
  const shared = { ...dependencies, directory: memoizedMetadataDirectory(dependencies.directory) };
  const inventory = await collectInventory({
    clients: dependencies.clients,
    regions: config.regions,
    concurrency: config.concurrency,
    taskDefinitions: dependencies.taskDefinitions,
  });
  const audit = await runAudit(config, shared, now, inventory.ecs);
  const problems: string[] = [];
  let keys: readonly string[] = [];
  try {
    const map = await mapAccount(config, shared, now, inventory);
    if (mapIncomplete(map)) {
      // What only the map could not read (the audit reads neither Batch nor the references only Batch jobs have).
      problems.push(...map.warnings.filter((warning) => warning.startsWith('inventory: ') && !audit.warnings.includes(warning)));
    }
    const s3 = await dependencies.clients.s3(config.homeRegion);
    const stored = await storeMap(map, bucket, (object) => putTextObject(s3, bucket, object));
    keys = stored.keys;
    problems.push(...stored.warnings);
  } catch (error) {
    problems.push(`secrets map: not built, nothing stored in s3://${bucket}: ${errorText(error)}`);
  }
  return { report: { ...audit, warnings: [...audit.warnings, ...problems] }, map: { bucket, keys, problems } };
}
