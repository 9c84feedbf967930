import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../lib/lambda/logger.js';
import { metrics } from '../../../lib/lambda/metrics.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the functions' metrics", () => {
  it("sends Powertools Metrics' own warnings (an invocation with no metric) to the functions' logger, not as bare text on stderr", () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const stderr = vi.spyOn(process.stderr, 'write');
    const stdout = vi.spyOn(process.stdout, 'write');

    metrics.publishStoredMetrics();

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/^No application metrics to publish\./);
    expect(stderr).not.toHaveBeenCalled();
    expect(stdout).not.toHaveBeenCalled();
  });
});
