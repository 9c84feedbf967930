import { type EventBridgeClient, putEvent } from '../aws/events.js';
import { errorText } from '../errors.js';
import type { RefreshReport } from './types.js';

/** `source` of every event secret-refresh publishes. */
export const RESULT_EVENT_SOURCE = 'secret-refresh';
/** `detail-type`s of the events secret-refresh publishes (public interface: users write rules on them). */
export const RESULT_DETAIL_TYPES = {
  completed: 'Secret Refresh Completed',
  alert: 'Secret Refresh Alert',
  deploymentFailed: 'Secret Refresh Deployment Failed',
  audit: 'Secret Refresh Audit Completed',
} as const;

/** EventBridge's entry limit is 256 KB; keep a margin for the envelope fields. */
export const MAX_DETAIL_BYTES = 250_000;

/** `detail.alert` values of `Secret Refresh Alert` events. */
export type AlertKind = 'blast-radius-cap' | 'rate-limit' | 'deleted-in-use' | 'targets-failed' | 'rotation-failed' | 'invalid-input' | 'image-drift';

/** One event to publish: detail-type and detail. */
export interface ResultEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/**
 * The events a run publishes: always one `Secret Refresh Completed` (detail = the report, trimmed to the size
 * limit with its counts kept), plus a `Secret Refresh Alert` for each thing a person must look at: the
 * blast-radius cap or the hourly budget refused the run, a deleted secret/parameter is still read, targets
 * failed, a rotation failed, an input could not be read (it is reported, never retried), a redeploy shipped
 * (`SECRET_REFRESH_IMAGE_DRIFT=warn`) or would have shipped (`block`) another image than the one running. Pure, so
 * the rules are unit-tested without EventBridge.
 */
export function resultEvents(report: RefreshReport): ResultEvent[] {
  const events: ResultEvent[] = [{ detailType: RESULT_DETAIL_TYPES.completed, detail: trimReport(report) }];
  const acting = report.changes.filter((entry) => entry.decision === 'act');
  const changes = acting.slice(0, 50).map(({ id, kind, arn, name, versionId, effect }) => ({ id, kind, arn, name, versionId, effect }));
  const alert = (alert: AlertKind, message: string, targets = report.targets) =>
    events.push({
      detailType: RESULT_DETAIL_TYPES.alert,
      detail: {
        alert,
        message,
        ...(report.change ? { change: report.change } : {}),
        changes,
        summary: report.summary,
        targets: targets
          .slice(0, 200)
          .map((target) => ({ type: target.type, arn: target.arn, name: target.name, region: target.region, status: target.status })),
      },
    });
  if (report.refused) alert(report.refusedBy ?? 'blast-radius-cap', report.refused);
  for (const deleted of acting.filter((entry) => entry.effect === 'deleted')) {
    const readers = report.targets.filter((target) => target.changes.includes(deleted.id));
    if (readers.length > 0) {
      alert(
        'deleted-in-use',
        `${deleted.kind} ${deleted.name} was deleted but ${readers.length} target(s) still read it: new tasks and jobs would fail to start`,
        readers,
      );
    }
  }
  const failed = report.targets.filter((target) => target.status === 'failed');
  if (report.summary.failed > 0) alert('targets-failed', `${report.summary.failed} target(s) failed or could not be read`, failed);
  const drifted = report.targets.filter((target) => target.type === 'ecs-service' && target.imageDrift?.status === 'drift');
  if (drifted.length > 0) {
    const blocked = drifted.filter((target) => target.code === 'image-drift').length;
    const shipped = drifted.length - blocked;
    const parts = [
      ...(shipped > 0 ? [`${shipped} redeploy(s) ${report.dryRun ? 'would ship' : 'ship'} another image than the one running`] : []),
      ...(blocked > 0 ? [`${blocked} service(s) not redeployed because their image tag moved (SECRET_REFRESH_IMAGE_DRIFT=block)`] : []),
    ];
    events.push({
      detailType: RESULT_DETAIL_TYPES.alert,
      detail: {
        alert: 'image-drift' satisfies AlertKind,
        message: `image drift: ${parts.join('; ')}`,
        ...(report.change ? { change: report.change } : {}),
        changes,
        summary: report.summary,
        targets: drifted.slice(0, 200).map((target) => ({
          type: target.type,
          arn: target.arn,
          name: target.name,
          region: target.region,
          status: target.status,
          ...(target.code ? { code: target.code } : {}),
          ...(target.type === 'ecs-service' && target.imageDrift ? { imageDrift: target.imageDrift } : {}),
        })),
      },
    });
  }
  const rotations = report.changes.filter((entry) => entry.origin?.eventName === 'RotationFailed' || entry.origin?.eventName === 'RotationAbandoned');
  if (rotations.length > 0) alert('rotation-failed', report.warnings.join('; ') || rotations.map((entry) => entry.reason).join('; '), []);
  const invalid = report.changes.filter((entry) => entry.decision === 'invalid');
  if (invalid.length > 0) {
    alert(
      'invalid-input',
      `${invalid.length} input(s) could not be read and were dropped (never retried): ${invalid
        .slice(0, 20)
        .map((entry) => `${entry.id}${entry.source ? ` (${entry.source})` : ''}: ${entry.error ?? entry.decisionReason}`)
        .join('; ')}`,
      [],
    );
  }
  return events;
}

