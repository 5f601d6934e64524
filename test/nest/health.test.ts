import { afterAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { LMDB_STORE, LmdbCacheHealthIndicator, LmdbCacheModule } from '../../lib/nest/index.js';
import type { LmdbStore } from '../../lib/store/index.js';
import { QUIET } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(LmdbCacheHealthIndicator) private readonly cache: LmdbCacheHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.cache.isHealthy('cache')]);
  }
}

describe('LmdbCacheHealthIndicator', () => {
  it('reports up through @nestjs/terminus with entries, bytes and hit rate', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [LmdbCacheModule.forRoot({ path: tempDir(), ...QUIET }), TerminusModule],
      controllers: [HealthController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const cache = app.get<Cache>(CACHE_MANAGER);
    await cache.set('a', 1);
    await cache.get('a');
    await cache.get('absent');

    const { body } = await request(app.getHttpServer()).get('/health').expect(200);
    expect(body.status).toBe('ok');
    expect(body.info.cache).toEqual({ status: 'up', entries: 1, bytes: expect.any(Number), hitRate: 0.5 });
    expect(body.info.cache.bytes).toBeGreaterThan(0);

    const indicator = app.get(LmdbCacheHealthIndicator);
    await app.get<LmdbStore>(LMDB_STORE).close();
    expect(await indicator.isHealthy('cache')).toEqual({
      cache: { status: 'down', code: 'ERR_CLOSED', message: expect.any(String) },
    });
    await request(app.getHttpServer()).get('/health').expect(503);
    await app.close();
  });
});
