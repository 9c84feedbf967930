import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, COMMANDS, commandUsage, EXIT, main, USAGE } from '../../../lib/cli/main.js';

/** Every path tested here must end before any AWS call; an unroutable endpoint makes a stray call fail loudly. */
const ENV = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } as const;
/** Shared AWS config and credentials files that do not exist: no profile Region, no profile credentials. */
const NO_SHARED_FILES = { AWS_CONFIG_FILE: '/nonexistent/aws/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws/credentials' } as const;

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

describe('main: help and version', () => {
  it.each([[['--help']], [['-h']], [['help']], [[]]])('prints the usage on stdout and exits 0 for %j', async (argv) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(EXIT.ok);
    expect(io.out).toEqual([USAGE]);
    expect(io.err).toEqual([]);
  });

  it('usage documents every command, --version, the command help and the exit codes', () => {
    expect(USAGE).toContain('secret-refresh event <file|->...');
    expect(USAGE).toContain('secret-refresh refresh --ref <arn-or-name>');
    expect(USAGE).toContain('secret-refresh audit [--json|--quiet]');
    expect(USAGE).toContain('secret-refresh map [--json] [--html <file>]');
    expect(USAGE).toContain('secret-refresh rollouts [--json]');
    expect(USAGE).toContain('secret-refresh approve <rollout>');
    expect(USAGE).toContain('secret-refresh reject <rollout>');
    expect(USAGE).toContain('[--confirm-large] [--now] [--wait]');
    expect(USAGE).toContain('secret-refresh --version');
    expect(USAGE).toContain('secret-refresh <command> --help');
    expect(USAGE).toContain(
      'Exit codes: 0 success or nothing to do; 1 a target failed, some events of a batch were invalid or could not be handled,\n            the audit or map is incomplete, or the rollout refresh --wait followed failed; 2 invalid input',
    );
    expect(USAGE).toContain('3 AWS could not be reached or no credentials were found.');
  });

  it("prints package.json's version for --version and exits 0", async () => {
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(EXIT.ok);
    expect(io.out).toEqual([`secret-refresh ${version}\n`]);
    expect(io.err).toEqual([]);
  });

  it.each<[string, string[], string[]]>([
    ['event', ['--dry-run', '--json', '-q, --quiet', '-h, --help'], ['--ref', '--confirm-large']],
    ['refresh', ['--ref <arn-or-name>', '--kind secret|parameter', '--dry-run', '--json', '--confirm-large', '-q, --quiet', '-h, --help'], []],
    ['audit', ['--json', '-q, --quiet', '-h, --help'], ['--dry-run', '--ref', '--confirm-large']],
    ['map', ['--json', '--html <file>', '-h, --help'], ['--dry-run', '--ref', '--confirm-large', '--quiet']],
  ])("%s --help prints that command's own help, not the global one", async (command, has, hasNot) => {
    for (const flag of ['--help', '-h']) {
      const io = captureIo();
      expect(await main([command, flag], io)).toBe(EXIT.ok);
      expect(io.out).toEqual([commandUsage(command as keyof typeof COMMANDS)]);
      const text = io.out[0] ?? '';
      expect(text).not.toBe(USAGE);
      expect(text.startsWith(`Usage: ${COMMANDS[command as keyof typeof COMMANDS].synopsis}\n`)).toBe(true);
      for (const option of has) expect(text).toContain(`  ${option} `);
      for (const option of hasNot) expect(text).not.toContain(option);
      expect(text).toContain('secret-refresh --help lists them all');
    }
  });

  it('prints the runtime notice once on stderr when a command runs, never for help or version', async () => {
    const notice = 'secret-refresh: note: Node.js 20.20.2; AWS SDK releases after early January 2027 need Node.js 22 or later';
    for (const argv of [['--help'], ['--version'], ['audit', '--help']]) {
      const io = { ...captureIo(), notice };
      await main(argv, io);
      expect(io.err).toEqual([]);
    }
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
    const running = { ...captureIo({}, { ...ENV, ...NO_SHARED_FILES }), notice };
    await main(['audit'], running);
    expect(running.err[0]).toBe(`${notice}\n`);
    expect(running.err.filter((line) => line.includes('Node.js'))).toHaveLength(1);
    // The audit runs against a closed port: the SDK's retries with backoff take ~2.4 s on a quiet machine and
    // went past the default 5 s on a loaded CI runner.
  }, 20_000);

  it('answers help even after other arguments, without reading the event file', async () => {
    const io = captureIo({ x: SAMPLE_ECS_EVENT });
    expect(await main(['event', 'x', '--dry-run', '--help'], io)).toBe(EXIT.ok);
    expect(io.out).toEqual([commandUsage('event')]);
    expect(io.reads).toEqual([]);
  });
});

