import type { ContainerProperties, JobDefinition, TaskContainerProperties } from '../aws/batch.js';
import { safeParseReference } from '../references/index.js';
import type { ReferenceContext, ReferenceLocation } from '../references/types.js';
import type { FoundReference } from './types.js';

type ContainerLike = Pick<ContainerProperties, 'secrets' | 'logConfiguration' | 'repositoryCredentials'> & Pick<TaskContainerProperties, 'name'>;

/**
 * Every secret reference a Batch job definition makes, in each container shape Batch has:
 * `containerProperties`, `nodeProperties.nodeRangeProperties[].container`,
 * `ecsProperties.taskProperties[].containers[]` and `nodeRangeProperties[].ecsProperties…containers[]`.
 * Container names say where: `container`, `node 0:3`, `task 0 app`, `node 0:3 task 0 app`.
 * EKS job definitions use Kubernetes secrets, not `valueFrom`: see {@link isEksJobDefinition}.
 */
export function jobDefinitionReferences(definition: JobDefinition, context: ReferenceContext): FoundReference[] {
  const found: FoundReference[] = [];
  const visit = (label: string, container: ContainerLike | undefined) => {
    if (!container) return;
    const add = (location: ReferenceLocation, valueFrom: string | undefined, name?: string) => {
      if (valueFrom === undefined) return;
      const result = safeParseReference(valueFrom, location, context);
      found.push({
        container: label,
        location,
        ...(name !== undefined ? { name } : {}),
        valueFrom,
        parsed: result.success ? result.data : { error: result.error.message },
      });
    };
    for (const secret of container.secrets ?? []) add('secrets', secret.valueFrom, secret.name);
    for (const option of container.logConfiguration?.secretOptions ?? []) {
      add('logConfiguration.secretOptions', option.valueFrom, option.name);
    }
    add('repositoryCredentials', container.repositoryCredentials?.credentialsParameter);
  };
  const visitTasks = (prefix: string, tasks: { containers?: TaskContainerProperties[] | undefined }[] | undefined) => {
    (tasks ?? []).forEach((task, index) => {
      for (const container of task.containers ?? []) visit(`${prefix}task ${index} ${container.name ?? '(unnamed)'}`, container);
    });
  };
  visit('container', definition.containerProperties);
  for (const range of definition.nodeProperties?.nodeRangeProperties ?? []) {
    const label = `node ${range.targetNodes ?? '?'}`;
    visit(label, range.container);
    visitTasks(`${label} `, range.ecsProperties?.taskProperties);
  }
  visitTasks('', definition.ecsProperties?.taskProperties);
  return found;
}

/** EKS job definitions read Kubernetes secrets: out of scope, reported as such. */
export function isEksJobDefinition(definition: JobDefinition): boolean {
  return definition.eksProperties !== undefined || definition.containerOrchestrationType === 'EKS';
}
