import { describe, expect, it } from 'vitest';
import { forwarderRegions, splitArguments } from '../../../deploy/deploy-everywhere.js';

describe('forwarderRegions', () => {
  it('gives every listed Region but the home Region a forwarder, each once', () => {
    expect(forwarderRegions('us-east-1, eu-west-1,eu-west-1,,ap-south-1', 'us-east-1')).toEqual(['eu-west-1', 'ap-south-1']);
  });

  it('gives none when only the home Region is scanned (the default: empty)', () => {
    expect(forwarderRegions('', 'eu-central-1')).toEqual([]);
    expect(forwarderRegions('eu-central-1', 'eu-central-1')).toEqual([]);
  });
});

describe('splitArguments', () => {
  it('takes --stage, --region and --package apart and leaves the rest for osls as it is', () => {
    expect(splitArguments(['--stage', 'prod', '--param', 'maxTargets=20', '--region', 'eu-west-1', '--package', 'out', '--verbose'])).toEqual({
      stage: 'prod',
      region: 'eu-west-1',
      packageDirectory: 'out',
      rest: ['--param', 'maxTargets=20', '--verbose'],
    });
  });

  it('refuses an option without its value', () => {
    expect(() => splitArguments(['--stage'])).toThrow('--stage needs a value');
  });
});
