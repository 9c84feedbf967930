import { randomUUID } from 'node:crypto';

/**
 * EventBridge events in the shapes AWS sends (see events/ and ../shared/aws-reference/events/), built for
 * the demo account: moto changes secrets and parameters but emits no EventBridge events, so the demo and
 * the integration tests build the events AWS would have sent.
 */
export interface SecretEventInput {
  readonly account: string;
  readonly region: string;
  readonly secretArn: string;
  readonly secretName: string;
  readonly versionId: string;
  readonly time: string;
}

/** Native `Secret Label Updated` (AWSCURRENT moved to `versionId`). */
export function secretLabelUpdatedEvent(input: SecretEventInput, label = 'AWSCURRENT') {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Secret Label Updated',
    source: 'aws.secretsmanager',
    account: input.account,
    time: input.time,
    region: input.region,
    resources: [input.secretArn],
    detail: { name: input.secretName, labelUpdated: label, versionId: input.versionId },
  };
}

/** CloudTrail `UpdateSecretVersionStage` (the rotation's finishSecret step). */
export function updateSecretVersionStageEvent(input: SecretEventInput & { readonly previousVersionId: string }) {
  return cloudTrailEvent(input, 'UpdateSecretVersionStage', {
    secretId: input.secretArn,
    versionStage: 'AWSCURRENT',
    moveToVersionId: input.versionId,
    removeFromVersionId: input.previousVersionId,
  });
}

/** CloudTrail `PutSecretValue` with the given staging labels (omit them: AWSCURRENT moves). */
export function putSecretValueEvent(input: SecretEventInput, versionStages?: readonly string[]) {
  return cloudTrailEvent(input, 'PutSecretValue', {
    secretId: input.secretName,
    clientRequestToken: input.versionId,
    ...(versionStages ? { versionStages: [...versionStages] } : {}),
  });
}

function cloudTrailEvent(input: SecretEventInput, eventName: string, requestParameters: Record<string, unknown>) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: input.account,
    time: input.time,
    region: input.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', accountId: input.account },
      eventTime: input.time,
      eventSource: 'secretsmanager.amazonaws.com',
      eventName,
      awsRegion: input.region,
      sourceIPAddress: '198.51.100.17',
      userAgent: 'secret-refresh-demo',
      requestParameters,
      responseElements: { arn: input.secretArn },
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: input.account,
      eventCategory: 'Management',
    },
  };
}

/**
 * CloudTrail service event `RotationSucceeded`. `secretIn` picks where it names the secret: AWS's documented
 * `additionalEventData.SecretId`, or `serviceEventDetails.secretId` as reported for managed rotation (RDS).
 */
export function rotationSucceededEvent(input: SecretEventInput, secretIn: 'additionalEventData' | 'serviceEventDetails' = 'additionalEventData') {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.secretsmanager',
    account: input.account,
    time: input.time,
    region: input.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { accountId: input.account, invokedBy: 'secretsmanager.amazonaws.com' },
      eventTime: input.time,
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'RotationSucceeded',
      awsRegion: input.region,
      sourceIPAddress: 'secretsmanager.amazonaws.com',
      userAgent: 'secretsmanager.amazonaws.com',
      requestParameters: null,
      responseElements: null,
      additionalEventData: secretIn === 'additionalEventData' ? { SecretId: input.secretArn } : null,
      ...(secretIn === 'serviceEventDetails' ? { serviceEventDetails: { secretId: input.secretArn } } : {}),
      requestID: `Rotation-${input.secretArn}-${randomUUID()}`,
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: input.account,
      eventCategory: 'Management',
    },
  };
}

/** Native SSM `Parameter Store Change`. */
export function parameterStoreChangeEvent(input: {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly operation: 'Create' | 'Update' | 'Delete' | 'LabelParameterVersion';
  readonly time: string;
}) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Parameter Store Change',
    source: 'aws.ssm',
    account: input.account,
    time: input.time,
    region: input.region,
    resources: [`arn:aws:ssm:${input.region}:${input.account}:parameter/${input.name.replace(/^\/+/, '')}`],
    detail: { operation: input.operation, name: input.name, type: 'SecureString' },
  };
}

/** The event input for a rotation of the demo secret (`seedDemoAccount` + `rotateSecret`). */
export function rotationInput(
  account: { readonly account: string; readonly secretArn: string; readonly secretName: string },
  rotation: { readonly versionId: string; readonly time: string },
  region = 'us-east-1',
): SecretEventInput {
  return { account: account.account, region, secretArn: account.secretArn, secretName: account.secretName, versionId: rotation.versionId, time: rotation.time };
}
