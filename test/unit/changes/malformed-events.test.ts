import { describe, expect, it } from 'vitest';
import { $ZodError as ZodError } from 'zod/v4/core';
import { detectEventChange } from '../../../lib/changes/detect-change.js';
import { SecretIdSchema } from '../../../lib/changes/schemas/names.js';
import { EventParseError } from '../../../lib/errors.js';
import { FakeMetadataDirectory, sampleEvent } from './fake-metadata-directory.js';

/** The EventParseError `detectEventChange` throws for `event`. */
async function parseErrorOf(event: unknown): Promise<EventParseError> {
  const error: unknown = await detectEventChange(event, new FakeMetadataDirectory()).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EventParseError);
  return error as EventParseError;
}

describe('detectEventChange on malformed events', () => {
  it.each([
    ['a string', '{"source":"aws.ssm"}', 'event must be an EventBridge event object, got a string'],
    ['null', null, 'event must be an EventBridge event object, got null'],
    ['an array', [], 'event must be an EventBridge event object, got an array'],
  ])('rejects %s that is not an event object', async (_label, event, message) => {
    const error = await parseErrorOf(event);
    expect(error.message).toBe(message);
    expect(error.cause).toBeInstanceOf(ZodError);
  });

  it('rejects an object without the EventBridge envelope fields, naming them', async () => {
    const error = await parseErrorOf({ source: 'aws.ssm', detail: {} });
    expect(error.message).toMatch(/^EventBridge event is malformed: /);
    expect(error.message).toContain('detail-type:');
    expect(error.message).toContain('time:');
    expect(error.cause).toBeInstanceOf(ZodError);
  });

  it('rejects a supported event without detail', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    delete event.detail;
    const error = await parseErrorOf(event);
    expect(error.message).toBe('Parameter Store Change event is malformed: detail: Invalid input: expected object, received undefined');
    expect(error.cause).toBeInstanceOf(ZodError);
  });

  it('rejects a Secret Label Updated event whose detail has the wrong shape', async () => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    event.detail = { name: 'demo/orders/db-credentials', labelUpdated: 42 };
    const error = await parseErrorOf(event);
    expect(error.message).toMatch(/^Secret Label Updated event is malformed: /);
    expect(error.message).toContain('detail.labelUpdated: Invalid input: expected string, received number');
    expect(error.message).toContain('detail.versionId:');
  });

  it('rejects PutSecretValue whose versionStages is not a list', async () => {
    const event = sampleEvent('secretsmanager-putsecretvalue-awspending.json');
    const detail = event.detail as Record<string, unknown>;
    detail.requestParameters = { secretId: 'demo/orders/db-credentials', versionStages: 'AWSPENDING' };
    const error = await parseErrorOf(event);
    expect(error.message).toBe('PutSecretValue event detail.requestParameters is malformed: versionStages: Invalid input: expected array, received string');
    expect(error.cause).toBeInstanceOf(ZodError);
  });

  it('rejects RotationSucceeded that names no secret in additionalEventData, serviceEventDetails or requestParameters', async () => {
    const event = sampleEvent('secretsmanager-rotationsucceeded.json');
    (event.detail as Record<string, unknown>).additionalEventData = null;
    const error = await parseErrorOf(event);
    expect(error.message).toBe(
      'RotationSucceeded event names no secret: expected detail.additionalEventData.SecretId (or a secretId in detail.serviceEventDetails or detail.requestParameters)',
    );
  });

  it('rejects RotationSucceeded whose SecretId is not a secret name or ARN', async () => {
    const event = sampleEvent('secretsmanager-rotationsucceeded.json');
    (event['detail'] as Record<string, unknown>)['additionalEventData'] = { SecretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db\u200B-Ab12Cd' };
    const error = await parseErrorOf(event);
    expect(error.message).toMatch(/^RotationSucceeded event detail\.additionalEventData\.SecretId is malformed: \(event\): a secret id is a secret name/);
  });

  it('rejects RotationFailed whose serviceEventDetails.secretId is a number', async () => {
    const event = sampleEvent('secretsmanager-rotationfailed.json');
    const detail = event['detail'] as Record<string, unknown>;
    detail['additionalEventData'] = null;
    detail['serviceEventDetails'] = { secretId: 42 };
    const error = await parseErrorOf(event);
    expect(error.message).toMatch(
      /^RotationFailed event detail\.serviceEventDetails\.secretId is malformed: \(event\): Invalid input: expected string, received number/,
    );
  });

  it('rejects an unknown detail-type of a supported source', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event['detail-type'] = 'Parameter Store Rename';
    const error = await parseErrorOf(event);
    expect(error.message).toMatch(/^not a secret or parameter change event: source "aws\.ssm" with detail-type "Parameter Store Rename"/);
    // The message lists every supported source and detail-type, so the operator sees what would be accepted.
    expect(error.message).toContain(' (supported: aws.ssm "Parameter Store Change", ');
    expect(error.message).toContain('aws.secretsmanager "AWS API Call via CloudTrail"');
  });

  it('rejects an unknown detail-type that names an Object.prototype member', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event['detail-type'] = 'constructor';
    const error = await parseErrorOf(event);
    expect(error.message).toMatch(/^not a secret or parameter change event: /);
  });

  it.each([
    [
      'Secret Label Updated',
      'secretsmanager-secret-label-updated-awscurrent.json',
      'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/db-password',
      'secretsmanager',
    ],
    ['Parameter Store Change', 'ssm-parameter-store-change-update.json', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-Ab12Cd', 'ssm'],
    ['Parameter Store Policy Action', 'ssm-parameter-store-policy-action-expiration.json', 'arn:aws:ecs:us-east-1:111122223333:cluster/orders', 'ssm'],
  ])('refuses a %s event whose resources[0] is an ARN of another service, before any look-up', async (_label, file, arn, service) => {
    const event = sampleEvent(file);
    event.resources = [arn];
    const directory = new FakeMetadataDirectory();
    const error: unknown = await detectEventChange(event, directory).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(EventParseError);
    expect((error as Error).message).toBe(`resources[0] "${arn}" is not a ${service} ARN`);
    expect(directory.calls).toEqual([]);
  });

  it('refuses a native event whose resources[0] is not an ARN at all', async () => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    event.resources = ['demo/orders/db'];
    expect((await parseErrorOf(event)).message).toBe('resources[0] "demo/orders/db" is not a secretsmanager ARN');
  });

  it('quotes at most 200 characters of a resources[0] that is not an ARN', async () => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    event.resources = ['x'.repeat(5000)];
    expect((await parseErrorOf(event)).message).toBe(`resources[0] "${'x'.repeat(200)}" is not a secretsmanager ARN`);
  });

  it('refuses a native event whose resources[0] is in another Region than the event', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.resources = ['arn:aws:ssm:eu-west-1:111122223333:parameter/demo/orders/api-key'];
    expect((await parseErrorOf(event)).message).toBe(
      'resources[0] is in account 111122223333 / eu-west-1, but the event is from account 111122223333 / us-east-1: refusing a self-contradictory event',
    );
  });
});

