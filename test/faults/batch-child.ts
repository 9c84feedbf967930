/**
 * A Lambda execution environment in its own process, for the "hard timeout mid-actions" fault: it handles one
 * batch of the intake queue with the real pipeline (state table on moto, through the scenario's proxy) until the
 * parent kills it with SIGKILL — no `finally`, no lease release, no record, exactly what a Lambda timeout leaves.
 *
 * Usage (by the parent): `node --import tsx test/faults/batch-child.ts '<json>'` with
 * `{ "env": { …the Lambda's environment… }, "records": [{ "messageId", "body" }], "invocationMs": 4000 }`.
 * Prints `started` when the run begins and `finished <response>` if it is not killed first.
 */
interface ChildInput {
  readonly env: Record<string, string>;
  readonly records: { readonly messageId: string; readonly body: string }[];
  /** How long this "invocation" lasts: its lease expires then, as a Lambda's does at its timeout. */
  readonly invocationMs: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
Object.assign(process.env, input.env);
const { loadConfig } = await import('../../lib/config/config.js');
const { createPipelineDependencies } = await import('../../lib/pipeline/dependencies.js');
const { runIntakeBatch } = await import('../../lib/lambda/run-changes-in-lambda.js');

const config = loadConfig(process.env);
const { intake: _intake, ...dependencies } = createPipelineDependencies(config);
const started = Date.now();
process.stdout.write('started\n');
const response = await runIntakeBatch(
  input.records,
  { config, dependencies },
  {
    deadline: new Date(started + input.invocationMs - 500),
    leaseUntil: new Date(started + input.invocationMs),
    leaseWaitMs: 0,
  },
);
process.stdout.write(`finished ${JSON.stringify(response)}\n`);