describe('main: invalid command lines exit 2 before any AWS call', () => {
  it('refuses an unknown command', async () => {
    const line = await expectInvalid(['redeploy']);
    expect(line).toBe('secret-refresh: unknown command "redeploy": use "event", "refresh", "rollouts", "approve", "reject", "audit" or "map" (see --help)\n');
  });

  it('refuses an unknown option of event with our own message naming it and the options event takes', async () => {
    const io = captureIo({ x: SAMPLE_ECS_EVENT });
    const line = await expectInvalid(['event', 'x', '--bogus'], io);
    expect(line).toBe('secret-refresh: event: unknown option --bogus (event takes --dry-run, --json, --quiet, --help; see secret-refresh event --help)\n');
    expect(io.reads).toEqual([]);
  });

  it.each<[string[], string]>([
    [
      ['refresh', '--ref', 'demo/db', '--dryrun'],
      'refresh: unknown option --dryrun (refresh takes --ref, --kind, --dry-run, --json, --confirm-large, --now, --wait, --quiet, --help; see secret-refresh refresh --help)',
    ],
    [['audit', '--dry-run'], 'audit: unknown option --dry-run (audit takes --json, --quiet, --help; see secret-refresh audit --help)'],
    [['audit', '-x'], 'audit: unknown option -x (audit takes --json, --quiet, --help; see secret-refresh audit --help)'],
    [['event', 'x', '--ref', 'demo/db'], 'event: unknown option --ref (event takes --dry-run, --json, --quiet, --help; see secret-refresh event --help)'],
    [['map', '--quiet'], 'map: unknown option --quiet (map takes --json, --html, --help; see secret-refresh map --help)'],
    [['audit', '--json', '--quiet'], 'audit: --quiet and --json cannot be combined (--json prints only the report, --quiet only failures)'],
    [['event', 'x', '-q', '--json'], 'event: --quiet and --json cannot be combined (--json prints only the report, --quiet only failures)'],
    [['--bogus'], 'unknown option --bogus: give a command ("event", "refresh", "rollouts", "approve", "reject", "audit" or "map"), --help or --version'],
    [['map', '--dry-run'], 'map: unknown option --dry-run (map takes --json, --html, --help; see secret-refresh map --help)'],
    [['map', 'map.html'], 'map: unexpected argument "map.html" (see secret-refresh map --help)'],
    [['map', '--html'], 'map: --html needs a value: --html <file>'],
    [['map', '--html', '--json'], 'map: --html needs a value: --html <file>'],
    [['map', '--html', '-'], 'map: --html needs a file to write the page to, got "-" (--json prints the document on stdout)'],
    [['map', '--html='], 'map: --html needs a file to write the page to, got "" (--json prints the document on stdout)'],
    [['--version', 'audit'], '--version takes no argument, got "audit"'],
    [['audit', '--json=yes'], 'audit: --json takes no value, got "--json=yes"'],
    [['refresh', '--ref', '--json'], 'refresh: --ref needs a value: --ref <arn-or-name>'],
    [['refresh', '--kind'], 'refresh: --kind needs a value: --kind secret|parameter'],
  ])("refuses %j with exit 2 and its own one-line message, not Node's parser text", async (argv, message) => {
    const line = await expectInvalid(argv, captureIo({ x: SAMPLE_ECS_EVENT }));
    expect(line).toBe(`secret-refresh: ${message}\n`);
    expect(line).not.toMatch(/ERR_PARSE_ARGS|To specify an option argument|Unknown option '/);
  });

  it('refuses event without a file', async () => {
    const line = await expectInvalid(['event']);
    expect(line).toBe('secret-refresh: event: give at least one event file (or - for stdin)\n');
  });

  it('refuses standard input given twice', async () => {
    const line = await expectInvalid(['event', '-', 'a.json', '-']);
    expect(line).toBe('secret-refresh: event: standard input (-) can be given once\n');
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
    expect(line).toBe('secret-refresh: refresh: --ref needs a value: --ref <arn-or-name>\n');
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
    const line = await expectInvalid(['event', 'number.json'], captureIo({ 'number.json': '42' }));
    expect(line).toBe('secret-refresh: event must be an EventBridge event object, got a number\n');
  });

  it('reports every element of an array that is not an event as invalid, and exits 2 when none could be read', async () => {
    const io = captureIo({ 'list.json': '[1, "two"]' });
    expect(await main(['event', 'list.json'], io)).toBe(EXIT.invalidInput);
    const output = io.out.join('');
    expect(output.startsWith('batch of 2 inputs: 2 invalid\n')).toBe(true);
    expect(output).toMatch(/\n {2}c1 {5}invalid {3}- {7}list\.json\[0\] {2}event must be an EventBridge event object, got a number\n/);
    expect(output).toMatch(/\n {2}c2 {5}invalid {3}- {7}list\.json\[1\] {2}event must be an EventBridge event object, got a string\n/);
    expect(output).toContain('\n  next: 2 inputs could not be read (c1 list.json[0], c2 list.json[1]): fix what the inputs table says, then run them again\n');
  });

  it('names the line of a JSON-lines file that is not JSON', async () => {
    const line = await expectInvalid(['event', 'lines.jsonl'], captureIo({ 'lines.jsonl': `${SAMPLE_ECS_EVENT.replaceAll('\n', '')}\n{ nope\n` }));
    expect(line).toMatch(/^secret-refresh: lines\.jsonl:2 is not valid JSON \(one event a line\): /);
  });
});

describe('main: configuration', () => {
  it('refuses to run without any Region (AWS_REGION, AWS_DEFAULT_REGION, the profile), with exit 2', async () => {
    const io = captureIo({ 'e.json': SAMPLE_ECS_EVENT }, { AWS_ENDPOINT_URL: ENV.AWS_ENDPOINT_URL, ...NO_SHARED_FILES });
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

describe('main: AWS that cannot be reached, or no credentials (exit 3, not 1 like a failed target)', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-Ab12Cd';

  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
  });

  it('refresh: exits 3 with "cannot reach AWS", the call and where the endpoint came from', async () => {
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES });
    expect(await main(['refresh', '--ref', SECRET_ARN, '--dry-run'], io)).toBe(EXIT.awsUnavailable);
    expect(EXIT.awsUnavailable).toBe(3);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([
      'secret-refresh: cannot reach AWS (secretsmanager us-east-1 DescribeSecret): Error: connect ECONNREFUSED 127.0.0.1:9; check the network and AWS_ENDPOINT_URL (http://127.0.0.1:9)\n',
    ]);
  });

  it('audit: exits 3, and its output says INCOMPLETE instead of "all clear"', async () => {
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES });
    expect(await main(['audit'], io)).toBe(EXIT.awsUnavailable);
    const output = io.out.join('');
    expect(output).toContain('  warning: inventory: us-east-1 ListClusters: Error: connect ECONNREFUSED 127.0.0.1:9\n');
    expect(output).toContain(
      '  INCOMPLETE: 1 thing(s) could not be read (the warnings above), so services behind them were not judged: this is not "all clear"\n',
    );
    expect(io.err).toEqual([
      'secret-refresh: cannot reach AWS (ecs us-east-1 ListClusters): Error: connect ECONNREFUSED 127.0.0.1:9; check the network and AWS_ENDPOINT_URL (http://127.0.0.1:9)\n',
    ]);
  });

  it('audit --json: the report on stdout counts the problem, the reason on stderr', async () => {
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES });
    expect(await main(['audit', '--json'], io)).toBe(3);
    const report = JSON.parse(io.out.join('')) as { summary: { inventoryProblems: number; servicesScanned: number } };
    expect(report.summary).toMatchObject({ inventoryProblems: 1, servicesScanned: 0 });
    expect(io.err).toHaveLength(1);
  });

  it('map: exits 3 with "cannot reach AWS" and prints no map (the account is asked first)', async () => {
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES });
    const written: string[] = [];
    expect(await main(['map', '--html', 'map.html'], { ...io, writeText: async (path) => void written.push(path) })).toBe(EXIT.awsUnavailable);
    expect(io.out).toEqual([]);
    expect(written).toEqual([]);
    expect(io.err).toEqual([
      'secret-refresh: cannot reach AWS (sts us-east-1 GetCallerIdentity): Error: connect ECONNREFUSED 127.0.0.1:9; check the network and AWS_ENDPOINT_URL (http://127.0.0.1:9)\n',
    ]);
  });

  it('map with SECRET_REFRESH_ACCOUNT_ID: exits 3, and the map it prints says INCOMPLETE instead of "all clear"', async () => {
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES, SECRET_REFRESH_ACCOUNT_ID: '111122223333' });
    expect(await main(['map'], io)).toBe(EXIT.awsUnavailable);
    const output = io.out.join('');
    expect(output).toContain('  warning: inventory: us-east-1 ListClusters: Error: connect ECONNREFUSED 127.0.0.1:9\n');
    expect(output).toContain('  warning: inventory: us-east-1 DescribeJobQueues: Error: connect ECONNREFUSED 127.0.0.1:9\n');
    expect(output).toMatch(/\n {2}INCOMPLETE: 3 thing\(s\) could not be read \(the warnings above\)/);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^secret-refresh: cannot reach AWS \((ecs|batch) us-east-1 \w+, and 2 more call\(s\)\): /);
  });

  it('exits 3 with "no AWS credentials found" and what to set, when the credential chain finds none', async () => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONFIG_FILE', NO_SHARED_FILES.AWS_CONFIG_FILE);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', NO_SHARED_FILES.AWS_SHARED_CREDENTIALS_FILE);
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES });
    expect(await main(['refresh', '--ref', SECRET_ARN], io)).toBe(EXIT.awsUnavailable);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(
      /^secret-refresh: no AWS credentials found \(secretsmanager us-east-1 DescribeSecret\): CredentialsProviderError: .+; set AWS_PROFILE \(and run aws sso login if it uses SSO\), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n$/,
    );
  });
});

