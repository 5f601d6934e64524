import { LmdbStore, type LmdbStoreOptions } from '../lib/store/index.js';
import {
  formatCount,
  measure,
  rowNamed,
  timed,
  withTempDir,
  type BenchOptions,
  type Report,
  type Repetition,
  type Row,
} from './harness.js';
import { shuffle, VALUE } from './workloads.js';

interface Sizes {
  /** Distinct keys set per repetition, and keys read by the get cases. */
  keys: number;
}

const FULL: Sizes = { keys: 100_000 };
const QUICK: Sizes = { keys: 20_000 };

/**
 * Sets between two yields to the event loop. An awaited set only waits for a microtask, so without a yield
 * lmdb never commits and eviction never runs until the loop ends.
 */
const YIELD_EVERY = 1_000;
// A set repetition commits ~100 times and its eviction competes with the writer for commits, so its time
// varies by ±40% on this machine class; more rounds steady the median.
const SET_REPS = 5;
// Gets are cheap and this machine class is noisy, so more rounds buy a steadier median.
const GET_REPS = 5;
/** Injected clock of the get stores, in epoch ms; fixed, see the notes. */
const GET_CLOCK_MS = Date.UTC(2025, 0, 1);

/** What one set repetition saw besides its time. */
interface SetObservation {
  /** stats().entries after the final flush. */
  entries: number;
  /** stats().evictions after the final flush. */
  evictions: number;
  /** Largest stats().entries sampled at the yields during the loop (committed entries only). */
  peakEntries: number;
  /** Share of the timed region spent in the final `flush()`, 0–1. */
  flushShare: number;
}

/**
 * What `maxEntries` costs: sequential awaited sets with eviction running (cap = a quarter of the keys)
 * against no cap, and hot gets, whose hit path looks up recency when `maxEntries` is on. Rates are
 * operations per second.
 */
export async function runEvictionBench({ quick }: BenchOptions): Promise<Report> {
  const { keys: n } = quick ? QUICK : FULL;
  const keys = Array.from({ length: n }, (_, i) => `user:${i}`);
  const cap = n / 4;
  const observed = new Map<string, SetObservation[]>();
  const setOff = 'set, maxEntries off';
  const setOn = `set, maxEntries ${formatCount(cap)}`;
  const observe = (name: string, maxEntries?: number) => (rep: number) =>
    setRepetition(keys, maxEntries).then(({ repetition, observation }) => {
      if (rep >= 0) observed.set(name, [...(observed.get(name) ?? []), observation]);
      return repetition;
    });
  const setRows = await measure(
    [
      { name: setOff, repetition: observe(setOff) },
      { name: setOn, repetition: observe(setOn, cap) },
    ],
    { reps: SET_REPS },
  );
  const getOff = 'get, maxEntries off';
  const getOn = `get, maxEntries ${formatCount(n)}`;
  const getRows = await getCases(keys, getOff, getOn);
  const rows = [...setRows, ...getRows];
  const on = observed.get(setOn) ?? [];
  const off = observed.get(setOff) ?? [];

  return {
    title: `maxEntries: cost of eviction on set, and of recency on get (${formatCount(n)} keys)`,
    rows,
    notes: [
      `Value: the ${JSON.stringify(VALUE).length}-byte record of the store scenario; keys \`user:<i>\`. ` +
        'Default durability (overlapping), real clock for the set cases.',
      'set: `for (…) await store.set(key, value)` of every key into a fresh directory per repetition, ' +
        `awaiting \`setImmediate\` every ${formatCount(YIELD_EVERY)} sets in both cases (so commits, and ` +
        'eviction, can run during the loop), then `await store.flush()` inside the timed region. flush ' +
        'waits for eviction to finish, so the maxEntries row includes trimming down to the cap. Both rows ' +
        `interleaved, ${SET_REPS} rounds after one untimed warm-up each; ± is half the min–max range.`,
      `After ${setOn}, per recorded repetition: stats().entries ${list(on, (o) => o.entries)} ` +
        `(cap ${formatCount(cap)}; eviction trims to 95% of it), stats().evictions ` +
        `${list(on, (o) => o.evictions)}.`,
      `Peak stats().entries sampled at the yields during the loop: ${list(on, (o) => o.peakEntries)} with ` +
        `maxEntries ${formatCount(cap)}, ${list(off, (o) => o.peakEntries)} without. Share of the timed ` +
        `region spent in the final flush: ${list(on, (o) => o.flushShare, percent)} with, ` +
        `${list(off, (o) => o.flushShare, percent)} without.`,
      `get: \`await store.get(key)\` over all ${formatCount(n)} keys, preloaded (setMany + flush) and read ` +
        `in a shuffled order, 100% hits (checked), ${GET_REPS} interleaved rounds. The maxEntries store's ` +
        `cap equals its ${formatCount(n)} entries: full, yet no eviction (checked: 0 evictions). Both get ` +
        'stores use one fixed injected clock, so every read finds its recency already in the current bucket ' +
        'and records nothing: the row measures the extra recency lookup on each hit, not the recency writes ' +
        'a read makes once per key per recencyResolutionMs.',
    ],
    ratios: [
      ratio('set with maxEntries / without', setRows, setOn, setOff),
      ratio('get with maxEntries / without', getRows, getOn, getOff),
    ],
  };
}

