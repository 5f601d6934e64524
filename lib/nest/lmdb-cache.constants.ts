/** Injection token of the module's `LmdbStore` (the cache's root namespace); see `InjectLmdbStore()`. */
export const LMDB_STORE = 'LMDB_CACHE_STORE';

/** Where `LmdbCacheModule` keeps its cache when `path` is not given, relative to the working directory. */
export const DEFAULT_PATH = '.cache/nestjs-lmdb-cache';
