/**
 * Least privilege, proven on what would be deployed: the service is packaged offline (`osls package`) and the
 * CloudFormation template is inspected. The role may hold exactly the documented actions (README, "IAM (least
 * privilege)"), nothing that reads a secret value, no wildcard action, and every write scoped to resource ARNs.
 * Changes reach one function through the intake queue (EventBridge rules → SQS → onChanges in batches); the
 * asynchronously invoked functions retry twice and then hand the event to the SQS on-failure destination.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}
interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties: Record<string, unknown>;
}
interface Template {
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: string; readonly AllowedPattern?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Record<string, Resource>;
}

/** Every action the role may hold: README "IAM (least privilege)" / serverless.yml, plus the framework's log permissions. */
const DOCUMENTED_ACTIONS = [
  // Added by the framework for the functions' own log groups.
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:TagResource',
  // Discovery.
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeTaskDefinition',
  'ecs:DescribeServices',
  'ecs:ListTagsForResource',
  // Image drift guard (read-only).
  'ecs:DescribeServiceDeployments',
  'ecs:DescribeServiceRevisions',
  'ecr:DescribeImages',
  'batch:DescribeJobDefinitions',
  'batch:DescribeJobQueues',
  'batch:ListJobs',
  'batch:DescribeJobs',
  // Actions.
  'ecs:UpdateService',
  'batch:SubmitJob',
  'batch:TagResource',
  'batch:TerminateJob',
  // Change resolution: metadata only.
  'secretsmanager:DescribeSecret',
  'ssm:DescribeParameters',
  'ssm:ListTagsForResource',
  // Results, the state table (lease, change records, limits), outcome tracking.
  'events:PutEvents',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  // On-failure destination; deferred changes sent back to the intake queue.
  'sqs:SendMessage',
  // Added by the framework for onChanges' SQS event source, on the intake queue only.
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  // The daily audit's copy of the secrets map (only when SECRET_REFRESH_REPORT_BUCKET is set).
  's3:PutObject',
].sort();

/** Reading a secret value, directly or through SSM's pass-through, or decrypting one: never granted. */
const VALUE_READING_ACTIONS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:GetParameterHistory',
  'kms:Decrypt',
];

/** Actions that change something: each must name resource ARNs, never '*'. */
const WRITE_ACTIONS =
  /^(ecs:UpdateService|batch:SubmitJob|batch:TagResource|batch:TerminateJob|dynamodb:\w+Item|sqs:\w+Message|events:PutEvents|s3:PutObject)$/;

/** The one S3 grant: PutObject under secrets-map/ of the report bucket (the stack parameter fed by the stage's reportBucket). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JavaScript template
const REPORT_BUCKET_OBJECTS = { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${ReportBucket}/secrets-map/*' };

/**
 * Functions invoked asynchronously by an EventBridge rule (the schedule's audit: see its known gap below); `refresh`
 * is invoked synchronously by a person, `onChanges` by its SQS event source mapping.
 */
const ASYNC_FUNCTIONS_WITH_DESTINATION = ['OnDeploymentStateChange'];

/** The rules that deliver secret and parameter changes to the intake queue. */
const CHANGE_RULES = ['ParameterChangeRule', 'SecretLabelRule', 'SecretApiCallRule', 'SecretRotationRule'];

let directory: string;
let template: Template;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'secret-refresh-package-'));
  execFileSync('npx', ['osls', 'package', '--stage', 'dev', '--package', directory], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    stdio: 'pipe',
    timeout: 120_000,
  });
  template = JSON.parse(readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 120_000);

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Every statement of every role in the template, and of every policy attached to one. */
function statements(): Statement[] {
  const inline = resourcesOfType('AWS::IAM::Role').flatMap(([, role]) =>
    ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement),
  );
  const attached = resourcesOfType('AWS::IAM::Policy').flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Does an IAM action pattern (possibly with * or ?) cover `action`? */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