/** One set repetition in a fresh directory: the timed loop and flush, then what stats() shows. */
async function setRepetition(
  keys: readonly string[],
  maxEntries: number | undefined,
): Promise<{ repetition: Repetition; observation: SetObservation }> {
  return withStore('bench-eviction-set', { maxEntries }, async (store) => {
    let peakEntries = 0;
    let flushMs = 0;
    const repetition = await timed(async () => {
      for (let i = 0; i < keys.length; i++) {
        await store.set(keys[i], VALUE);
        if ((i + 1) % YIELD_EVERY === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          // O(1) (lmdb's page statistics), done in both cases so the loops stay identical.
          peakEntries = Math.max(peakEntries, store.stats().entries);
        }
      }
      const flushStart = performance.now();
      await store.flush();
      flushMs = performance.now() - flushStart;
      return keys.length;
    });
    const { entries, evictions } = store.stats();
    if (maxEntries === undefined && entries !== keys.length) {
      throw new Error(`expected ${keys.length} entries without maxEntries, got ${entries}`);
    }
    if (maxEntries !== undefined && entries > maxEntries) {
      throw new Error(`expected at most ${maxEntries} entries after flush, got ${entries}`);
    }
    const flushShare = flushMs / repetition.ms;
    return { repetition, observation: { entries, evictions, peakEntries, flushShare } };
  });
}

/** Hot gets on two stores open side by side, one without `maxEntries` and one with it at the key count. */
async function getCases(keys: readonly string[], off: string, on: string): Promise<Row[]> {
  // Shuffled so neither store benefits from reading in insertion (roughly key) order.
  const order = shuffle([...keys]);
  const now = () => GET_CLOCK_MS;
  return withStore('bench-eviction-get-off', { now }, (plain) =>
    withStore('bench-eviction-get-on', { now, maxEntries: keys.length }, async (capped) => {
      for (const store of [plain, capped]) {
        await store.setMany(keys.map((key) => ({ key, value: VALUE })));
        await store.flush();
        const { entries, evictions } = store.stats();
        if (entries !== keys.length || evictions !== 0) {
          throw new Error(`get store: ${entries} entries and ${evictions} evictions after preload`);
        }
      }
      const readAll = (store: LmdbStore) => async () => {
        let hits = 0;
        for (const key of order) if ((await store.get(key)) !== undefined) hits++;
        if (hits !== order.length) throw new Error(`expected ${order.length} hits, got ${hits}`);
        return hits;
      };
      return await measure(
        [
          { name: off, repetition: () => timed(readAll(plain)) },
          { name: on, repetition: () => timed(readAll(capped)) },
        ],
        { reps: GET_REPS },
      );
    }),
  );
}

/** Runs `body` with a store on a fresh temporary directory; closes the store, then removes the directory. */
async function withStore<T>(
  prefix: string,
  options: Omit<LmdbStoreOptions, 'path'>,
  body: (store: LmdbStore) => Promise<T>,
): Promise<T> {
  return withTempDir(prefix, async (path) => {
    const store = await LmdbStore.open({ ...options, path });
    try {
      return await body(store);
    } finally {
      await store.close();
    }
  });
}

/** `label = 0.85x`: quotient of the two rows' median ops/s, to two decimals; informative, no target. */
function ratio(label: string, rows: readonly Row[], ours: string, peer: string): string {
  return `${label} = ${(rowNamed(rows, ours).median / rowNamed(rows, peer).median).toFixed(2)}x`;
}

/** The values of one observed field across repetitions, e.g. `23,750 / 23,750 / 23,750`. */
function list(
  observations: readonly SetObservation[],
  field: (o: SetObservation) => number,
  format: (value: number) => string = formatCount,
): string {
  return observations.map((o) => format(field(o))).join(' / ');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
