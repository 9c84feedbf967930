import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/config.js';
import { SETTINGS } from '../../../lib/config/settings.js';
import { ConfigurationError, InvalidInputError } from '../../../lib/errors.js';

const BASE = { AWS_REGION: 'us-east-1' } as const;

/** The error loadConfig throws for `env`; fails the test when it does not throw. */
function configError(env: Record<string, string | undefined>): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig: defaults', () => {
  it('uses the home Region as the only Region and safe defaults for everything else', () => {
    const config = loadConfig({ AWS_REGION: 'eu-west-1' });
    expect(config).not.toHaveProperty('idempotencyTable');
    expect(config).not.toHaveProperty('accountId');
    expect(config).toMatchObject({
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1'],
      dryRun: false,
      concurrency: 5,
      redeployOnPreviousChange: false,
      batchPolicy: 'report',
    });
  });

  it('ignores variables that are not ours (AWS_*, POWERTOOLS_*, anything without the SECRET_REFRESH_ prefix)', () => {
    const env = { ...BASE, PATH: '/usr/bin', AWS_PROFILE: 'x', AWS_DEFAULT_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'DEBUG', BROWSER_TESTS_SKIP_REASON: 'x' };
    expect(loadConfig(env).regions).toEqual(['us-east-1']);
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({
      ...BASE,
      SECRET_REFRESH_REGIONS: '',
      SECRET_REFRESH_DRY_RUN: '',
      SECRET_REFRESH_IDEMPOTENCY_TABLE: '',
      SECRET_REFRESH_CONCURRENCY: '',
      SECRET_REFRESH_REDEPLOY_AWSPREVIOUS: '',
      SECRET_REFRESH_BATCH_POLICY: '',
      SECRET_REFRESH_ACCOUNT_ID: '',
    });
    expect(config).not.toHaveProperty('idempotencyTable');
    expect(config).not.toHaveProperty('accountId');
    expect(config).toMatchObject({
      homeRegion: 'us-east-1',
      regions: ['us-east-1'],
      dryRun: false,
      concurrency: 5,
      redeployOnPreviousChange: false,
      batchPolicy: 'report',
    });
  });

  it('reads every variable when all are set', () => {
    expect(
      loadConfig({
        AWS_REGION: 'us-west-2',
        SECRET_REFRESH_REGIONS: 'us-west-2,eu-central-1',
        SECRET_REFRESH_DRY_RUN: 'true',
        SECRET_REFRESH_IDEMPOTENCY_TABLE: ' secret-refresh-changes ',
        SECRET_REFRESH_CONCURRENCY: '12',
        SECRET_REFRESH_REDEPLOY_AWSPREVIOUS: '1',
        SECRET_REFRESH_BATCH_POLICY: 'resubmit-and-terminate',
        SECRET_REFRESH_ACCOUNT_ID: '111122223333',
      }),
    ).toMatchObject({
      homeRegion: 'us-west-2',
      regions: ['us-west-2', 'eu-central-1'],
      dryRun: true,
      idempotencyTable: 'secret-refresh-changes',
      concurrency: 12,
      redeployOnPreviousChange: true,
      batchPolicy: 'resubmit-and-terminate',
      accountId: '111122223333',
    });
  });
});

describe('loadConfig: AWS_REGION', () => {
  it('refuses a missing AWS_REGION with a message that says how to set it', () => {
    const error = configError({});
    expect(error.message).toContain('AWS_REGION is not set');
    expect(error.message).toContain('AWS_REGION=us-east-1');
  });

  it.each(['US-EAST-1', 'useast1', 'us-east', 'us-east-1 '])('refuses AWS_REGION=%j', (region) => {
    expect(configError({ AWS_REGION: region }).message).toContain('AWS_REGION must be a Region name');
  });

  it.each(['us-gov-west-1', 'cn-north-1', 'ap-southeast-2', 'eu-central-2'])('accepts AWS_REGION=%s', (region) => {
    expect(loadConfig({ AWS_REGION: region }).homeRegion).toBe(region);
  });

  it('is an InvalidInputError (the CLI maps it to exit code 2)', () => {
    const error = configError({});
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toMatch(/^Invalid configuration: /);
  });
});

