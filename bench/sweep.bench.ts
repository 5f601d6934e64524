import { join } from 'node:path';
import { LmdbStore, type SetManyEntry } from '../lib/store/index.js';
import {
  formatCount,
  measure,
  rowNamed,
  timed,
  withTempDir,
  type BenchOptions,
  type Case,
  type Report,
  type Repetition,
  type Row,
} from './harness.js';

interface Sizes {
  /** Live entries of the small and the large cache. */
  live: readonly [number, number];
  /** Entries that expire before each sweep. */
  expired: number;
}

const FULL: Sizes = { live: [100_000, 1_000_000], expired: 10_000 };
const QUICK: Sizes = { live: [10_000, 100_000], expired: 2_000 };

/** Entries per `setMany` (one transaction each) while filling a cache. */
const CHUNK = 10_000;
/** TTL of the live entries of the long-TTL caches, in ms (~32 years: never reached here). */
const LIVE_TTL_MS = 1e12;
/** TTL of the entries each repetition adds for the sweep to remove, in ms. */
const EXPIRED_TTL_MS = 1_000;
/** Clock step between adding the expiring entries and sweeping, in ms: past their TTL. */
const STEP_MS = 2_000;
/** Injected epoch ms at which every cache starts; fixed so runs are repeatable. */
const START_MS = Date.UTC(2025, 0, 1);
// A sweep is one commit per 1,000 rows (a few ms each, varying with the disk): noisy, but rounds are cheap.
const REPS = 9;
/** Time-per-sweep quotient, large / small cache, above which the sweep is not independent of cache size. */
const TARGET = 2;

/** How the live entries are written: with a far TTL (each has an expiry-index row) or none (no row). */
type LiveTtl = 'long TTL' | 'no TTL';

/** One cache kept open for all its repetitions, with its own injected clock. */
interface Cache {
  name: string;
  live: number;
  store: LmdbStore;
  /** What the store's `now()` returns, in epoch ms; only this module moves it. */
  clock: { ms: number };
  /** Wall-clock ms the untimed fill took. */
  fillMs: number;
}

/**
 * Cost of `sweep()` on caches of two sizes holding the same number of expired entries. The expiry index is
 * ordered by expiry, so a sweep should scan only the expired rows: its time should not follow the number of
 * live entries. Rates are expired entries removed per second; one operation is one removed entry.
 */
export async function runSweepBench({ quick }: BenchOptions): Promise<Report> {
  const sizes = quick ? QUICK : FULL;
  const variants: readonly LiveTtl[] = ['long TTL', 'no TTL'];
  return withTempDir('bench-sweep', async (dir) => {
    const caches: Cache[] = [];
    try {
      // Building a 1M-entry cache takes seconds, so each is built once and every repetition reuses it.
      for (const ttl of variants) {
        for (const live of sizes.live) caches.push(await fill(join(dir, `${ttl}-${live}`), live, ttl));
      }
      const cases: Case[] = caches.map((cache) => ({
        name: cache.name,
        repetition: (rep) => sweepOnce(cache, sizes.expired, rep),
      }));
      const rows = await measure(cases, { reps: REPS });
      return report(rows, caches, sizes, variants);
    } finally {
      for (const cache of caches) await cache.store.close();
    }
  });
}

function caseName(live: number, ttl: LiveTtl): string {
  return `${formatCount(live)} live (${ttl})`;
}

/** Opens a cache at `path` and writes `live` entries, `CHUNK` per `setMany`, each chunk flushed. */
async function fill(path: string, live: number, ttl: LiveTtl): Promise<Cache> {
  process.stderr.write(`  filling ${formatCount(live)} (${ttl}) …`);
  const clock = { ms: START_MS };
  const store = await LmdbStore.open({ path, now: () => clock.ms });
  const cache: Cache = { name: caseName(live, ttl), live, store, clock, fillMs: 0 };
  const ttlMs = ttl === 'long TTL' ? LIVE_TTL_MS : undefined;
  try {
    const { ms } = await timed(async () => {
      for (let from = 0; from < live; from += CHUNK) {
        const entries: SetManyEntry[] = [];
        for (let i = from; i < Math.min(from + CHUNK, live); i++) {
          entries.push({ key: `live:${i}`, value: i, ttlMs });
        }
        await store.setMany(entries);
        // Flushing per chunk bounds the overlay of uncommitted writes that setMany keeps in memory.
        await store.flush();
      }
      return live;
    });
    cache.fillMs = ms;
    expectEntries(cache, live, 'after filling');
  } catch (error) {
    await store.close();
    throw error;
  }
  process.stderr.write(` ${(cache.fillMs / 1000).toFixed(1)} s\n`);
  return cache;
}

