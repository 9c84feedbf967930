/**
 * The Report step's face: one JSON document per run (what was done, skipped and failed, and why), logged and
 * returned by the callers, published here as result and alert events.
 */
import { type EventBridgeClient, eventBusRegion } from '../aws/events.js';
import { publishResultEvents } from './result-events.js';
import type { RefreshReport } from './types.js';

export { buildReport, type ReportParts, reportFailed } from './build-report.js';
export { outOfSightWarnings, type ReferenceReader } from './out-of-sight.js';
export type * from './types.js';

/** Where {@link publishReport} publishes. */
export interface PublishOptions {
  /** `SECRET_REFRESH_EVENT_BUS` (name or ARN); absent: nothing is published. */
  readonly eventBus?: string;
  readonly homeRegion: string;
  readonly events: (region: string) => EventBridgeClient;
}

/**
 * Publishes the report's result events (`Secret Refresh Completed`, alerts) to the configured bus and returns
 * the report with a warning for each event that could not be published. Never throws for a failed publish: the
 * actions already happened, and a retry must not repeat them for a notification.
 */
export async function publishReport(report: RefreshReport, options: PublishOptions): Promise<RefreshReport> {
  if (!options.eventBus) return report;
  const warnings = await publishResultEvents(report, options.eventBus, options.events(eventBusRegion(options.eventBus, options.homeRegion)));
  return warnings.length ? { ...report, warnings: [...report.warnings, ...warnings] } : report;
}