describe('names no AWS resource can have', () => {
  const parameterEvent = (name: string) => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.resources = [];
    event.detail = { operation: 'Update', name };
    return event;
  };
  const createSecret = (secretId: string, field: 'name' | 'secretId') => {
    const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
    const detail = event.detail as Record<string, unknown>;
    event.detail = {
      ...detail,
      eventName: field === 'name' ? 'CreateSecret' : 'PutSecretValue',
      requestParameters: { [field]: secretId },
      responseElements: null,
    };
    return event;
  };

  it.each([
    ['longer than 2048 characters', `/${'a'.repeat(2048)}`, 'a parameter name is at most 2048 characters'],
    ['with a character SSM refuses', '/demo/orders/api key!', 'a parameter name has only letters, digits and _ . - /'],
  ])('refuses a parameter name %s, saying why', async (_label, name, why) => {
    expect((await parseErrorOf(parameterEvent(name))).message).toContain(`detail.name: ${why}`);
  });

  it('refuses a secret name longer than 512 characters, saying why', async () => {
    expect((await parseErrorOf(createSecret('a'.repeat(513), 'name'))).message).toContain('name: a secret name is at most 512 characters');
  });

  it('refuses a secret id longer than 2048 characters, saying why', async () => {
    expect((await parseErrorOf(createSecret('a'.repeat(2049), 'secretId'))).message).toContain('secretId: a secret id is at most 2048 characters');
  });

  it.each(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b', 'aws-eusc'])('accepts a secret ARN in the %s partition as a secret id', (partition) => {
    const arn = `arn:${partition}:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-AbCdEf`;
    expect(SecretIdSchema.safeParse(arn)).toEqual({ success: true, data: arn });
  });

  it('checks the name inside a secret ARN in any partition', () => {
    const result = SecretIdSchema.safeParse('arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:demo/orders db');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'a secret id is a secret name (letters, digits and /_+=.@-, or <service>!… for a managed secret) or a secret ARN',
    ]);
  });

  it('refuses a secret id with text before its ARN', async () => {
    const error = await parseErrorOf(createSecret('x-arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db', 'secretId'));
    expect(error.message).toContain('secretId: a secret id is a secret name');
  });
});
