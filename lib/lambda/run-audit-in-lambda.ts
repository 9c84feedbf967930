import { auditIncomplete, runAudit } from '../audit/run-audit.js';
import type { AuditReport } from '../audit/types.js';
import { eventBusRegion } from '../aws/events.js';
import { AuditIncompleteError } from '../errors.js';
import { publishEvent, RESULT_DETAIL_TYPES } from '../report/result-events.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';

/** At most this many warnings go into the event (each is also in the log); `summary.inventoryProblems` counts all. */
export const MAX_AUDIT_EVENT_WARNINGS = 50;

/**
 * The daily staleness audit: runs {@link runAudit}, logs the report and publishes
 * `Secret Refresh Audit Completed` (summary, the warnings, at most 200 stale services) to
 * `SECRET_REFRESH_EVENT_BUS`. Report-only: it never redeploys anything.
 *
 * @throws {AuditIncompleteError} after publishing, when something could not be read (no credentials, an
 * unreachable endpoint, a denied or throttled call): an audit that could not see part of the account must fail
 * loudly (Lambda retries it, then hands it to the failed-events queue), not report "all clear".
 */
export async function runAuditInLambda(): Promise<AuditReport> {
  const { config, dependencies } = lambdaDependencies();
  const report = await runAudit(config, dependencies, new Date());
  if (config.eventBus) {
    const stale = report.targets.filter((target) => target.status === 'stale').slice(0, 200);
    const warnings = await publishEvent(
      RESULT_DETAIL_TYPES.audit,
      {
        time: report.time,
        summary: report.summary,
        warnings: report.warnings.slice(0, MAX_AUDIT_EVENT_WARNINGS),
        stale: stale.map(({ references: _references, ...target }) => target),
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
  logger.info('secret-refresh audit finished', { audit: report });
  return report;
}