describe('the packaged IAM role', () => {
  it('is the only role, with only Allow statements and no NotAction / NotResource', () => {
    expect(resourcesOfType('AWS::IAM::Role').map(([name]) => name)).toEqual(['IamRoleLambdaExecution']);
    // The one attached policy: the report bucket's, on that role, and only where a bucket is set (see below).
    expect(resourcesOfType('AWS::IAM::Policy').map(([name, policy]) => [name, policy.Condition, policy.Properties.Roles])).toEqual([
      ['ReportBucketWritePolicy', 'ReportBucketSet', [{ Ref: 'IamRoleLambdaExecution' }]],
    ]);
    expect(resourcesOfType('AWS::IAM::ManagedPolicy')).toEqual([]);
    for (const statement of statements()) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
    }
    const role = template.Resources.IamRoleLambdaExecution as Resource;
    expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
  });

  it('holds exactly the documented actions', () => {
    const granted = [...new Set(statements().flatMap(actionsOf))].sort();
    expect(granted).toEqual(DOCUMENTED_ACTIONS);
  });

  it('has no "*" action and no "service:*" (or any other) wildcard action', () => {
    for (const action of statements().flatMap(actionsOf)) {
      expect(action).not.toContain('*');
      expect(action).not.toContain('?');
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  it.each(VALUE_READING_ACTIONS)('does not grant %s, not even through a wildcard', (forbidden) => {
    for (const action of statements().flatMap(actionsOf)) expect(covers(action, forbidden)).toBe(false);
  });

  it('scopes every write action to resource ARNs, never "*"', () => {
    const writes = statements().filter((statement) => actionsOf(statement).some((action) => WRITE_ACTIONS.test(action)));
    expect(writes.length).toBeGreaterThan(0);
    for (const statement of writes) {
      for (const resource of resourcesOf(statement)) {
        expect(resource).not.toBe('*');
        if (actionsOf(statement).includes('s3:PutObject')) {
          // S3 ARNs name no account: the bucket's, with a condition on the account (see the report bucket test).
          expect(resource).toEqual(REPORT_BUCKET_OBJECTS);
          continue;
        }
        const text = JSON.stringify(resource);
        // An ARN built with Fn::Sub in this account, or a GetAtt of a resource of this stack.
        expect(text).toMatch(/arn:\$\{AWS::Partition\}:[a-z]+:\*?:?\$\{AWS::AccountId\}:[a-z-]+\/|Fn::GetAtt/);
      }
    }
  });

  /** The resource part of `arn:${AWS::Partition}:<service>:*:${AWS::AccountId}:<resource>` grants of `action` (other shapes: the whole JSON). */
  const grantedResources = (action: string, service: string): string[] =>
    statements()
      .filter((statement) => actionsOf(statement).includes(action))
      .flatMap(resourcesOf)
      .map((resource) => {
        const sub = (resource as { 'Fn::Sub'?: unknown })['Fn::Sub'];
        const match = typeof sub === 'string' ? /^arn:\$\{AWS::Partition\}:([a-z]+):\*:\$\{AWS::AccountId\}:(.+)$/.exec(sub) : null;
        return match?.[1] === service ? (match[2] ?? '') : JSON.stringify(resource);
      })
      .sort();

  it("scopes the image drift guard's read actions to this account's services, service deployments and revisions, and ECR repositories", () => {
    for (const action of ['ecs:DescribeServiceDeployments', 'ecs:DescribeServiceRevisions']) {
      // The service authorization reference requires both the service and the service-deployment / -revision.
      expect(grantedResources(action, 'ecs')).toEqual(['service-deployment/*', 'service-revision/*', 'service/*', 'service/*/*']);
    }
    expect(grantedResources('ecr:DescribeImages', 'ecr')).toEqual(['repository/*']);
  });

  it("grants s3:PutObject only on secrets-map/ of this account's report bucket, and only when SECRET_REFRESH_REPORT_BUCKET is set", () => {
    const s3 = statements().filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: REPORT_BUCKET_OBJECTS,
        // A bucket name that was deleted and taken by another account never receives the map.
        Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    // The policy exists only under ReportBucketSet: the parameter is not empty. Packaged with the defaults of
    // params.yml (no bucket), the parameter is empty: nothing is granted.
    expect(template.Conditions?.ReportBucketSet).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReportBucket' }, ''] }] });
    expect(template.Parameters?.ReportBucket).toMatchObject({ Type: 'String', Default: '' });
    const pattern = new RegExp(template.Parameters?.ReportBucket?.AllowedPattern ?? '');
    expect(['', 'reports', 'my.reports-2026'].every((bucket) => pattern.test(bucket))).toBe(true);
    expect(['*', 'Reports', 'arn:aws:s3:::reports', 'reports/secrets-map', 's3://reports'].some((bucket) => pattern.test(bucket))).toBe(false);
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.SECRET_REFRESH_REPORT_BUCKET).toBe('');
    }
  });

  it('takes the report bucket of the stack parameter from the stage parameter, as the functions get it', () => {
    const output = execFileSync('npx', ['osls', 'print', '--format', 'json', '--stage', 'dev', '--param', 'reportBucket=team-reports'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: 'pipe',
      timeout: 60_000,
    }).toString('utf8');
    const service = JSON.parse(output.slice(output.indexOf('{'))) as {
      provider: { environment: Record<string, string> };
      resources: { Parameters: { ReportBucket: { Default: string } } };
    };
    expect(service.resources.Parameters.ReportBucket.Default).toBe('team-reports');
    expect(service.provider.environment.SECRET_REFRESH_REPORT_BUCKET).toBe('team-reports');
  }, 60_000);

  it.each(['ecs:DescribeServices', 'ecs:ListTagsForResource', 'ecs:UpdateService'])('grants %s on long and short service ARNs of this account', (action) => {
    // service/<cluster>/<name> (long format) and service/<name> (accounts that never opted in to it).
    expect(grantedResources(action, 'ecs')).toEqual(['service/*', 'service/*/*']);
  });

  it('grants "*" resources only to the read actions that have no resource-level scoping', () => {
    const unscoped = statements()
      .filter((statement) => resourcesOf(statement).includes('*'))
      .flatMap(actionsOf)
      .sort();
    expect(unscoped).toEqual(
      [
        'batch:DescribeJobDefinitions',
        'batch:DescribeJobQueues',
        'batch:DescribeJobs',
        'batch:ListJobs',
        'ecs:DescribeTaskDefinition',
        'ecs:ListClusters',
        'ecs:ListServices',
        'ssm:DescribeParameters',
      ].sort(),
    );
  });
});

