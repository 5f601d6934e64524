import { deepStrictEqual } from 'node:assert/strict';
import { open, type Database, type RootDatabase } from 'lmdb';
import { LmdbStore } from '../lib/store/index.js';
import {
  formatCount,
  measure,
  MIN_REPS,
  ratioLine,
  timed,
  withTempDir,
  type BenchOptions,
  type Report,
  type Repetition,
  type Row,
} from './harness.js';

/** A typical cached record; its JSON is ~100 bytes (printed in the notes). Shared by other scenarios. */
export const VALUE = {
  id: 4815,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  score: 97.5,
  tags: ['ops', 'eu'],
};

const BATCH = 100;
const GET_REPS = 5;

interface Sizes {
  /** Keys read by the get cases and written by the LmdbStore set cases, per repetition. */
  keys: number;
  /** Raw awaited puts commit once per call (~2–3k/s), so they stop at whichever bound comes first. */
  rawMaxOps: number;
  /** Time budget of a bounded raw repetition, in ms. */
  rawBudgetMs: number;
}

const FULL: Sizes = { keys: 100_000, rawMaxOps: 2_000, rawBudgetMs: 1_000 };
const QUICK: Sizes = { keys: 20_000, rawMaxOps: 1_000, rawBudgetMs: 500 };

/**
 * LmdbStore against raw lmdb on the same keys and value: hot gets, sequential awaited sets and batches
 * of 100 concurrent sets. Rates are operations per second.
 */
export async function runStoreBench({ quick }: BenchOptions): Promise<Report> {
  const sizes = quick ? QUICK : FULL;
  const keys = Array.from({ length: sizes.keys }, (_, i) => `user:${i}`);
  const gets = await getCases(keys);
  const rows = [...gets.rows, ...(await setCases(keys, sizes, 1)), ...(await setCases(keys, sizes, BATCH))];

  return {
    title: `LmdbStore vs raw lmdb (${formatCount(sizes.keys)} keys)`,
    rows,
    notes: [
      `Value: ${JSON.stringify(VALUE).length} bytes as JSON, one object for every key; keys \`user:<i>\`. ` +
        "Raw lmdb: `open({ path })` + `openDB({ name: 'raw' })` with its default msgpack encoding " +
        `(${gets.rawValueBytes} bytes stored per value), in its own directory; both use ` +
        'lmdb’s default durability (overlappingSync).',
      `Each pair of rows ran interleaved, round by round, after one untimed warm-up each: ${GET_REPS} ` +
        `recorded rounds for get, ${MIN_REPS} for the set cases. ± is half the min–max range, as % of the median.`,
      'get: every key preloaded and flushed before timing, read in a shuffled order, 100% hits (checked). ' +
        'LmdbStore.get is async, so each call is `await store.get(key)` (promise + microtask included: ' +
        'no sync get exists to measure without it); raw lmdb is a plain sync `db.get(key)`.',
      'seq awaited set: `for (…) await store.set(key, value)` into a fresh directory per repetition. set ' +
        'resolves once this process reads the new value, not at commit; lmdb commits the writes in one ' +
        'transaction per event turn, and this loop only awaits microtasks, so they commit together after ' +
        'it. The timed region ends with `await store.flush()`, so it includes committing the data to disk.',
      `raw put rows: \`await db.put(key, value)\` resolves only after its commit, so the sequential row ` +
        `is one commit per put; bounded to ${formatCount(sizes.rawMaxOps)} puts or ` +
        `${sizes.rawBudgetMs} ms, whichever comes first, then \`await root.flushed\` inside the timed region.`,
      `${BATCH} concurrent: \`await Promise.all(${BATCH} × set/put)\` per batch, ${BATCH} keys per batch; ` +
        'LmdbStore ends with `await store.flush()`, raw with `await root.flushed`. Each raw batch is one ' +
        `commit; raw stops at all keys or after ${sizes.rawBudgetMs} ms (checked between batches).`,
    ],
    ratios: [
      ratioLine(rows, {
        label: 'get',
        ours: 'LmdbStore get',
        peer: 'raw lmdb get',
        as: 'LmdbStore / raw lmdb',
        target: 0.8,
      }),
      ratioLine(rows, {
        label: 'sequential awaited set',
        ours: 'LmdbStore set (seq awaited)',
        peer: 'raw lmdb put (seq awaited)',
        as: 'LmdbStore / raw awaited put',
        target: 20,
      }),
      ratioLine(rows, {
        label: `${BATCH} concurrent sets`,
        ours: `LmdbStore set (${BATCH} concurrent)`,
        peer: `raw lmdb put (${BATCH} concurrent)`,
        as: 'LmdbStore / raw put',
      }),
    ],
  };
}

