import { LmdbStore, type LmdbStoreStats } from '../store/index.js';
import { levelSegments, levelView } from './level-records.js';

/** A duration or an epoch time in milliseconds. */
export type Millis = number;

/** Options of {@link openLmdbCache}, level-cache's shape plus eviction and a sweep timer. */
export type CacheOptions = Readonly<{
  /** Cache directory (LMDB, not LevelDB: use `importLevelCache` to bring level-cache data over). */
  path: string;
  /** TTL used when `set()` gets none. Default 24 h; `Infinity` never expires. */
  defaultTtlMs?: Millis;
  /** Namespace of the returned view; `/` nests (`'a/b'`). Default `'default'`; `''` for none. */
  namespace?: string;
  /** Cap on entries in the whole cache, kept by approximate-LRU eviction. Default none. */
  maxEntries?: number;
  /** Sweep expired entries every this many ms (one process per host at a time). Default: no timer. */
  cleanupIntervalMs?: Millis;
  /** Clock in epoch ms (an extension for tests; level-cache has none). Default `Date.now`. */
  now?: () => Millis;
}>;

/** Options of `Cache.set`. */
export type PutOptions = Readonly<{ ttlMs?: Millis }>;

/** One operation of `Cache.batch`. */
export type BatchOperation<T> =
  Readonly<{ type: 'put'; key: string; value: T; ttlMs?: Millis }> | Readonly<{ type: 'del'; key: string }>;

/** What `Cache.getStats` reports: level-cache's figures plus the engine's counters for the path. */
export type CacheStats = LmdbStoreStats &
  Readonly<{
    /** Entries of this view's namespace (every namespace for a view with none), expired ones included. */
    totalEntries: number;
    /** Of those, entries expired but not removed yet. */
    expiredEntries: number;
    /** This view's namespace, or for a view with none, every namespace holding entries. */
    namespaces: readonly string[];
  }>;

/** level-cache's `Cache<T>`: a namespaced view of one shared LMDB handle. TTLs in ms. */
export type Cache<T = unknown> = Readonly<{
  get(key: string): Promise<T | undefined>;
  has(key: string): Promise<boolean>;
  set(key: string, value: T, opts?: PutOptions): Promise<void>;
  del(key: string): Promise<void>;
  batch(ops: ReadonlyArray<BatchOperation<T>>): Promise<void>;
  entries(opts?: Readonly<{ limit?: number; namespace?: string }>): AsyncGenerator<[string, T]>;
  sweepExpired(): Promise<number>;
  withNamespace(ns: string): Cache<T>;
  getStats(): Promise<CacheStats>;
  close(): Promise<void>;
}>;

const DEFAULT_TTL_MS = 86_400_000;
const DEFAULT_NAMESPACE = 'default';

/**
 * Opens a cache with level-cache's API (its latest version) on LMDB, so a project switches by changing one
 * import. Closing any view closes them all; expired entries read as misses and are removed later.
 * @throws LmdbCacheError `ERR_OPEN_FAILED` naming the path, `ERR_INVALID_OPTION` for bad options.
 */
export async function openLmdbCache<T = unknown>(opts: CacheOptions): Promise<Cache<T>> {
  const root = await LmdbStore.open({
    path: opts.path,
    maxEntries: opts.maxEntries,
    sweepIntervalMs: opts.cleanupIntervalMs,
    now: opts.now,
  });
  return view<T>(root, opts.namespace ?? DEFAULT_NAMESPACE, opts.defaultTtlMs ?? DEFAULT_TTL_MS);
}

/** level-cache's name for {@link openLmdbCache}, so only the import line changes. */
export const openLevelCache = openLmdbCache;

/** The namespace `ns` nested under `base.namespace` (level-cache's helper): `'base/ns'`, or `ns`. */
export function defaultNamespace(base: Partial<CacheOptions>, ns: string): string {
  return base.namespace ? `${base.namespace}/${ns}` : ns;
}

function engineView(root: LmdbStore, namespace: string): LmdbStore {
  return levelView(root, levelSegments(namespace));
}

function view<T>(root: LmdbStore, namespace: string, defaultTtlMs: Millis): Cache<T> {
  const store = engineView(root, namespace);
  const cache: Cache<T> = Object.freeze({
    get: (key: string) => store.get<T>(key),
    has: (key: string) => store.has(key),
    set: (key: string, value: T, opts?: PutOptions) => store.set(key, value, opts?.ttlMs ?? defaultTtlMs),
    del: async (key: string) => void (await store.delete(key)),
    batch: (ops: ReadonlyArray<BatchOperation<T>>) =>
      store.batch(ops.map((op) => (op.type === 'put' ? { ...op, ttlMs: op.ttlMs ?? defaultTtlMs } : op))),
    entries: (opts: Readonly<{ limit?: number; namespace?: string }> = {}) =>
      (opts.namespace === undefined ? store : engineView(root, opts.namespace)).entries<T>({
        limit: opts.limit,
      }),
    sweepExpired: () => root.sweep(),
    withNamespace: (ns: string) =>
      ns === '' ? cache : view<T>(root, namespace === '' ? ns : `${namespace}/${ns}`, defaultTtlMs),
    getStats: () => statsOf(root, store, namespace),
    close: () => root.close(),
  });
  return cache;
}

async function statsOf(root: LmdbStore, store: LmdbStore, namespace: string): Promise<CacheStats> {
  const summaries = await store.summary();
  const counted =
    namespace === '' ? summaries : summaries.filter((summary) => summary.namespace.length === 0);
  const expiredEntries = counted.reduce((sum, summary) => sum + summary.expired, 0);
  const totalEntries = counted.reduce((sum, summary) => sum + summary.live, expiredEntries);
  const namespaces =
    namespace === ''
      ? summaries.map((summary) => summary.namespace.join('/')).filter((name) => name !== '')
      : [namespace];
  return { ...root.stats(), totalEntries, expiredEntries, namespaces };
}
