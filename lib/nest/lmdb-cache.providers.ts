import { access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Provider } from '@nestjs/common';
import { Cache, CACHE_MANAGER } from '@nestjs/cache-manager';
import { createCache } from 'cache-manager';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { createKeyv } from '../keyv/index.js';
import { LmdbCacheError, LmdbStore, type LmdbStoreOptions } from '../store/index.js';
import { DEFAULT_PATH, LMDB_STORE } from './lmdb-cache.constants.js';
import { LmdbCacheHealthIndicator } from './lmdb-cache.health.js';
import { LmdbCacheLifecycle } from './lmdb-cache.lifecycle.js';
import type { LmdbCacheModuleOptions } from './lmdb-cache-options.interface.js';
import { LMDB_CACHE_MODULE_OPTIONS } from './lmdb-cache.module-definition.js';

/** Tokens the module exports to the modules that import it. */
export const LMDB_CACHE_EXPORTS = [CACHE_MANAGER, Cache, LMDB_STORE, LmdbCacheHealthIndicator];

/** The providers behind `LmdbCacheModule`: the engine, the cache-manager `Cache`, lifecycle and health. */
export function createLmdbCacheProviders(): Provider[] {
  return [
    { provide: LMDB_STORE, useFactory: openStore, inject: [LMDB_CACHE_MODULE_OPTIONS] },
    {
      provide: CACHE_MANAGER,
      useFactory: createCacheManager,
      inject: [LMDB_CACHE_MODULE_OPTIONS, LMDB_STORE],
    },
    // `constructor(private cache: Cache)` works as with @nestjs/cache-manager's own module.
    { provide: Cache, useExisting: CACHE_MANAGER },
    LmdbCacheLifecycle,
    LmdbCacheHealthIndicator,
  ];
}

/** The engine's options from the module's: `path` defaulted, `ttl` as `defaultTtlMs`, cache-manager's dropped. */
function engineOptions(options: LmdbCacheModuleOptions): LmdbStoreOptions {
  const { path = DEFAULT_PATH, ttl, refreshThreshold: _r, nonBlocking: _n, stores: _s, ...engine } = options;
  return { ...engine, path: resolve(path), defaultTtlMs: ttl };
}

/**
 * Opens the cache (root namespace) and checks it can be written, during module init, so a bad path stops
 * the application from starting.
 * @throws LmdbCacheError `ERR_OPEN_FAILED` naming the path.
 */
async function openStore(options: LmdbCacheModuleOptions): Promise<LmdbStore> {
  const engine = { ...engineOptions(options), namespace: undefined };
  const store = await LmdbStore.open(engine);
  for (const file of [engine.path, join(engine.path, 'data.mdb')]) {
    try {
      await access(file, constants.W_OK);
    } catch (cause) {
      await store.close();
      throw new LmdbCacheError('ERR_OPEN_FAILED', `the cache at ${engine.path} is not writable`, { cause });
    }
  }
  return store;
}

/** cache-manager 7 over the LMDB Keyv (the module's namespace, Keyv's `'keyv'` when none), then `stores`. */
function createCacheManager(options: LmdbCacheModuleOptions, store: LmdbStore): Cache {
  void store; // injected so the environment is open (and checked) before the adapter joins it
  const lmdb = createKeyv(engineOptions(options));
  const lower = (options.stores ?? []).map((tier) => (isKeyv(tier) ? tier : new Keyv({ store: tier })));
  return createCache({
    stores: [lmdb, ...lower],
    ttl: options.ttl,
    refreshThreshold: options.refreshThreshold,
    nonBlocking: options.nonBlocking,
  }) as unknown as Cache;
}

// Duck-typed as @nestjs/cache-manager does: `instanceof` fails across two copies of keyv.
function isKeyv(tier: Keyv | KeyvStoreAdapter): tier is Keyv {
  return tier instanceof Keyv || ('hooks' in tier && 'stats' in tier && 'opts' in tier);
}
