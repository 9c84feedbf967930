import { describe, expect, it } from 'vitest';
import { fallbackSecretName, responseArn } from '../../../lib/changes/secret-identity.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-credentials-Ab12Cd';

describe('responseArn', () => {
  it.each([['arn'], ['aRN'], ['ARN']])('reads the ARN under the key %s', (key) => {
    expect(responseArn({ [key]: ARN, name: 'demo/orders/db-credentials' })).toBe(ARN);
  });

  it('returns undefined for a null response or a non-ARN value', () => {
    expect(responseArn(null)).toBeUndefined();
    expect(responseArn({ arn: 42 })).toBeUndefined();
  });
});

describe('fallbackSecretName', () => {
  it('strips the six-character suffix of a full ARN', () => {
    expect(fallbackSecretName(ARN, true)).toBe('demo/orders/db-credentials');
  });

  it('keeps the resource of an ARN that may be partial', () => {
    expect(fallbackSecretName('arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/legacy-api-key', false)).toBe('demo/orders/legacy-api-key');
  });

  it('returns a name as is', () => {
    expect(fallbackSecretName('demo/orders/db-credentials', false)).toBe('demo/orders/db-credentials');
  });
});
