import { isAbsolute, relative, resolve } from 'node:path';
import { LmdbCacheError } from '../store/errors.js';
import { LmdbStore, type SetManyEntry } from '../store/lmdb-store.js';
import { levelView, parseLevelEnvelope, splitLevelKey } from './level-records.js';
import { loadClassicLevel, openLevelSnapshot, type LevelSnapshot } from './level-snapshot.js';

/** Counts of an import so far. Always `read === imported + expired + skipped`. */
export interface LevelImportProgress {
  /** Records read from the LevelDB directory. */
  read: number;
  /** Entries written to the LMDB cache. */
  imported: number;
  /** Records already expired at `now()`: not written. */
  expired: number;
  /** Records that are not level-cache entries (not a JSON `{ v, x? }` envelope, or an unusable namespace). */
  skipped: number;
}

/** Options of {@link importLevelCache}. */
export interface LevelImportOptions {
  /** The level-cache LevelDB directory to read. It is never modified: a temporary copy is read instead. */
  from: string;
  /** The LMDB cache directory to write (created if missing; existing entries with other keys are kept). */
  to: string;
  /** Clock in epoch ms, used both to drop expired records and as the cache's clock. Default `Date.now`. */
  now?: () => number;
  /** Called after each chunk (about 5,000 records) is durable in the cache, with the running totals. */
  onProgress?: (progress: LevelImportProgress) => void;
}

// Records per chunk: one setMany transaction per namespace and one flush per chunk; also bounds memory.
const CHUNK_RECORDS = 5_000;
// A chunk also ends at this many UTF-16 units of keys and values, so huge values cannot pile up.
const CHUNK_CHARS = 32 * 1024 * 1024;

/**
 * Imports a level-cache (`@promethean-os/level-cache`) LevelDB directory into an LMDB cache. Each record
 * `${namespace}\u241F${key}` goes to the namespace view `namespace('a').namespace('b')` for `'a/b'` (the
 * root for a record with no namespace) with its value and its absolute expiry `x` unchanged; records
 * expired at `now()` are counted and left out. Streams in chunks, so memory stays bounded whatever the
 * size of the input. Needs the optional peer dependency `classic-level`.
 *
 * `from` is copied to the OS temp dir first and the copy is read, because LevelDB cannot open a directory
 * without writing to it; the copy takes as much free space as `from` and is deleted afterwards.
 * @returns the final counts.
 * @throws LmdbCacheError `ERR_INVALID_OPTION` for malformed options or when `to` is inside `from`;
 *   `ERR_OPEN_FAILED` when classic-level is not installed (the import error as `cause`), or naming the
 *   path when `from` is missing, not a LevelDB directory or cannot be opened, or `to` cannot be opened;
 *   `ERR_CORRUPTED` when LevelDB cannot read `from`'s files; `ERR_WRITE_FAILED` when the cache cannot be
 *   written. Whatever `onProgress` throws stops the import and is rethrown. On any error, what earlier
 *   chunks wrote stays in the cache; both databases are closed either way.
 */
export async function importLevelCache(options: LevelImportOptions): Promise<LevelImportProgress> {
  const { from, to, now = () => Date.now(), onProgress } = checkOptions(options);
  const Level = await loadClassicLevel();
  const snapshot = await openLevelSnapshot(Level, from);
  // The store reads the clock frozen at the start of each chunk, so it computes exactly `x` back from the
  // `x - clock` TTL it is given, even with a real clock that moves between the two reads.
  let clock = now();
  let store: LmdbStore | undefined;
  let failed = true;
  try {
    store = await LmdbStore.open({ path: to, now: () => clock });
    const progress: LevelImportProgress = { read: 0, imported: 0, expired: 0, skipped: 0 };
    for (;;) {
      const records = await snapshot.read(CHUNK_RECORDS, CHUNK_CHARS);
      if (records.length === 0) break;
      clock = now();
      await importChunk(store, records, clock, progress);
      // Waiting for the disk at each chunk keeps lmdb's queue of uncommitted writes one chunk long.
      await store.flush();
      onProgress?.({ ...progress });
    }
    failed = false;
    return progress;
  } finally {
    await closeAll(snapshot, store, failed);
  }
}

// Sorts one chunk into expired, skipped and per-namespace batches, then writes each batch atomically.
async function importChunk(
  root: LmdbStore,
  records: readonly [string, string][],
  clock: number,
  progress: LevelImportProgress,
): Promise<void> {
  const batches = new Map<string, { namespace: string[]; entries: SetManyEntry[] }>();
  for (const [storedKey, raw] of records) {
    progress.read++;
    const envelope = parseLevelEnvelope(raw);
    if (envelope === undefined) {
      progress.skipped++;
      continue;
    }
    const { expiresAt, value } = envelope;
    if (expiresAt !== undefined && expiresAt <= clock) {
      progress.expired++;
      continue;
    }
    const { namespace, key } = splitLevelKey(storedKey);
    // JSON of the segments: no two namespace paths share it, whatever characters they hold.
    const id = JSON.stringify(namespace);
    let batch = batches.get(id);
    if (batch === undefined) batches.set(id, (batch = { namespace, entries: [] }));
    batch.entries.push({ key, value, ttlMs: expiresAt === undefined ? Infinity : expiresAt - clock });
  }
  for (const { namespace, entries } of batches.values()) {
    const view = viewOf(root, namespace);
    if (view === undefined) {
      progress.skipped += entries.length;
      continue;
    }
    await view.setMany(entries);
    progress.imported += entries.length;
  }
}

// The nested view for a namespace path; undefined when the engine refuses it (a path longer than 1 KB).
function viewOf(root: LmdbStore, namespace: readonly string[]): LmdbStore | undefined {
  try {
    return levelView(root, namespace);
  } catch (error) {
    if (error instanceof LmdbCacheError && error.code === 'ERR_INVALID_NAMESPACE') return undefined;
    throw error;
  }
}

// Closes both sides even when one fails; a close error surfaces only when nothing else failed first.
async function closeAll(
  snapshot: LevelSnapshot,
  store: LmdbStore | undefined,
  failed: boolean,
): Promise<void> {
  const results = await Promise.allSettled([store?.close(), snapshot.close()]);
  const rejected = results.find((result) => result.status === 'rejected');
  if (!failed && rejected) throw rejected.reason;
}

function checkOptions(options: LevelImportOptions): LevelImportOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object');
  const { from, to, now, onProgress } = options;
  if (typeof from !== 'string' || from.length === 0) invalid('`from` must be a non-empty path');
  if (typeof to !== 'string' || to.length === 0) invalid('`to` must be a non-empty path');
  if (now !== undefined && typeof now !== 'function') invalid('`now` must be a function returning epoch ms');
  if (onProgress !== undefined && typeof onProgress !== 'function')
    invalid('`onProgress` must be a function');
  // The cache would create its files inside the directory that must stay unmodified.
  const inside = relative(resolve(from), resolve(to));
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    invalid(`\`to\` (${to}) must not be \`from\` (${from}) or inside it`);
  }
  return options;
}

function invalid(message: string): never {
  throw new LmdbCacheError('ERR_INVALID_OPTION', message);
}
