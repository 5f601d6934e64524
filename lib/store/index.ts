/**
 * `nestjs-lmdb-cache/store`: the LMDB engine alone. Loads `lmdb` and `node:*` only, never Nest, Keyv or
 * cache-manager.
 */
export { LmdbStore, type EntriesOptions, type SetManyEntry } from './lmdb-store.js';
export { LmdbCacheError, type LmdbCacheErrorCode } from './errors.js';
export type { Durability, LmdbStoreOptions } from './options.js';
export type { LmdbStoreStats } from './stats.js';
