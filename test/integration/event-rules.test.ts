import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetMoto } from '../support/moto.js';

const run = promisify(execFile);

/**
 * Where each sample event in events/ must go through the deployed rules (none: no rule matches): every secret and
 * parameter change to the intake queue (onChanges consumes it in batches), ECS deployment events to their function.
 */
const EXPECTED: Record<string, string | undefined> = {
  'ecs-deployment-state-change-failed.json': 'OnDeploymentStateChange',
  'secretsmanager-deletesecret.json': 'IntakeQueue',
  'secretsmanager-putsecretvalue-access-denied.json': 'IntakeQueue',
  'secretsmanager-putsecretvalue-awscurrent.json': 'IntakeQueue',
  'secretsmanager-putsecretvalue-awspending.json': 'IntakeQueue',
  'secretsmanager-rotatesecret.json': undefined,
  'secretsmanager-rotationabandoned.json': 'IntakeQueue',
  'secretsmanager-rotationfailed.json': 'IntakeQueue',
  'secretsmanager-rotationsucceeded-rds-managed.json': 'IntakeQueue',
  'secretsmanager-rotationsucceeded.json': 'IntakeQueue',
  'secretsmanager-secret-label-updated-awscurrent.json': 'IntakeQueue',
  'secretsmanager-secret-label-updated-rds-managed.json': 'IntakeQueue',
  'secretsmanager-updatesecret-description-only.json': 'IntakeQueue',
  'secretsmanager-updatesecret-new-value.json': 'IntakeQueue',
  'secretsmanager-updatesecretversionstage-awscurrent.json': 'IntakeQueue',
  'ssm-parameter-store-change-create-validation-failed.json': 'IntakeQueue',
  'ssm-parameter-store-change-create.json': 'IntakeQueue',
  'ssm-parameter-store-change-delete.json': 'IntakeQueue',
  'ssm-parameter-store-change-label.json': 'IntakeQueue',
  'ssm-parameter-store-change-update.json': 'IntakeQueue',
  'ssm-parameter-store-policy-action-expiration.json': 'IntakeQueue',
};

interface SampleEvent {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: unknown;
}

/**
 * The EventBridge rules exactly as `osls package` writes them into the CloudFormation template, installed in
 * moto with an SQS queue as target per rule target (the intake queue is one already; moto cannot deliver to
 * Lambda), then fed every sample event: proves each trigger reaches the right place and nothing else does.
 */
describe('the deployed EventBridge rules (packaged template, moto EventBridge → SQS)', () => {
  const events = new EventBridgeClient({ region: 'us-east-1', maxAttempts: 1 });
  const sqs = new SQSClient({ region: 'us-east-1', maxAttempts: 1 });
  const queues = new Map<string, string>(); // function logical id prefix → queue URL

  beforeAll(async () => {
    const out = await mkdtemp(join(tmpdir(), 'secret-refresh-package-'));
    await run(join('node_modules', '.bin', 'osls'), ['package', '--stage', 'dev', '--package', out], {
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    });
    const template = JSON.parse(await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { EventPattern?: unknown; Targets?: { Arn: { 'Fn::GetAtt': [string, string] } }[] } }>;
    };
    await resetMoto();
    let n = 0;
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::Events::Rule' || !resource.Properties.EventPattern) continue;
      const functionName = (resource.Properties.Targets?.[0]?.Arn['Fn::GetAtt'][0] ?? '').replace(/LambdaFunction$/, '');
      let url = queues.get(functionName);
      if (!url) {
        url = (await sqs.send(new CreateQueueCommand({ QueueName: `rule-target-${functionName}` }))).QueueUrl ?? '';
        queues.set(functionName, url);
      }
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      const name = `rule-${n++}`;
      await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(resource.Properties.EventPattern) }));
      await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'sqs', Arn: arn }] }));
    }
  }, 120_000);

  async function deliveredTo(event: SampleEvent): Promise<string[]> {
    await events.send(
      new PutEventsCommand({
        Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), Resources: event.resources }],
      }),
    );
    const reached: string[] = [];
    for (const [functionName, url] of queues) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 600 }));
      if ((received.Messages ?? []).length > 0) reached.push(functionName);
    }
    return reached;
  }

  it('covers every sample event in events/', async () => {
    expect((await readdir('events')).filter((file) => file.endsWith('.json')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s reaches %s', async (file, expected) => {
    const event = JSON.parse(await readFile(join('events', file), 'utf8')) as SampleEvent;
    expect(await deliveredTo(event)).toEqual(expected ? [expected] : []);
  });

  it('a read-only Secrets Manager call (GetSecretValue) reaches no function', async () => {
    const sample = JSON.parse(await readFile('events/secretsmanager-putsecretvalue-awscurrent.json', 'utf8')) as SampleEvent & {
      detail: Record<string, unknown>;
    };
    expect(await deliveredTo({ ...sample, detail: { ...sample.detail, eventName: 'GetSecretValue' } })).toEqual([]);
  });
});
