/**
 * `npm run bench [-- --quick] [--only <scenario>]`: prints the machine, then each scenario's table, and
 * records a run of all scenarios in bench/RESULTS.md (bench/RESULTS-quick.md with --quick). Scenarios run
 * one after another, never concurrently, so they do not compete for the CPU or the disk.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatReport, type Scenario } from './harness.js';
import { describeMachine } from './machine.js';
import { runCacheManagerBench } from './cache-manager.bench.js';
import { runEvictionBench } from './eviction.bench.js';
import { runHttpBench } from './http.bench.js';
import { runStoreBench } from './store.bench.js';
import { runSweepBench } from './sweep.bench.js';
import { runDiskBench } from './disk.bench.js';
import { runFirstHitBench } from './first-hit.bench.js';
import { runMemoryBench } from './memory.bench.js';
import { runProcessesBench } from './processes.bench.js';

/** Add new scenario modules here; they run in this order. */
const SCENARIOS: readonly { name: string; run: Scenario }[] = [
  { name: 'store', run: runStoreBench },
  { name: 'sweep', run: runSweepBench },
  { name: 'eviction', run: runEvictionBench },
  { name: 'cache-manager 7', run: runCacheManagerBench },
  { name: 'http', run: runHttpBench },
  // These four share one 1,000,000-entry cache, built by whichever of them runs first (bench/shared-cache.ts).
  { name: 'processes', run: runProcessesBench },
  { name: 'memory', run: runMemoryBench },
  { name: 'first-hit', run: runFirstHitBench },
  { name: 'disk', run: runDiskBench },
];

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const quick = values.quick;
// `--only <name>`: one scenario, while working on it; published figures come from a run of all of them.
const selected = SCENARIOS.filter((scenario) => values.only === undefined || scenario.name === values.only);
if (selected.length === 0) throw new Error(`no scenario named ${values.only}; see SCENARIOS in bench/run.ts`);

// Figures only compare within one machine and versions, so every run prints them and records them.
const lines = [
  '# nestjs-lmdb-cache benchmarks',
  '',
  `- command: \`npm run bench${quick ? ' -- --quick' : ''}\` (${quick ? 'quick: smaller data sets' : 'full'})`,
  ...describeMachine(),
  '',
];
console.log(lines.join('\n'));

const started = performance.now();
for (const scenario of selected) {
  process.stderr.write(`${scenario.name}:\n`);
  const report = formatReport(await scenario.run({ quick }));
  console.log(report);
  lines.push(report);
}
const total = `(total ${((performance.now() - started) / 1000).toFixed(1)} s)`;
console.log(total);
// A run of every scenario is recorded: the full one is what the README quotes; a quick one goes beside it,
// so trying the command never overwrites published figures. A single scenario (--only) is not recorded.
if (values.only === undefined) {
  const file = new URL(quick ? 'RESULTS-quick.md' : 'RESULTS.md', import.meta.url);
  await writeFile(file, [...lines, total, ''].join('\n'));
  console.log(`written to bench/${quick ? 'RESULTS-quick.md' : 'RESULTS.md'}`);
}
