/**
 * The `secret-refresh` command line: its commands, their options, the help texts and the parser. Pure and light
 * (no AWS SDK), so `--help`, `--version` and a refused command line answer without loading the pipeline.
 */
import { parseArgs } from 'node:util';
import packageJson from '../../package.json' with { type: 'json' };
import { describeSettings } from '../config/settings.js';
import { InvalidInputError } from '../errors.js';
import type { RefreshRequest } from '../pipeline/run-refresh.js';

/** The version printed by `--version` (package.json's). */
export const VERSION: string = packageJson.version;

/**
 * Exit codes: part of the public interface, scripts depend on them (README, "CLI"). `awsUnavailable` (3): no
 * credentials were found, or an AWS endpoint did not answer; it wins over `failed` (fix the access, then run again).
 */
export const EXIT = { ok: 0, failed: 1, invalidInput: 2, awsUnavailable: 3 } as const;

/** The exit codes as the help prints them. */
const EXIT_CODES =
  'Exit codes: 0 success or nothing to do; 1 a target failed, some events of a batch were invalid or could not be handled,\n' +
  '            or the audit or map is incomplete; 2 invalid input (nothing was changed); 3 AWS could not be reached or no\n' +
  '            credentials were found.';

/** One option of a command. */
interface OptionSpec {
  readonly name: string;
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  /** The value's placeholder in the help (string options). */
  readonly value?: string;
  readonly help: string;
}

/** One command: how it is written, what it does, what it takes. */
interface CommandSpec {
  readonly synopsis: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
}

const DRY_RUN: OptionSpec = { name: 'dry-run', type: 'boolean', help: 'plan and report, change nothing (also SECRET_REFRESH_DRY_RUN=true)' };
const JSON_OUTPUT: OptionSpec = { name: 'json', type: 'boolean', help: 'print only the JSON report on stdout (messages go to stderr)' };
const QUIET: OptionSpec = {
  name: 'quiet',
  short: 'q',
  type: 'boolean',
  help: 'print only failures and refusals (nothing when all went well); the exit code says the rest',
};
const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: "this command's help" };

/** The commands, in the order of the help. */
export const COMMANDS = {
  event: {
    synopsis: 'secret-refresh event <file|->... [--dry-run] [--json|--quiet]',
    summary:
      "Handle EventBridge events as one batch, as the intake queue's function would (coalesced: one deployment per\n" +
      'service; services deployed after a change are skipped as already fresh). Each file (or - for stdin) holds one event,\n' +
      "a JSON array of events or JSON lines; an SQS message, an SQS event, 'aws sqs receive-message' output or a Lambda\n" +
      'on-failure record is unwrapped to its events. The change record, the lease and the limits are used when\n' +
      'SECRET_REFRESH_IDEMPOTENCY_TABLE is set.',
    options: [DRY_RUN, JSON_OUTPUT, QUIET, HELP],
  },
  refresh: {
    synopsis: 'secret-refresh refresh --ref <arn-or-name> [--kind secret|parameter] [--dry-run] [--json|--quiet] [--confirm-large]',
    summary:
      'Redeploy every ECS service (and resubmit Batch jobs, by policy) that reads this secret or parameter\n' +
      '(no "already fresh" skip). --confirm-large goes past the blast-radius cap (SECRET_REFRESH_MAX_TARGETS).',
    options: [
      { name: 'ref', type: 'string', value: '<arn-or-name>', help: 'the secret or parameter: an ARN, a name, /a/b, or rds!db-… (quote the !)' },
      { name: 'kind', type: 'string', value: 'secret|parameter', help: 'which one, when a bare name is both' },
      DRY_RUN,
      JSON_OUTPUT,
      { name: 'confirm-large', type: 'boolean', help: 'act even when more targets than SECRET_REFRESH_MAX_TARGETS read it (after a reviewed dry run)' },
      QUIET,
      HELP,
    ],
  },
  audit: {
    synopsis: 'secret-refresh audit [--json|--quiet]',
    summary:
      'Report-only staleness audit: ECS services deployed before a secret or parameter they read last changed.\n' +
      'Incomplete (exit 1) when something could not be read.',
    options: [JSON_OUTPUT, QUIET, HELP],
  },
  map: {
    synopsis: 'secret-refresh map [--json] [--html <file>]',
    summary:
      'Read-only secrets map over every configured Region: each secret and parameter referenced → the task and job definitions\n' +
      'that read it → the services and jobs running them (staleness, scope, wave), and the findings with what to do.\n' +
      'Incomplete (exit 1) when something could not be read.',
    options: [
      { name: 'json', type: 'boolean', help: 'print only the JSON document (format secret-refresh/map@1) on stdout' },
      { name: 'html', type: 'string', value: '<file>', help: 'also write the page (one self-contained HTML file) to <file>' },
      HELP,
    ],
  },
} as const satisfies Record<string, CommandSpec>;

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The global `--help` text: every command, every setting of the settings table, the exit codes. */
export const USAGE = `Usage:
${COMMAND_NAMES.map((name) => `  ${COMMANDS[name].synopsis}\n${indent(COMMANDS[name].summary, 6)}`).join('\n')}
  secret-refresh --version
  secret-refresh <command> --help
      That command's options.

Environment (see README, "Configuration"):
${describeSettings()}

${EXIT_CODES}
`;

