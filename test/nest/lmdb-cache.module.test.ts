import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Module, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { CACHE_MANAGER, CacheModule, type Cache } from '@nestjs/cache-manager';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Keyv } from 'keyv';
import request from 'supertest';
import { createKeyv } from '../../lib/keyv/index.js';
import { InjectLmdbStore, LMDB_STORE, LmdbCacheModule } from '../../lib/nest/index.js';
import { LmdbStore } from '../../lib/store/index.js';
import { QUIET } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { FeatureModule, ManualController, ProductsController, Upstream } from './apps.js';

afterAll(removeTempDirs);

const apps: INestApplication[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(metadata: ModuleMetadata): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    providers: [Upstream, ...(metadata.providers ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  await app.init();
  return app;
}

async function stop(app: INestApplication): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

describe('LmdbCacheModule with CacheInterceptor', () => {
  it('answers MISS, then HIT from the cache without calling the handler again', async () => {
    const app = await start({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), ...QUIET })],
      controllers: [ProductsController],
    });
    const first = await request(app.getHttpServer()).get('/products/7').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await request(app.getHttpServer()).get('/products/7').expect(200);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(app.get(Upstream).calls).toBe(1);
  });

  it('expires a response after its @CacheTTL (ms), on the injected clock', async () => {
    let now = 1_000_000;
    const app = await start({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), now: () => now, ...QUIET })],
      controllers: [ProductsController],
    });
    await request(app.getHttpServer()).get('/products/1');
    now += 9_999;
    expect((await request(app.getHttpServer()).get('/products/1')).headers['x-cache']).toBe('HIT');
    now += 1;
    expect((await request(app.getHttpServer()).get('/products/1')).headers['x-cache']).toBe('MISS');
    expect(app.get(Upstream).calls).toBe(2);
  });

  it('stores a response under its @CacheKey', async () => {
    const app = await start({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), ...QUIET })],
      controllers: [ProductsController],
    });
    const { body } = await request(app.getHttpServer()).get('/featured').expect(200);
    expect(await app.get<Cache>(CACHE_MANAGER).get('featured-products')).toEqual(body);
  });

  it('still serves a cached response after the application restarts on the same path', async () => {
    const path = tempDir();
    const metadata = {
      imports: [LmdbCacheModule.forRoot({ path, ...QUIET })],
      controllers: [ProductsController],
    };
    const before = await start(metadata);
    const { body } = await request(before.getHttpServer()).get('/products/3');
    await stop(before);

    const after = await start(metadata);
    const again = await request(after.getHttpServer()).get('/products/3');
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(body);
    expect(after.get(Upstream).calls).toBe(0);
  });

  it('works as a store of @nestjs/cache-manager’s own CacheModule.register({ stores: [createKeyv()] })', async () => {
    const path = tempDir();
    const app = await start({
      imports: [CacheModule.register({ stores: [createKeyv({ path, ...QUIET })] })],
      controllers: [ProductsController],
    });
    expect((await request(app.getHttpServer()).get('/products/9')).headers['x-cache']).toBe('MISS');
    expect((await request(app.getHttpServer()).get('/products/9')).headers['x-cache']).toBe('HIT');
    await stop(app);
    const store = await LmdbStore.open({ path });
    expect(store.stats().entries).toBe(1);
    await store.close();
  });
});

