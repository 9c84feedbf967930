#!/usr/bin/env node
// Launcher for the `secret-refresh` command: runs the TypeScript sources through tsx, so the command works
// straight after `npm ci` with no build step and can never run stale compiled code.
import { register } from 'tsx/esm/api';

register();
const { main, processIo } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), processIo());
