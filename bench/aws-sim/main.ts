import { startAwsSimulator } from './server.js';
import { generateAccount, type SyntheticAccountOptions } from './synthetic-account.js';

/**
 * Runs the simulator as its own process, so the benchmark's memory and CPU figures are the client's alone.
 * Usage: `tsx bench/aws-sim/main.ts '{"services":500,"latencyMedianMs":40}'`; prints `{"url":"http://127.0.0.1:<port>"}`
 * on one line, then serves until killed. Control: POST /__sim/stats, /__sim/account, /__sim/reset, /__sim/configure.
 */
const options = JSON.parse(process.argv[2] ?? '{}') as SyntheticAccountOptions & { latencyMedianMs?: number; latencySigma?: number };
const simulator = await startAwsSimulator({
  account: generateAccount(options),
  ...(options.latencyMedianMs !== undefined ? { latencyMedianMs: options.latencyMedianMs } : {}),
  ...(options.latencySigma !== undefined ? { latencySigma: options.latencySigma } : {}),
});
process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
process.on('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
