/**
 * `npm run deploy -- --stage <stage> [--region <home>] [--param "<name>=<value>"]... [--package <dir>]` and
 * `npm run remove -- --stage <stage> [--region <home>] [--param ...]`.
 *
 * Every Region of an account in one command: `osls deploy` of the main stack in the home Region, then, in each other
 * Region of the stage's SECRET_REFRESH_REGIONS (params.yml `regions`, or `--param regions=…`), the forwarder stack
 * `secret-refresh-<stage>-forwarder` (deploy/forwarder.ts), which sends that Region's changes to the home Region's
 * default bus. `remove` deletes the forwarders first (nothing is forwarded to a stack that is gone), then runs
 * `osls remove`. The stage's settings are resolved by `osls print`, the way `osls deploy` itself resolves them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { forwarderStackName, forwarderTemplate } from './forwarder.js';

const ROOT = new URL('..', import.meta.url).pathname;
const OSLS = join(ROOT, 'node_modules', '.bin', 'osls');
const OSLS_ENVIRONMENT = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };

/** The home Region, the stage and the other Regions that get a forwarder. */
export interface DeployTarget {
  readonly stage: string;
  readonly homeRegion: string;
  readonly forwarderRegions: readonly string[];
}

/**
 * The Regions of SECRET_REFRESH_REGIONS that get a forwarder: each listed Region once, never the home Region (a
 * forwarder there would send every change to its own bus again: a loop, and each change handled twice).
 */
export function forwarderRegions(regions: string, homeRegion: string): string[] {
  const listed = regions
    .split(',')
    .map((region) => region.trim())
    .filter((region) => region !== '');
  return [...new Set(listed)].filter((region) => region !== homeRegion);
}

/** The stage as `osls deploy` would resolve it: `osls print` with the same `--stage` / `--region` / `--param`. */
export function resolveTarget(oslsArguments: readonly string[]): DeployTarget {
  const printed = spawnSync(OSLS, ['print', '--format', 'json', ...oslsArguments], { cwd: ROOT, env: OSLS_ENVIRONMENT, encoding: 'utf8' });
  if (printed.status !== 0) throw new Error(`osls print failed: ${printed.stderr.trim()}`);
  const service = JSON.parse(printed.stdout.slice(printed.stdout.indexOf('{'))) as {
    provider: { region: string; stage: string; environment: Record<string, string> };
  };
  const { region, stage, environment } = service.provider;
  return { stage, homeRegion: region, forwarderRegions: forwarderRegions(environment.SECRET_REFRESH_REGIONS ?? '', region) };
}

/** The stage exactly as an `osls package` directory holds it (what `osls deploy --package <dir>` deploys). */
export function packagedTarget(directory: string): DeployTarget {
  const state = JSON.parse(readFileSync(join(directory, 'serverless-state.json'), 'utf8')) as {
    service: { provider: { region: string; stage: string; environment: Record<string, string> } };
  };
  const { region, stage, environment } = state.service.provider;
  return { stage, homeRegion: region, forwarderRegions: forwarderRegions(environment.SECRET_REFRESH_REGIONS ?? '', region) };
}

/** How long {@link waitForStack} waits between DescribeStacks calls (ms); CloudFormation takes seconds per stack. */
const POLL_MS = Number(process.env.SECRET_REFRESH_DEPLOY_POLL_MS ?? 3000);