describe('loadConfig: SECRET_REFRESH_REGIONS', () => {
  it('splits a comma-separated list and trims spaces around each Region', () => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REGIONS: ' eu-west-1 , us-east-1,ap-northeast-1 ' }).regions).toEqual([
      'eu-west-1',
      'us-east-1',
      'ap-northeast-1',
    ]);
  });

  it('removes duplicates and keeps the first occurrence order', () => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REGIONS: 'eu-west-1,us-east-1,eu-west-1, us-east-1' }).regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('does not add the home Region when the list leaves it out', () => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REGIONS: 'eu-west-1' })).toMatchObject({ homeRegion: 'us-east-1', regions: ['eu-west-1'] });
  });

  it('treats a whitespace-only value as unset', () => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REGIONS: '   ' }).regions).toEqual(['us-east-1']);
  });

  it('refuses an invalid Region and names the variable and the offending values', () => {
    const error = configError({ ...BASE, SECRET_REFRESH_REGIONS: 'us-east-1,,nope' });
    expect(error.message).toContain('SECRET_REFRESH_REGIONS has invalid Region(s) "", "nope"');
  });
});

describe('loadConfig: boolean flags', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    [' True ', true],
    ['1', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
  ])('reads SECRET_REFRESH_DRY_RUN=%j as %s', (value, expected) => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_DRY_RUN: value }).dryRun).toBe(expected);
  });

  it.each(['yes', 'on', '2', 'tru'])('refuses SECRET_REFRESH_DRY_RUN=%j instead of guessing', (value) => {
    expect(configError({ ...BASE, SECRET_REFRESH_DRY_RUN: value }).message).toContain(`SECRET_REFRESH_DRY_RUN must be true or false, got "${value}"`);
  });

  it('reads SECRET_REFRESH_REDEPLOY_AWSPREVIOUS and names it when invalid', () => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REDEPLOY_AWSPREVIOUS: 'true' }).redeployOnPreviousChange).toBe(true);
    expect(configError({ ...BASE, SECRET_REFRESH_REDEPLOY_AWSPREVIOUS: 'maybe' }).message).toContain(
      'SECRET_REFRESH_REDEPLOY_AWSPREVIOUS must be true or false, got "maybe"',
    );
  });
});

describe('loadConfig: SECRET_REFRESH_CONCURRENCY', () => {
  it.each([
    ['1', 1],
    ['50', 50],
    ['7', 7],
  ])('accepts %s', (value, expected) => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_CONCURRENCY: value }).concurrency).toBe(expected);
  });

  it.each(['0', '51', '-1', '2.5', 'five', '1e9'])('refuses %j and names the bounds', (value) => {
    expect(configError({ ...BASE, SECRET_REFRESH_CONCURRENCY: value }).message).toContain(
      `SECRET_REFRESH_CONCURRENCY must be an integer from 1 to 50, got "${value}"`,
    );
  });
});

describe('loadConfig: SECRET_REFRESH_BATCH_POLICY', () => {
  it.each(['report', 'resubmit', 'resubmit-and-terminate'] as const)('accepts %s', (policy) => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_BATCH_POLICY: policy }).batchPolicy).toBe(policy);
  });

  it('refuses an unknown policy and lists the accepted ones', () => {
    expect(configError({ ...BASE, SECRET_REFRESH_BATCH_POLICY: 'terminate' }).message).toContain(
      'SECRET_REFRESH_BATCH_POLICY must be one of report, resubmit, resubmit-and-terminate, got "terminate"',
    );
  });
});

describe('loadConfig: SECRET_REFRESH_IMAGE_DRIFT', () => {
  it('defaults to warn', () => {
    expect(loadConfig(BASE).imageDrift).toBe('warn');
    expect(loadConfig({ ...BASE, SECRET_REFRESH_IMAGE_DRIFT: '' }).imageDrift).toBe('warn');
  });

  it.each(['warn', 'block', 'allow'] as const)('accepts %s', (policy) => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_IMAGE_DRIFT: policy }).imageDrift).toBe(policy);
  });

  it('refuses another value and lists the accepted ones', () => {
    expect(configError({ ...BASE, SECRET_REFRESH_IMAGE_DRIFT: 'ignore' }).message).toContain(
      'SECRET_REFRESH_IMAGE_DRIFT must be one of warn, block, allow, got "ignore"',
    );
  });
});

