import type { BatchPlan, RefreshPlan } from './types.js';

/** Both parts of a plan. */
export interface CombinedPlan {
  readonly ecs: RefreshPlan;
  readonly batch: BatchPlan;
}

/** What {@link applyBlastRadiusCap} decided. */
export interface CappedPlan extends CombinedPlan {
  /** Set when the cap refused the run; every would-be action is then a `blast-radius-cap` skip. */
  readonly refused?: string;
}

/**
 * @internal Applied by {@link planRefresh} (lib/plan/index.ts).
 *
 * The blast-radius cap: a run that would act on more than `maxTargets` targets (ECS redeploys plus Batch
 * resubmits) acts on none. A rotated secret that is wrong must not take a whole account down at once;
 * an operator who reviewed the plan can go ahead with a manual `refresh --confirm-large`.
 *
 * @example
 * const capped = applyBlastRadiusCap(plan, 50, false, ['prod/db']);
 * if (capped.refused) publishAlert(capped.refused);
 */
export function applyBlastRadiusCap(plan: CombinedPlan, maxTargets: number, confirmed: boolean, refs: string | readonly string[]): CappedPlan {
  const actions =
    plan.ecs.targets.filter((target) => target.decision === 'redeploy').length + plan.batch.jobs.filter((job) => job.decision === 'resubmit').length;
  if (actions <= maxTargets || confirmed) return plan;
  const refused =
    `blast-radius cap: ${actions} targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=${maxTargets}; nothing was done. ` +
    reviewHint(typeof refs === 'string' ? [refs] : [...new Set(refs)]);
  const short = `blast-radius cap: the run was refused (${actions} targets > SECRET_REFRESH_MAX_TARGETS=${maxTargets})`;
  return {
    refused,
    ecs: {
      ...plan.ecs,
      targets: plan.ecs.targets.map((target) =>
        target.decision === 'redeploy'
          ? { ...target, decision: 'skip', code: 'blast-radius-cap', reason: `${short}; would redeploy: ${target.reason}` }
          : target,
      ),
    },
    batch: {
      ...plan.batch,
      jobs: plan.batch.jobs.map((job) =>
        job.decision === 'resubmit'
          ? { ...job, decision: 'skip', terminate: false, code: 'blast-radius-cap', reason: `${short}; would resubmit: ${job.reason}` }
          : job,
      ),
    },
  };
}

/** What to run to go ahead: one `refresh` per changed secret or parameter of the batch. */
function reviewHint(refs: readonly string[]): string {
  if (refs.length === 1) return `Review with "secret-refresh refresh --ref ${refs[0]} --dry-run", then run it with --confirm-large`;
  return `Review each of ${refs.join(', ')} with "secret-refresh refresh --ref <name> --dry-run", then run it with --confirm-large`;
}
