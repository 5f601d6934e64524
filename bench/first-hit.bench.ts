import { runFixture } from './child.js';
import { formatCount, limitLine, spread, type BenchOptions, type Report, type Spread } from './harness.js';
import { sharedCache, sharedCacheNote } from './shared-cache.js';

/** Target of issue 8 for open-to-first-hit of a 1,000,000-entry cache, in ms. */
const TARGET_MS = 50;
/** Fresh processes per kind. */
const FULL_REPS = 7;
const QUICK_REPS = 3;

/** What bench/fixtures/first-hit.ts prints, all in wall-clock ms. */
interface FirstHit {
  importMs: number;
  openMs: number;
  getMs: number;
  totalMs: number;
}

const KINDS = [
  { kind: 'store', name: 'LmdbStore.open() → get()' },
  { kind: 'cache-manager', name: 'createCache(createKeyv()) → get()' },
] as const;

/**
 * How long a restarted process waits for its first cache hit: from opening the shared 1,000,000-entry
 * cache to the first get that returns a stored value, in a fresh child process each time. The open should
 * not depend on the number of entries. Times in ms.
 */
export async function runFirstHitBench({ quick }: BenchOptions): Promise<Report> {
  const cache = await sharedCache();
  const reps = quick ? QUICK_REPS : FULL_REPS;
  const results: FirstHit[][] = KINDS.map(() => []);
  process.stderr.write(`  ${KINDS.map((k) => k.name).join(' | ')} …`);
  for (let rep = 0; rep < reps; rep++) {
    // Interleaved, each round starting with the next kind, so drift of the machine lands on both.
    for (let k = 0; k < KINDS.length; k++) {
      const index = (rep + k) % KINDS.length;
      // A different entry each time, spread over the key range.
      const entry = ((rep * KINDS.length + index + 1) * 99_991) % cache.entries;
      results[index].push(
        await runFixture<FirstHit>('first-hit', [KINDS[index].kind, cache.path, String(entry)]),
      );
    }
  }
  process.stderr.write(' done\n');
  const totals = results.map((runs) => spread(runs.map((r) => r.totalMs)));
  const median = (runs: readonly FirstHit[], field: keyof FirstHit) =>
    spread(runs.map((r) => r[field])).median;
  const entries = formatCount(cache.entries);
  return {
    title: `open to first hit: a fresh process on a ${entries}-entry cache`,
    rows: [],
    tables: [
      {
        header: [
          'path',
          'open (ms)',
          'first get (ms)',
          'open → hit (ms)',
          'min – max (ms)',
          'module import (ms)',
        ],
        rows: KINDS.map(({ name }, i) => [
          name,
          median(results[i], 'openMs').toFixed(1),
          median(results[i], 'getMs').toFixed(1),
          totals[i].median.toFixed(1),
          range(totals[i]),
          median(results[i], 'importMs').toFixed(0),
        ]),
      },
    ],
    notes: [
      sharedCacheNote(cache),
      `Each figure is the median of ${reps} fresh child processes per path (\`node --import tsx ` +
        'bench/fixtures/first-hit.ts`), the two paths interleaved; each reads a different entry and checks ' +
        'the value. open: until `LmdbStore.open()` resolves (createKeyv() and createCache() are synchronous, ' +
        'the open happens behind them); first get: until it resolves with the value, which for cache-manager ' +
        'includes waiting for that open; open → hit: both, the target. Wall-clock ms, performance.now().',
      'module import: loading the modules before the clock starts, through tsx (TypeScript compiled on the ' +
        'fly, with its cache), so larger than a built dist/ would take; not part of the target.',
      ...(quick ? [`quick mode: ${QUICK_REPS} processes per path (full: ${FULL_REPS}).`] : []),
    ],
    ratios: KINDS.map(({ name }, i) =>
      limitLine(`open to first hit, ${name}, ${entries} entries (median)`, totals[i].median, TARGET_MS, 'ms'),
    ),
  };
}

function range({ min, max }: Spread): string {
  return `${min.toFixed(1)} – ${max.toFixed(1)}`;
}