describe('the packaged functions', () => {
  it('run nodejs22.x on arm64', () => {
    const functions = resourcesOfType('AWS::Lambda::Function');
    expect(functions.map(([name]) => name).sort()).toEqual(
      ['AuditLambdaFunction', 'OnChangesLambdaFunction', 'OnDeploymentStateChangeLambdaFunction', 'RefreshLambdaFunction'].sort(),
    );
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it.each(ASYNC_FUNCTIONS_WITH_DESTINATION)('%s retries twice, drops events older than 6 h, then sends them to the failed-events queue', (name) => {
    const config = template.Resources[`${name}LambdaEvConf`];
    expect(config?.Type).toBe('AWS::Lambda::EventInvokeConfig');
    expect(config?.Properties).toMatchObject({
      FunctionName: { Ref: `${name}LambdaFunction` },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] } } },
    });
  });

  /**
   * KNOWN GAP (reported to the lead): serverless.yml gives `audit` (scheduled, so invoked asynchronously) no
   * `maximumRetryAttempts` / `destinations`, so a failed audit is retried by Lambda's default and then dropped
   * with no on-failure record. Either add the same settings as the other asynchronous functions, or document the
   * exception (a missed daily audit is re-done the next day). `it.fails` until one of the two is decided.
   */
  it('audit (scheduled, asynchronous) also has an on-failure destination and MaximumRetryAttempts 2', () => {
    const config = template.Resources.AuditLambdaEvConf;
    expect(config?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: {} } });
  });

  it('refresh (invoked synchronously) has no asynchronous invoke configuration', () => {
    expect(template.Resources.RefreshLambdaEvConf).toBeUndefined();
  });

  it('the failed-events queue is encrypted and keeps messages 14 days', () => {
    expect(template.Resources.FailedEventsQueue?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
  });
});

