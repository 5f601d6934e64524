import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import type { LmdbStore } from '../store/index.js';
import { LMDB_STORE } from './lmdb-cache.constants.js';

/**
 * Closes the cache when the application shuts down (`app.close()`, or a signal after
 * `enableShutdownHooks()`): the stores disconnect (the LMDB one commits its pending writes), the sweeper
 * stops, and the environment is flushed and closed. Runs after every `onModuleDestroy`, so writes made
 * there are kept. Closing twice (e.g. also from @nestjs/cache-manager's own disconnect) is harmless.
 */
@Injectable()
export class LmdbCacheLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(LMDB_STORE) private readonly store: LmdbStore,
  ) {}

  /** Disconnects every store of the cache, then flushes and closes the engine. */
  async onApplicationShutdown(): Promise<void> {
    await this.cache.disconnect();
    await this.store.flush();
    await this.store.close();
  }
}
