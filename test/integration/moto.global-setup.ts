import type { TestProject } from 'vitest/node';
import { motoEnvironment, startMotoServer } from '../../demo/moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

/**
 * Starts one moto_server for the integration project and points the SDK at it through the environment
 * (workers inherit it, so production code's `new ECSClient({})` reaches moto unchanged). Fails with the
 * install hint when moto_server is missing: integration tests never pass silently without it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMotoServer();
  Object.assign(process.env, motoEnvironment(moto.url));
  project.provide('motoUrl', moto.url);
  return () => moto.stop();
}
