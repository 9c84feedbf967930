import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The install hint printed when moto_server is missing. */
export const MOTO_INSTALL_HINT = 'moto_server was not found on PATH: install it with pip install "moto[server]"';

/**
 * The account moto answers as (`MOTO_ACCOUNT_ID`): the demo account's, which is also the account of the sample events
 * in events/ and of README's examples, so they work against the demo account as written.
 */
export const DEMO_ACCOUNT = '111122223333';

/** A running moto_server on a loopback port. */
export interface MotoServer {
  readonly url: string;
  /** The moto_server process (what to stop a kept server with). */
  readonly pid: number | undefined;
  /** POST /moto-api/reset: forget every resource (configuration survives). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link startMotoServer}. */
export interface MotoServerOptions {
  /**
   * Keep moto_server running after this process exits (the demo's `--keep`): it is started detached, its output
   * goes to `logFile`, and nothing of it holds this process open.
   */
  readonly keep?: { readonly logFile: string };
  /**
   * `false`: no fixed account. moto then answers as the account of the credentials (a role assumed in another
   * account through STS acts in that account, as an Organization's member accounts need), 123456789012 for the dummy
   * ones. Default: {@link DEMO_ACCOUNT} for every request.
   */
  readonly fixedAccount?: boolean;
}

/**
 * Starts moto_server (the local AWS used by the integration tests and the demo) on a free loopback port as account
 * {@link DEMO_ACCOUNT}, and waits until it answers. Batch runs without Docker.
 *
 * @throws Error with {@link MOTO_INSTALL_HINT} when moto_server is not installed.
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = options.keep ? openSync(options.keep.logFile, 'w') : undefined;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: options.fixedAccount === false ? withoutFixedAccount() : { ...process.env, MOTO_ACCOUNT_ID: DEMO_ACCOUNT },
    stdio: log === undefined ? ['ignore', 'ignore', 'pipe'] : ['ignore', log, log],
    detached: log !== undefined,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const output = () => (options.keep ? readFileSync(options.keep.logFile, 'utf8').slice(-4000) : stderr).trim();
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MOTO_INSTALL_HINT) : error));
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code}: ${output()}`)));
  });
  spawnFailure.catch(() => undefined);
  const reset = async () => {
    const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
  };
  try {
    await Promise.race([waitUntilReady(reset), spawnFailure]);
  } finally {
    if (log !== undefined) closeSync(log);
  }
  await fetch(`${url}/moto-api/config`, { method: 'POST', body: JSON.stringify({ batch: { use_docker: false } }) });
  if (options.keep) child.unref();
  return { url, pid: child.pid, reset, stop: () => stopProcess(child) };
}

async function waitUntilReady(reset: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await reset();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`moto_server did not answer within 30 s: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function withoutFixedAccount(): NodeJS.ProcessEnv {
  const { MOTO_ACCOUNT_ID: _ignored, ...environment } = process.env;
  return environment;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Environment that points the AWS SDK at moto with dummy credentials. */
export function motoEnvironment(url: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
