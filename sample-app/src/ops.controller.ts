import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { LmdbStore } from '../../lib/store/index.js';
import { InjectLmdbStore, LmdbCacheHealthIndicator } from '../../lib/nest/index.js';

/**
 * Operational endpoints. The LMDB store and its indicator are `@Optional()` because they only exist when
 * the app runs on this library (`CACHE_STORE` unset); on `memory` or `redis` the answers are simpler.
 */
@Controller()
export class OpsController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Optional() @InjectLmdbStore() private readonly store?: LmdbStore,
    @Optional() @Inject(LmdbCacheHealthIndicator) private readonly indicator?: LmdbCacheHealthIndicator,
  ) {}

  /**
   * The cache's counters: this process's, and summed over every process on the cache (cluster workers,
   * earlier runs), which each process publishes periodically and on close.
   */
  @Get('stats')
  stats(): object {
    if (!this.store) return { store: process.env.CACHE_STORE, stats: 'only reported by the LMDB store' };
    return {
      store: 'lmdb',
      pid: process.pid, // which cluster worker answered
      process: this.store.stats(),
      allProcesses: this.store.stats({ aggregate: true }),
    };
  }

  /** Terminus health check: 200 with the cache's entries, bytes and hit rate, 503 when it cannot be read. */
  @Get('health')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    const { indicator } = this;
    return this.health.check([
      indicator
        ? () => indicator.isHealthy('cache')
        : async () => ({ cache: { status: 'up' as const, store: process.env.CACHE_STORE } }),
    ]);
  }
}
