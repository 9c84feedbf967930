/**
 * The StackSet template: one self-contained CloudFormation template for every account and Region of an Organization,
 * built from what `osls package` writes (so it deploys exactly the functions, rules, queues, tables and role of
 * `osls deploy`) with three changes:
 *
 * - **Code from one bucket the Organization can read**: each function's code is `s3://<ArtifactBucket>/<key>`, the key
 *   naming the version and a hash of the zips (a new build is a new key, so CloudFormation updates the code).
 * - **Settings are template parameters**: each stage parameter of params.yml (the settings table's `param` rows) is a
 *   parameter named like it in PascalCase (`maxTargets` → `MaxTargets`), its default the packaged stage's value.
 * - **One template for every Region**: the main stack's resources exist only where `AWS::Region` is `HomeRegion`; in
 *   every other Region the same template creates only the forwarder (deploy/forwarder.ts). The deployment bucket of
 *   osls is dropped (the code is in the Organization's bucket).
 *
 * With `EventBus` set to a bus ARN (a central results bus in an operations account) the role also gets
 * `events:PutEvents` on that one ARN: the packaged role allows it only on this account's buses.
 */
import { createHash } from 'node:crypto';
import { SETTINGS } from '../lib/config/settings.js';
import { forwarderResources, HOME_REGION_PARAMETER, type Template, type TemplateResource } from './forwarder.js';

/** The condition of the main stack's resources: this is the home Region. */
export const IS_HOME_REGION = 'IsHomeRegion';
/** The condition of the forwarder's resources: any other Region. */
export const IS_FORWARDER_REGION = 'IsForwarderRegion';

/** A packaged function's code: its zip's file name and bytes. */
export interface PackagedArtifact {
  readonly file: string;
  readonly bytes: Buffer;
}

/** What {@link stackSetTemplate} returns: the template and the S3 key of each artifact under the bucket. */
export interface StackSetPackage {
  readonly template: Template;
  /** S3 key → the artifact to upload there. */
  readonly artifacts: ReadonlyMap<string, PackagedArtifact>;
}

/** The template parameter of a stage parameter (a `Config` field): `maxTargets` → `MaxTargets`. */
export const parameterName = (field: string): string => field.charAt(0).toUpperCase() + field.slice(1);

/** The stage parameters (params.yml) the functions get as environment variables: env name → `Config` field. */
const STAGE_PARAMETERS = new Map(SETTINGS.filter((row) => row.deployment.from === 'param').map((row) => [row.env, row.field as string]));

/** Resources of osls that the StackSet template does not need: the code is in the Organization's bucket. */
const DROPPED = new Set(['ServerlessDeploymentBucket', 'ServerlessDeploymentBucketPolicy']);

/** What a StackSet template is built for: the version (key prefix) and the Region the stage was packaged for. */
export interface StackSetBuild {
  readonly version: string;
  /** `HomeRegion`'s default: the Region `osls package` packaged the stage for. */
  readonly homeRegion: string;
}

/**
 * Turns the template `osls package` wrote (`cloudformation-template-update-stack.json`) and its zips into the StackSet
 * template. `build.version` names the key prefix (`secret-refresh/<version>/<hash>/`).
 *
 * @throws Error when the packaged template is not what this expects (a function without S3 code, an unknown zip).
 */
