import { readFile, writeFile } from 'node:fs/promises';
import type { AuditReport } from '../audit/types.js';
import type { AwsAccessFailure } from '../aws/clients.js';
import { awsAccessProblem } from '../aws/errors.js';
import { unwrapIntake } from '../changes/intake-envelope.js';
import { type Config, loadConfig } from '../config/config.js';
import { EventParseError, errorMessage, errorText, InvalidInputError } from '../errors.js';
import type { SecretsMap } from '../map/types.js';
import type { RefreshRequest } from '../pipeline/run-refresh.js';
import { EXIT, type ParsedCommand, parseCommand, VERSION } from './command-line.js';
import { type FormatOptions, formatAuditReport, formatQuietAudit, formatQuietReport, formatReport } from './format-report.js';
import { withHomeRegion } from './home-region.js';
import { type ProgressTiming, type ScanProgress, scanProgress } from './progress.js';
import { createStyle, useColor } from './style.js';

export { COMMANDS, commandUsage, EXIT, USAGE } from './command-line.js';

/** Where the CLI reads and writes; injected so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readText: (path: string) => Promise<string>;
  /** Writes a file (`map --html`); the real file system when absent. */
  readonly writeText?: (path: string, text: string) => Promise<void>;
  /** One line about the runtime, printed on stderr once a command runs (see `runtimeNotice`), except with `--quiet`. */
  readonly notice?: string;
  /** Whether stdout is a terminal: the human output is coloured only then (and `NO_COLOR` turns it off). */
  readonly stdoutIsTTY?: boolean;
  /** Whether stderr is a terminal: the progress line of a long scan is drawn only then. */
  readonly stderrIsTTY?: boolean;
  /** The terminal's width (stderr's), for the progress line. */
  readonly columns?: number;
  /** When the progress line appears and how often it is redrawn; the default shows it only for scans past 0.7 s. */
  readonly progressTiming?: ProgressTiming;
}

/**
 * The `secret-refresh` command line. Same pipeline as the Lambda functions.
 *
 * @returns the exit code ({@link EXIT}): 0 success or nothing to do, 1 some target failed or the audit or the map is
 * incomplete, 2 invalid input, 3 AWS could not be reached or no credentials were found.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Exclude<ParsedCommand, { type: 'help' | 'version' }>;
  let request: RefreshRequest | readonly RefreshRequest[] | undefined;
  try {
    const parsed = parseCommand(argv);
    if (parsed.type === 'help') {
      io.stdout(parsed.text);
      return EXIT.ok;
    }
    if (parsed.type === 'version') {
      io.stdout(`secret-refresh ${VERSION}\n`);
      return EXIT.ok;
    }
    command = parsed;
    if (command.type === 'event') request = await readEvents(command.files, io);
    else if (command.type === 'refresh') request = command.request;
  } catch (error) {
    return invalid(error, io);
  }
  const access: AwsAccessFailure[] = [];
  let progress: ScanProgress | undefined;
  try {
    const config = loadConfig(await withHomeRegion(io.env));
    const quiet = command.type !== 'map' && command.quiet;
    if (io.notice && !quiet) io.stderr(`${io.notice}\n`);
    const pipeline = await loadPipeline();
    progress =
      io.stderrIsTTY && !quiet
        ? scanProgress(io.stderr, { ...(io.columns ? { columns: io.columns } : {}), ...(io.progressTiming ? { timing: io.progressTiming } : {}) })
        : undefined;
    const dependencies = pipeline.createPipelineDependencies(config, {
      onAccessFailure: (failure) => access.push(failure),
      ...(progress ? { onCall: progress.onCall } : {}),
    });
    const format: FormatOptions = { style: createStyle(useColor(io.stdoutIsTTY, io.env)), command: argv };
    let code: number;
    if (command.type === 'map') {
      const map = await pipeline.mapAccount(config, dependencies, new Date());
      progress?.stop();
      code = await mapOutcome(map, pipeline, command, io, access.length > 0);
    } else if (!request) {
      const report = await pipeline.runAudit(config, dependencies, new Date());
      progress?.stop();
      const text = command.json ? `${JSON.stringify(report, null, 2)}\n` : quiet ? formatQuietAudit(report) : formatAuditReport(report, format);
      code = auditOutcome(report, pipeline.auditIncomplete(report), text, io, access.length > 0);
    } else {
      const dryRun = command.type !== 'audit' && command.dryRun;
      const report = await pipeline.runRefresh(request, config, dependencies, { dryRun, leaseWaitMs: CLI_LEASE_WAIT_MS });
      progress?.stop();
      const text = command.json ? `${JSON.stringify(report, null, 2)}\n` : quiet ? formatQuietReport(report) : formatReport(report, format);
      if (text) io.stdout(text);
      const { inputs, invalid } = report.summary;
      // Every input of `event` unreadable: invalid input (2); some of them, or a failed target: 1.
      if (invalid > 0 && invalid === inputs) code = EXIT.invalidInput;
      else code = pipeline.reportFailed(report) || invalid > 0 ? EXIT.failed : EXIT.ok;
    }
    return access.length > 0 ? unavailable(access, io, config) : code;
  } catch (error) {
    progress?.stop();
    if (error instanceof InvalidInputError) return invalid(error, io);
    if (error instanceof Error && error.name === 'LeaseUnavailableError') {
      io.stderr(`secret-refresh: ${error.message.replace('the changes are delivered again', 'try again later')}\n`);
      return EXIT.failed;
    }
    const problem = awsAccessProblem(error);
    if (access.length > 0 || problem) {
      return unavailable(
        access.length > 0 ? access : [{ problem: problem ?? 'unreachable', service: 'aws', region: '', operation: '', message: errorText(error) }],
        io,
      );
    }
    io.stderr(`secret-refresh: unexpected error: ${errorText(error)}\n`);
    return EXIT.failed;
  }
}

/**
 * The pipeline, loaded only when a command runs: `--help`, `--version` and a refused command line never load the
 * AWS SDK (that is what keeps them fast).
 */
