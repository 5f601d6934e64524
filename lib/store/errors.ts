/**
 * Stable error codes. Callers switch on `error.code`; messages may change between versions, codes do not.
 */
export type LmdbCacheErrorCode =
  | 'ERR_CLOSED'
  | 'ERR_INVALID_KEY'
  | 'ERR_INVALID_NAMESPACE'
  | 'ERR_INVALID_TTL'
  | 'ERR_INVALID_OPTION'
  | 'ERR_OPTIONS_MISMATCH'
  | 'ERR_VALUE_NOT_SERIALIZABLE'
  | 'ERR_OPEN_FAILED'
  | 'ERR_WRITE_FAILED'
  | 'ERR_CORRUPTED';

/**
 * The one error class of nestjs-lmdb-cache. `code` is stable; `cause` holds the underlying error
 * (from lmdb, msgpackr or the file system) when there is one. Messages never contain stored values.
 */
export class LmdbCacheError extends Error {
  override readonly name = 'LmdbCacheError';

  /**
   * @param code stable machine-readable code
   * @param message human-readable explanation (never includes values; keys only truncated)
   * @param options `cause`: the underlying error
   */
  constructor(
    readonly code: LmdbCacheErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Shortens a key for error messages so a huge or sensitive key never lands whole in a log. */
export function describeKey(key: unknown): string {
  if (key === null || key === undefined) return String(key);
  if (typeof key !== 'string') return `a ${typeof key}`;
  const shown = key.length > 40 ? `${key.slice(0, 40)}… (${key.length} chars)` : key;
  return JSON.stringify(shown);
}
