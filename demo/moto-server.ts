import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** The install hint printed when moto_server is missing. */
export const MOTO_INSTALL_HINT = 'moto_server was not found on PATH: install it with pip install "moto[server]"';

/** A running moto_server on a loopback port. */
export interface MotoServer {
  readonly url: string;
  /** POST /moto-api/reset: forget every resource (configuration survives). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts moto_server (the local AWS used by the integration tests and the demo) on a free loopback port
 * and waits until it answers. Batch runs without Docker.
 *
 * @throws Error with {@link MOTO_INSTALL_HINT} when moto_server is not installed.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MOTO_INSTALL_HINT) : error));
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code}: ${stderr.trim()}`)));
  });
  spawnFailure.catch(() => undefined);
  const reset = async () => {
    const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
  };
  await Promise.race([waitUntilReady(reset), spawnFailure]);
  await fetch(`${url}/moto-api/config`, { method: 'POST', body: JSON.stringify({ batch: { use_docker: false } }) });
  return { url, reset, stop: () => stopProcess(child) };
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