async function loadPipeline() {
  const [audit, dependencies, pipeline, report, map] = await Promise.all([
    import('../audit/run-audit.js'),
    import('../pipeline/dependencies.js'),
    import('../pipeline/run-refresh.js'),
    import('../report/build-report.js'),
    import('../map/index.js'),
  ]);
  return {
    runAudit: audit.runAudit,
    auditIncomplete: audit.auditIncomplete,
    createPipelineDependencies: dependencies.createPipelineDependencies,
    runRefresh: pipeline.runRefresh,
    reportFailed: report.reportFailed,
    mapAccount: map.mapAccount,
    mapIncomplete: map.mapIncomplete,
    formatMap: map.formatMap,
    renderMapPage: map.renderMapPage,
  };
}

/**
 * Writes the page (`--html`) first, then prints the map: the text, or the JSON document with `--json`. Exit 0 when
 * everything could be read, 1 when the map is incomplete (the map's warnings say what could not be read). A page
 * that cannot be written is invalid input (exit 2: a path to fix), with nothing printed.
 */
async function mapOutcome(
  map: SecretsMap,
  pipeline: Awaited<ReturnType<typeof loadPipeline>>,
  command: { readonly json: boolean; readonly html?: string },
  io: CliIo,
  unreachable: boolean,
): Promise<number> {
  if (command.html) {
    try {
      await (io.writeText ?? ((path, text) => writeFile(path, text, 'utf8')))(command.html, pipeline.renderMapPage(map));
    } catch (error) {
      throw new InvalidInputError(`cannot write the map page to ${command.html}: ${errorMessage(error)}`);
    }
  }
  io.stdout(command.json ? `${JSON.stringify(map, null, 2)}\n` : pipeline.formatMap(map));
  if (command.html) io.stderr(`secret-refresh: map page written to ${command.html}\n`);
  if (!pipeline.mapIncomplete(map)) return EXIT.ok;
  if (!unreachable) {
    io.stderr(
      `secret-refresh: map incomplete: ${map.summary.inventoryProblems} thing(s) could not be read, so readers and findings behind them may be missing\n`,
    );
  }
  return EXIT.failed;
}

/**
 * Prints the audit; exit 0 when every service could be judged, 1 when something could not be read (the audit is
 * incomplete: never an "all clear" on what it could not see). When AWS itself could not be reached, the caller
 * says so instead (exit 3).
 */
