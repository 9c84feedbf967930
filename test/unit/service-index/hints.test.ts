import { describe, expect, it } from 'vitest';
import { indexHintOf, mergeHints } from '../../../lib/service-index/index.js';

const SERVICE = 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web';
const CLUSTER = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
const envelope = { version: '0', id: 'e', account: '111122223333', time: '2026-12-01T10:00:00Z', region: 'eu-west-1', resources: [] };

describe('indexHintOf', () => {
  it('reads the service of an ECS Deployment State Change, its cluster from the long ARN', () => {
    const hint = indexHintOf({
      ...envelope,
      source: 'aws.ecs',
      'detail-type': 'ECS Deployment State Change',
      resources: [SERVICE],
      detail: { eventName: 'SERVICE_DEPLOYMENT_COMPLETED' },
    });
    expect(hint).toEqual({ services: [{ arn: SERVICE, clusterArn: CLUSTER, region: 'eu-west-1' }], revisions: [] });
  });

  it('takes the cluster of a short service ARN from detail.clusterArn, and drops it without one', () => {
    const short = 'arn:aws:ecs:eu-west-1:111122223333:service/web';
    const event = { ...envelope, source: 'aws.ecs', 'detail-type': 'ECS Service Action', resources: [short] };
    expect(indexHintOf({ ...event, detail: { clusterArn: CLUSTER, eventName: 'SERVICE_STEADY_STATE' } }).services).toEqual([
      { arn: short, clusterArn: CLUSTER, region: 'eu-west-1' },
    ]);
    expect(indexHintOf({ ...event, detail: { eventName: 'SERVICE_STEADY_STATE' } }).services).toEqual([]);
  });

  it('reads CloudTrail UpdateService, CreateService and DeleteService (by name in the request), and RegisterTaskDefinition', () => {
    const call = (eventName: string, detail: object) => ({
      ...envelope,
      source: 'aws.ecs',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { eventSource: 'ecs.amazonaws.com', eventName, awsRegion: 'eu-west-1', ...detail },
    });
    expect(indexHintOf(call('UpdateService', { responseElements: { service: { serviceArn: SERVICE, clusterArn: CLUSTER } } })).services).toEqual([
      { arn: SERVICE, clusterArn: CLUSTER, region: 'eu-west-1' },
    ]);
    expect(indexHintOf(call('DeleteService', { requestParameters: { cluster: 'prod', service: 'web' }, responseElements: null })).services).toEqual([
      { arn: SERVICE, clusterArn: CLUSTER, region: 'eu-west-1' },
    ]);
    const revision = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7';
    expect(indexHintOf(call('RegisterTaskDefinition', { responseElements: { taskDefinition: { taskDefinitionArn: revision } } }))).toEqual({
      services: [],
      revisions: [{ arn: revision, region: 'eu-west-1' }],
    });
    // A failed call changed nothing.
    expect(indexHintOf(call('UpdateService', { errorCode: 'AccessDenied', responseElements: { service: { serviceArn: SERVICE } } })).services).toEqual([]);
  });

  it('hints at nothing for other sources, detail types and shapes', () => {
    for (const event of [
      null,
      'x',
      [],
      { source: 'aws.ssm' },
      { ...envelope, source: 'aws.ecs', 'detail-type': 'ECS Task State Change', resources: [SERVICE] },
    ]) {
      expect(indexHintOf(event)).toEqual({ services: [], revisions: [] });
    }
  });

  it('merges the hints of a batch, each service and revision once', () => {
    const one = indexHintOf({ ...envelope, source: 'aws.ecs', 'detail-type': 'ECS Deployment State Change', resources: [SERVICE], detail: {} });
    expect(mergeHints([one, one, one]).services).toHaveLength(1);
  });
});
