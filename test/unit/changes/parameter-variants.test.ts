import { describe, expect, it } from 'vitest';
import { detectEventChange } from '../../../lib/changes/detect-change.js';
import { FakeMetadataDirectory, sampleEvent } from './fake-metadata-directory.js';

describe('detectEventChange on SSM variants', () => {
  it('ignores an Update of a parameter that no longer exists', async () => {
    const directory = new FakeMetadataDirectory([], []);
    const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-update.json'), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: 'parameter /demo/orders/api-key no longer exists: it was deleted after this Update',
      name: '/demo/orders/api-key',
    });
    expect(change.versionId).toBeUndefined();
  });

  it('builds the parameter ARN, with the Region partition and no leading slash, when resources is empty', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.resources = [];
    event.region = 'us-gov-west-1';
    const directory = new FakeMetadataDirectory([], [{ name: '/demo/orders/api-key', version: 3 }]);
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      arn: 'arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/demo/orders/api-key',
      versionId: '3',
    });
    expect(directory.calls).toEqual([{ operation: 'describeParameter', id: '/demo/orders/api-key', region: 'us-gov-west-1' }]);
  });

  it('ignores an unknown Parameter Store Change operation', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.detail = { operation: 'Rename', name: '/demo/orders/api-key' };
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: 'operation Rename on parameter /demo/orders/api-key is not known to change its latest version',
      origin: { eventName: 'Rename' },
    });
    expect(directory.calls).toEqual([]);
  });

  it('ignores an ExpirationNotification policy action without a warning, building the ARN when resources is empty', async () => {
    const event = sampleEvent('ssm-parameter-store-policy-action-expiration.json');
    event.resources = [];
    event.detail = { 'policy-type': 'ExpirationNotification', 'parameter-name': '/demo/orders/temp-token' };
    const change = await detectEventChange(event, new FakeMetadataDirectory());
    expect(change).toMatchObject({
      effect: 'none',
      reason: 'policy ExpirationNotification on parameter /demo/orders/temp-token is a notification: the value did not change',
      name: '/demo/orders/temp-token',
      arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/temp-token',
      warnings: [],
    });
  });

  it('refuses a Parameter Store Policy Action without its parameter name, naming the event', async () => {
    const event = sampleEvent('ssm-parameter-store-policy-action-expiration.json');
    event.detail = { 'policy-type': 'Expiration' };
    await expect(detectEventChange(event, new FakeMetadataDirectory())).rejects.toThrow(
      /^Parameter Store Policy Action event is malformed: detail\.parameter-name: /,
    );
  });
});