/**
 * One repetition: untimed, adds `expired` entries with fresh keys (committed) and moves the clock past their
 * TTL; timed, one `sweep()`. Checks that it removed exactly those entries and left every live one.
 */
async function sweepOnce(cache: Cache, expired: number, rep: number): Promise<Repetition> {
  const { store } = cache;
  for (let from = 0; from < expired; from += CHUNK) {
    const entries: SetManyEntry[] = [];
    for (let i = from; i < Math.min(from + CHUNK, expired); i++) {
      entries.push({ key: `expired:${rep}:${i}`, value: i, ttlMs: EXPIRED_TTL_MS });
    }
    await store.setMany(entries);
  }
  // Committed before timing, so sweep()'s own wait for earlier writes costs nothing.
  await store.flush();
  cache.clock.ms += STEP_MS;
  const result = await timed(() => store.sweep());
  if (result.ops !== expired) {
    throw new Error(`${cache.name}: sweep removed ${result.ops}, expected ${expired}`);
  }
  expectEntries(cache, cache.live, 'after a sweep');
  return result;
}

function expectEntries(cache: Cache, expected: number, when: string): void {
  const { entries } = cache.store.stats();
  if (entries !== expected)
    throw new Error(`${cache.name}: ${entries} entries ${when}, expected ${expected}`);
}

function report(rows: Row[], caches: readonly Cache[], sizes: Sizes, variants: readonly LiveTtl[]): Report {
  const [small, large] = sizes.live;
  const fills = caches.map((c) => `${c.name} ${(c.fillMs / 1000).toFixed(1)} s`).join(', ');
  return {
    title: `sweep: cost follows the expired entries, not the cache (${formatCount(sizes.expired)} expired per sweep)`,
    rows,
    showMsPerRep: true,
    notes: [
      `One operation = one expired entry removed; ms/rep is the time of one \`await store.sweep()\`. Each ` +
        `repetition first adds ${formatCount(sizes.expired)} entries with fresh keys and ttlMs ` +
        `${EXPIRED_TTL_MS} (setMany, then flush, untimed), then moves the injected clock ${STEP_MS} ms ` +
        'forward. Checked every repetition: sweep() returns exactly that count and stats().entries is back ' +
        'to the live count.',
      `Live entries: keys \`live:<i>\`, value the integer i; "long TTL" = ttlMs ${formatCount(LIVE_TTL_MS)} (each has an ` +
        'expiry-index row, after every expired row: the realistic case), "no TTL" = never expires (no ' +
        'index row). Each cache is built once, untimed, with setMany of ' +
        `${formatCount(CHUNK)} entries and a flush per chunk: ${fills}.`,
      `The ${caches.length} caches stay open together and run interleaved, round by round, after one ` +
        `untimed warm-up each: ${REPS} recorded sweeps per cache. Default durability (overlapping). ± is ` +
        'half the min–max range, as % of the median.',
    ],
    ratios: variants.map((ttl) => sweepRatio(rows, small, large, ttl)),
  };
}

/** `long TTL: sweep time, 1,000,000 live / 100,000 live = 1.02x (target < 2) ok`, from median ms. */
function sweepRatio(rows: readonly Row[], small: number, large: number, ttl: LiveTtl): string {
  const ratio = rowNamed(rows, caseName(large, ttl)).medianMs / rowNamed(rows, caseName(small, ttl)).medianMs;
  const verdict = ratio < TARGET ? 'ok' : 'MISSED';
  return (
    `${ttl}: sweep time, ${formatCount(large)} live / ${formatCount(small)} live = ` +
    `${ratio.toFixed(2)}x (target < ${TARGET}) ${verdict}`
  );
}
