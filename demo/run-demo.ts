/**
 * `npm run demo`: the whole pipeline against a local AWS (moto_server), seeded with a demo account (the steps:
 * demo/demo-steps.ts). It prints every report and stops moto.
 *
 * `npm run demo -- --keep` leaves moto running with the demo account as the demo left it, and prints the environment
 * to export so that README's CLI examples (and the sample events in events/) work against it as written.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeNotice, SDK_NODE_WARNING_SWITCH } from '../lib/cli/runtime-notice.js';
import { loadConfig } from '../lib/config/config.js';
import { errorMessage } from '../lib/errors.js';
import { DEMO_CHANGES_TABLE, demoEnvironment, runDemoSteps } from './demo-steps.js';
import { startMotoServer } from './moto-server.js';

const USAGE = 'usage: npm run demo [-- --keep]';

async function demo(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--keep');
  if (unknown.length > 0) {
    process.stderr.write(`demo: unknown argument ${unknown[0]} (${USAGE})\n`);
    return 2;
  }
  // As the CLI does: one line about an old Node.js instead of the AWS SDK's nine (set before any client exists).
  const notice = runtimeNotice(process.versions.node, process.env);
  if (notice) {
    process.env[SDK_NODE_WARNING_SWITCH] = 'true';
    process.stderr.write(`${notice}\n`);
  }
  const keep = args.includes('--keep');
  const logFile = join(tmpdir(), 'secret-refresh-demo-moto.log');
  const moto = await startMotoServer(keep ? { keep: { logFile } } : {});
  let kept = false;
  try {
    const cliEnvironment = demoEnvironment(moto.url);
    Object.assign(process.env, cliEnvironment, { SECRET_REFRESH_IDEMPOTENCY_TABLE: DEMO_CHANGES_TABLE });
    const config = loadConfig(process.env);
    process.stdout.write(`secret-refresh demo: moto at ${moto.url}, `);
    const outcome = await runDemoSteps(config, (text) => process.stdout.write(text));
    process.stdout.write(`\nThe rotation redeployed ${outcome.first.summary.done} service(s); the JSON report of that run:\n`);
    process.stdout.write(`${JSON.stringify(outcome.first, null, 2)}\n`);
    if (keep) {
      kept = true;
      process.stdout.write(keptInstructions(cliEnvironment, moto.pid, logFile));
    }
    return outcome.ok ? 0 : 1;
  } finally {
    if (!kept) await moto.stop();
  }
}

/** What `--keep` prints last: the environment to export, what to try, and how to stop moto. */
function keptInstructions(environment: Readonly<Record<string, string>>, pid: number | undefined, logFile: string): string {
  const exports = Object.entries(environment).map(([name, value]) => `export ${name}=${value}`);
  return [
    '',
    `=== moto keeps running with the demo account (pid ${pid ?? 'unknown'}, log ${logFile}). In your shell:`,
    '',
    ...exports,
    '',
    '# then, for example (README, "CLI"):',
    'npx secret-refresh event events/secretsmanager-secret-label-updated-awscurrent.json --dry-run',
    'npx secret-refresh audit',
    '',
    `# stop it with: kill ${pid ?? '<pid>'}`,
    '',
  ].join('\n');
}

demo(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
