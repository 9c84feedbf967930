import type { ContainerProperties, JobDefinition, TaskContainerProperties } from '../aws/batch.js';
import { safeParseReference } from '../references/index.js';
import type { ReferenceContext, ReferenceLocation } from '../references/types.js';
import type { ContainerImageRecord, FoundReference } from './types.js';

type ContainerLike = Pick<ContainerProperties, 'secrets' | 'logConfiguration' | 'repositoryCredentials' | 'image'> & Pick<TaskContainerProperties, 'name'>;

/**
 * Every secret reference a Batch job definition makes, in each container shape Batch has:
 * `containerProperties`, `nodeProperties.nodeRangeProperties[].container`,
 * `ecsProperties.taskProperties[].containers[]` and `nodeRangeProperties[].ecsProperties…containers[]`.
 * Container names say where: `container`, `node 0:3`, `task 0 app`, `node 0:3 task 0 app`.
 * EKS job definitions use Kubernetes secrets, not `valueFrom`: see {@link isEksJobDefinition}.
 */
export function jobDefinitionReferences(definition: JobDefinition, context: ReferenceContext): FoundReference[] {
  const found: FoundReference[] = [];
  visitContainers(definition, (label, container) => {
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
  });
  return found;
}

/** The containers of a job definition and the image each names, labelled as in {@link jobDefinitionReferences}. */
export function jobDefinitionContainers(definition: JobDefinition): ContainerImageRecord[] {
  const containers: ContainerImageRecord[] = [];
  visitContainers(definition, (name, container) => {
    if (container.image) containers.push({ name, image: container.image });
  });
  return containers;
}

/** Every container shape of a job definition, with its label (`container`, `node 0:3`, `task 0 app`, …). */
function visitContainers(definition: JobDefinition, visit: (label: string, container: ContainerLike) => void): void {
  const visitOne = (label: string, container: ContainerLike | undefined) => {
    if (container) visit(label, container);
  };
  const visitTasks = (prefix: string, tasks: { containers?: TaskContainerProperties[] | undefined }[] | undefined) => {
    (tasks ?? []).forEach((task, index) => {
      for (const container of task.containers ?? []) visitOne(`${prefix}task ${index} ${container.name ?? '(unnamed)'}`, container);
    });
  };
  visitOne('container', definition.containerProperties);
  for (const range of definition.nodeProperties?.nodeRangeProperties ?? []) {
    const label = `node ${range.targetNodes ?? '?'}`;
    visitOne(label, range.container);
    visitTasks(`${label} `, range.ecsProperties?.taskProperties);
  }
  visitTasks('', definition.ecsProperties?.taskProperties);
}

/** EKS job definitions read Kubernetes secrets: out of scope, reported as such. */
export function isEksJobDefinition(definition: JobDefinition): boolean {
  return definition.eksProperties !== undefined || definition.containerOrchestrationType === 'EKS';
}
