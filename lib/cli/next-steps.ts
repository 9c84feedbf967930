import type { AuditReport } from '../audit/types.js';
import type { BatchChangeReport, ChangeReport, RefreshReport, TargetReport } from '../report/types.js';

/** One thing to do after a run: what happened and what to do about it, and the commands to run, in order. */
export interface NextStep {
  readonly text: string;
  readonly commands: readonly string[];
}

/** What the next steps know besides the report. */
export interface NextStepContext {
  /** The command line as typed (the words after `secret-refresh`): the steps that say "run it again" show it. */
  readonly command?: readonly string[];
  /** Now, for "the budget has room again at …" (the next UTC clock hour). */
  readonly now?: Date;
}

/**
 * What to do after a run, for the human output: after a refusal the exact commands to go ahead (the blast-radius
 * cap) or when the budget has room again (the rate limit); after failures, unreadable inventory or invalid inputs
 * what to fix and how to run it again; after deferrals when they are due and who delivers them again; after a dry
 * run how to act. Empty when there is nothing to do. `--json` never carries these: the report's own fields (`refused`,
 * `due`, `redelivery`, `error`) say the same to a script.
 */
export function nextSteps(report: RefreshReport, context: NextStepContext = {}): NextStep[] {
  const steps: NextStep[] = [];
  const rerun = context.command ? [commandLine(context.command)] : [];
  const refs = changedRefs(report);
  const manual = report.mode === 'manual' && context.command?.[0] === 'refresh';
  if (report.refused && report.refusedBy !== 'rate-limit') {
    if (manual && context.command) {
      const confirmed = commandLine([...withoutFlag(context.command, '--dry-run'), '--confirm-large']);
      steps.push({
        text: `the blast-radius cap refused the run (SECRET_REFRESH_MAX_TARGETS): review the targets above${report.dryRun ? '' : ' (a --dry-run shows the same)'}, then go past the cap`,
        commands: [confirmed],
      });
    } else {
      steps.push({
        text: 'the blast-radius cap refused the run (SECRET_REFRESH_MAX_TARGETS): review what would be done, then go past the cap',
        commands: refs.flatMap((ref) => [refreshCommand(ref, '--dry-run'), refreshCommand(ref, '--confirm-large')]),
      });
    }
  }
  if (report.refused && report.refusedBy === 'rate-limit') {
    const now = context.now ?? new Date();
    const nextHour = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours() + 1)).toISOString();
    steps.push({
      text:
        `the hourly deployment budget (SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR) refused the run: it counts per UTC clock hour and has room again at ${nextHour}. ` +
        'Look for what changes this often; a manual refresh is never refused by the budget',
      commands: refs.map((ref) => refreshCommand(ref, '--dry-run')),
    });
  }
  const failed = report.targets.filter((target) => target.status === 'failed');
  if (failed.length > 0) {
    const fresh = report.mode === 'event' ? ': what was deployed is then skipped as already fresh' : '';
    steps.push({
      text: `${count(failed.length, 'target')} failed (the error is in the table above): fix the cause, then run it again${context.command ? fresh : ''}`,
      commands: rerun,
    });
  }
  if (report.summary.inventoryProblems > 0) {
    steps.push({
      text: `${count(report.summary.inventoryProblems, 'thing')} could not be read (the warnings above), so services and jobs behind them were not seen: fix the access (IAM, the Region, the network), then run it again`,
      commands: rerun,
    });
  }
  const unreadable = report.changes.filter((entry) => entry.decision === 'invalid');
  if (unreadable.length > 0) {
    const handled = unreadable.length < report.changes.length ? '; the other inputs were handled' : '';
    steps.push({
      text: `${count(unreadable.length, 'input')} could not be read (${unreadable.map(inputName).join(', ')}): fix what the inputs table says, then run ${unreadable.length === 1 ? 'it' : 'them'} again${handled}`,
      commands: [],
    });
  }
  const undecided = report.changes.filter((entry) => entry.decision === 'failed');
  if (undecided.length > 0) {
    steps.push({ text: `${count(undecided.length, 'input')} could not be handled (${undecided.map(inputName).join(', ')}): run it again`, commands: rerun });
  }
  const deferred = report.targets.filter((target) => target.status === 'deferred');
  if (deferred.length > 0) {
    const due = earliest(deferred.map((target) => dueOf(target)));
    const redelivery = earliest(report.changes.map((entry) => entry.redelivery));
    steps.push(
      redelivery
        ? {
            text: `${count(deferred.length, 'target')} deferred (the minimum redeploy interval, or the time budget): the changes are delivered again at ${redelivery} and one deployment then covers them: nothing to do`,
            commands: [],
          }
        : {
            text: `${count(deferred.length, 'target')} deferred: due at ${due ?? 'the time in the table'}; nothing delivers the change again here (no SECRET_REFRESH_INTAKE_QUEUE_URL): run it again then`,
            commands: rerun,
          },
    );
  }
  if (report.dryRun && !report.refused && report.summary.planned > 0) {
    steps.push({
      text: 'dry run: nothing was done; to act, run it again without --dry-run',
      commands: context.command ? [commandLine(withoutFlag(context.command, '--dry-run'))] : [],
    });
  }
  return steps;
}