describe('the intake queue', () => {
  it('is the one SQS event source, of onChanges: large batches, the settle window, partial batch failures, concurrency 2', () => {
    const mappings = resourcesOfType('AWS::Lambda::EventSourceMapping');
    expect(mappings.map(([, mapping]) => mapping.Properties)).toEqual([
      {
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 20,
        EventSourceArn: { 'Fn::GetAtt': ['IntakeQueue', 'Arn'] },
        FunctionName: { 'Fn::GetAtt': ['OnChangesLambdaFunction', 'Arn'] },
        Enabled: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      },
    ]);
  });

  it('is encrypted, hides a message 6 × the function timeout while it is handled, and sends it to the failed-events queue after 5 receives', () => {
    const timeout = (template.Resources.OnChangesLambdaFunction as Resource).Properties.Timeout as number;
    expect(template.Resources.IntakeQueue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * timeout,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('is what every change rule targets, and only those rules (aws:SourceArn) may send to it', () => {
    const rules = resourcesOfType('AWS::Events::Rule').filter(([, rule]) => JSON.stringify(rule.Properties.Targets).includes('IntakeQueue'));
    expect(rules.map(([name]) => name).sort()).toEqual([...CHANGE_RULES].sort());
    for (const [, rule] of rules) expect(rule.Properties.Targets).toEqual([{ Id: 'intake', Arn: { 'Fn::GetAtt': ['IntakeQueue', 'Arn'] } }]);
    const policy = template.Resources.IntakeQueuePolicy?.Properties as { Queues: unknown; PolicyDocument: { Statement: Record<string, unknown>[] } };
    expect(policy.Queues).toEqual([{ Ref: 'IntakeQueue' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ChangeRulesOnly',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['IntakeQueue', 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': CHANGE_RULES.map((rule) => ({ 'Fn::GetAtt': [rule, 'Arn'] })) } },
      },
    ]);
  });

  it('is the only queue the role may receive from or delete in, and a queue it may send deferred changes to', () => {
    const on = (action: string) =>
      statements()
        .filter((statement) => actionsOf(statement).includes(action))
        .flatMap(resourcesOf)
        .map((resource) => JSON.stringify(resource));
    const intake = JSON.stringify({ 'Fn::GetAtt': ['IntakeQueue', 'Arn'] });
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) expect(on(action), action).toEqual([intake]);
    expect([...new Set(on('sqs:SendMessage'))].sort()).toEqual([JSON.stringify({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] }), intake].sort());
  });

  it('gives onChanges the queue URL it delivers deferred changes to', () => {
    const environment = (template.Resources.OnChangesLambdaFunction as Resource).Properties.Environment as { Variables: Record<string, unknown> };
    expect(environment.Variables.SECRET_REFRESH_INTAKE_QUEUE_URL).toEqual({ Ref: 'IntakeQueue' });
  });
});

describe('cfn-lint', () => {
  const available = spawnSync('cfn-lint', ['--version'], { stdio: 'pipe' }).status === 0;

  it('passes on the packaged template (skipped, saying so, when cfn-lint is not on PATH)', (context) => {
    if (!available) context.skip('cfn-lint is not on PATH: pip install cfn-lint to lint the packaged template');
    const result = spawnSync('cfn-lint', [join(directory, 'cloudformation-template-update-stack.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
