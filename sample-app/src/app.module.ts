import { fileURLToPath } from 'node:url';
import { Module, type DynamicModule } from '@nestjs/common';
import { CacheModule } from '@nestjs/cache-manager';
import { TerminusModule } from '@nestjs/terminus';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { LmdbCacheModule } from '../../lib/nest/index.js';
import { GreetingController } from './greeting.controller.js';
import { OpsController } from './ops.controller.js';
import { ProductsController } from './products.controller.js';

/**
 * Where the cache lives unless `CACHE_PATH` says otherwise: `<repo>/.cache/sample-app`, resolved from this
 * file rather than the working directory, so every way of starting the app (and every cluster worker)
 * opens the same cache.
 */
export const DEFAULT_CACHE_PATH = fileURLToPath(new URL('../../.cache/sample-app', import.meta.url));

/**
 * The cache module for `CACHE_STORE`: unset or `lmdb` is this library; `memory` and `redis` are the
 * stock @nestjs/cache-manager setups, kept so the HTTP benchmark can compare the same app on each.
 * All three provide `CACHE_MANAGER` globally, so the controllers do not change.
 */
export function cacheModule(store = process.env.CACHE_STORE ?? 'lmdb'): DynamicModule {
  switch (store) {
    case 'lmdb':
      return LmdbCacheModule.forRoot({
        path: process.env.CACHE_PATH ?? DEFAULT_CACHE_PATH,
        ttl: 60_000, // default for entries set without a TTL
        sweepIntervalMs: 30_000, // expired entries are also skipped on read; the sweep only reclaims space
        isGlobal: true,
      });
    case 'memory':
      return CacheModule.register({ isGlobal: true }); // cache-manager's default: a Map per process
    case 'redis':
      return CacheModule.register({
        isGlobal: true,
        stores: [new Keyv({ store: new KeyvRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') })],
      });
    default:
      throw new Error(`CACHE_STORE must be lmdb, memory or redis, got ${JSON.stringify(store)}`);
  }
}

/** The sample application: the cache (see {@link cacheModule}), health checks and three controllers. */
@Module({
  imports: [cacheModule(), TerminusModule],
  controllers: [ProductsController, GreetingController, OpsController],
})
export class AppModule {}