/** What to do after the staleness audit: redeploy what is stale, complete what could not be read. */
export function auditNextSteps(report: AuditReport, context: NextStepContext = {}): NextStep[] {
  const steps: NextStep[] = [];
  const stale = report.targets.filter((target) => target.status === 'stale').length;
  if (stale > 0) {
    steps.push({
      text: `${stale === 1 ? '1 service runs' : `${stale} services run`} a value that changed after their deployment: refresh the secret or parameter each reason names (review with --dry-run first)`,
      commands: ['secret-refresh refresh --ref <arn-or-name> --dry-run'],
    });
  }
  if (report.summary.inventoryProblems > 0) {
    steps.push({
      text: 'the audit is incomplete (the warnings above): fix the access (IAM, the Region, the network), then run it again',
      commands: context.command ? [commandLine(context.command)] : [],
    });
  }
  return steps;
}

/** `secret-refresh <words>`, each word quoted for a POSIX shell when it needs it. */
export function commandLine(words: readonly string[]): string {
  return ['secret-refresh', ...words].map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: as it is when safe, else in single quotes (`rds!db-…` needs them in bash). */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** The secrets and parameters the run acted on (or would have): what a manual refresh names. */
function changedRefs(report: RefreshReport): { ref: string; kind?: 'secret' | 'parameter' }[] {
  const changes: (ChangeReport | BatchChangeReport)[] = report.change ? [report.change] : report.changes.filter((entry) => entry.decision === 'act');
  const refs = new Map<string, { ref: string; kind?: 'secret' | 'parameter' }>();
  for (const change of changes) {
    // The ARN is exact in any Region; a bare name is looked up in the home Region and may need --kind.
    const ref = change.arn ?? change.name;
    if (ref && !refs.has(ref)) refs.set(ref, { ref, ...(change.arn || !change.kind ? {} : { kind: change.kind }) });
  }
  return [...refs.values()];
}

function refreshCommand(ref: { ref: string; kind?: 'secret' | 'parameter' }, flag: string): string {
  return commandLine(['refresh', '--ref', ref.ref, ...(ref.kind ? ['--kind', ref.kind] : []), flag]);
}

function withoutFlag(words: readonly string[], flag: string): string[] {
  return words.filter((word) => word !== flag);
}

function inputName(entry: BatchChangeReport): string {
  return entry.source ? `${entry.id} ${entry.source}` : entry.id;
}

function dueOf(target: TargetReport): string | undefined {
  return target.type === 'batch-job-definition' ? undefined : target.due;
}

function earliest(times: readonly (string | undefined)[]): string | undefined {
  return times.filter((time): time is string => time !== undefined).sort()[0];
}

/** `1 target`, `2 targets`; `thing` and `input` alike. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
