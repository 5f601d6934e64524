import { LmdbCacheError, LmdbStore, type LmdbStoreOptions } from '../store/index.js';

/**
 * cache-manager 5's `Store` contract, declared here so that cache-manager 5 need not be installed to
 * compile. TTLs in ms.
 */
export interface LmdbCacheManagerStore {
  readonly name: 'lmdb';
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, data: T, ttl?: number): Promise<void>;
  del(key: string): Promise<void>;
  reset(): Promise<void>;
  mset(entries: Array<[string, unknown]>, ttl?: number): Promise<void>;
  mget(...keys: string[]): Promise<unknown[]>;
  mdel(...keys: string[]): Promise<void>;
  keys(pattern?: string): Promise<string[]>;
  ttl(key: string): Promise<number>;
  isCacheable(value: unknown): boolean;
  /** Closes this store's handle on the cache. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link lmdbStore}: the engine's, plus cache-manager 5's `ttl` (ms) and `isCacheable`. */
export type LmdbCacheManagerStoreConfig = LmdbStoreOptions & {
  /** Default TTL in ms; `0` or none: never expires (cache-manager 5's meaning). */
  ttl?: number;
  /** Values this returns false for are refused by `set`/`mset`. Default: anything but `undefined`. */
  isCacheable?: (value: unknown) => boolean;
};

/**
 * A cache-manager 5 `Store` on LMDB, for apps on cache-manager 5 and `@nestjs/cache-manager` 2: use
 * `caching(lmdbStore({ path }))`, or `caching(lmdbStore, { path, ttl })`. Returned at once; the
 * environment opens behind it. `ttl(key)` is the remaining ms, -1 without expiry, -2 for a missing key.
 * `reset()` clears the store's namespace, or the whole cache when it has none.
 * @throws LmdbCacheError `ERR_INVALID_OPTION` without a path (at once); other bad options and open failures
 *   reject the operations.
 */
export function lmdbStore(config?: LmdbCacheManagerStoreConfig): LmdbCacheManagerStore {
  // Optional only to fit cache-manager 5's factory type; a store needs its path.
  if (typeof config?.path !== 'string') {
    throw new LmdbCacheError('ERR_INVALID_OPTION', 'lmdbStore needs { path } (the cache directory)');
  }
  const opening = LmdbStore.open(config);
  opening.catch(() => undefined);
  const isCacheable = config.isCacheable ?? ((value: unknown) => value !== undefined);
  const now = config.now ?? (() => Date.now());
  // cache-manager 5: an omitted ttl takes the default; 0 (or less) means no expiry.
  const ttlMs = (ttl?: number) => {
    const resolved = ttl ?? config.ttl;
    return resolved === undefined || resolved <= 0 ? Infinity : resolved;
  };
  const refuse = (value: unknown) => {
    if (!isCacheable(value)) throw new TypeError(`${String(value)} is not a cacheable value`);
  };

  return {
    name: 'lmdb',
    isCacheable,
    get: async <T>(key: string) => (await opening).get<T>(key),
    set: async (key, data, ttl) => {
      refuse(data);
      await (await opening).set(key, data, ttlMs(ttl));
    },
    del: async (key) => void (await (await opening).delete(key)),
    reset: async () => (await opening).clear({ allNamespaces: config.namespace === undefined }),
    mset: async (entries, ttl) => {
      entries.forEach(([, value]) => refuse(value));
      await (await opening).setMany(entries.map(([key, value]) => ({ key, value, ttlMs: ttlMs(ttl) })));
    },
    mget: async (...keys) => (await opening).getMany(keys),
    mdel: async (...keys) => void (await (await opening).deleteMany(keys)),
    keys: async (pattern) => {
      const matches = pattern === undefined ? () => true : globMatcher(pattern);
      const keys: string[] = [];
      for await (const [key] of (await opening).entries()) if (matches(key)) keys.push(key);
      return keys;
    },
    ttl: async (key) => {
      const expiresAt = await (await opening).expiresAt(key);
      if (expiresAt === undefined) return -2;
      return expiresAt === Infinity ? -1 : Math.max(0, expiresAt - now());
    },
    close: async () => (await opening).close(),
  };
}

// Redis-style glob: `*` any run, `?` one character; everything else literal.
function globMatcher(pattern: string): (key: string) => boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'su');
  return (key) => regex.test(key);
}
