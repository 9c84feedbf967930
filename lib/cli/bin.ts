/**
 * The `secret-refresh` process entry (bin/secret-refresh.mjs runs it: bundled into dist/ by build/build-cli.mjs in the
 * package, from the sources through tsx in a checkout). The one place that touches the process: it replaces the AWS
 * SDK's nine-line Node.js support warning with one line of ours (the switch must be set before the SDK is loaded),
 * then runs `main` with the process's I/O.
 */
import { runtimeNotice, SDK_NODE_WARNING_SWITCH } from './runtime-notice.js';

const notice = runtimeNotice(process.versions.node, process.env);
if (notice) process.env[SDK_NODE_WARNING_SWITCH] = 'true';
const { main, processIo } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), { ...processIo(), ...(notice ? { notice } : {}) });
