import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { auditIncomplete, runAudit } from '../audit/run-audit.js';
import { type Config, loadConfig } from '../config/config.js';
import { describeSettings } from '../config/settings.js';
import { EventParseError, errorMessage, errorText, InvalidInputError } from '../errors.js';
import { createPipelineDependencies } from '../pipeline/dependencies.js';
import { type RefreshRequest, runRefresh } from '../pipeline/run-refresh.js';
import { reportFailed } from '../report/build-report.js';
import { formatAuditReport, formatReport } from './format-report.js';

/** Exit codes: part of the public interface, scripts depend on them. */
export const EXIT = { ok: 0, failed: 1, invalidInput: 2 } as const;

/** Where the CLI reads and writes; injected so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readText: (path: string) => Promise<string>;
}

/** The `--help` text; its environment part is generated from the settings table. */
export const USAGE = `Usage:
  secret-refresh event <file|-> [--dry-run] [--json]
      Handle one EventBridge event (JSON file, or - for stdin) as the Lambda functions would.
  secret-refresh refresh --ref <arn-or-name> [--kind secret|parameter] [--dry-run] [--json] [--confirm-large]
      Redeploy every ECS service (and resubmit Batch jobs, by policy) that reads this secret or parameter
      (no "already fresh" skip). --confirm-large goes past the blast-radius cap (SECRET_REFRESH_MAX_TARGETS).

  secret-refresh audit [--json]
      Report-only staleness audit: ECS services deployed before a secret or parameter they read last changed.

Options:
  --dry-run   plan and report, change nothing (also SECRET_REFRESH_DRY_RUN=true)
  --json      print only the JSON report on stdout (messages go to stderr)
  --help      this text

Environment (see README, "Configuration"):
${describeSettings()}

Exit codes: 0 success or nothing to do; 1 a target failed; 2 invalid input (nothing was changed).
`;

/**
 * The `secret-refresh` command line. Same pipeline as the Lambda functions.
 *
 * @returns the exit code: 0 success or nothing to do, 1 some target failed, 2 invalid input.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: Exclude<ParsedCommand, 'help'>;
  let request: RefreshRequest | undefined;
  try {
    const command = parseCommand(argv);
    if (command === 'help') {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    parsed = command;
    if (parsed.type === 'event') request = { type: 'event', event: parseEventText(await readInput(parsed.file, io), parsed.file) };
    else if (parsed.type === 'refresh') request = parsed.request;
  } catch (error) {
    return invalid(error, io);
  }
  try {
    const config = loadConfig(io.env);
    if (!request) return await audit(config, parsed.json, io);
    const report = await runRefresh(request, config, createPipelineDependencies(config), { dryRun: parsed.dryRun });
    if (parsed.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(formatReport(report));
    return reportFailed(report) ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (error instanceof InvalidInputError) return invalid(error, io);
    io.stderr(`secret-refresh: unexpected error: ${errorText(error)}\n`);
    return EXIT.failed;
  }
}

type ParsedCommand =
  | 'help'
  | { type: 'audit'; json: boolean; dryRun: boolean }
  | { type: 'event'; file: string; json: boolean; dryRun: boolean }
  | { type: 'refresh'; request: RefreshRequest & { type: 'manual' }; json: boolean; dryRun: boolean };

function parseCommand(argv: readonly string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return 'help';
  if (command !== 'event' && command !== 'refresh' && command !== 'audit') {
    throw new InvalidInputError(`unknown command "${command}": use "event", "refresh" or "audit" (see --help)`);
  }
  let values: { json?: boolean; 'dry-run'?: boolean; ref?: string; kind?: string; help?: boolean; 'confirm-large'?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...(command === 'refresh'
          ? { ref: { type: 'string' as const }, kind: { type: 'string' as const }, 'confirm-large': { type: 'boolean' as const } }
          : {}),
      },
    }) as { values: typeof values; positionals: string[] });
  } catch (error) {
    throw new InvalidInputError(`${command}: ${errorMessage(error)} (see --help)`);
  }
  if (values.help) return 'help';
  const json = values.json === true;
  const dryRun = values['dry-run'] === true;
  if (command === 'audit') {
    if (positionals.length > 0) throw new InvalidInputError(`audit: unexpected argument "${positionals[0]}"`);
    return { type: 'audit', json, dryRun };
  }
  if (command === 'event') {
    if (positionals.length !== 1 || positionals[0] === undefined) {
      throw new InvalidInputError('event: give exactly one event file (or - for stdin)');
    }
    return { type: 'event', file: positionals[0], json, dryRun };
  }
  if (positionals.length > 0) throw new InvalidInputError(`refresh: unexpected argument "${positionals[0]}" (use --ref)`);
  if (!values.ref) throw new InvalidInputError('refresh: --ref <arn-or-name> is required');
  if (values.kind !== undefined && values.kind !== 'secret' && values.kind !== 'parameter') {
    throw new InvalidInputError(`refresh: --kind must be "secret" or "parameter", got "${values.kind}"`);
  }
  const kind = values.kind as 'secret' | 'parameter' | undefined;
  const confirmLarge = values['confirm-large'] === true;
  return { type: 'refresh', request: { type: 'manual', ref: values.ref, ...(kind ? { kind } : {}), ...(confirmLarge ? { confirmLarge } : {}) }, json, dryRun };
}

/**
 * `secret-refresh audit`: report-only. Exit 0 when every service could be judged; 1 when something could not be
 * read (the audit is incomplete: never an "all clear" on what it could not see).
 */
async function audit(config: Config, json: boolean, io: CliIo): Promise<number> {
  const report = await runAudit(config, createPipelineDependencies(config), new Date());
  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatAuditReport(report));
  if (!auditIncomplete(report)) return EXIT.ok;
  io.stderr(`secret-refresh: audit incomplete: ${report.summary.inventoryProblems} thing(s) could not be read, so services behind them were not judged\n`);
  return EXIT.failed;
}

async function readInput(file: string, io: CliIo): Promise<string> {
  try {
    return await io.readText(file);
  } catch (error) {
    throw new InvalidInputError(`cannot read event file ${file}: ${errorMessage(error)}`);
  }
}

function parseEventText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EventParseError(`${file} is not valid JSON: ${errorMessage(error)}`);
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
    readText: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
