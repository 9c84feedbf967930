import type { AwsCall } from '../aws/clients.js';

/** The progress line of a long scan: told about each AWS call, and stopped (the line erased) before the report prints. */
export interface ScanProgress {
  readonly onCall: (call: AwsCall) => void;
  readonly stop: () => void;
}

/** When the line appears and how often it is redrawn. */
export interface ProgressTiming {
  /** A run shorter than this never shows the line (most runs): only long scans do. */
  readonly delayMs: number;
  /** Redraws at most this often. */
  readonly intervalMs: number;
}

const DEFAULT_TIMING: ProgressTiming = { delayMs: 700, intervalMs: 100 };

/** Return to the start of the line and erase it. */
const ERASE_LINE = '\r\u001b[2K';

/**
 * One self-erasing line on standard error while the CLI scans: calls so far, the Regions touched, the call in
 * flight, seconds elapsed. Only on a terminal (the caller checks that stderr is one): a pipe or a log file never
 * receives it. Cut to the terminal's width so that the carriage return always lands on the same line.
 *
 * @example
 * const progress = scanProgress((text) => process.stderr.write(text), { columns: process.stderr.columns });
 * const dependencies = createPipelineDependencies(config, { onCall: progress.onCall });
 * try { report = await runRefresh(...) } finally { progress.stop() }
 */
export function scanProgress(
  write: (text: string) => void,
  options: { readonly columns?: number; readonly now?: () => number; readonly timing?: ProgressTiming } = {},
): ScanProgress {
  const now = options.now ?? Date.now;
  const timing = options.timing ?? DEFAULT_TIMING;
  const width = Math.max(20, (options.columns ?? 80) - 1);
  const start = now();
  const regions = new Set<string>();
  let calls = 0;
  let drawnAt: number | undefined;
  let stopped = false;
  return {
    onCall: (call) => {
      if (stopped) return;
      calls += 1;
      if (call.region) regions.add(call.region);
      const at = now();
      if (at - start < timing.delayMs || (drawnAt !== undefined && at - drawnAt < timing.intervalMs)) return;
      drawnAt = at;
      const seconds = Math.floor((at - start) / 1000);
      const line = `secret-refresh: scanning… ${calls} AWS calls in ${[...regions].sort().join(', ')} · ${call.service} ${call.operation} · ${seconds}s`;
      write(`${ERASE_LINE}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    },
    stop: () => {
      if (!stopped && drawnAt !== undefined) write(ERASE_LINE);
      stopped = true;
    },
  };
}