describe('LmdbCacheModule configuration', () => {
  it('forRootAsync takes its options from @nestjs/config through useFactory and inject', async () => {
    const path = tempDir();
    const app = await start({
      imports: [
        LmdbCacheModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ cache: { path, ttl: 5_000 } })] }),
          ],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ ...config.get('cache'), ...QUIET }),
        }),
      ],
    });
    const cache = app.get<Cache>(CACHE_MANAGER);
    await cache.set('k', 'v');
    expect(await cache.ttl('k')).toBeGreaterThan(Date.now());
    expect(app.get<LmdbStore>(LMDB_STORE).stats().sets).toBe(1);
    await stop(app);
    const store = await LmdbStore.open({ path });
    expect(store.stats().entries).toBe(1);
    await store.close();
  });

  it('forRootAsync accepts useClass with createLmdbCacheOptions()', async () => {
    const path = tempDir();
    @Injectable()
    class CacheConfig {
      createLmdbCacheOptions() {
        return { path, ...QUIET };
      }
    }
    const app = await start({ imports: [LmdbCacheModule.forRootAsync({ useClass: CacheConfig })] });
    await app.get<Cache>(CACHE_MANAGER).set('k', 1);
    expect(await app.get<Cache>(CACHE_MANAGER).get('k')).toBe(1);
  });

  it('forRootAsync accepts useExisting: an options factory another module provides', async () => {
    const path = tempDir();
    @Injectable()
    class SharedConfig {
      createLmdbCacheOptions() {
        return { path, ttl: 5_000, ...QUIET };
      }
    }
    @Module({ providers: [SharedConfig], exports: [SharedConfig] })
    class ConfigHolder {}
    const app = await start({
      imports: [LmdbCacheModule.forRootAsync({ imports: [ConfigHolder], useExisting: SharedConfig })],
    });
    await app.get<Cache>(CACHE_MANAGER).set('k', 1);
    expect(await app.get<Cache>(CACHE_MANAGER).ttl('k')).toBeGreaterThan(Date.now());
    expect(app.get<LmdbStore>(LMDB_STORE).stats().sets).toBe(1);
  });

  it('isGlobal makes CACHE_MANAGER injectable in modules that do not import it', async () => {
    const app = await start({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), isGlobal: true, ...QUIET }), FeatureModule],
    });
    await app.get<Cache>(CACHE_MANAGER).set('shared', 'from root');
    const { body } = await request(app.getHttpServer()).get('/manual/shared').expect(200);
    expect(body).toEqual({ value: 'from root' });
  });

  it('without isGlobal, a module that does not import it cannot inject CACHE_MANAGER', async () => {
    const attempt = start({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), ...QUIET }), FeatureModule],
    });
    await expect(attempt).rejects.toThrow(/CACHE_MANAGER/);
  });

  it('two modules on two paths in one application keep their entries apart', async () => {
    const [pathA, pathB] = [tempDir(), tempDir()];
    @Module({
      imports: [LmdbCacheModule.forRoot({ path: pathA, ...QUIET })],
      controllers: [ManualController],
    })
    class ModuleA {}
    @Injectable()
    class BWriter {
      constructor(@Inject(CACHE_MANAGER) readonly cache: Cache) {}
    }
    @Module({ imports: [LmdbCacheModule.forRoot({ path: pathB, ...QUIET })], providers: [BWriter] })
    class ModuleB {}
    const app = await start({ imports: [ModuleA, ModuleB] });
    await app.get(BWriter).cache.set('only-b', 'b');
    expect((await request(app.getHttpServer()).get('/manual/only-b')).body).toEqual({ value: null });
    await stop(app);
    const [a, b] = await Promise.all([LmdbStore.open({ path: pathA }), LmdbStore.open({ path: pathB })]);
    expect([a.stats().entries, b.stats().entries]).toEqual([0, 1]);
    await Promise.all([a.close(), b.close()]);
  });

  it('passes refreshThreshold (ms) to cache-manager: wrap() refreshes an entry with less time left', async () => {
    const refreshed = async (refreshThreshold?: number) => {
      const app = await start({
        imports: [LmdbCacheModule.forRoot({ path: tempDir(), refreshThreshold, ...QUIET })],
      });
      const cache = app.get<Cache>(CACHE_MANAGER);
      const events: unknown[] = [];
      cache.on('refresh', (event) => events.push(event));
      let calls = 0;
      const load = async () => ++calls;
      await cache.wrap('k', load, 10_000);
      expect(await cache.wrap('k', load, 10_000)).toBe(1); // served from the cache either way
      await new Promise((resolve) => setImmediate(resolve)); // the background refresh settles
      await stop(app);
      return { calls, events: events.length };
    };
    expect(await refreshed(20_000)).toEqual({ calls: 2, events: 1 }); // 10 s left < 20 s: refreshed
    expect(await refreshed(undefined)).toEqual({ calls: 1, events: 0 });
  });

  it('writes through to lower tiers given in `stores`', async () => {
    const lower = new Keyv();
    const app = await start({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), stores: [lower], ...QUIET })],
    });
    await app.get<Cache>(CACHE_MANAGER).set('k', { deep: true });
    expect(await lower.get('k')).toEqual({ deep: true });
  });
});

describe('LmdbCacheModule lifecycle', () => {
  it('stops the application start with ERR_OPEN_FAILED naming a path that cannot be created', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const path = join(file, 'cache');
    const attempt = start({ imports: [LmdbCacheModule.forRoot({ path, ...QUIET })] });
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_OPEN_FAILED' });
    await expect(attempt).rejects.toThrow(path);
  });

  it('injects the engine with @InjectLmdbStore() and closes it on app.close(); closing again is harmless', async () => {
    @Injectable()
    class Inspector {
      constructor(
        @InjectLmdbStore() readonly store: LmdbStore,
        @Inject(CACHE_MANAGER) readonly cache: Cache,
      ) {}
    }
    const path = tempDir();
    const app = await start({
      imports: [LmdbCacheModule.forRoot({ path, ...QUIET })],
      providers: [Inspector],
    });
    const { store, cache } = app.get(Inspector);
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
    expect(store.stats()).toMatchObject({ sets: 1, hits: 1 });
    await stop(app);
    expect(() => store.stats()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
    await expect(store.close()).resolves.toBeUndefined();
    await expect(cache.disconnect()).resolves.toBeUndefined();
    const reopened = await LmdbStore.open({ path });
    expect(reopened.stats().entries).toBe(1);
    await reopened.close();
  });
});