/**
 * The report as an event detail under {@link MAX_DETAIL_BYTES}: first without per-target references, then
 * with fewer targets; `summary` always stays whole and `truncated` says what was cut.
 */
export function trimReport(report: RefreshReport, maxBytes = MAX_DETAIL_BYTES): Record<string, unknown> {
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  if (size(report) <= maxBytes) return { ...report };
  // A large batch: its inputs without their reasons, the acting ones first.
  const changes = size(report.changes) > maxBytes / 4 ? leanChanges(report.changes, maxBytes / 4) : report.changes;
  const lean = { ...report, changes, targets: report.targets.map(({ references: _references, ...target }) => target) };
  if (size(lean) <= maxBytes) return { ...lean, truncated: { references: true, targets: report.targets.length, kept: report.targets.length } };
  let kept = lean.targets.length;
  while (kept > 0 && size({ ...lean, targets: lean.targets.slice(0, kept) }) > maxBytes) kept = Math.floor(kept / 2);
  return {
    ...lean,
    targets: lean.targets.slice(0, kept),
    warnings: lean.warnings.slice(0, 50),
    truncated: { references: true, targets: report.targets.length, kept, ...(changes !== report.changes ? { changes: report.changes.length } : {}) },
  };
}

/** The batch's inputs within `maxBytes`: ids, decisions and identities only, acting inputs first. */
function leanChanges(changes: RefreshReport['changes'], maxBytes: number): RefreshReport['changes'] {
  const ordered = [...changes.filter((entry) => entry.decision === 'act'), ...changes.filter((entry) => entry.decision !== 'act')];
  const lean = ordered.map(({ id, decision, kind, arn, name, versionId, mergedInto, decisionReason }) => ({
    id,
    decision,
    ...(kind ? { kind } : {}),
    ...(arn ? { arn } : {}),
    ...(name ? { name } : {}),
    ...(versionId ? { versionId } : {}),
    ...(mergedInto ? { mergedInto } : {}),
    decisionReason: decisionReason.slice(0, 200),
  }));
  let kept = lean.length;
  while (kept > 0 && Buffer.byteLength(JSON.stringify(lean.slice(0, kept))) > maxBytes) kept = Math.floor(kept / 2);
  return lean.slice(0, kept);
}

/**
 * Publishes {@link resultEvents} to `eventBus` (name or ARN). Returns warnings instead of throwing: the
 * actions already happened, and a failed publish must not make Lambda retry them.
 */
export async function publishResultEvents(report: RefreshReport, eventBus: string, client: EventBridgeClient): Promise<string[]> {
  const warnings: string[] = [];
  const arns = report.changes.filter((entry) => entry.decision === 'act' && entry.arn).map((entry) => entry.arn as string);
  const resources = [...new Set(report.change?.arn ? [report.change.arn, ...arns] : arns)].slice(0, 20);
  for (const event of resultEvents(report)) {
    const entry = {
      source: RESULT_EVENT_SOURCE,
      detailType: event.detailType,
      detail: JSON.stringify(event.detail),
      eventBus,
      ...(resources.length > 0 ? { resources } : {}),
    };
    try {
      const refused = await putEvent(client, entry);
      if (refused) warnings.push(`could not publish ${event.detailType} to ${eventBus}: ${refused.errorCode}: ${refused.errorMessage}`);
    } catch (error) {
      warnings.push(`could not publish ${event.detailType} to ${eventBus}: ${errorText(error)}`);
    }
  }
  return warnings;
}

/**
 * Publishes one event of `detailType` with `detail` (already under the size limit) to `eventBus`.
 * Returns warnings instead of throwing, like {@link publishResultEvents}.
 */
export async function publishEvent(detailType: string, detail: Record<string, unknown>, eventBus: string, client: EventBridgeClient): Promise<string[]> {
  try {
    const refused = await putEvent(client, { source: RESULT_EVENT_SOURCE, detailType, detail: JSON.stringify(detail), eventBus });
    return refused ? [`could not publish ${detailType} to ${eventBus}: ${refused.errorMessage ?? 'unknown error'}`] : [];
  } catch (error) {
    return [`could not publish ${detailType} to ${eventBus}: ${errorText(error)}`];
  }
}
