/**
 * The process environment every benchmark runs the real SDK clients and Powertools in: the simulator's Region,
 * placeholder credentials (the simulator does not check them), no shared profile, no Node.js version notice, no
 * logs and no metrics. Call it before the first dynamic import of lib/ (the clients and the logger read the
 * environment when they load).
 */
export function useBenchEnvironment(region: string): void {
  process.env.AWS_REGION = region;
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  delete process.env.AWS_PROFILE;
}
