import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SyntheticAccountOptions } from './synthetic-account.js';

/** What {@link SimulatorProcess.start} passes to the simulator's main: the account, and its latency. */
export type SimulatorProcessOptions = SyntheticAccountOptions & { readonly latencyMedianMs?: number; readonly latencySigma?: number };

/**
 * The simulator in its own process (main.ts), so a benchmark's memory and CPU figures are the client's alone;
 * `control` posts to its `/__sim/<path>` endpoints.
 */
export class SimulatorProcess {
  private constructor(
    public readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  public static async start(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    });
    return new SimulatorProcess((JSON.parse(line) as { url: string }).url, child);
  }

  public async control<T>(path: string, body: object = {}): Promise<T> {
    const response = await fetch(`${this.url}/__sim/${path}`, { method: 'POST', body: JSON.stringify(body) });
    return (await response.json()) as T;
  }

  public stop(): void {
    this.child.kill('SIGTERM');
  }
}
