import { describe, expect, it } from 'vitest';
import { ReferenceParseError } from '../../../lib/errors.js';
import { looksLikeArn, parseArn, partitionOfRegion } from '../../../lib/references/arn.js';

describe('parseArn', () => {
  it('splits a secret ARN and keeps the ":" inside the resource', () => {
    expect(parseArn('arn:aws:secretsmanager:us-east-1:111122223333:secret:db-Ab12Cd:password::')).toEqual({
      partition: 'aws',
      service: 'secretsmanager',
      region: 'us-east-1',
      account: '111122223333',
      resource: 'secret:db-Ab12Cd:password::',
    });
  });

  it('keeps the "/" inside an SSM parameter resource', () => {
    expect(parseArn('arn:aws:ssm:eu-west-1:111122223333:parameter/demo/x').resource).toBe('parameter/demo/x');
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-iso', 'us-iso-east-1'],
    ['aws-iso-b', 'us-isob-east-1'],
  ])('accepts partition %s', (partition, region) => {
    const arn = parseArn(`arn:${partition}:secretsmanager:${region}:111122223333:secret:x-Ab12Cd`);
    expect(arn.partition).toBe(partition);
    expect(arn.region).toBe(region);
  });

  it('accepts the empty Region and account of global services', () => {
    expect(parseArn('arn:aws:s3:::my-bucket')).toEqual({
      partition: 'aws',
      service: 's3',
      region: '',
      account: '',
      resource: 'my-bucket',
    });
  });

  it.each([
    ['not an ARN', 'demo/orders/db'],
    ['too few fields', 'arn:aws:secretsmanager:us-east-1:111122223333'],
    ['a partition that is not aws*', 'arn:azure:secretsmanager:us-east-1:111122223333:secret:x'],
    ['an empty partition', 'arn::secretsmanager:us-east-1:111122223333:secret:x'],
    ['an empty service', 'arn:aws::us-east-1:111122223333:secret:x'],
    ['an account that is not 12 digits', 'arn:aws:secretsmanager:us-east-1:1111:secret:x'],
    ['an upper-case Region', 'arn:aws:secretsmanager:US-EAST-1:111122223333:secret:x'],
    ['an empty resource', 'arn:aws:secretsmanager:us-east-1:111122223333:'],
  ])('rejects %s with ReferenceParseError', (_why, value) => {
    expect(() => parseArn(value)).toThrow(ReferenceParseError);
  });

  it('puts the offending value on the error', () => {
    try {
      parseArn('arn:nope');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ReferenceParseError);
      expect((error as ReferenceParseError).value).toBe('arn:nope');
    }
  });
});

describe('looksLikeArn', () => {
  it('classifies on the "arn:" prefix only', () => {
    expect(looksLikeArn('arn:whatever')).toBe(true);
    expect(looksLikeArn('/arn:x')).toBe(false);
    expect(looksLikeArn('arnold')).toBe(false);
  });
});

describe('partitionOfRegion', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('maps %s to %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});
