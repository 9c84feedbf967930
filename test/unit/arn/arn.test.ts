import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTaskDefinitionRevisionArn, parameterArn, parseServiceArn, resourceId, safeParseArn, secretArn } from '../../../lib/arn/arn.js';
import { describeIssues, errorMessage, errorText } from '../../../lib/errors.js';

describe('safeParseArn', () => {
  it('returns the fields of a well-formed ARN', () => {
    expect(safeParseArn('arn:aws:lambda:us-east-1:111122223333:function:x')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'us-east-1',
      account: '111122223333',
      resource: 'function:x',
    });
  });

  it.each([
    ['absent', undefined],
    ['a name', 'prod/db'],
    ['too few fields', 'arn:aws:ssm:us-east-1'],
    ['a wrong partition', 'arn:amazon:ssm:us-east-1:111122223333:parameter/a'],
    ['a short account', 'arn:aws:ssm:us-east-1:1111:parameter/a'],
  ])('returns undefined for %s', (_what, value) => {
    expect(safeParseArn(value)).toBeUndefined();
  });
});

describe('parseServiceArn', () => {
  it('parses a long service ARN with its cluster', () => {
    expect(parseServiceArn('arn:aws:ecs:us-east-1:111122223333:service/orders/api')).toEqual({
      partition: 'aws',
      region: 'us-east-1',
      account: '111122223333',
      cluster: 'orders',
      name: 'api',
      format: 'long',
    });
  });

  it('parses a short service ARN (an account that never opted in to the long format): no cluster', () => {
    expect(parseServiceArn('arn:aws-cn:ecs:cn-north-1:111122223333:service/api')).toEqual({
      partition: 'aws-cn',
      region: 'cn-north-1',
      account: '111122223333',
      name: 'api',
      format: 'short',
    });
  });

  it.each([
    ['absent', undefined],
    ['a cluster ARN', 'arn:aws:ecs:us-east-1:111122223333:cluster/orders'],
    ['another service', 'arn:aws:batch:us-east-1:111122223333:service/orders/api'],
    ['three path segments', 'arn:aws:ecs:us-east-1:111122223333:service/a/b/c'],
    ['an empty cluster', 'arn:aws:ecs:us-east-1:111122223333:service//api'],
    ['an empty name', 'arn:aws:ecs:us-east-1:111122223333:service/orders/'],
    ['a name', 'orders-api'],
  ])('returns undefined for %s', (_what, value) => {
    expect(parseServiceArn(value)).toBeUndefined();
  });
});

describe('resourceId', () => {
  it('returns what follows the resource prefix for an ARN of the service', () => {
    expect(resourceId('arn:aws:ecs:us-east-1:111122223333:cluster/orders', 'ecs', 'cluster/')).toBe('orders');
    expect(resourceId('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-Ab12Cd', 'secretsmanager', 'secret:')).toBe('prod/db-Ab12Cd');
  });

  it('returns undefined for another service, another resource type or an empty id', () => {
    expect(resourceId('arn:aws:ssm:us-east-1:111122223333:parameter/a', 'ecs', 'parameter/')).toBeUndefined();
    expect(resourceId('arn:aws:ecs:us-east-1:111122223333:service/orders/api', 'ecs', 'cluster/')).toBeUndefined();
    expect(resourceId('arn:aws:ecs:us-east-1:111122223333:cluster/', 'ecs', 'cluster/')).toBeUndefined();
  });
});

describe('isTaskDefinitionRevisionArn', () => {
  it('is true only for a family:revision ARN with an account', () => {
    expect(isTaskDefinitionRevisionArn('arn:aws:ecs:us-east-1:111122223333:task-definition/orders-api:7')).toBe(true);
    expect(isTaskDefinitionRevisionArn('arn:aws:ecs:us-east-1:111122223333:task-definition/orders-api')).toBe(false);
    expect(isTaskDefinitionRevisionArn('orders-api:7')).toBe(false);
    expect(isTaskDefinitionRevisionArn('arn:aws:ecs:us-east-1::task-definition/orders-api:7')).toBe(false);
  });
});

describe('ARN builders', () => {
  it('builds the canonical parameter ARN without the leading slash', () => {
    expect(parameterArn('aws-cn', 'cn-north-1', '111122223333', '/a/b')).toBe('arn:aws-cn:ssm:cn-north-1:111122223333:parameter/a/b');
    expect(parameterArn('aws', 'us-east-1', '111122223333', 'flat')).toBe('arn:aws:ssm:us-east-1:111122223333:parameter/flat');
  });

  it('builds a secret ARN from its fields', () => {
    expect(secretArn('aws', 'us-east-1', '111122223333', 'prod/db')).toBe('arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db');
  });
});

describe('error texts', () => {
  it('names the error class and its message, or stringifies what is not an Error', () => {
    const error = new Error('Rate exceeded');
    error.name = 'ThrottlingException';
    expect(errorText(error)).toBe('ThrottlingException: Rate exceeded');
    expect(errorText('boom')).toBe('boom');
    expect(errorMessage(error)).toBe('Rate exceeded');
  });

  it('lists every zod issue with its path, the root under the given name', () => {
    const result = z.object({ a: z.string(), b: z.object({ c: z.number() }) }).safeParse({ a: 1, b: { c: 'x' } });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeIssues(result.error, '(event)')).toBe(
      'a: Invalid input: expected string, received number; b.c: Invalid input: expected number, received string',
    );
    const root = z.object({}).safeParse(null);
    if (root.success) throw new Error('expected a failure');
    expect(describeIssues(root.error, 'input')).toBe('input: Invalid input: expected object, received null');
  });
});
