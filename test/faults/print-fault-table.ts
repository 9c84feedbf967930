/**
 * `npm run faults`: runs every fault scenario `RUNS` times and prints the matrix as a markdown table —
 * fault | runs | outcome | anything lost — then the batch faults (batch-scenarios.ts) once each against moto_server. Exits 1 when anything was lost, done twice or touched outside the
 * readers, or when an outcome differed from the expected one (a known lib/ bug counts: it is listed below the table).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// The batch scenarios run onChanges' body: its log lines would bury the tables.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const RUNS = Number(process.env.FAULT_RUNS ?? 3);

async function main(): Promise<number> {
  // Imported after the environment is set, so the SDK never prints its Node version warning.
  const { SCENARIOS } = await import('./scenarios.js');
  const rows: string[] = ['| fault | runs | outcome | anything lost |', '|---|---|---|---|'];
  const problems: string[] = [];
  const started = Date.now();
  for (const scenario of SCENARIOS) {
    const summaries = new Set<string>();
    const lost = new Set<string>();
    for (let run = 0; run < RUNS; run++) {
      const outcome = await scenario.run();
      summaries.add(outcome.summary);
      for (const item of [...outcome.lost, ...outcome.twice.map((t) => `done twice: ${t}`), ...outcome.outside.map((o) => `touched: ${o}`)]) lost.add(item);
    }
    const [summary = ''] = summaries;
    const stable = summaries.size === 1;
    const asExpected = stable && summary === scenario.expected;
    const outcome = `${escapeCell(summary)}${stable ? '' : ` (and ${summaries.size - 1} other outcome(s): not deterministic)`}${asExpected ? '' : ' **≠ expected**'}`;
    rows.push(`| ${escapeCell(scenario.fault)} | ${RUNS} | ${outcome} | ${lost.size === 0 ? '0' : `**${lost.size}**: ${escapeCell([...lost].join('; '))}`} |`);
    if (!asExpected) problems.push(`${scenario.name}: expected "${scenario.expected}", got ${[...summaries].map((s) => `"${s}"`).join(' / ')}`);
    if (lost.size > 0) problems.push(`${scenario.name}: lost ${[...lost].join('; ')}`);
    if (scenario.knownBug && (lost.size > 0 || !asExpected)) problems.push(`  known bug: ${scenario.knownBug}`);
  }
  console.log(rows.join('\n'));
  console.log(
    `\n${SCENARIOS.length} scenarios × ${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(1)} s. Each run delivers the event as the intake queue does (first delivery ⟳ up to 4 redeliveries, then the failed-events queue).`,
  );
  if (problems.length > 0) {
    console.log(`\n${problems.length} problem(s):\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    return 1;
  }
  console.log('Nothing lost, nothing done twice, nothing else touched; every outcome as expected.');
  return printBatchTable();
}

/**
 * The batch faults (batch-scenarios.ts: the intake queue, the lease, the state table, a killed process), once each,
 * against a moto_server started here, every request through the fault-injecting proxy.
 */
async function printBatchTable(): Promise<number> {
  const { BATCH_SCENARIOS, startBatchFaultWorld } = await import('./batch-scenarios.js');
  const { world, stop } = await startBatchFaultWorld();
  const rows = ['| fault (batch model, moto_server) | outcome | lost or twice |', '|---|---|---|'];
  const problems: string[] = [];
  const started = Date.now();
  try {
    for (const scenario of BATCH_SCENARIOS) {
      const outcome = await scenario.run(world);
      const wrong = [...outcome.lost, ...outcome.twice.map((item) => `done twice: ${item}`)];
      const expected = outcome.summary === scenario.expected;
      rows.push(
        `| ${escapeCell(scenario.fault)} | ${escapeCell(outcome.summary)}${expected ? '' : ' **≠ expected**'} | ${wrong.length === 0 ? '0' : `**${wrong.length}**: ${escapeCell(wrong.join('; '))}`} |`,
      );
      if (!expected) problems.push(`${scenario.name}: expected "${scenario.expected}", got "${outcome.summary}"`);
      if (wrong.length > 0) problems.push(`${scenario.name}: ${wrong.join('; ')}`);
    }
  } finally {
    await stop();
  }
  console.log(`\n${rows.join('\n')}`);
  console.log(`\n${BATCH_SCENARIOS.length} batch scenarios in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  if (problems.length > 0) {
    console.log(`\n${problems.length} problem(s):\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    return 1;
  }
  console.log('Nothing lost, nothing done twice; every deferred change deployed.');
  return 0;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
