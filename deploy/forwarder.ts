/**
 * The forwarder of one other Region: the home stack's change rules (same patterns, from deploy/change-rules.json, the
 * one source serverless.yml reads too) with the home Region's default bus as their target, and the role EventBridge
 * needs for a cross-Region bus target. Deployed as its own small stack by `npm run deploy` in every Region of
 * SECRET_REFRESH_REGIONS but the home Region, and part of the StackSet template (deploy/stackset-template.ts).
 *
 * The home stack needs no extra rule for forwarded events: its change rules match on `source`, `detail-type` and
 * `detail` only, never `region`, so an event forwarded to its bus matches the same rule its own Region's event would.
 * A second rule for forwarded events would deliver each of them twice.
 */
import { readFileSync } from 'node:fs';

/** One change rule of the home stack, as deploy/change-rules.json holds it. */
export interface ChangeRule {
  readonly Description: string;
  readonly EventPattern: Record<string, unknown>;
}

/** A CloudFormation template, as far as these tools read or write one. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, Record<string, unknown>>;
}

/** One resource of a {@link Template}. */
export interface TemplateResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  Properties?: Record<string, unknown>;
}

/** The change rules by logical id (ParameterChangeRule, SecretLabelRule, …): the home stack's names. */
export function changeRules(): Record<string, ChangeRule> {
  return JSON.parse(readFileSync(new URL('./change-rules.json', import.meta.url), 'utf8')) as Record<string, ChangeRule>;
}

/** The forwarder's logical id for the home rule `rule` (ParameterChangeRule → ForwardParameterChangeRule). */
export const forwarderRuleId = (rule: string): string => `Forward${rule}`;

/** The forwarder role's logical id. */
export const FORWARDER_ROLE = 'ForwarderRole';

/** The home Region's default bus, in this account: where every forwarder rule delivers. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax, not a JavaScript template
const HOME_BUS = { 'Fn::Sub': 'arn:${AWS::Partition}:events:${HomeRegion}:${AWS::AccountId}:event-bus/default' };

/** Pattern of a Region code (us-east-1, eu-central-2, us-gov-west-1, cn-north-1). */
export const REGION_PATTERN = '^[a-z]{2}(-[a-z]+)+-\\d$';

/** The `HomeRegion` parameter: where the main stack runs and its default bus receives the forwarded changes. */
export const HOME_REGION_PARAMETER = {
  Type: 'String',
  AllowedPattern: REGION_PATTERN,
  Description: 'The Region where secret-refresh runs (its intake rules are on that Region default bus)',
};

/**
 * The forwarder's resources: one role (assumed by EventBridge for this account's rules only, allowed to put events on
 * the home Region's default bus and nowhere else) and one rule per home change rule. `condition`, when given, is set on
 * each (the StackSet template's "not the home Region").
 */
export function forwarderResources(condition?: string): Record<string, TemplateResource> {
  const withCondition = (resource: TemplateResource): TemplateResource => (condition ? { ...resource, Condition: condition } : resource);
  const resources: Record<string, TemplateResource> = {
    [FORWARDER_ROLE]: withCondition({
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: 'EventBridge delivers secret and parameter changes of this Region to the secret-refresh home Region',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sts:AssumeRole',
              // Only this account's rules may use the role (confused deputy). EventBridge's confused-deputy page names
              // aws:SourceAccount / aws:SourceArn for *resource policies* of targets and is silent on whether they are
              // set when it assumes a target's role: IfExists keeps the check where they are and never stops the
              // forwarding (a lost change) where they are not.
              Condition: { StringEqualsIfExists: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'put-events-home-region-bus',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: HOME_BUS }],
            },
          },
        ],
      },
    }),
  };
  for (const [rule, { Description, EventPattern }] of Object.entries(changeRules())) {
    resources[forwarderRuleId(rule)] = withCondition({
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `Forwarded to the secret-refresh home Region: ${Description.replace(/ to the secret-refresh intake queue$/, '')}`,
        EventPattern,
        Targets: [{ Id: 'home-region-bus', Arn: HOME_BUS, RoleArn: { 'Fn::GetAtt': [FORWARDER_ROLE, 'Arn'] } }],
      },
    });
  }
  return resources;
}

/** The forwarder stack's template: deployed in each Region of SECRET_REFRESH_REGIONS but the home Region. */
export function forwarderTemplate(version: string): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `secret-refresh ${version} forwarder: this Region's secret and parameter changes to the home Region's default bus`,
    Parameters: { HomeRegion: HOME_REGION_PARAMETER },
    Resources: forwarderResources(),
  };
}

/** The forwarder stack's name for a stage (one per Region). */
export const forwarderStackName = (stage: string): string => `secret-refresh-${stage}-forwarder`;
