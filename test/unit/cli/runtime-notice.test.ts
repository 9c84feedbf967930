import { describe, expect, it } from 'vitest';
import { runtimeNotice, SDK_NODE_WARNING_SWITCH } from '../../../lib/cli/runtime-notice.js';

describe('runtimeNotice', () => {
  it('gives one line on Node.js older than 22, in place of the SDK warning', () => {
    expect(runtimeNotice('20.20.2', {})).toBe('secret-refresh: note: Node.js 20.20.2; AWS SDK releases after early January 2027 need Node.js 22 or later');
    expect(runtimeNotice('v21.7.0', {})).toContain('Node.js 21.7.0;');
  });

  it('says nothing on Node.js 22 or later', () => {
    expect(runtimeNotice('22.0.0', {})).toBeUndefined();
    expect(runtimeNotice('24.11.1', {})).toBeUndefined();
  });

  it('says nothing when the user already silenced the SDK\'s warning with its own switch (exactly "true", as the SDK compares)', () => {
    expect(SDK_NODE_WARNING_SWITCH).toBe('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED');
    expect(runtimeNotice('20.20.2', { [SDK_NODE_WARNING_SWITCH]: 'true' })).toBeUndefined();
    expect(runtimeNotice('20.20.2', { [SDK_NODE_WARNING_SWITCH]: '1' })).toBeDefined();
  });
});