export function stackSetTemplate(packaged: Template, zips: readonly PackagedArtifact[], build: StackSetBuild): StackSetPackage {
  const { version, homeRegion } = build;
  const hash = createHash('sha256');
  for (const zip of [...zips].sort((a, b) => a.file.localeCompare(b.file))) hash.update(zip.file).update(zip.bytes);
  const prefix = `secret-refresh/${version}/${hash.digest('hex').slice(0, 16)}/`;
  const byFile = new Map(zips.map((zip) => [zip.file, zip]));
  const artifacts = new Map<string, PackagedArtifact>();

  const template = structuredClone(packaged);
  const parameters: Record<string, Record<string, unknown>> = {
    HomeRegion: { ...HOME_REGION_PARAMETER, Default: homeRegion },
    ArtifactBucket: {
      Type: 'String',
      AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      Description: `S3 bucket in the home Region holding the code (keys ${prefix}*.zip), readable by the Organization`,
    },
    ...template.Parameters,
  };
  const conditions: Record<string, unknown> = {
    ...template.Conditions,
    [IS_HOME_REGION]: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'HomeRegion' }] },
    [IS_FORWARDER_REGION]: { 'Fn::Not': [{ Condition: IS_HOME_REGION }] },
  };
  const homeAnd = (condition: string | undefined): string => {
    if (!condition) return IS_HOME_REGION;
    const name = `${IS_HOME_REGION}And${condition}`;
    conditions[name] = { 'Fn::And': [{ Condition: IS_HOME_REGION }, { Condition: condition }] };
    return name;
  };

  const resources: Record<string, TemplateResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (DROPPED.has(id)) continue;
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Function') {
      const code = properties.Code as { S3Key?: unknown } | undefined;
      const file = typeof code?.S3Key === 'string' ? code.S3Key.split('/').pop() : undefined;
      const zip = file === undefined ? undefined : byFile.get(file);
      if (!zip) throw new Error(`${id}: its code (${JSON.stringify(code)}) is not one of the packaged zips`);
      artifacts.set(`${prefix}${zip.file}`, zip);
      properties.Code = { S3Bucket: { Ref: 'ArtifactBucket' }, S3Key: `${prefix}${zip.file}` };
      const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const [name, value] of Object.entries(variables)) {
        const field = STAGE_PARAMETERS.get(name);
        if (field === undefined) continue;
        const parameter = parameterName(field);
        parameters[parameter] ??= { Type: 'String', Description: `${name} (stage parameter ${field}; README, "Configuration")` };
        parameters[parameter].Default ??= value;
        variables[name] = { Ref: parameter };
      }
    }
    if (resource.Type === 'AWS::Lambda::EventSourceMapping' && typeof properties.MaximumBatchingWindowInSeconds === 'number') {
      // The settle window (SECRET_REFRESH_SETTLE_SECONDS) is also the intake queue's batching window.
      properties.MaximumBatchingWindowInSeconds = { Ref: parameterName('settleSeconds') };
    }
    resources[id] = { ...resource, Condition: homeAnd(resource.Condition) };
  }
  if (!parameters.SettleSeconds) throw new Error('the packaged functions have no SECRET_REFRESH_SETTLE_SECONDS: not the template this expects');

  // A central results bus in another account: PutEvents on exactly that ARN.
  conditions.EventBusIsArn = { 'Fn::Equals': [{ 'Fn::Select': [0, { 'Fn::Split': [':', { Ref: 'EventBus' }] }] }, 'arn'] };
  resources.CentralEventBusPolicy = {
    Type: 'AWS::IAM::Policy',
    Condition: homeAnd('EventBusIsArn'),
    Properties: {
      PolicyName: 'secret-refresh-central-event-bus',
      Roles: [{ Ref: 'IamRoleLambdaExecution' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'EventBus' } }],
      },
    },
  };
  Object.assign(resources, forwarderResources(IS_FORWARDER_REGION));

  const outputs: Record<string, Record<string, unknown>> = {};
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    // The deployment bucket is gone; the version ARNs' exports would clash between the stacks of one account.
    if (id === 'ServerlessDeploymentBucketName' || id.endsWith('QualifiedArn')) continue;
    outputs[id] = { ...output, Condition: IS_HOME_REGION };
  }
  return {
    template: {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `secret-refresh ${version} for CloudFormation StackSets: the service in HomeRegion, a forwarder in every other Region`,
      Parameters: parameters,
      Conditions: conditions,
      Resources: resources,
      Outputs: outputs,
    },
    artifacts,
  };
}
