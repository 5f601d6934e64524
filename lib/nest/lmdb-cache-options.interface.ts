import type { Keyv, KeyvStoreAdapter } from 'keyv';
import type { LmdbStoreOptions } from '../store/index.js';

/**
 * Options of `LmdbCacheModule.forRoot()` (and what a `forRootAsync()` factory returns). Durations in ms.
 * The engine's options (see `LmdbStoreOptions`), with `ttl` in place of `defaultTtlMs`, plus
 * cache-manager's.
 */
export interface LmdbCacheModuleOptions extends Omit<LmdbStoreOptions, 'path' | 'defaultTtlMs'> {
  /** Cache directory, shared by every process that opens it. Default `./.cache/nestjs-lmdb-cache`. */
  path?: string;
  /** Default TTL in ms of entries set without one. Default: never expire. */
  ttl?: number;
  /** cache-manager: refresh an entry in the background when `wrap()` reads it with less than this left (ms). */
  refreshThreshold?: number;
  /** cache-manager: with several stores, do not wait for the lower tiers on set and del. */
  nonBlocking?: boolean;
  /** Lower tiers after the LMDB store (for example a Redis `Keyv`), in order. */
  stores?: Array<Keyv | KeyvStoreAdapter>;
}
