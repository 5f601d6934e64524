/**
 * `nestjs-lmdb-cache/compat`: level-cache's API on LMDB (`openLmdbCache`, alias `openLevelCache`), a
 * cache-manager 5 store (`lmdbStore`), and an importer for level-cache data (`importLevelCache`).
 */
export {
  defaultNamespace,
  openLevelCache,
  openLmdbCache,
  type Cache,
  type CacheOptions,
  type CacheStats,
  type Millis,
  type PutOptions,
} from './level-cache.js';
export {
  lmdbStore,
  type LmdbCacheManagerStore,
  type LmdbCacheManagerStoreConfig,
} from './cache-manager-store.js';
export { importLevelCache, type LevelImportOptions, type LevelImportProgress } from './level-importer.js';