describe('loadConfig: SECRET_REFRESH_REPORT_BUCKET', () => {
  it('is unset by default and when empty: the audit stores no secrets map', () => {
    expect(loadConfig(BASE)).not.toHaveProperty('reportBucket');
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REPORT_BUCKET: ' ' })).not.toHaveProperty('reportBucket');
  });

  it.each(['reports', 'team.reports-2026', 'a1b'])('accepts the bucket name %j', (bucket) => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_REPORT_BUCKET: ` ${bucket} ` }).reportBucket).toBe(bucket);
  });

  it.each(['s3://reports', 'arn:aws:s3:::reports', 'Reports', 'reports/secrets-map', 'ab', 'a..b', '-reports', 'reports-', '*'])(
    'refuses %j: not a bucket name',
    (value) => {
      expect(configError({ ...BASE, SECRET_REFRESH_REPORT_BUCKET: value }).message).toContain(
        'SECRET_REFRESH_REPORT_BUCKET must be an S3 bucket name (lowercase letters, digits, . and -; not an ARN or s3:// URL)',
      );
    },
  );
});

describe('loadConfig: SECRET_REFRESH_ACCOUNT_ID', () => {
  it('accepts a 12-digit account id', () => {
    expect(loadConfig({ ...BASE, SECRET_REFRESH_ACCOUNT_ID: '123456789012' }).accountId).toBe('123456789012');
  });

  it.each(['12345678901', '1234567890123', '12345678901a', 'arn:aws:iam::123456789012:root'])('refuses %j', (value) => {
    expect(configError({ ...BASE, SECRET_REFRESH_ACCOUNT_ID: value }).message).toContain('SECRET_REFRESH_ACCOUNT_ID must be a 12-digit account id');
  });
});

describe('loadConfig: several problems', () => {
  it('lists every invalid variable in one error', () => {
    const error = configError({ SECRET_REFRESH_CONCURRENCY: '0', SECRET_REFRESH_DRY_RUN: 'yes' });
    expect(error.message).toContain('AWS_REGION is not set');
    expect(error.message).toContain('SECRET_REFRESH_CONCURRENCY');
    expect(error.message).toContain('SECRET_REFRESH_DRY_RUN');
    expect(error.cause).toBeDefined();
  });
});

describe('loadConfig: names that are not settings', () => {
  it('refuses a misspelled SECRET_REFRESH_ name, naming the setting it meant', () => {
    // The typo of issue 13: SECRET_REFRESH_DRYRUN=true was ignored and the run redeployed for real.
    expect(configError({ ...BASE, SECRET_REFRESH_DRYRUN: 'true' }).message).toBe(
      'Invalid configuration: SECRET_REFRESH_DRYRUN is not a secret-refresh setting: did you mean SECRET_REFRESH_DRY_RUN?',
    );
  });

  it.each([
    ['SECRET_REFRESH_REGION', 'SECRET_REFRESH_REGIONS'],
    ['SECRET_REFRESH_MAXTARGETS', 'SECRET_REFRESH_MAX_TARGETS'],
    ['SECRET_REFRESH_CLUSTER_EXCLUDE', 'SECRET_REFRESH_CLUSTERS_EXCLUDE'],
    ['SECRET_REFRESH_WAIT_FOR_STEADYSTATE', 'SECRET_REFRESH_WAIT_FOR_STEADY'],
    ['secret_refresh_dry_run', 'SECRET_REFRESH_DRY_RUN'],
  ])('refuses %s and suggests %s', (typed, meant) => {
    expect(configError({ ...BASE, [typed]: 'x' }).message).toBe(`Invalid configuration: ${typed} is not a secret-refresh setting: did you mean ${meant}?`);
  });

  it('refuses a name too far from every setting without guessing, pointing at the list', () => {
    expect(configError({ ...BASE, SECRET_REFRESH_SOMETHING: 'x' }).message).toBe(
      'Invalid configuration: SECRET_REFRESH_SOMETHING is not a secret-refresh setting (the settings are listed by secret-refresh --help and in the README, "Configuration")',
    );
  });

  it('refuses an unknown name even when it is empty, and lists it with the invalid values', () => {
    const error = configError({ SECRET_REFRESH_DRYRUN: '', SECRET_REFRESH_CONCURRENCY: 'lots' });
    expect(error.message).toBe(
      'Invalid configuration: SECRET_REFRESH_DRYRUN is not a secret-refresh setting: did you mean SECRET_REFRESH_DRY_RUN?; ' +
        'AWS_REGION is not set: set it to the home Region, e.g. AWS_REGION=us-east-1; SECRET_REFRESH_CONCURRENCY must be an integer from 1 to 50, got "lots"',
    );
  });

  it('accepts every name of the settings table', () => {
    expect(() => loadConfig({ ...BASE, ...Object.fromEntries(SETTINGS.filter((row) => row.env !== 'AWS_REGION').map((row) => [row.env, ''])) })).not.toThrow();
  });
});
