import { deepStrictEqual } from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { createCache, type Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import { createKeyv } from '../lib/keyv/index.js';
import { LmdbStore } from '../lib/store/index.js';
import {
  formatCount,
  measure,
  ratioLine,
  timed,
  withTempDir,
  type BenchOptions,
  type Case,
  type Report,
  type Repetition,
  type Row,
} from './harness.js';
import { shuffle, VALUE } from './store.bench.js';

interface Sizes {
  /** Keys read by the get cases and written by the unbounded set cases, per repetition. */
  keys: number;
  /** Time budget of a @keyv/sqlite repetition, in ms: at ~5k gets/s and a few hundred sets/s it cannot do all keys. */
  sqliteBudgetMs: number;
}

/** Keys a hot get reads over and over, out of all preloaded: a working set that stays in memory. */
const HOT_KEYS = 1_000;

const FULL: Sizes = { keys: 100_000, sqliteBudgetMs: 1_000 };
const QUICK: Sizes = { keys: 20_000, sqliteBudgetMs: 500 };

/** TTL of every entry written, preloaded or timed, in ms (1 hour: never reached during a run). */
const TTL_MS = 3_600_000;
/** {@link TTL_MS} as it reads in code, for the notes: `3,600,000` in a call would read as three arguments. */
const TTL_LITERAL = formatCount(TTL_MS).replaceAll(',', '_');
/**
 * Operations between two yields to the event loop, in every row and for gets too, so all loops are the
 * same. An awaited set of an LMDB row only waits for a microtask, so without a yield lmdb would commit
 * nothing until the loop ends; a server's requests arrive in separate event turns anyway.
 */
const YIELD_EVERY = 1_000;
// A get round of an unbounded row lasts ~0.1 s in quick mode, short enough for one burst from another
// tenant to move it by 2x on this machine class; more rounds buy a steadier median, and they are cheap.
const GET_REPS = 7;
// Set rounds flush to disk and, for sqlite, fsync per set: noisier than gets (as in eviction.bench).
const SET_REPS = 5;

const OURS = 'cache-manager → createKeyv (this store)';
const MEMORY = 'cache-manager → in-memory (default)';
const SQLITE = 'cache-manager → @keyv/sqlite';
const ENGINE = 'LmdbStore direct (engine)';

/** One entry to preload, as `cache.mset()` takes it; `ttl` in ms. */
interface Entry {
  key: string;
  value: unknown;
  ttl: number;
}

/** A cache under test, open on its own directory, behind the calls the timed loops make. */
interface Subject {
  get(key: string): Promise<unknown>;
  /** Sets `value` under `key` with {@link TTL_MS}. */
  set(key: string, value: unknown): Promise<unknown>;
  /** Untimed: writes `entries` in as few transactions as the backend allows, durably. */
  preload(entries: readonly Entry[]): Promise<void>;
  /** Ends a timed set repetition: resolves once the writes are durable (at once where they already are). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  /** Stops after `sqliteBudgetMs` instead of doing every key. */
  bounded: boolean;
  /** Opens a subject in `dir` (an existing, empty directory); untimed, and ready when it resolves. */
  open(dir: string): Promise<Subject>;
}

const BACKENDS: readonly Backend[] = [
  { name: OURS, bounded: false, open: openCreateKeyv },
  { name: MEMORY, bounded: false, open: async () => cacheSubject(createCache()) },
  { name: SQLITE, bounded: true, open: openSqlite },
  { name: ENGINE, bounded: false, open: openEngine },
];

/**
 * cache-manager 7 on this package's `createKeyv()` against its default in-memory store and @keyv/sqlite,
 * plus the engine called directly, on the same keys and value: hot gets and sequential awaited sets.
 * Rates are operations per second.
 */
export async function runCacheManagerBench({ quick }: BenchOptions): Promise<Report> {
  const sizes = quick ? QUICK : FULL;
  const keys = Array.from({ length: sizes.keys }, (_, i) => `user:${i}`);
  const gets = await getCases(keys, sizes);
  const sets = await measure(
    BACKENDS.map((backend) => setCase(backend, keys, sizes)),
    { reps: SET_REPS },
  );
  const rows = [...gets.rows, ...sets];
  const versions = await Promise.all(['cache-manager', 'keyv', '@keyv/sqlite', 'sqlite3'].map(version));
  const ratio = (label: string, op: 'get' | 'set', peer: string, as: string, target?: number) =>
    ratioLine(rows, { label, ours: rowName(op, OURS), peer: rowName(op, peer), as, target });

  return {
    title: `cache-manager 7: createKeyv vs its default in-memory store and @keyv/sqlite (${formatCount(sizes.keys)} keys)`,
    rows,
    notes: [
      `${versions.join(', ')} (SQLite ${gets.sqlite.version}). Value: the ${JSON.stringify(VALUE).length}-byte ` +
        `record of the store scenario; keys \`user:<i>\`; every entry written with a TTL of ${formatCount(TTL_MS)} ms.`,
      'What each row stores: createKeyv keeps Keyv’s `{ value, expires }` msgpack-encoded in the engine ' +
        '(serialization off, namespace `keyv`), and, as the engine row does, the 10,000 entries read last ' +
        'decoded in memory (the read cache, checked against lmdb once per event-loop turn); in-memory is cache-manager’s own `new Keyv()` (a Map, ' +
        'serialization off), holding the very object set, so a get returns it without copying or decoding; ' +
        "@keyv/sqlite is `new Keyv({ store: new KeyvSqlite('sqlite://<file>') })` with Keyv’s default JSON " +
        `serialization, journal_mode ${gets.sqlite.journalMode}, synchronous ${gets.sqlite.synchronous} ` +
        '(each set is its own fsynced transaction); the engine row stores the record itself, no envelope.',
      `get: every key preloaded untimed (LMDB rows: one transaction, then flush; sqlite: inside one ` +
        `BEGIN…COMMIT), then ${formatCount(sizes.keys)} \`await cache.get(key)\` (engine: ` +
        `\`await store.get(key)\`) of ${formatCount(HOT_KEYS)} hot keys, each read as often, in a shuffled ` +
        `order, 100% hits (checked). ${GET_REPS} rounds; @keyv/sqlite stops after ${sizes.sqliteBudgetMs} ms ` +
        '(it reads a prefix of the same order).',
      `set: \`for (…) await cache.set(key, value, ${TTL_LITERAL})\` of fresh keys into a new cache ` +
        `(fresh directory or file, opened untimed) per repetition, awaiting \`setImmediate\` every ` +
        `${formatCount(YIELD_EVERY)} sets in every row; @keyv/sqlite stops after ${sizes.sqliteBudgetMs} ms. ` +
        `${SET_REPS} rounds.`,
      'The LMDB set rows end the timed region with a flush, so they include committing to disk. For the ' +
        'createKeyv row the bench opens `LmdbStore.open({ path })` on the same path: it joins the environment ' +
        'the adapter opened (one per path per process), and its `flush()` waits for every write issued through ' +
        'any handle on it, so it covers the writes made through Keyv. In-memory has nothing to flush; a ' +
        'sqlite set has already committed and synced when it resolves.',
      'Rows of a kind ran interleaved, round by round, after one untimed warm-up each. ± is half the min–max ' +
        'range, as % of the median.',
    ],
    ratios: [
      ratio('hot get', 'get', MEMORY, 'createKeyv / in-memory', 0.8),
      ratio('sequential awaited set', 'set', MEMORY, 'createKeyv / in-memory', 0.3),
      ratio('hot get', 'get', SQLITE, 'createKeyv / @keyv/sqlite', 20),
      ratio('sequential awaited set', 'set', SQLITE, 'createKeyv / @keyv/sqlite', 20),
      ratio('hot get', 'get', ENGINE, 'createKeyv / engine direct'),
      ratio('sequential awaited set', 'set', ENGINE, 'createKeyv / engine direct'),
    ],
  };
}

/** What the sqlite file reports about itself, for the notes. */
interface SqliteFacts {
  version: string;
  journalMode: string;
  synchronous: string;
}

/** Hot gets: all four subjects open side by side, preloaded with every key, so their rounds interleave. */
async function getCases(
  keys: readonly string[],
  sizes: Sizes,
): Promise<{ rows: Row[]; sqlite: SqliteFacts }> {
  // Shuffled so no engine benefits from reading in insertion (roughly key) order; as many reads as keys,
  // spread over the hot set so each hot key is read keys / HOT_KEYS times per round.
  const hot = shuffle([...keys]).slice(0, HOT_KEYS);
  const order = shuffle(keys.map((_, i) => hot[i % HOT_KEYS]));
  const entries = keys.map((key) => ({ key, value: VALUE, ttl: TTL_MS }));
  return withTempDir('bench-cache-manager-get', async (dir) => {
    const subjects: Subject[] = [];
    try {
      const cases: Case[] = [];
      for (const [i, backend] of BACKENDS.entries()) {
        const subject = await openIn(backend, join(dir, String(i)));
        subjects.push(subject);
        await subject.preload(entries);
        deepStrictEqual(await subject.get(keys[0]), VALUE);
        const budgetMs = backend.bounded ? sizes.sqliteBudgetMs : Infinity;
        const readAll = async () => checkHits(await forEach(order, budgetMs, (key) => subject.get(key)));
        cases.push({ name: rowName('get', backend.name), repetition: () => timed(readAll) });
      }
      const rows = await measure(cases, { reps: GET_REPS });
      return { rows, sqlite: await sqliteFacts(join(dir, String(BACKENDS.findIndex((b) => b.bounded)))) };
    } finally {
      for (const subject of subjects) await subject.close();
    }
  });
}

/** Sequential awaited sets of `keys` into a fresh subject per repetition; setup and teardown untimed. */
function setCase(backend: Backend, keys: readonly string[], sizes: Sizes): Case {
  const budgetMs = backend.bounded ? sizes.sqliteBudgetMs : Infinity;
  return {
    name: rowName('set', backend.name),
    repetition: () =>
      withTempDir('bench-cache-manager-set', async (dir): Promise<Repetition> => {
        const subject = await openIn(backend, dir);
        try {
          return await timed(async () => {
            const done = await forEach(keys, budgetMs, (key) => subject.set(key, VALUE));
            await subject.settle();
            return done.ops;
          });
        } finally {
          await subject.close();
        }
      }),
  };
}

/**
 * Awaits `op` on each key in turn, yielding to the event loop every {@link YIELD_EVERY} ops; stops early
 * once `budgetMs` has passed.
 * @returns ops done, and how many resolved to something other than `undefined`
 */
async function forEach(
  keys: readonly string[],
  budgetMs: number,
  op: (key: string) => Promise<unknown>,
): Promise<{ ops: number; defined: number }> {
  const deadline = performance.now() + budgetMs;
  let ops = 0;
  let defined = 0;
  while (ops < keys.length) {
    if ((await op(keys[ops++])) !== undefined) defined++;
    if (ops % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    // Checking the clock costs ~50 ns, negligible next to a sqlite round trip (the only bounded rows).
    if (budgetMs !== Infinity && performance.now() >= deadline) break;
  }
  return { ops, defined };
}

function checkHits({ ops, defined }: { ops: number; defined: number }): number {
  if (defined !== ops) throw new Error(`expected ${ops} hits, got ${defined}: not an all-hit read`);
  return ops;
}

function rowName(op: 'get' | 'set', backend: string): string {
  return op === 'get' ? `get, ${backend}` : `set (seq awaited), ${backend}`;
}

async function openIn(backend: Backend, dir: string): Promise<Subject> {
  await mkdir(dir, { recursive: true });
  const subject = await backend.open(dir);
  // A miss waits for a background open (createKeyv, sqlite's connection and CREATE TABLE) outside the timing.
  if ((await subject.get('bench:absent')) !== undefined) throw new Error('fresh cache is not empty');
  return subject;
}

/** A cache-manager cache as a subject; `preload` through `mset` (Keyv `setMany`). */
function cacheSubject(
  cache: Cache,
  extra: Partial<Pick<Subject, 'preload' | 'settle' | 'close'>> = {},
): Subject {
  return {
    get: (key) => cache.get(key),
    set: (key, value) => cache.set(key, value, TTL_MS),
    preload: async (entries) => void (await cache.mset([...entries])),
    settle: async () => undefined,
    close: async () => void (await cache.disconnect()),
    ...extra,
  };
}

async function openCreateKeyv(dir: string): Promise<Subject> {
  const cache = createCache({ stores: [createKeyv({ path: dir })] });
  // Keyv exposes no flush; a second handle on the path shares the adapter's environment and flushes it.
  const engine = await LmdbStore.open({ path: dir });
  return cacheSubject(cache, {
    preload: async (entries) => {
      await cache.mset([...entries]);
      await engine.flush();
    },
    settle: () => engine.flush(),
    close: async () => {
      await cache.disconnect();
      await engine.close();
    },
  });
}

async function openSqlite(dir: string): Promise<Subject> {
  const adapter = new KeyvSqlite(`sqlite://${join(dir, 'cache.sqlite')}`);
  const cache = createCache({ stores: [new Keyv({ store: adapter })] });
  return cacheSubject(cache, {
    // One transaction: one fsync for the whole preload instead of one per key (20–60x faster here).
    preload: async (entries) => {
      await adapter.query('BEGIN');
      await cache.mset([...entries]);
      await adapter.query('COMMIT');
    },
  });
}

async function openEngine(dir: string): Promise<Subject> {
  const store = await LmdbStore.open({ path: dir });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value, TTL_MS),
    preload: async (entries) => {
      await store.setMany(entries.map(({ key, value, ttl }) => ({ key, value, ttlMs: ttl })));
      await store.flush();
    },
    settle: () => store.flush(),
    close: () => store.close(),
  };
}

async function sqliteFacts(dir: string): Promise<SqliteFacts> {
  // A separate connection: the PRAGMAs report the file's and the defaults' settings, the ones the rows used.
  const adapter = new KeyvSqlite(`sqlite://${join(dir, 'cache.sqlite')}`);
  try {
    const one = async (sql: string) =>
      Object.values(((await adapter.query(sql)) as object[])[0])[0] as unknown;
    const synchronous = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(await one('PRAGMA synchronous'))];
    return {
      version: String(await one('SELECT sqlite_version()')),
      journalMode: String(await one('PRAGMA journal_mode')),
      synchronous: synchronous ?? 'unknown',
    };
  } finally {
    await adapter.disconnect();
  }
}

/** `name version`, from the installed package's package.json. */
async function version(name: string): Promise<string> {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  const { version } = JSON.parse(await readFile(url, 'utf8')) as { version: string };
  return `${name} ${version}`;
}