function auditOutcome(report: AuditReport, incomplete: boolean, text: string, io: CliIo, unreachable: boolean): number {
  if (text) io.stdout(text);
  if (!incomplete) return EXIT.ok;
  if (!unreachable) {
    io.stderr(`secret-refresh: audit incomplete: ${report.summary.inventoryProblems} thing(s) could not be read, so services behind them were not judged\n`);
  }
  return EXIT.failed;
}

/**
 * Exit 3 with one line saying why AWS could not be asked: no credentials (what to set), or an endpoint that did not
 * answer (which one, and where the endpoint came from).
 */
function unavailable(failures: readonly AwsAccessFailure[], io: CliIo, config?: Config): number {
  const noCredentials = failures.find((failure) => failure.problem === 'no-credentials');
  const first = noCredentials ?? failures[0];
  const more = failures.length > 1 ? `, and ${failures.length - 1} more call(s)` : '';
  const where = first?.operation ? ` (${first.service} ${first.region} ${first.operation}${more})` : '';
  if (noCredentials) {
    io.stderr(
      `secret-refresh: no AWS credentials found${where}: ${first?.message}; set AWS_PROFILE (and run aws sso login if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n`,
    );
  } else {
    const endpoint = io.env.AWS_ENDPOINT_URL ? `AWS_ENDPOINT_URL (${io.env.AWS_ENDPOINT_URL})` : `the Region${config ? ` (${config.regions.join(', ')})` : ''}`;
    io.stderr(`secret-refresh: cannot reach AWS${where}: ${first?.message}; check the network and ${endpoint}\n`);
  }
  return EXIT.awsUnavailable;
}

/** How long the CLI waits for another run's lease of the account (the Lambda waits less: its time is bounded). */
const CLI_LEASE_WAIT_MS = 300_000;

/**
 * The events of the `event` command's files: one request when they hold exactly one event (a single-event run, as
 * before batches), else a batch. Each event's source is its file (`file:line` for JSON lines, `file[i]` inside an
 * array, the SQS message id inside a queue message).
 */
async function readEvents(files: readonly string[], io: CliIo): Promise<RefreshRequest | RefreshRequest[]> {
  const requests: RefreshRequest[] = [];
  for (const file of files) {
    for (const { value, source } of parseEventText(await readInput(file, io), file)) {
      const events = unwrapIntake(value, source);
      events.forEach((found, index) => {
        const where = found.source !== source || events.length === 1 ? (found.source ?? source) : `${source}[${index}]`;
        requests.push({ type: 'event', event: found.event, source: where });
      });
    }
  }
  if (requests.length === 0) throw new EventParseError(`${files.join(', ')}: no event found`);
  return requests.length === 1 ? (requests[0] as RefreshRequest) : requests;
}

async function readInput(file: string, io: CliIo): Promise<string> {
  try {
    return await io.readText(file);
  } catch (error) {
    throw new InvalidInputError(`cannot read event file ${file}: ${errorMessage(error)}`);
  }
}

/** One JSON value (an event, an array, an envelope), or JSON lines (one value a line). */
function parseEventText(text: string, file: string): { value: unknown; source: string }[] {
  try {
    return [{ value: JSON.parse(text) as unknown, source: file }];
  } catch (error) {
    const lines = text.split('\n').map((line, index) => ({ line: line.trim(), number: index + 1 }));
    const values = lines.filter(({ line }) => line.length > 0);
    if (values.length < 2) throw new EventParseError(`${file} is not valid JSON: ${errorMessage(error)}`);
    return values.map(({ line, number }) => {
      try {
        return { value: JSON.parse(line) as unknown, source: `${file}:${number}` };
      } catch (lineError) {
        throw new EventParseError(`${file}:${number} is not valid JSON (one event a line): ${errorMessage(lineError)}`);
      }
    });
  }
}

function invalid(error: unknown, io: CliIo): number {
  const message = errorMessage(error);
  io.stderr(`secret-refresh: ${message.split('\n')[0]}\n`);
  return EXIT.invalidInput;
}

/** The real process I/O. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
    readText: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