async function describeStack(client: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    return (await client.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

/** Waits until the stack leaves `*_IN_PROGRESS`; resolves with its final status (`undefined`: it is gone). */
async function waitForStack(client: CloudFormationClient, name: string): Promise<string | undefined> {
  for (;;) {
    const stack = await describeStack(client, name);
    const status = stack?.StackStatus;
    if (status === undefined || status === 'DELETE_COMPLETE') return undefined;
    if (!status.endsWith('_IN_PROGRESS')) return status;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Creates or updates the forwarder stack of `region`. @throws Error when CloudFormation does not complete it. */
export async function deployForwarder(target: DeployTarget, region: string, version: string): Promise<void> {
  const client = new CloudFormationClient({ region });
  const name = forwarderStackName(target.stage);
  const input = {
    StackName: name,
    TemplateBody: JSON.stringify(forwarderTemplate(version)),
    Parameters: [{ ParameterKey: 'HomeRegion', ParameterValue: target.homeRegion }],
    Capabilities: ['CAPABILITY_IAM' as const],
    Tags: [{ Key: 'secret-refresh:stage', Value: target.stage }],
  };
  const existing = await describeStack(client, name);
  if (existing === undefined || existing.StackStatus === 'DELETE_COMPLETE') {
    await client.send(new CreateStackCommand({ ...input, OnFailure: 'DELETE' }));
  } else {
    try {
      await client.send(new UpdateStackCommand(input));
    } catch (error) {
      if (error instanceof Error && /No updates are to be performed/.test(error.message)) return;
      throw error;
    }
  }
  const status = await waitForStack(client, name);
  if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE')
    throw new Error(`forwarder stack ${name} in ${region}: ${status ?? 'rolled back and deleted'}`);
}

/** Deletes the forwarder stack of `region` (nothing to do when there is none). */
export async function removeForwarder(target: DeployTarget, region: string): Promise<void> {
  const client = new CloudFormationClient({ region });
  const name = forwarderStackName(target.stage);
  if ((await describeStack(client, name)) === undefined) return;
  await client.send(new DeleteStackCommand({ StackName: name }));
  const status = await waitForStack(client, name);
  if (status !== undefined) throw new Error(`forwarder stack ${name} in ${region}: ${status}`);
}

function osls(command: 'deploy' | 'remove', args: readonly string[]): void {
  const result = spawnSync(OSLS, [command, ...args], { cwd: ROOT, env: OSLS_ENVIRONMENT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`osls ${command} failed (exit ${result.status})`);
}

/** The command line split: `--stage`, `--region` and `--package` (deploy only) apart, the rest for osls as it is. */
export function splitArguments(args: readonly string[]): { stage?: string; region?: string; packageDirectory?: string; rest: string[] } {
  const split: { stage?: string; region?: string; packageDirectory?: string; rest: string[] } = { rest: [] };
  const own = { '--stage': 'stage', '--region': 'region', '--package': 'packageDirectory' } as const;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const key = own[arg as keyof typeof own];
    if (key === undefined) {
      split.rest.push(arg);
      continue;
    }
    const value = args[index + 1];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    split[key] = value;
    index += 1;
  }
  return split;
}

/** `deploy`: the main stack, then the forwarders. `remove`: the forwarders, then the main stack. */
export async function deployEverywhere(command: 'deploy' | 'remove', args: readonly string[]): Promise<DeployTarget> {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const { stage, region, packageDirectory, rest } = splitArguments(args);
  const target = packageDirectory
    ? packagedTarget(packageDirectory)
    : resolveTarget([...(stage ? ['--stage', stage] : []), ...(region ? ['--region', region] : []), ...rest]);
  const oslsArguments = ['--stage', target.stage, '--region', target.homeRegion, ...rest];
  if (command === 'deploy') {
    osls('deploy', [...oslsArguments, ...(packageDirectory ? ['--package', packageDirectory] : [])]);
    for (const other of target.forwarderRegions) {
      process.stdout.write(`Forwarder ${forwarderStackName(target.stage)} in ${other} → ${target.homeRegion}\n`);
      await deployForwarder(target, other, version);
    }
  } else {
    for (const other of target.forwarderRegions) {
      process.stdout.write(`Removing forwarder ${forwarderStackName(target.stage)} in ${other}\n`);
      await removeForwarder(target, other);
    }
    osls('remove', oslsArguments);
  }
  return target;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'deploy' && command !== 'remove') {
    process.stderr.write('usage: deploy-everywhere.ts deploy|remove --stage <stage> [--region <home>] [--param "<name>=<value>"]...\n');
    process.exitCode = 2;
  } else {
    deployEverywhere(command, args).catch((error: unknown) => {
      process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
  }
}
