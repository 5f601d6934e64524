import { Module, type DynamicModule } from '@nestjs/common';
import { createLmdbCacheProviders, LMDB_CACHE_EXPORTS } from './lmdb-cache.providers.js';
import { ASYNC_OPTIONS_TYPE, ConfigurableModuleClass, OPTIONS_TYPE } from './lmdb-cache.module-definition.js';

/**
 * The LMDB cache for a Nest application: provides `CACHE_MANAGER` (a cache-manager 7 `Cache` whose
 * first store is the LMDB Keyv), so `CacheInterceptor`, `@CacheKey`, `@CacheTTL` and
 * `@Inject(CACHE_MANAGER)` from `@nestjs/cache-manager` work without its `CacheModule`; the engine under
 * `@InjectLmdbStore()`; and `LmdbCacheHealthIndicator`. The cache opens during module init (a path that
 * cannot be opened or written stops the start, naming it) and closes on application shutdown.
 */
@Module({})
export class LmdbCacheModule extends ConfigurableModuleClass {
  /** A module on the cache the options describe; `isGlobal: true` makes its providers global. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withProviders(super.forRoot(options));
  }

  /** As {@link forRoot}, with options from `useFactory` (+ `inject`, `imports`), `useClass` or `useExisting`. */
  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withProviders(super.forRootAsync(options));
  }
}

function withProviders(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    providers: [...(definition.providers ?? []), ...createLmdbCacheProviders()],
    exports: [...(definition.exports ?? []), ...LMDB_CACHE_EXPORTS],
  };
}
