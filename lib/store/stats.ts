/** Counters kept per process for one cache path, shared by all its views. */
export interface Counters {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  expired: number;
  evictions: number;
}

/** What `LmdbStore.stats()` returns. */
export interface LmdbStoreStats extends Counters {
  /** hits / (hits + misses); 0 before the first read. */
  hitRate: number;
  /** Entries stored in the whole cache (every namespace), including expired ones not yet removed. O(1). */
  entries: number;
  /** Bytes the data file occupies on disk. */
  bytes: number;
}

/** A fresh set of zeroed counters. */
export function emptyCounters(): Counters {
  return { hits: 0, misses: 0, sets: 0, deletes: 0, expired: 0, evictions: 0 };
}

/** Combines counters with the figures read from lmdb into a stats snapshot. */
export function snapshot(counters: Counters, entries: number, bytes: number): LmdbStoreStats {
  const reads = counters.hits + counters.misses;
  return { ...counters, hitRate: reads === 0 ? 0 : counters.hits / reads, entries, bytes };
}
