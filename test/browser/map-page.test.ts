/**
 * The secrets-map page in a real browser: Debian's Chromium driven by playwright-core (`.ci/run` installs it). The page
 * is loaded from a file:// URL, as an operator opens the file or an e-mail attachment, and must work with no request
 * but the file itself. A screenshot is written to test-results/map-page.png for CI to keep (never compared by pixel).
 *
 * Where Chromium cannot be installed, `.ci/run` exports BROWSER_TESTS_SKIP_REASON and these tests skip, printing it.
 * A missing /usr/bin/chromium without that explanation is a failure, never a silent pass.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../demo/chromium.js';
import { buildSecretsMap } from '../../lib/map/build-map.js';
import { renderMapPage } from '../../lib/map/render-page.js';
import type { SecretsMap } from '../../lib/map/types.js';
import { DB_ARN, HOSTILE, hostileMap, PAYMENTS_ARN, realisticMap } from '../fixtures/map/realistic-map.js';
import { mapOptionsFor, service } from '../support/map-inputs.js';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const skipReason = process.env.BROWSER_TESTS_SKIP_REASON?.trim();
const available = existsSync(CHROMIUM);

/** A loaded page and everything it did: console errors, uncaught errors, requests, dialogs. */
interface LoadedPage {
  readonly page: Page;
  readonly url: string;
  readonly errors: string[];
  readonly requests: string[];
  readonly dialogs: string[];
}

