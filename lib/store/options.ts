import { LmdbCacheError } from './errors.js';

/**
 * How hard lmdb works to keep committed writes across a crash.
 * - `'overlapping'` (default): a commit is visible at once and flushed to disk right after; a process crash
 *   loses nothing committed, an OS crash may lose the last unflushed commits.
 * - `'sync'`: each commit is flushed before it is visible (slowest, safest).
 * - `'none'`: never fsync. An OS crash can damage the file; the cache is then rebuilt empty.
 *
 * Every process that opens one path must use the same setting.
 */
export type Durability = 'overlapping' | 'sync' | 'none';

/** Options of {@link LmdbStore.open}. All durations are in milliseconds. */
export interface LmdbStoreOptions {
  /** Directory holding the cache (created if missing). Shared by every process that opens it. */
  path: string;
  /** Namespace of the returned view; omit for the root namespace. */
  namespace?: string;
  /** TTL in ms applied when `set()` gets none. Omit (or `Infinity`) for entries that never expire. */
  defaultTtlMs?: number;
  /** Clock in epoch ms; inject one in tests instead of sleeping. Default `Date.now`. */
  now?: () => number;
  /** See {@link Durability}. Default `'overlapping'`. */
  durability?: Durability;
  /** LZ4-compress values larger than 1 KB (all processes must agree). Default `false`. */
  compression?: boolean;
  /** Size of lmdb's reader table shared by all processes and threads on the path. Default 512. */
  maxReaders?: number;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  path: string;
  namespace: string | undefined;
  defaultTtlMs: number | undefined;
  now: () => number;
  durability: Durability;
  compression: boolean;
  maxReaders: number;
}

const DURABILITIES: readonly Durability[] = ['overlapping', 'sync', 'none'];

/**
 * Validates options and applies defaults.
 * @throws LmdbCacheError `ERR_INVALID_OPTION` for a missing path or a malformed option.
 */
export function resolveOptions(options: LmdbStoreOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object');
  const { path, defaultTtlMs, now, durability = 'overlapping', maxReaders = 512 } = options;
  if (typeof path !== 'string' || path.length === 0) invalid('`path` must be a non-empty string');
  if (defaultTtlMs !== undefined && !(typeof defaultTtlMs === 'number' && defaultTtlMs > 0)) {
    invalid('`defaultTtlMs` must be a positive number of milliseconds or Infinity');
  }
  if (now !== undefined && typeof now !== 'function') invalid('`now` must be a function returning epoch ms');
  if (!DURABILITIES.includes(durability)) invalid(`\`durability\` must be one of ${DURABILITIES.join(', ')}`);
  if (!Number.isInteger(maxReaders) || maxReaders < 1) invalid('`maxReaders` must be a positive integer');
  return {
    path,
    namespace: options.namespace,
    defaultTtlMs: defaultTtlMs === Infinity ? undefined : defaultTtlMs,
    now: now ?? Date.now,
    durability,
    compression: options.compression === true,
    maxReaders,
  };
}

function invalid(message: string): never {
  throw new LmdbCacheError('ERR_INVALID_OPTION', message);
}
