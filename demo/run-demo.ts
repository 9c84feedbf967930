/**
 * `npm run demo`: the whole pipeline against a local AWS (moto_server), seeded with a demo account (the steps:
 * demo/demo-steps.ts). It prints every report, writes the secrets map's page of the demo account to
 * `secret-refresh-map.html` in the working directory (printing its path), and stops moto.
 *
 * Each step prints its report as the CLI does (the summary first, aligned tables, colour on a terminal); the burst's
 * JSON report is written to `secret-refresh-demo-report.json` in the temporary directory (its path printed), and `npm run demo -- --json`
 * prints it too, as before.
 *
 * `npm run demo -- --keep` leaves moto running with the demo account as the demo left it, and prints the environment
 * to export so that README's CLI examples (and the sample events in events/) work against it as written.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runtimeNotice, SDK_NODE_WARNING_SWITCH } from '../lib/cli/runtime-notice.js';
import { createStyle, useColor } from '../lib/cli/style.js';
import { loadConfig } from '../lib/config/config.js';
import { errorMessage } from '../lib/errors.js';
import { renderMapPage } from '../lib/map/index.js';
import { DEMO_CHANGES_TABLE, demoEnvironment, runDemoSteps } from './demo-steps.js';
import { startMotoServer } from './moto-server.js';

const USAGE = 'usage: npm run demo [-- --keep] [--json]';

/** Where the demo writes the burst's JSON report (in the temporary directory: not a file of the checkout). */
const DEMO_REPORT = 'secret-refresh-demo-report.json';

/** Where the demo writes the page of the demo account's secrets map (in the working directory; gitignored). */
const DEMO_MAP_PAGE = 'secret-refresh-map.html';

async function demo(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--keep' && arg !== '--json');
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
    const style = createStyle(useColor(process.stdout.isTTY, process.env));
    const outcome = await runDemoSteps(config, (text) => process.stdout.write(text), { style });
    const reportFile = join(tmpdir(), DEMO_REPORT);
    const json = `${JSON.stringify(outcome.first, null, 2)}\n`;
    await writeFile(reportFile, json, 'utf8');
    process.stdout.write(`\nThe burst redeployed ${outcome.first.summary.done} service(s) in one run; its JSON report (what --json prints): ${reportFile}\n`);
    if (args.includes('--json')) process.stdout.write(json);
    const page = resolve(DEMO_MAP_PAGE);
    await writeFile(page, renderMapPage(outcome.map), 'utf8');
    const { summary } = outcome.map;
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const counts = [
      count(summary.secrets, 'secret'),
      count(summary.parameters, 'parameter'),
      count(summary.services, 'service'),
      `${summary.stale} stale`,
      count(summary.findings.error, 'error'),
      count(summary.findings.warning, 'warning'),
    ];
    process.stdout.write(`\nThe secrets map of the demo account (${counts.join(', ')}), a page to open in a browser:\n${page}\n`);
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
    'npx secret-refresh map --html secret-refresh-map.html',
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
