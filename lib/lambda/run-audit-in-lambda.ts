import { runAudit } from '../audit/run-audit.js';
import type { AuditReport } from '../audit/types.js';
import { eventBusRegion } from '../aws/events.js';
import { publishEvent, RESULT_DETAIL_TYPES } from '../report/result-events.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';

/**
 * The daily staleness audit: runs {@link runAudit}, logs the report and publishes
 * `Secret Refresh Audit Completed` (summary plus at most 200 stale services) to `SECRET_REFRESH_EVENT_BUS`.
 * Report-only: it never redeploys anything.
 */
export async function runAuditInLambda(): Promise<AuditReport> {
  const { config, dependencies } = lambdaDependencies();
  const report = await runAudit(config, dependencies, new Date());
  logger.info('secret-refresh audit finished', { audit: report });
  if (config.eventBus) {
    const stale = report.targets.filter((target) => target.status === 'stale').slice(0, 200);
    const warnings = await publishEvent(
      RESULT_DETAIL_TYPES.audit,
      { time: report.time, summary: report.summary, stale: stale.map(({ references: _references, ...target }) => target) },
      config.eventBus,
      dependencies.clients.events(eventBusRegion(config.eventBus, config.homeRegion)),
    );
    for (const warning of warnings) logger.warn(warning);
  }
  return report;
}