/** `secret-refresh <command> --help`: that command's synopsis, what it does and its options. */
export function commandUsage(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const labels = spec.options.map((option) => `${option.short ? `-${option.short}, ` : ''}--${option.name}${option.value ? ` ${option.value}` : ''}`);
  const width = Math.max(...labels.map((label) => label.length));
  const options = spec.options.map((option, index) => `  ${(labels[index] ?? '').padEnd(width)}  ${option.help}`);
  return `Usage: ${spec.synopsis}

${spec.summary}

Options:
${options.join('\n')}

Settings come from the environment (SECRET_REFRESH_*): secret-refresh --help lists them all.
${EXIT_CODES}
`;
}

/** What a command line asks for. */
export type ParsedCommand =
  | { readonly type: 'help'; readonly text: string }
  | { readonly type: 'version' }
  | { readonly type: 'audit'; readonly json: boolean; readonly quiet: boolean }
  | { readonly type: 'map'; readonly json: boolean; readonly html?: string }
  | { readonly type: 'event'; readonly files: readonly string[]; readonly json: boolean; readonly dryRun: boolean; readonly quiet: boolean }
  | {
      readonly type: 'refresh';
      readonly request: RefreshRequest & { type: 'manual' };
      readonly json: boolean;
      readonly dryRun: boolean;
      readonly quiet: boolean;
    };

/**
 * Parses a command line. Every refusal is an {@link InvalidInputError} whose message names what was wrong and
 * what the command takes (never Node's parser text).
 *
 * @example
 * parseCommand(['refresh', '--ref', 'demo/orders/db', '--dry-run'])
 * // → { type: 'refresh', request: { type: 'manual', ref: 'demo/orders/db' }, json: false, dryRun: true }
 */
export function parseCommand(argv: readonly string[]): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { type: 'help', text: USAGE };
  if (first === '--version') {
    if (rest.length > 0) throw new InvalidInputError(`--version takes no argument, got "${rest[0]}"`);
    return { type: 'version' };
  }
  if (first.startsWith('-')) {
    throw new InvalidInputError(`unknown option ${first}: give a command ("event", "refresh", "audit" or "map"), --help or --version`);
  }
  if (!isCommand(first)) throw new InvalidInputError(`unknown command "${first}": use "event", "refresh", "audit" or "map" (see --help)`);
  const { values, positionals } = parseOptions(first, rest);
  if (values.help === true) return { type: 'help', text: commandUsage(first) };
  const json = values.json === true;
  const dryRun = values['dry-run'] === true;
  const quiet = values.quiet === true;
  if (quiet && json) throw new InvalidInputError(`${first}: --quiet and --json cannot be combined (--json prints only the report, --quiet only failures)`);
  if (first === 'audit') {
    if (positionals.length > 0) throw new InvalidInputError(`audit: unexpected argument "${positionals[0]}" (see secret-refresh audit --help)`);
    return { type: 'audit', json, quiet };
  }
  if (first === 'map') {
    if (positionals.length > 0) throw new InvalidInputError(`map: unexpected argument "${positionals[0]}" (see secret-refresh map --help)`);
    const html = values.html;
    if (html === '' || html === '-') {
      throw new InvalidInputError(`map: --html needs a file to write the page to, got "${String(html)}" (--json prints the document on stdout)`);
    }
    return { type: 'map', json, ...(typeof html === 'string' ? { html } : {}) };
  }
  if (first === 'event') {
    if (positionals.length === 0) throw new InvalidInputError('event: give at least one event file (or - for stdin)');
    if (positionals.filter((file) => file === '-').length > 1) throw new InvalidInputError('event: standard input (-) can be given once');
    return { type: 'event', files: positionals, json, dryRun, quiet };
  }
  if (positionals.length > 0) throw new InvalidInputError(`refresh: unexpected argument "${positionals[0]}" (use --ref)`);
  const ref = values.ref;
  if (typeof ref !== 'string' || ref === '') throw new InvalidInputError('refresh: --ref <arn-or-name> is required');
  const kind = values.kind;
  if (kind !== undefined && kind !== 'secret' && kind !== 'parameter') {
    throw new InvalidInputError(`refresh: --kind must be "secret" or "parameter", got "${String(kind)}"`);
  }
  const confirmLarge = values['confirm-large'] === true;
  return { type: 'refresh', request: { type: 'manual', ref, ...(kind ? { kind } : {}), ...(confirmLarge ? { confirmLarge } : {}) }, json, dryRun, quiet };
}

function isCommand(name: string): name is CommandName {
  return (COMMAND_NAMES as string[]).includes(name);
}

/**
 * The options and positionals of one command, checked against its {@link CommandSpec}: an unknown option, a
 * string option without a value and a boolean option given a value are refused with our own message.
 */
function parseOptions(command: CommandName, args: readonly string[]): { values: Record<string, string | boolean>; positionals: string[] } {
  const spec: CommandSpec = COMMANDS[command];
  const takes = `${command} takes ${spec.options.map((option) => `--${option.name}`).join(', ')}; see secret-refresh ${command} --help`;
  const { tokens } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(spec.options.map((option) => [option.name, { type: option.type, ...(option.short ? { short: option.short } : {}) }])),
  });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const option = spec.options.find((candidate) => candidate.name === token.name || candidate.short === token.name);
    if (!option) throw new InvalidInputError(`${command}: unknown option ${token.rawName} (${takes})`);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new InvalidInputError(`${command}: --${option.name} takes no value, got "${token.rawName}=${token.value}"`);
      values[option.name] = true;
      continue;
    }
    // parseArgs takes the next argument as the value even when it is another option (`--ref --json`).
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-')) {
      throw new InvalidInputError(`${command}: --${option.name} needs a value: --${option.name} ${option.value ?? '<value>'}`);
    }
    values[option.name] = token.value;
  }
  return { values, positionals };
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}
