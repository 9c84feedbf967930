/**
 * What an ECS event hints at, for the service index: the services to read again, and the task definition revisions
 * just registered (read ahead into the revision index). A hint is never trusted for what it says about a service:
 * the service is read again, so a hint delivered twice, late or out of order changes nothing.
 *
 * Accepted (the rules of serverless.yml): `ECS Deployment State Change` and `ECS Service Action` (source `aws.ecs`,
 * the service ARN in `resources`, the cluster in `detail.clusterArn` when the ARN is short), and CloudTrail's
 * `AWS API Call via CloudTrail` for ecs.amazonaws.com: `CreateService`, `UpdateService`, `DeleteService`
 * (`responseElements.service`, or the request's `cluster` and `service`) and `RegisterTaskDefinition`
 * (`responseElements.taskDefinition.taskDefinitionArn`). Anything else hints at nothing.
 */
import { parseServiceArn } from '../arn/arn.js';
import type { KnownEcsService } from '../inventory/index.js';
import { partitionOfRegion } from '../references/index.js';

/** What one event hints at. */
export interface IndexHint {
  readonly services: readonly KnownEcsService[];
  /** Task definition revision ARNs just registered, by Region. */
  readonly revisions: readonly { readonly arn: string; readonly region: string }[];
}

const NOTHING: IndexHint = { services: [], revisions: [] };

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The hint of one EventBridge event (nothing when it is not one of the accepted events). */
export function indexHintOf(event: unknown): IndexHint {
  const envelope = object(event);
  if (envelope?.source !== 'aws.ecs') return NOTHING;
  const detail = object(envelope.detail) ?? {};
  const detailType = envelope['detail-type'];
  if (detailType === 'ECS Deployment State Change' || detailType === 'ECS Service Action') {
    const resources = Array.isArray(envelope.resources) ? envelope.resources.flatMap((resource) => text(resource) ?? []) : [];
    return { services: resources.flatMap((arn) => known(arn, text(detail.clusterArn)) ?? []), revisions: [] };
  }
  if (detailType !== 'AWS API Call via CloudTrail' || detail.eventSource !== 'ecs.amazonaws.com' || text(detail.errorCode)) return NOTHING;
  const response = object(detail.responseElements) ?? {};
  const request = object(detail.requestParameters) ?? {};
  const region = text(detail.awsRegion) ?? text(envelope.region) ?? '';
  switch (detail.eventName) {
    case 'CreateService':
    case 'UpdateService':
    case 'DeleteService': {
      const service = object(response.service) ?? {};
      const arn = text(service.serviceArn) ?? serviceArnFromRequest(request, region, text(envelope.account));
      const found = arn ? known(arn, text(service.clusterArn) ?? clusterArnOf(text(request.cluster), region, text(envelope.account))) : undefined;
      return { services: found ? [found] : [], revisions: [] };
    }
    case 'RegisterTaskDefinition': {
      const arn = text(object(response.taskDefinition)?.taskDefinitionArn);
      return { services: [], revisions: arn ? [{ arn, region }] : [] };
    }
    default:
      return NOTHING;
  }
}

/** The hints of several events, each service and revision once. */
export function mergeHints(hints: readonly IndexHint[]): IndexHint {
  const services = new Map(hints.flatMap((hint) => hint.services).map((service) => [service.arn, service]));
  const revisions = new Map(hints.flatMap((hint) => hint.revisions).map((revision) => [revision.arn, revision]));
  return { services: [...services.values()], revisions: [...revisions.values()] };
}

/** The service with its cluster: from a long ARN, or `clusterArn` for a short one; nothing without a cluster. */
function known(arn: string, clusterArn: string | undefined): KnownEcsService | undefined {
  const parsed = parseServiceArn(arn);
  if (!parsed) return undefined;
  const cluster = parsed.cluster ? `arn:${parsed.partition}:ecs:${parsed.region}:${parsed.account}:cluster/${parsed.cluster}` : clusterArn;
  return cluster ? { arn, clusterArn: cluster, region: parsed.region } : undefined;
}

/** A service ARN from DeleteService's request (`service` is a name or an ARN), when the response has none. */
function serviceArnFromRequest(request: Json, region: string, account: string | undefined): string | undefined {
  const service = text(request.service);
  if (!service || service.startsWith('arn:')) return service;
  const cluster = text(request.cluster)?.replace(/^.*:cluster\//, '') ?? 'default';
  return account && region ? `arn:${partitionOfRegion(region)}:ecs:${region}:${account}:service/${cluster}/${service}` : undefined;
}

function clusterArnOf(cluster: string | undefined, region: string, account: string | undefined): string | undefined {
  if (cluster?.startsWith('arn:')) return cluster;
  return account && region ? `arn:${partitionOfRegion(region)}:ecs:${region}:${account}:cluster/${cluster ?? 'default'}` : undefined;
}
