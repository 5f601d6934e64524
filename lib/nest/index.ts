/** The NestJS layer: `LmdbCacheModule`, its injection helpers and health indicator. */
export { LmdbCacheModule } from './lmdb-cache.module.js';
export type { LmdbCacheModuleOptions } from './lmdb-cache-options.interface.js';
export { LMDB_CACHE_MODULE_OPTIONS } from './lmdb-cache.module-definition.js';
export { LMDB_STORE } from './lmdb-cache.constants.js';
export { InjectLmdbStore } from './inject-lmdb-store.decorator.js';
export { LmdbCacheHealthIndicator, type LmdbCacheHealth } from './lmdb-cache.health.js';
