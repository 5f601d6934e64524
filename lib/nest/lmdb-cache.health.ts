import { Inject, Injectable } from '@nestjs/common';
import type { LmdbStore } from '../store/index.js';
import { LMDB_STORE } from './lmdb-cache.constants.js';

/** What the indicator reports under its key; the shape `@nestjs/terminus` reads (`status` up or down). */
export type LmdbCacheHealth<Key extends string = string> = Record<
  Key,
  | { status: 'up'; entries: number; bytes: number; hitRate: number | null }
  | { status: 'down'; code: string; message: string }
>;

/**
 * A health indicator for `@nestjs/terminus` (an optional peer: nothing of it is imported here):
 * `health.check([() => indicator.isHealthy('cache')])`. Up with the cache's entries, bytes on disk and
 * this process's hit rate (hits / reads, `null` before the first read); down when the cache cannot be
 * read (closed or failing).
 */
@Injectable()
export class LmdbCacheHealthIndicator {
  constructor(@Inject(LMDB_STORE) private readonly store: LmdbStore) {}

  /** The cache's state under `key` (default `'lmdb-cache'`). Never throws. */
  async isHealthy<Key extends string = 'lmdb-cache'>(
    key: Key = 'lmdb-cache' as Key,
  ): Promise<LmdbCacheHealth<Key>> {
    try {
      const { entries, bytes, hits, misses } = this.store.stats();
      const reads = hits + misses;
      return {
        [key]: { status: 'up', entries, bytes, hitRate: reads === 0 ? null : hits / reads },
      } as LmdbCacheHealth<Key>;
    } catch (error) {
      const { code = 'ERR_UNKNOWN', message = String(error) } = error as { code?: string; message?: string };
      return { [key]: { status: 'down', code, message } } as LmdbCacheHealth<Key>;
    }
  }
}
