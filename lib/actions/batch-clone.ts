import type { ContainerDetail, KeyValuePair, SubmitJobCommandInput, TaskContainerDetails } from '../aws/batch.js';
import type { BatchJobRecord } from '../inventory/types.js';
import { RESUBMITTED_FROM_TAG, SUPERSEDED_BY_TAG } from '../plan/types.js';

/** Batch job names: up to 128 letters, numbers, hyphens and underscores. */
export const BATCH_JOB_NAME_LIMIT = 128;
const CLONE_SUFFIX = '-refresh';

/** `<original>-refresh`, the original truncated so the whole fits Batch's 128-character limit. */
export function cloneJobName(original: string): string {
  return `${original.slice(0, BATCH_JOB_NAME_LIMIT - CLONE_SUFFIX.length)}${CLONE_SUFFIX}`;
}

/**
 * The SubmitJob input that clones a running job: same queue, same job definition *revision*, parameters,
 * container / node / ECS overrides (rebuilt from the job's effective values), array size, retry strategy,
 * timeout, tags (plus `secret-refresh:resubmitted-from`), propagateTags, share identifier and scheduling
 * priority. Not copied: `dependsOn` (the original already ran past its dependencies), environment
 * variables named `AWS_BATCH*` (reserved, set by Batch) and `aws:` tags (reserved).
 */
export function buildCloneInput(job: BatchJobRecord): SubmitJobCommandInput {
  const detail = job.detail;
  const tags = Object.fromEntries(Object.entries(detail.tags ?? {}).filter(([key]) => !key.startsWith('aws:') && key !== SUPERSEDED_BY_TAG));
  const nodeProperties = detail.nodeProperties;
  const input: SubmitJobCommandInput = {
    jobName: cloneJobName(job.jobName),
    jobQueue: job.jobQueue,
    jobDefinition: job.jobDefinitionArn,
    ...(detail.parameters ? { parameters: detail.parameters } : {}),
    ...(detail.arrayProperties?.size !== undefined ? { arrayProperties: { size: detail.arrayProperties.size } } : {}),
    ...(detail.retryStrategy ? { retryStrategy: detail.retryStrategy } : {}),
    ...(detail.timeout ? { timeout: detail.timeout } : {}),
    ...(detail.propagateTags !== undefined ? { propagateTags: detail.propagateTags } : {}),
    ...(detail.shareIdentifier ? { shareIdentifier: detail.shareIdentifier } : {}),
    ...(detail.schedulingPriority !== undefined ? { schedulingPriorityOverride: detail.schedulingPriority } : {}),
    tags: { ...tags, [RESUBMITTED_FROM_TAG]: job.jobId },
  };
  if (nodeProperties) {
    return {
      ...input,
      nodeOverrides: {
        // SubmitJob accepts a numNodes override only when a node range is open-ended (`n:` or `:`).
        // Stryker disable next-line ArrayDeclaration,StringLiteral: a placeholder range or name has no targetNodes ending in ':' either, the same as none
        ...(nodeProperties.numNodes !== undefined && (nodeProperties.nodeRangeProperties ?? []).some((range) => (range.targetNodes ?? '').endsWith(':'))
          ? { numNodes: nodeProperties.numNodes }
          : {}),
        nodePropertyOverrides: (nodeProperties.nodeRangeProperties ?? []).map((range) => ({
          targetNodes: range.targetNodes,
          ...(range.container ? { containerOverrides: containerOverrides(range.container) } : {}),
          ...(range.ecsProperties?.taskProperties
            ? {
                ecsPropertiesOverride: {
                  taskProperties: range.ecsProperties.taskProperties.map((task) => ({ containers: (task.containers ?? []).map(taskContainerOverride) })),
                },
              }
            : {}),
        })),
      },
    };
  }
  if (detail.ecsProperties?.taskProperties) {
    return {
      ...input,
      ecsPropertiesOverride: {
        taskProperties: detail.ecsProperties.taskProperties.map((task) => ({ containers: (task.containers ?? []).map(taskContainerOverride) })),
      },
    };
  }
  return detail.container ? { ...input, containerOverrides: containerOverrides(detail.container) } : input;
}

function containerOverrides(container: ContainerDetail) {
  return {
    ...(container.command ? { command: container.command } : {}),
    ...(container.environment ? { environment: userEnvironment(container.environment) } : {}),
    ...(container.resourceRequirements ? { resourceRequirements: container.resourceRequirements } : {}),
    ...(container.instanceType ? { instanceType: container.instanceType } : {}),
  };
}

function taskContainerOverride(container: TaskContainerDetails) {
  return {
    ...(container.name ? { name: container.name } : {}),
    ...(container.command ? { command: container.command } : {}),
    ...(container.environment ? { environment: userEnvironment(container.environment) } : {}),
    ...(container.resourceRequirements ? { resourceRequirements: container.resourceRequirements } : {}),
  };
}

function userEnvironment(environment: readonly KeyValuePair[]): KeyValuePair[] {
  // Stryker disable next-line StringLiteral: the placeholder for a nameless variable does not start with AWS_BATCH either, so it is kept the same
  return environment.filter((variable) => !(variable.name ?? '').startsWith('AWS_BATCH'));
}
