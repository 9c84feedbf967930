import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, EXIT, main, USAGE } from '../../../lib/cli/main.js';

/** Every path tested here must end before any AWS call; an unroutable endpoint makes a stray call fail loudly. */
const ENV = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } as const;

interface CapturedIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  readonly reads: string[];
}

/** An in-memory CLI I/O; `files` maps a path to its text, any other path fails to read like a missing file. */
function captureIo(files: Record<string, string> = {}, env: Record<string, string | undefined> = ENV): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const reads: string[] = [];
  return {
    out,
    err,
    reads,
    env,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readText: (path) => {
      reads.push(path);
      const text = files[path];
      return text === undefined ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`)) : Promise.resolve(text);
    },
  };
}

/** Runs `main` and checks the invalid-input contract: exit 2, nothing on stdout, one `secret-refresh:` line on stderr. */
async function expectInvalid(argv: readonly string[], io: CapturedIo = captureIo()): Promise<string> {
  const code = await main(argv, io);
  expect(code).toBe(EXIT.invalidInput);
  expect(code).toBe(2);
  expect(io.out).toEqual([]);
  expect(io.err).toHaveLength(1);
  const line = io.err[0] ?? '';
  expect(line).toMatch(/^secret-refresh: [^\n]+\n$/);
  return line;
}

const SAMPLE_ECS_EVENT = JSON.stringify({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'ECS Deployment State Change',
  source: 'aws.ecs',
  account: '111122223333',
  time: '2025-03-10T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {},
});

beforeEach(() => {
  // The SDK reads its endpoint from process.env, not from io.env.
  vi.stubEnv('AWS_ENDPOINT_URL', ENV.AWS_ENDPOINT_URL);
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('main: help', () => {
  it.each([[['--help']], [['-h']], [['help']], [[]], [['event', '--help']], [['refresh', '-h']]])(
    'prints the usage on stdout and exits 0 for %j',
    async (argv) => {
      const io = captureIo();
      expect(await main(argv, io)).toBe(EXIT.ok);
      expect(io.out).toEqual([USAGE]);
      expect(io.err).toEqual([]);
    },
  );

  it('usage documents both commands and the exit codes', () => {
    expect(USAGE).toContain('secret-refresh event <file|->');
    expect(USAGE).toContain('secret-refresh refresh --ref <arn-or-name>');
    expect(USAGE).toContain('Exit codes: 0 success or nothing to do; 1 a target failed; 2 invalid input');
  });
});

describe('main: invalid command lines exit 2 before any AWS call', () => {
  it('refuses an unknown command', async () => {
    const line = await expectInvalid(['redeploy']);
    expect(line).toBe('secret-refresh: unknown command "redeploy": use "event", "refresh" or "audit" (see --help)\n');
  });

  it('refuses an unknown option of event', async () => {
    const io = captureIo({ x: SAMPLE_ECS_EVENT });
    const line = await expectInvalid(['event', 'x', '--bogus'], io);
    expect(line).toMatch(/^secret-refresh: event: .*--bogus.*\(see --help\)\n$/);
    expect(io.reads).toEqual([]);
  });

  it('refuses --ref on the event command', async () => {
    const line = await expectInvalid(['event', 'x', '--ref', 'demo/db'], captureIo({ x: SAMPLE_ECS_EVENT }));
    expect(line).toContain('--ref');
  });

  it('refuses event without a file', async () => {
    const line = await expectInvalid(['event']);
    expect(line).toBe('secret-refresh: event: give exactly one event file (or - for stdin)\n');
  });

  it('refuses event with two files', async () => {
    const line = await expectInvalid(['event', 'a.json', 'b.json']);
    expect(line).toBe('secret-refresh: event: give exactly one event file (or - for stdin)\n');
  });

  it('refuses refresh without --ref', async () => {
    const line = await expectInvalid(['refresh', '--dry-run']);
    expect(line).toBe('secret-refresh: refresh: --ref <arn-or-name> is required\n');
  });

  it('refuses refresh with an empty --ref', async () => {
    const line = await expectInvalid(['refresh', '--ref', '']);
    expect(line).toBe('secret-refresh: refresh: --ref <arn-or-name> is required\n');
  });

  it('refuses refresh with a positional argument instead of --ref', async () => {
    const line = await expectInvalid(['refresh', 'demo/db']);
    expect(line).toBe('secret-refresh: refresh: unexpected argument "demo/db" (use --ref)\n');
  });

  it('refuses a --kind other than secret or parameter', async () => {
    const line = await expectInvalid(['refresh', '--ref', 'demo/db', '--kind', 'Secret']);
    expect(line).toBe('secret-refresh: refresh: --kind must be "secret" or "parameter", got "Secret"\n');
  });

  it('refuses --ref without a value', async () => {
    const line = await expectInvalid(['refresh', '--ref']);
    expect(line).toMatch(/^secret-refresh: refresh: .*--ref/);
  });
});

describe('main: event files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'secret-refresh-cli-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** The same I/O as captureIo, but reading real files. */
  function fileIo(env: Record<string, string | undefined> = ENV): CapturedIo {
    return { ...captureIo({}, env), readText: (path) => readFile(path, 'utf8') };
  }

  it('refuses an event file that cannot be read and names it', async () => {
    const missing = join(directory, 'missing.json');
    const line = await expectInvalid(['event', missing], fileIo());
    expect(line).toMatch(new RegExp(`^secret-refresh: cannot read event file ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
  });

  it('refuses an event file that is not JSON and names it', async () => {
    const file = join(directory, 'not-json.json');
    writeFileSync(file, '{ "source": "aws.ssm", ');
    const line = await expectInvalid(['event', file], fileIo());
    expect(line.startsWith(`secret-refresh: ${file} is not valid JSON: `)).toBe(true);
  });

  it('refuses stdin text that is not JSON, naming it -', async () => {
    const line = await expectInvalid(['event', '-'], captureIo({ '-': 'hello' }));
    expect(line.startsWith('secret-refresh: - is not valid JSON: ')).toBe(true);
  });

  it('refuses a JSON event of an unknown detail-type before any AWS call', async () => {
    const file = join(directory, 'ecs.json');
    writeFileSync(file, SAMPLE_ECS_EVENT);
    const line = await expectInvalid(['event', file, '--dry-run'], fileIo());
    expect(line).toContain('not a secret or parameter change event: source "aws.ecs" with detail-type "ECS Deployment State Change"');
  });

  it('refuses the ECS deployment sample event from events/', async () => {
    const sample = new URL('../../../events/ecs-deployment-state-change-failed.json', import.meta.url).pathname;
    const line = await expectInvalid(['event', sample, '--json'], fileIo());
    expect(line).toContain('not a secret or parameter change event');
  });

  it('refuses a JSON value that is not an event object', async () => {
    const line = await expectInvalid(['event', 'list.json'], captureIo({ 'list.json': '[1, 2]' }));
    expect(line).toBe('secret-refresh: event must be an EventBridge event object, got an array\n');
  });
});

