import { inject } from 'vitest';

/** POST /moto-api/reset on the integration project's moto_server: every test starts from an empty account. */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${inject('motoUrl')}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

/**
 * Waits until the wall clock is in the next whole second. The already-fresh rule and the change record compare at
 * whole seconds and count the same second as *not* handled (conservative); in production a settle window separates
 * a change from its deployments, in a test run right after a rotation this wait does.
 */
export async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
}
