/**
 * The StackSet template built from a packaged template (a small stand-in with the shapes `osls package` writes; the
 * real one is deployed in test/integration/deploy-stacks.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { changeRules, forwarderRuleId, type Template } from '../../../deploy/forwarder.js';
import { IS_FORWARDER_REGION, IS_HOME_REGION, parameterName, stackSetTemplate } from '../../../deploy/stackset-template.js';
import { SETTINGS } from '../../../lib/config/settings.js';

const STAGE_PARAMETERS = SETTINGS.filter((row) => row.deployment.from === 'param');

function packaged(): Template {
  const environment = Object.fromEntries(STAGE_PARAMETERS.map((row) => [row.env, row.deployment.from === 'param' ? row.deployment.fallback : '']));
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { ReportBucket: { Type: 'String', Default: '' } },
    Conditions: { ReportBucketSet: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ReportBucket' }, ''] }] } },
    Resources: {
      ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' },
      ServerlessDeploymentBucketPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'ServerlessDeploymentBucket' } } },
      IamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: {} },
      OnChangesLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/secret-refresh/dev/1-2026/onChanges.zip' },
          Environment: { Variables: { ...environment, SECRET_REFRESH_INTAKE_QUEUE_URL: { Ref: 'IntakeQueue' }, POWERTOOLS_SERVICE_NAME: 'secret-refresh' } },
        },
      },
      OnChangesEventSourceMapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { MaximumBatchingWindowInSeconds: 20 } },
      ReportBucketWritePolicy: { Type: 'AWS::IAM::Policy', Condition: 'ReportBucketSet', Properties: {} },
      IntakeQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    },
    Outputs: {
      ServerlessDeploymentBucketName: { Value: { Ref: 'ServerlessDeploymentBucket' } },
      OnChangesLambdaFunctionQualifiedArn: { Value: 'x', Export: { Name: 'sls-x' } },
      IntakeQueueUrl: { Value: { Ref: 'IntakeQueue' } },
    },
  };
}

const zips = [{ file: 'onChanges.zip', bytes: Buffer.from('zip bytes') }];
const build = { version: '0.2.0', homeRegion: 'eu-west-1' };

describe('the StackSet template', () => {
  const { template, artifacts } = stackSetTemplate(packaged(), zips, build);
  const fn = template.Resources.OnChangesLambdaFunction?.Properties as { Code: unknown; Environment: { Variables: Record<string, unknown> } };

  it('reads the code from ArtifactBucket under a key naming the version and the build, and lists that key', () => {
    const [key] = [...artifacts.keys()];
    expect(key).toMatch(/^secret-refresh\/0\.2\.0\/[0-9a-f]{16}\/onChanges\.zip$/);
    expect(fn.Code).toEqual({ S3Bucket: { Ref: 'ArtifactBucket' }, S3Key: key });
    expect(artifacts.get(key ?? '')?.bytes.toString()).toBe('zip bytes');
    // Another build, another key: CloudFormation updates the code.
    const other = stackSetTemplate(packaged(), [{ file: 'onChanges.zip', bytes: Buffer.from('new bytes') }], build);
    expect([...other.artifacts.keys()][0]).not.toBe(key);
  });

  it('makes every stage parameter a template parameter with its packaged value as default', () => {
    for (const row of STAGE_PARAMETERS) {
      const name = parameterName(row.field);
      expect(fn.Environment.Variables[row.env], row.env).toEqual({ Ref: name });
      expect(template.Parameters?.[name]?.Default, name).toBe(row.deployment.from === 'param' ? row.deployment.fallback : undefined);
    }
    expect(fn.Environment.Variables.SECRET_REFRESH_INTAKE_QUEUE_URL).toEqual({ Ref: 'IntakeQueue' });
    expect(template.Resources.OnChangesEventSourceMapping?.Properties?.MaximumBatchingWindowInSeconds).toEqual({ Ref: 'SettleSeconds' });
    expect(template.Parameters?.HomeRegion?.Default).toBe('eu-west-1');
    expect(template.Parameters?.ArtifactBucket?.Default).toBeUndefined();
  });

  it('drops the deployment bucket of osls, and the outputs that name it or export version ARNs', () => {
    expect(Object.keys(template.Resources)).not.toContain('ServerlessDeploymentBucket');
    expect(Object.keys(template.Resources)).not.toContain('ServerlessDeploymentBucketPolicy');
    expect(Object.keys(template.Outputs ?? {})).toEqual(['IntakeQueueUrl']);
    expect(JSON.stringify(template)).not.toContain('ServerlessDeploymentBucket');
  });

  it('creates the service only in HomeRegion and only the forwarder elsewhere: no resource without a Region condition', () => {
    expect(template.Conditions?.[IS_HOME_REGION]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'HomeRegion' }] });
    expect(template.Conditions?.[IS_FORWARDER_REGION]).toEqual({ 'Fn::Not': [{ Condition: IS_HOME_REGION }] });
    for (const [id, resource] of Object.entries(template.Resources)) {
      const condition = resource.Condition ?? '';
      if (condition === IS_HOME_REGION || condition === IS_FORWARDER_REGION) continue;
      expect(template.Conditions?.[condition], id).toEqual({ 'Fn::And': [{ Condition: IS_HOME_REGION }, expect.anything()] });
    }
    expect(template.Resources.ReportBucketWritePolicy?.Condition).toBe('IsHomeRegionAndReportBucketSet');
    const forwarders = Object.entries(template.Resources).filter(([, resource]) => resource.Condition === IS_FORWARDER_REGION);
    expect(forwarders.map(([id]) => id).sort()).toEqual(['ForwarderRole', ...Object.keys(changeRules()).map(forwarderRuleId)].sort());
    for (const [rule, { EventPattern }] of Object.entries(changeRules())) {
      expect(template.Resources[forwarderRuleId(rule)]?.Properties?.EventPattern).toEqual(EventPattern);
    }
  });

  it("gives the forwarder's role to EventBridge only, and only PutEvents on the home Region's default bus", () => {
    expect(template.Resources.ForwarderRole?.Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEqualsIfExists: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
      Policies: [
        {
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'events:PutEvents',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
                Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${HomeRegion}:${AWS::AccountId}:event-bus/default' },
              },
            ],
          },
        },
      ],
    });
  });

  it('grants PutEvents on a central results bus only when EventBus is an ARN, and on that ARN only', () => {
    expect(template.Resources.CentralEventBusPolicy).toMatchObject({
      Condition: 'IsHomeRegionAndEventBusIsArn',
      Properties: {
        Roles: [{ Ref: 'IamRoleLambdaExecution' }],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'EventBus' } }] },
      },
    });
    expect(template.Conditions?.EventBusIsArn).toEqual({ 'Fn::Equals': [{ 'Fn::Select': [0, { 'Fn::Split': [':', { Ref: 'EventBus' }] }] }, 'arn'] });
  });

  it('refuses a function whose code is not one of the packaged zips', () => {
    expect(() => stackSetTemplate(packaged(), [{ file: 'other.zip', bytes: Buffer.from('') }], build)).toThrow(
      /OnChangesLambdaFunction: its code .* is not one of the packaged zips/,
    );
  });
});
