/**
 * `npm run bench [-- --quick] [--only <scenario>]`: prints the machine, then each scenario's table. Scenarios run one after
 * another in this process, never concurrently, so they do not compete for the CPU or the disk.
 */
import { readFile } from 'node:fs/promises';
import { arch, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { formatReport, type Scenario } from './harness.js';
import { runCacheManagerBench } from './cache-manager.bench.js';
import { runEvictionBench } from './eviction.bench.js';
import { runHttpBench } from './http.bench.js';
import { runStoreBench } from './store.bench.js';
import { runSweepBench } from './sweep.bench.js';

/** Add new scenario modules here; they run in this order. */
const SCENARIOS: readonly { name: string; run: Scenario }[] = [
  { name: 'store', run: runStoreBench },
  { name: 'sweep', run: runSweepBench },
  { name: 'eviction', run: runEvictionBench },
  { name: 'cache-manager 7', run: runCacheManagerBench },
  { name: 'http', run: runHttpBench },
];

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const quick = values.quick;
// `--only <name>`: one scenario, while working on it; published figures come from a run of all of them.
const selected = SCENARIOS.filter((scenario) => values.only === undefined || scenario.name === values.only);
if (selected.length === 0) throw new Error(`no scenario named ${values.only}; see SCENARIOS in bench/run.ts`);

// Figures only compare within one machine and versions, so print them with every run.
const lmdbPackage = JSON.parse(
  await readFile(new URL('../node_modules/lmdb/package.json', import.meta.url), 'utf8'),
) as { version: string };
const cpu = cpus();
console.log('# nestjs-lmdb-cache benchmarks');
console.log('');
console.log(`- mode: ${quick ? 'quick' : 'full'}`);
console.log(`- cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`);
console.log(`- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; os: ${platform()} ${release()} ${arch()}`);
console.log(`- node ${process.version}, lmdb ${lmdbPackage.version}; data in ${tmpdir()}`);
console.log('');

const started = performance.now();
for (const scenario of selected) {
  process.stderr.write(`${scenario.name}:\n`);
  console.log(formatReport(await scenario.run({ quick })));
}
console.log(`(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
