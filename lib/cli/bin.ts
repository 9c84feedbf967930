#!/usr/bin/env node
/**
 * The `secret-refresh` executable (bundled into dist/ by build/build-cli.mjs; `npm run cli -- …` runs it from the
 * sources). The one place that touches the process: it replaces the AWS SDK's nine-line Node.js support warning with
 * one line of ours (the switch must be set before the SDK is loaded), then runs `main` with the process's I/O.
 */
import { runtimeNotice, SDK_NODE_WARNING_SWITCH } from './runtime-notice.js';

const notice = runtimeNotice(process.versions.node, process.env);
if (notice) process.env[SDK_NODE_WARNING_SWITCH] = 'true';
const { main, processIo } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), { ...processIo(), ...(notice ? { notice } : {}) });
