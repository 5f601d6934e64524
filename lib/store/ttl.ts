import { LmdbCacheError } from './errors.js';

/** Version lmdb stores for an entry that never expires. Real expiries are epoch ms, always > 0. */
export const NEVER = 0;

/** What a TTL asks for: an absolute expiry (`NEVER` for none), or removal (`'remove'`, for TTL <= 0). */
export type Expiry = number | 'remove';

/**
 * Turns a TTL in ms into an absolute expiry: a positive finite TTL expires at `now + ttl`; `Infinity`
 * never expires; `0` or negative removes the key; `undefined`/`null` falls back to `defaultTtlMs`
 * (or never, without one).
 * @throws LmdbCacheError `ERR_INVALID_TTL` for NaN and non-numbers.
 */
export function resolveExpiry(ttlMs: unknown, defaultTtlMs: number | undefined, now: () => number): Expiry {
  const ttl = ttlMs ?? defaultTtlMs;
  if (ttl === undefined || ttl === Infinity) return NEVER;
  if (typeof ttl !== 'number' || Number.isNaN(ttl)) {
    throw new LmdbCacheError(
      'ERR_INVALID_TTL',
      `a TTL must be a number of milliseconds, got ${typeof ttl === 'number' ? 'NaN' : typeof ttl}`,
    );
  }
  if (ttl <= 0) return 'remove';
  return now() + ttl;
}

/** Whether an entry with lmdb version `expiresAt` is expired at `nowMs`. */
export function isExpired(expiresAt: number, nowMs: number): boolean {
  return expiresAt !== NEVER && expiresAt <= nowMs;
}

/** The smallest number greater than `ms`, as an exclusive range end that still includes `ms` itself. */
export function justAfter(ms: number): number {
  return ms + Math.max(Number.MIN_VALUE, Math.abs(ms) * Number.EPSILON);
}
