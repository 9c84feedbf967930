import { describe, expect, it } from 'vitest';
import { scanProgress } from '../../../lib/cli/progress.js';
import { createStyle, useColor } from '../../../lib/cli/style.js';
import { textTable } from '../../../lib/cli/text-table.js';

describe('useColor: colour on a terminal only, and NO_COLOR wins', () => {
  it.each<[string, boolean | undefined, Record<string, string | undefined>, boolean]>([
    ['a terminal', true, {}, true],
    ['a pipe or a file', false, {}, false],
    ['a stream that does not say (tests, the demo under a runner)', undefined, {}, false],
    ['a pipe, even with FORCE_COLOR=1 (a file never receives escape codes)', false, { FORCE_COLOR: '1' }, false],
    ['a terminal with NO_COLOR=1', true, { NO_COLOR: '1' }, false],
    ['a terminal with NO_COLOR set to anything', true, { NO_COLOR: 'yes' }, false],
    ['a terminal with an empty NO_COLOR (the convention: unset)', true, { NO_COLOR: '' }, true],
    ['a terminal with FORCE_COLOR=0', true, { FORCE_COLOR: '0' }, false],
    ['a terminal with TERM=dumb', true, { TERM: 'dumb' }, false],
  ])('%s', (_name, isTTY, env, expected) => {
    expect(useColor(isTTY, env)).toBe(expected);
  });

  it('the plain style leaves text as it is; the coloured one wraps it in SGR codes and resets them', () => {
    expect(createStyle(false).red('x')).toBe('x');
    expect(createStyle(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(createStyle(true).bold('')).toBe('');
  });
});

describe('textTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart, colouring the text and not the padding', () => {
    const red = (text: string) => `<${text}>`;
    expect(
      textTable(
        [
          [{ text: 'DONE' }, { text: 'a' }, { text: 'why' }],
          [{ text: 'SKIPPED', paint: red }, { text: 'long-name' }, { text: 'because' }],
        ],
        '  ',
      ),
    ).toBe('  DONE     a          why\n  <SKIPPED>  long-name  because\n');
  });
});

describe('scanProgress: one self-erasing line on stderr, only for long scans', () => {
  const call = { service: 'ecs', region: 'us-east-1', operation: 'DescribeServices' };

  function clock() {
    let now = 0;
    return {
      now: () => now,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('draws nothing for a scan shorter than the delay, and then erases nothing', () => {
    const written: string[] = [];
    const time = clock();
    const progress = scanProgress((text) => written.push(text), { now: time.now, timing: { delayMs: 700, intervalMs: 100 } });
    for (let i = 0; i < 50; i += 1) {
      time.advance(10);
      progress.onCall(call);
    }
    progress.stop();
    expect(written).toEqual([]);
  });

  it('after the delay: calls so far, Regions, the call, seconds; redrawn at most every interval; erased on stop; silent after', () => {
    const written: string[] = [];
    const time = clock();
    const progress = scanProgress((text) => written.push(text), { columns: 200, now: time.now, timing: { delayMs: 700, intervalMs: 100 } });
    time.advance(800);
    progress.onCall(call);
    time.advance(50);
    progress.onCall({ ...call, region: 'us-west-2' });
    time.advance(1200);
    progress.onCall({ service: 'batch', region: 'us-west-2', operation: 'DescribeJobQueues' });
    progress.stop();
    progress.onCall(call);
    progress.stop();
    expect(written).toEqual([
      '\r\u001b[2Ksecret-refresh: scanning… 1 AWS calls in us-east-1 · ecs DescribeServices · 0s',
      '\r\u001b[2Ksecret-refresh: scanning… 3 AWS calls in us-east-1, us-west-2 · batch DescribeJobQueues · 2s',
      '\r\u001b[2K',
    ]);
  });

  it('cuts the line to the terminal width, so the carriage return stays on one line', () => {
    const written: string[] = [];
    const progress = scanProgress((text) => written.push(text), { columns: 40, now: () => 0, timing: { delayMs: 0, intervalMs: 0 } });
    progress.onCall(call);
    const line = (written[0] ?? '').replace('\r\u001b[2K', '');
    expect(line).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
  });
});
