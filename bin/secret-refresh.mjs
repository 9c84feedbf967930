#!/usr/bin/env node
// The `secret-refresh` command. Installed from the package, it runs the compiled bundle in dist/ (built by
// `npm pack` / `npm run build`): plain JavaScript, no TypeScript at run time. In a source checkout (lib/ is next to
// this file) it runs the TypeScript sources through tsx instead, so the command works right after `npm ci` and can
// never run a stale build.
import { existsSync } from 'node:fs';

const sources = new URL('../lib/cli/bin.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/secret-refresh.mjs');
}
