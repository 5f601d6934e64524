/**
 * `nestjs-lmdb-cache/store`: the LMDB engine alone. Loads `lmdb` and `node:*` only, never Nest, Keyv or
 * cache-manager.
 */
export {
  LmdbStore,
  type BatchOperation,
  type ClearOptions,
  type NamespaceSummary,
  type EntriesOptions,
  type SetManyEntry,
  type StatsOptions,
} from './lmdb-store.js';
export { LmdbCacheError, type LmdbCacheErrorCode } from './errors.js';
export type { Durability, LmdbStoreLogger, LmdbStoreOptions } from './options.js';
export type { LmdbStoreStats } from './stats.js';
