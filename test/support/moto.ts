import { inject } from 'vitest';

/** POST /moto-api/reset on the integration project's moto_server: every test starts from an empty account. */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${inject('motoUrl')}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