if (!available && skipReason) {
  console.warn(`browser tests skipped: ${skipReason}`);
  describe('the secrets-map page in Chromium', () => {
    // biome-ignore lint/suspicious/noSkippedTests: the one deliberate skip, only when .ci/run could not install Chromium and says why
    it.skip(`skipped: Chromium could not be installed (${skipReason})`, () => {});
  });
} else {
  describe('the secrets-map page in Chromium', () => {
    let browser: Browser | undefined;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      if (!available) {
        throw new Error(
          `${CHROMIUM} is missing: install it (apt-get install -y chromium, as .ci/run does). ` +
            'Only where it cannot be installed, set BROWSER_TESTS_SKIP_REASON to say why, and these tests skip.',
        );
      }
      browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS] });
    });

    afterAll(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
    });

    async function load(map: SecretsMap, file: string): Promise<LoadedPage> {
      if (!browser) throw new Error('Chromium did not start');
      await mkdir(RESULTS, { recursive: true });
      const path = `${RESULTS}${file}`;
      await writeFile(path, renderMapPage(map), 'utf8');
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      contexts.push(context);
      const loaded: LoadedPage = { page: await context.newPage(), url: pathToFileURL(path).href, errors: [], requests: [], dialogs: [] };
      context.on('request', (request) => loaded.requests.push(request.url()));
      loaded.page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') loaded.errors.push(`${message.type()}: ${message.text()}`);
      });
      loaded.page.on('pageerror', (error) => loaded.errors.push(`pageerror: ${error.message}`));
      loaded.page.on('dialog', (dialog) => {
        loaded.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await loaded.page.goto(loaded.url);
      await loaded.page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
      return loaded;
    }

    /** Rows the table shows: one per reference and reader (one for a job definition with no running job). */
    function expectedRows(map: SecretsMap): number {
      const definitions = new Map(map.definitions.map((definition) => [definition.arn, definition]));
      return map.resources.reduce(
        (sum, resource) => sum + resource.uses.reduce((count, use) => count + Math.max(1, definitions.get(use.definition)?.targets.length ?? 0), 0),
        0,
      );
    }

    const visibleRows = (page: Page) => page.locator('#readers-table tbody tr');
    const column = (page: Page, key: string) => page.locator(`#readers-table tbody td[data-key="${key}"]`).allTextContents();

    it('renders the realistic map with no console error and no request but the file itself, and keeps a screenshot', async () => {
      const map = realisticMap();
      const { page, url, errors, requests } = await load(map, 'map-page.html');
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
      await expect(page.locator('#summary').textContent()).resolves.toContain(`${map.summary.services}services`);
      await expect(page.locator('#findings-table tbody tr').count()).resolves.toBe(map.findings.length);
      await expect(visibleRows(page).count()).resolves.toBe(expectedRows(map));
      await page.selectOption('#resource-select', DB_ARN);
      await page.screenshot({ path: `${RESULTS}map-page.png`, fullPage: true });
      expect(existsSync(`${RESULTS}map-page.png`)).toBe(true);
    });

    it('search filters the table, on every term, and says how many rows it shows', async () => {
      const map = realisticMap();
      const total = expectedRows(map);
      const { page, errors } = await load(map, 'map-page-search.html');
      await page.fill('#search', 'payments');
      const filtered = await visibleRows(page).allTextContents();
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.length).toBeLessThan(total);
      for (const row of filtered) expect(row.toLowerCase()).toContain('payments');
      await expect(page.locator('#row-count').textContent()).resolves.toBe(`${filtered.length} of ${total} rows`);
      await page.fill('#search', 'payments-api stale');
      const both = await visibleRows(page).allTextContents();
      expect(both.length).toBeGreaterThan(0);
      expect(both.length).toBeLessThan(filtered.length);
      for (const row of both) expect(row).toMatch(/payments-api[\s\S]*stale/);
      await page.fill('#search', 'no-such-thing-anywhere');
      await expect(visibleRows(page).count()).resolves.toBe(0);
      await page.fill('#search', '');
      await expect(visibleRows(page).count()).resolves.toBe(total);
      expect(errors).toEqual([]);
    });

    it('sorting by a column orders the rows, ascending then descending, empty cells last', async () => {
      const { page, errors } = await load(realisticMap(), 'map-page-sort.html');
      const header = page.locator('#readers-table th[data-key="target"]');
      await header.click();
      await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
      const ascending = await column(page, 'target');
      const filled = ascending.filter(Boolean);
      expect(filled).toEqual([...filled].sort((a, b) => a.localeCompare(b)));
      expect(ascending.slice(filled.length).every((cell) => cell === '')).toBe(true);
      await header.click();
      await expect(header.getAttribute('aria-sort')).resolves.toBe('descending');
      const descending = (await column(page, 'target')).filter(Boolean);
      expect(descending).toEqual([...filled].reverse());
      const wave = page.locator('#readers-table th[data-key="wave"]');
      await wave.click();
      const waves = (await column(page, 'wave')).filter(Boolean);
      expect(waves.slice(0, 2)).toEqual(['1', '1']);
      expect(waves.at(-1)).toBe('last');
      expect(errors).toEqual([]);
    });

    it('selecting a secret draws its task definitions and the services and jobs running them', async () => {
      const map = realisticMap();
      const { page, errors } = await load(map, 'map-page-graph.html');
      const labels = (resource: string) => {
        const readers = map.targets.filter((target) => target.resources.includes(resource));
        return readers.map((target) => (target.type === 'ecs-service' ? `${target.cluster}/${target.name}` : `${target.name} (${target.jobId})`)).sort();
      };
      const drawn = async (kind: string) => (await page.locator(`#graph .${kind} > title`).allTextContents()).map((title) => title.split('\n')[0] ?? '').sort();

      await page.selectOption('#resource-select', DB_ARN);
      await expect(page.locator('#graph').getAttribute('data-resource')).resolves.toBe(DB_ARN);
      expect(await drawn('target')).toEqual(labels(DB_ARN));
      expect(await drawn('target')).toContain('prod-orders/orders-api');
      expect(await drawn('definition')).toEqual(
        map.resources
          .find((resource) => resource.id === DB_ARN)
          ?.definitions.map((arn) => map.definitions.find((definition) => definition.arn === arn)?.name)
          .sort(),
      );
      await expect(page.locator('#graph path.edge').count()).resolves.toBeGreaterThanOrEqual(labels(DB_ARN).length);

      // Clicking a table row selects its resource too.
      await page.fill('#search', 'nightly-settlement:7 api-key');
      await visibleRows(page).first().click();
      await expect(page.locator('#graph').getAttribute('data-resource')).resolves.toBe(PAYMENTS_ARN);
      expect(await drawn('target')).toEqual(labels(PAYMENTS_ARN));
      await expect(page.locator('#graph .resource.broken').count()).resolves.toBe(1);
      await expect(page.locator('#resource-select').inputValue()).resolves.toBe(PAYMENTS_ARN);
      expect(errors).toEqual([]);
    });

    it('keeps a secret with many readers drawable: 40 per column, the rest counted', async () => {
      const services = Array.from({ length: 65 }, (_, index) =>
        service(`svc-${String(index).padStart(2, '0')}`, [DB_ARN], { family: index % 2 ? 'odd' : 'even' }),
      );
      const map = buildSecretsMap({ services, metadata: [] }, mapOptionsFor());
      const { page, errors } = await load(map, 'map-page-many.html');
      await expect(page.locator('#graph .target').count()).resolves.toBe(40);
      await expect(page.locator('#graph .definition').count()).resolves.toBe(2);
      await expect(page.locator('#graph text.more').textContent()).resolves.toBe('and 0 more definitions, 25 more readers: filter the table below');
      await expect(visibleRows(page).count()).resolves.toBe(65);
      expect(errors).toEqual([]);
    });

    it('shows hostile names as text: no injected element, script or dialog', async () => {
      const map = hostileMap();
      const { page, errors, requests, url, dialogs } = await load(map, 'map-page-hostile.html');
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([url]);
      // Evaluated as page-side expressions (this project compiles without the DOM library).
      await expect(page.evaluate('typeof window.__pwned')).resolves.toBe('undefined');
      const handlers = await page.evaluate("[...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length");
      expect(handlers).toBe(0);
      await expect(page.locator('script').count()).resolves.toBe(2);
      await expect(page.locator('img, iframe').count()).resolves.toBe(0);
      const options = await page.locator('#resource-select option').allTextContents();
      expect(options.some((option) => option.includes(`name${HOSTILE}`))).toBe(true);
      const graphTitles = await page.locator('#graph title').allTextContents();
      expect(graphTitles.some((title) => title.includes(`name${HOSTILE}`))).toBe(true);
      await expect(page.locator('#warnings').textContent()).resolves.toContain(`<iframe src="https://example.com/">${HOSTILE}`);
    });
  });
}