async function getCases(keys: readonly string[]): Promise<{ rows: Row[]; rawValueBytes: number }> {
  // Shuffled so neither engine benefits from reading in insertion (roughly key) order.
  const order = shuffle([...keys]);
  return withTempDir('bench-store-get', async (dir) => {
    const store = await LmdbStore.open({ path: dir });
    try {
      await store.setMany(keys.map((key) => ({ key, value: VALUE })));
      await store.flush();
      deepStrictEqual(await store.get(keys[0]), VALUE);
      // Both open at once so their repetitions can interleave.
      return await withRawDb('bench-raw-get', async (root, db) => {
        await db.batch(() => keys.forEach((key) => db.put(key, VALUE)));
        await root.flushed;
        deepStrictEqual(db.get(keys[0]), VALUE);
        const ours = async () => {
          let hits = 0;
          for (const key of order) if ((await store.get(key)) !== undefined) hits++;
          return allHits(hits, order.length);
        };
        const raw = () => {
          let hits = 0;
          for (const key of order) if (db.get(key) !== undefined) hits++;
          return allHits(hits, order.length);
        };
        // Reads are cheap and this machine class is noisy, so more rounds buy a steadier median.
        const rows = await measure(
          [
            { name: 'LmdbStore get', repetition: () => timed(ours) },
            { name: 'raw lmdb get', repetition: () => timed(raw) },
          ],
          { reps: GET_REPS },
        );
        return { rows, rawValueBytes: db.getBinary(keys[0])?.length ?? 0 };
      });
    } finally {
      await store.close();
    }
  });
}

/** Sets (`batch` 1: sequential awaited; else batches of `batch` concurrent writes), fresh directory per rep. */
async function setCases(keys: readonly string[], sizes: Sizes, batch: number): Promise<Row[]> {
  const kind = batch === 1 ? 'seq awaited' : `${batch} concurrent`;
  const ours = () =>
    withTempDir('bench-store-set', async (dir): Promise<Repetition> => {
      const store = await LmdbStore.open({ path: dir });
      try {
        return await timed(async () => {
          const ops = await writeAll(keys, batch, Infinity, (key) => store.set(key, VALUE));
          await store.flush();
          return ops;
        });
      } finally {
        await store.close();
      }
    });
  const raw = () =>
    withRawDb('bench-raw-set', (root, db) =>
      timed(async () => {
        const bounded = keys.slice(0, batch === 1 ? sizes.rawMaxOps : keys.length);
        const ops = await writeAll(bounded, batch, sizes.rawBudgetMs, (key) => db.put(key, VALUE));
        await root.flushed;
        return ops;
      }),
    );
  return measure([
    { name: `LmdbStore set (${kind})`, repetition: ours },
    { name: `raw lmdb put (${kind})`, repetition: raw },
  ]);
}

/**
 * Writes `keys` in turn, `batch` at a time, awaiting each batch; stops early once `budgetMs` has passed.
 * @returns the number of writes done
 */
async function writeAll(
  keys: readonly string[],
  batch: number,
  budgetMs: number,
  write: (key: string) => Promise<unknown>,
): Promise<number> {
  const deadline = performance.now() + budgetMs;
  const inFlight: Promise<unknown>[] = [];
  let done = 0;
  while (done < keys.length) {
    const end = Math.min(done + batch, keys.length);
    for (let i = done; i < end; i++) inFlight.push(write(keys[i]));
    // A single await, not Promise.all, keeps the sequential case free of an extra promise per write.
    if (inFlight.length === 1) await inFlight[0];
    else await Promise.all(inFlight);
    inFlight.length = 0;
    done = end;
    // Checking the clock every batch costs ~50 ns, negligible next to a commit.
    if (budgetMs !== Infinity && performance.now() >= deadline) break;
  }
  return done;
}

async function withRawDb<T>(
  prefix: string,
  body: (root: RootDatabase, db: Database) => Promise<T>,
): Promise<T> {
  return withTempDir(prefix, async (dir) => {
    const root = open({ path: dir });
    try {
      return await body(root, root.openDB({ name: 'raw' }));
    } finally {
      await root.close();
    }
  });
}

function allHits(hits: number, expected: number): number {
  if (hits !== expected) throw new Error(`expected ${expected} hits, got ${hits}: not an all-hit read`);
  return hits;
}

/**
 * Shuffles `items` in place and returns it. Deterministic (fixed-seed LCG), so every run reads in the same
 * order.
 */
export function shuffle<T>(items: T[]): T[] {
  let seed = 0x2545f491;
  for (let i = items.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const j = seed % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
