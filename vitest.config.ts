import { defineConfig } from 'vitest/config';

/**
 * Every project's environment. The AWS SDK's NodeVersionSupportWarning is about the Node.js that runs the tests, not
 * about secret-refresh, and would print nine lines per worker: off here. The CLI's own one-line notice is tested
 * with it (test/unit/cli), and the installed package is tested in a clean environment (test/integration/package).
 */
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
          env,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          env,
        },
      },
      {
        test: {
          name: 'input',
          include: ['test/input/**/*.test.ts'],
          environment: 'node',
          env,
        },
      },
      {
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          env,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          env,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          env,
          globalSetup: ['test/integration/moto.global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
