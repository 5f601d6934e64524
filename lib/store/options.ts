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

/** Where the engine reports what it does not throw: background failures, sweeps, damaged files. */
export interface LmdbStoreLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

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
  /** See {@link Durability}. Default `'overlapping'`. Same in every process on the path. */
  durability?: Durability;
  /**
   * LZ4-compress values of 1,000 bytes or more (with lmdb's built-in dictionary). Default `false`. Processes on
   * a path may differ, and it may change between deployments: every process reads compressed entries.
   */
  compression?: boolean;
  /** Size of lmdb's reader table shared by all processes and threads on the path. Default 512. */
  maxReaders?: number;
  /** Cap on entries in the whole cache (all namespaces), kept by approximate-LRU eviction. Default none. */
  maxEntries?: number;
  /** Resolution of recency for `maxEntries`: a read records use at most once per key per period. Default 5,000 ms. */
  recencyResolutionMs?: number;
  /** Sweep expired entries every this many ms (one process per host at a time). Default: no timer. */
  sweepIntervalMs?: number;
  /** How often this process adds its counters to the shared totals of `stats({ aggregate: true })`. Default 5,000 ms. */
  statsFlushIntervalMs?: number;
  /**
   * Recently read entries this process keeps in memory (as encoded bytes) so hot gets skip lmdb's lookup;
   * any commit by any process invalidates them at the next event-loop turn. Default 10,000; 0 turns it off.
   */
  readCacheEntries?: number;
  /**
   * What opening does with a damaged (truncated or garbage) data file: `'moveAside'` renames it (kept, with
   * a `.damaged-<time>` suffix), logs a warning and opens an empty cache; `'throw'` throws `ERR_CORRUPTED`.
   * Default `'moveAside'`.
   */
  onCorruption?: 'moveAside' | 'throw';
  /** Permissions of the cache files this process creates. Default `0o600` (owner only). */
  fileMode?: number;
  /** Permissions of the cache directory when this process creates it. Default `0o700` (owner only). */
  directoryMode?: number;
  /** Receives warnings (and, if it has `debug`, sweep reports). Default: `console.warn`. */
  logger?: LmdbStoreLogger;
}

/** Options that belong to the whole environment (the path in this process), not to one handle. */
const ENVIRONMENT_OPTIONS = [
  'durability',
  'compression',
  'maxReaders',
  'maxEntries',
  'recencyResolutionMs',
  'sweepIntervalMs',
  'statsFlushIntervalMs',
  'readCacheEntries',
] as const;

/** Options after defaults and validation. */
export interface ResolvedOptions {
  path: string;
  namespace: string | undefined;
  defaultTtlMs: number | undefined;
  now: () => number;
  durability: Durability;
  compression: boolean;
  maxReaders: number;
  maxEntries: number | undefined;
  recencyResolutionMs: number;
  sweepIntervalMs: number | undefined;
  statsFlushIntervalMs: number;
  readCacheEntries: number;
  onCorruption: 'moveAside' | 'throw';
  fileMode: number;
  directoryMode: number;
  logger: LmdbStoreLogger;
  /** The environment options the caller gave explicitly: the ones a second opener must agree on. */
  explicit: Partial<Pick<ResolvedOptions, (typeof ENVIRONMENT_OPTIONS)[number]>>;
}

const DURABILITIES: readonly Durability[] = ['overlapping', 'sync', 'none'];

/**
 * Validates options and applies defaults.
 * @throws LmdbCacheError `ERR_INVALID_OPTION` for a missing path or a malformed option.
 */
export function resolveOptions(options: LmdbStoreOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object');
  const { path, defaultTtlMs, now, durability = 'overlapping', maxReaders = 512, logger } = options;
  if (typeof path !== 'string' || path.length === 0) invalid('`path` must be a non-empty string');
  if (defaultTtlMs !== undefined && !(typeof defaultTtlMs === 'number' && defaultTtlMs > 0)) {
    invalid('`defaultTtlMs` must be a positive number of milliseconds or Infinity');
  }
  if (now !== undefined && typeof now !== 'function') invalid('`now` must be a function returning epoch ms');
  if (!DURABILITIES.includes(durability)) invalid(`\`durability\` must be one of ${DURABILITIES.join(', ')}`);
  if (logger !== undefined && typeof logger?.warn !== 'function')
    invalid('`logger` must have a warn() method');
  positiveInteger('maxReaders', maxReaders);
  positiveInteger('maxEntries', options.maxEntries);
  positiveDuration('recencyResolutionMs', options.recencyResolutionMs);
  positiveDuration('sweepIntervalMs', options.sweepIntervalMs);
  positiveDuration('statsFlushIntervalMs', options.statsFlushIntervalMs);
  if (options.onCorruption !== undefined && !['moveAside', 'throw'].includes(options.onCorruption)) {
    invalid("`onCorruption` must be 'moveAside' or 'throw'");
  }
  fileMode('fileMode', options.fileMode);
  fileMode('directoryMode', options.directoryMode);
  if (
    options.readCacheEntries !== undefined &&
    !(Number.isInteger(options.readCacheEntries) && options.readCacheEntries >= 0)
  ) {
    invalid('`readCacheEntries` must be a non-negative integer');
  }
  const explicit = Object.fromEntries(
    ENVIRONMENT_OPTIONS.filter((name) => options[name] !== undefined).map((name) => [name, options[name]]),
  );
  return {
    path,
    namespace: options.namespace,
    defaultTtlMs: defaultTtlMs === Infinity ? undefined : defaultTtlMs,
    // Read Date.now at each call, so a clock frozen by tools such as timekeeper applies here too.
    now: now ?? (() => Date.now()),
    durability,
    compression: options.compression === true,
    maxReaders,
    maxEntries: options.maxEntries,
    recencyResolutionMs: options.recencyResolutionMs ?? 5_000,
    sweepIntervalMs: options.sweepIntervalMs,
    statsFlushIntervalMs: options.statsFlushIntervalMs ?? 5_000,
    readCacheEntries: options.readCacheEntries ?? 10_000,
    onCorruption: options.onCorruption ?? 'moveAside',
    fileMode: options.fileMode ?? 0o600,
    directoryMode: options.directoryMode ?? 0o700,
    logger: logger ?? { warn: (message) => console.warn(`[nestjs-lmdb-cache] ${message}`) },
    explicit,
  };
}

/**
 * Checks that a second `open()` of a path already open in this process asks for nothing the environment
 * was not opened with. Options left out join whatever the environment has.
 * @throws LmdbCacheError `ERR_OPTIONS_MISMATCH` naming the option.
 */
export function assertJoinable(environment: ResolvedOptions, joining: ResolvedOptions): void {
  for (const name of ENVIRONMENT_OPTIONS) {
    const asked = joining.explicit[name];
    if (asked !== undefined && asked !== environment[name]) {
      throw new LmdbCacheError(
        'ERR_OPTIONS_MISMATCH',
        `${environment.path} is already open in this process with ${name} = ${String(environment[name])}, not ${String(asked)}`,
      );
    }
  }
}

function positiveInteger(name: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) {
    invalid(`\`${name}\` must be a positive integer`);
  }
}

function positiveDuration(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    invalid(`\`${name}\` must be a positive finite number of milliseconds`);
  }
}

function fileMode(name: string, value: unknown): void {
  if (
    value !== undefined &&
    !(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0o777)
  ) {
    invalid(`\`${name}\` must be a permission mode such as 0o600`);
  }
}

function invalid(message: string): never {
  throw new LmdbCacheError('ERR_INVALID_OPTION', message);
}
