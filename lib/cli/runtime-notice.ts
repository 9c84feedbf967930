/** The variable that silences the AWS SDK's `NodeVersionSupportWarning` (the SDK compares it with `"true"`). */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The oldest Node.js major the AWS SDK keeps supporting after early January 2027 (the SDK's own figure). */
const SDK_SUPPORTED_MAJOR = 22;

/**
 * The CLI's one line about the runtime, in place of the AWS SDK's nine-line `NodeVersionSupportWarning`: on Node.js
 * older than 22 it returns the line to print (and the caller sets {@link SDK_NODE_WARNING_SWITCH} before the SDK is
 * loaded); `undefined` on Node.js 22 or later, or when the user already silenced the SDK's warning.
 *
 * @example
 * runtimeNotice('20.20.2', {}) // → 'secret-refresh: note: Node.js 20.20.2; AWS SDK releases after early January 2027 need Node.js 22 or later'
 */
export function runtimeNotice(nodeVersion: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const major = Number.parseInt(nodeVersion.replace(/^v/, ''), 10);
  if (!(major < SDK_SUPPORTED_MAJOR) || env[SDK_NODE_WARNING_SWITCH] === 'true') return undefined;
  return `secret-refresh: note: Node.js ${nodeVersion.replace(/^v/, '')}; AWS SDK releases after early January 2027 need Node.js ${SDK_SUPPORTED_MAJOR} or later`;
}
