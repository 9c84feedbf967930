/**
 * `npm run screenshot:map`: the README's picture of the secrets map page, made from the demo account. It starts
 * moto_server, runs the demo's steps on it (demo/demo-steps.ts, quietly), builds the map, renders the page and takes a
 * PNG of it in Debian's Chromium (playwright-core, the flags of the browser tests), with the demo's rotated secret
 * selected in the graph, down to the first rows of the readers table. Writes docs/secrets-map.png (or the path given)
 * and stops moto.
 *
 * The PNG is committed: rerun this after a change to the page, then look at it before committing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { runtimeNotice, SDK_NODE_WARNING_SWITCH } from '../lib/cli/runtime-notice.js';
import { loadConfig } from '../lib/config/config.js';
import { errorMessage } from '../lib/errors.js';
import { renderMapPage } from '../lib/map/index.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.js';
import { DEMO_CHANGES_TABLE, demoEnvironment, runDemoSteps } from './demo-steps.js';
import { startMotoServer } from './moto-server.js';

const DEFAULT_OUTPUT = 'docs/secrets-map.png';
/** Rows of the readers table in the picture. */
const SHOWN_ROWS = 8;

async function screenshot(args: readonly string[]): Promise<number> {
  if (args.length > 1 || args[0]?.startsWith('-')) {
    process.stderr.write(`screenshot:map: unexpected argument ${args[0]} (usage: npm run screenshot:map [-- <file.png>])\n`);
    return 2;
  }
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`screenshot:map: ${CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)\n`);
    return 1;
  }
  const output = resolve(args[0] ?? DEFAULT_OUTPUT);
  if (runtimeNotice(process.versions.node, process.env)) process.env[SDK_NODE_WARNING_SWITCH] = 'true';
  const moto = await startMotoServer();
  const directory = await mkdtemp(join(tmpdir(), 'secret-refresh-screenshot-'));
  try {
    Object.assign(process.env, demoEnvironment(moto.url), { SECRET_REFRESH_IDEMPOTENCY_TABLE: DEMO_CHANGES_TABLE });
    const outcome = await runDemoSteps(loadConfig(process.env), () => undefined);
    if (!outcome.ok) throw new Error('the demo steps did not do what they should (run npm run demo to see them)');
    const page = join(directory, 'secrets-map.html');
    await writeFile(page, renderMapPage(outcome.map), 'utf8');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      tab.on('pageerror', (error) => problems.push(error.message));
      await tab.goto(pathToFileURL(page).href);
      await tab.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
      // The rotated secret: the resource with the most readers, the graph worth showing.
      const selected = outcome.map.resources.find((resource) => resource.arn === outcome.account.secretArn)?.id;
      if (selected) await tab.selectOption('#resource-select', selected);
      // Everything above the table, and its first rows: the whole table of 25 rows would shrink the rest to illegible.
      const lastRow = await tab.locator(`#readers-table tbody tr:nth-child(${SHOWN_ROWS})`).boundingBox();
      const height = lastRow ? Math.ceil(lastRow.y + lastRow.height + 24) : undefined;
      await tab.screenshot({ path: output, fullPage: true, ...(height ? { clip: { x: 0, y: 0, width: 1360, height } } : {}) });
      if (problems.length > 0) throw new Error(`the page reported: ${problems.join('; ')}`);
    } finally {
      await browser.close();
    }
    const { summary } = outcome.map;
    process.stdout.write(
      `secrets map of the demo account (${summary.services} services, ${summary.findings.error + summary.findings.warning + summary.findings.info} findings): ${output}\n`,
    );
    return 0;
  } finally {
    await moto.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

screenshot(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`screenshot:map failed: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