describe('main: the home Region (AWS_REGION, else AWS_DEFAULT_REGION, else the profile)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'secret-refresh-profile-'));
  const configFile = join(directory, 'config');
  writeFileSync(configFile, '[default]\nregion = eu-central-1\n\n[profile ops]\nregion = ap-southeast-2\n');
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
  });

  /** The Regions `audit --json` scanned with `env` (the endpoint refuses connections: exit 3 after the scan). */
  async function scannedRegions(env: Record<string, string>): Promise<string[]> {
    const io = captureIo({}, { AWS_ENDPOINT_URL: ENV.AWS_ENDPOINT_URL, AWS_SHARED_CREDENTIALS_FILE: NO_SHARED_FILES.AWS_SHARED_CREDENTIALS_FILE, ...env });
    expect(await main(['audit', '--json'], io)).toBe(EXIT.awsUnavailable);
    return (JSON.parse(io.out.join('')) as { summary: { regions: string[] } }).summary.regions;
  }

  it('takes AWS_REGION first', async () => {
    expect(await scannedRegions({ AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1', AWS_CONFIG_FILE: configFile })).toEqual(['us-west-2']);
  });

  it('takes AWS_DEFAULT_REGION when AWS_REGION is unset', async () => {
    expect(await scannedRegions({ AWS_DEFAULT_REGION: 'eu-west-1', AWS_CONFIG_FILE: configFile })).toEqual(['eu-west-1']);
  });

  it("takes the default profile's region from AWS_CONFIG_FILE when neither is set", async () => {
    expect(await scannedRegions({ AWS_CONFIG_FILE: configFile })).toEqual(['eu-central-1']);
  });

  it('takes the region of the profile named by AWS_PROFILE', async () => {
    expect(await scannedRegions({ AWS_CONFIG_FILE: configFile, AWS_PROFILE: 'ops' })).toEqual(['ap-southeast-2']);
  });
});

describe('main: the rollout commands parse their command lines', () => {
  it.each([
    [['approve'], 'approve: give one rollout, as secret-refresh rollouts lists it: secret-refresh approve <rollout>'],
    [['reject', 'a', 'b'], 'reject: give one rollout, as secret-refresh rollouts lists it: secret-refresh reject <rollout>'],
    [['rollouts', 'extra'], 'rollouts: unexpected argument "extra" (see secret-refresh rollouts --help)'],
    [['refresh', '--ref', 'demo/db', '--wait', '--dry-run'], 'refresh: --wait follows a rollout, and a dry run starts none: drop one of --wait and --dry-run'],
  ])('refuses %j with exit 2 before any AWS call', async (argv, message) => {
    expect(await expectInvalid(argv)).toBe(`secret-refresh: ${message}\n`);
  });

  it('refuses rollouts without SECRET_REFRESH_STATE_MACHINE_ARN, naming the stack output', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
    const io = captureIo({}, { ...ENV, ...NO_SHARED_FILES });
    expect(await main(['rollouts'], io)).toBe(EXIT.invalidInput);
    expect(io.err).toEqual([
      'secret-refresh: rollouts lists the executions of the rollout state machine: set SECRET_REFRESH_STATE_MACHINE_ARN (the stack output RolloutStateMachineArn)\n',
    ]);
  });
});