describe('main: configuration', () => {
  it('refuses to run without AWS_REGION, with exit 2', async () => {
    const io = captureIo({ 'e.json': SAMPLE_ECS_EVENT }, { AWS_ENDPOINT_URL: ENV.AWS_ENDPOINT_URL });
    const line = await expectInvalid(['event', 'e.json'], io);
    expect(line).toMatch(/^secret-refresh: Invalid configuration: AWS_REGION is not set/);
  });

  it('refuses an invalid SECRET_REFRESH_REGIONS for refresh, with exit 2', async () => {
    const io = captureIo({}, { ...ENV, SECRET_REFRESH_REGIONS: 'us-east-1,nope' });
    const line = await expectInvalid(['refresh', '--ref', 'demo/db'], io);
    expect(line).toContain('SECRET_REFRESH_REGIONS has invalid Region(s) "nope"');
  });

  it('refuses a misspelled setting with exit 2 and the setting it meant, before any AWS call', async () => {
    const io = captureIo({}, { ...ENV, SECRET_REFRESH_DRYRUN: 'true' });
    const line = await expectInvalid(['refresh', '--ref', 'demo/db'], io);
    expect(line).toBe('secret-refresh: Invalid configuration: SECRET_REFRESH_DRYRUN is not a secret-refresh setting: did you mean SECRET_REFRESH_DRY_RUN?\n');
  });

  it('checks the command line before the configuration', async () => {
    const line = await expectInvalid(['refresh'], captureIo({}, {}));
    expect(line).toBe('secret-refresh: refresh: --ref <arn-or-name> is required\n');
  });
});
