/**
 * Debian's Chromium, as the browser tests and the README screenshot drive it through playwright-core
 * (`npx playwright install` cannot download a browser here; `.ci/run` installs the `chromium` package).
 */

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless, and quiet: without the background-networking flags Chromium reaches out to the network at start
 * (research/toolchain.md §5), which a page test that counts requests would see.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
