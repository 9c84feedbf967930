import type { RefreshReport } from '../report/types.js';
import type { RolloutView } from '../rollout/operate-rollouts.js';

/** One rollout in a line: name, execution state, where it is, the wave, what it waits for or why it stopped. */
export function formatRolloutView(view: RolloutView): string {
  const wave = view.wave !== undefined && view.waves !== undefined ? ` wave ${view.wave}/${view.waves}` : '';
  const status = view.status ? ` ${view.status}` : '';
  const waiting = view.waiting ? `: ${view.waiting.reason}${view.waiting.until ? ` until ${view.waiting.until}` : ''}` : '';
  const why = !waiting && view.why ? `: ${view.why}` : '';
  return `${view.name} ${view.execution}${status}${wave}${waiting}${why}`;
}

/** `secret-refresh rollouts`: one line per rollout, newest first, with when it started. */
export function formatRollouts(views: readonly RolloutView[]): string {
  if (views.length === 0) return 'no rollouts yet\n';
  return `${views.map((view) => `${view.startedAt ?? '-'}  ${formatRolloutView(view)}`).join('\n')}\n`;
}

/** The line `refresh` and `event` add under the report when the redeploys became a rollout (empty otherwise). */
export function formatRolloutLine(report: RefreshReport): string {
  const rollout = report.rollout;
  if (!rollout) return '';
  const until = rollout.waitingUntil ? `, waiting until ${rollout.waitingUntil}` : '';
  const approval = rollout.approval ? `, waits for an approval (secret-refresh approve ${rollout.name})` : '';
  return `rollout ${rollout.name}: ${rollout.status}, ${rollout.waves} wave(s), ${rollout.services} service(s)${until}${approval}${rollout.error ? `: ${rollout.error}` : ''}\n`;
}
