import { IF_EXISTS, getLastVersion, type Database } from 'lmdb';
import { indexKey, nextTurn, type IndexKey } from './expiry-index.js';
import type { DbKey } from './keys.js';
import type { Counters } from './stats.js';

/** A row of the `lru` database: `[bucket, ...entriesKey]`, oldest bucket first. */
type LruKey = [number, ...DbKey];

const EMPTY = Buffer.alloc(0);
// Keys whose recency waits for a write; past this many, further reads skip recording until the next turn.
const MAX_TOUCHES = 10_000;
// Most entries removed per transaction: large enough that eviction outpaces a writer committing
// ~150k entries/s (measured: 1,000 per commit fell behind and let the cache reach 3x its cap).
const EVICTION_CHUNK = 10_000;
// Keys remembered as already recorded in the current bucket, so their reads skip the lmdb lookup.
const MAX_REMEMBERED = 100_000;
/** Share of `maxEntries` eviction trims down to: the documented slack is at most 5% above it. */
const LOW_WATER_RATIO = 0.95;

/** What eviction needs from the environment. */
export interface EvictionDeps {
  entries: Database<Buffer, DbKey>;
  expiry: Database<Buffer, IndexKey>;
  recency: Database<Buffer, DbKey>;
  lru: Database<Buffer, LruKey>;
  counters: Counters;
  now: () => number;
  maxEntries: number;
  resolutionMs: number;
  entryCount: () => number;
  onError: (error: unknown) => void;
}

/**
 * `maxEntries` as an approximate LRU. Each entry's last use is recorded at a coarse resolution (a "bucket"
 * of `resolutionMs`): the `recency` database holds an entry's bucket as its lmdb version, the `lru` index
 * orders entries by bucket. A read writes recency at most once per key per bucket, so reads stay read-only
 * in the common case. When the entry count passes `maxEntries`, eviction runs on a later turn, removing
 * the least recently used entries in chunks down to 95% of `maxEntries`; every removal is verified at
 * commit against the recency version, so an entry used meanwhile (by any process) is kept.
 */
export class Eviction {
  private readonly touches = new Map<string, [DbKey, number | undefined]>();
  private readonly recordedInBucket = new Set<string>();
  private rememberedBucket = -1;
  private touching: Promise<void> | undefined;
  private latestCommit: Promise<boolean> | undefined;
  private checking: Promise<void> | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: EvictionDeps) {}

  /** Records a new or rewritten entry as used now, and checks the entry count once it is committed. */
  recordWrite(dbKey: DbKey): void {
    const { recency, lru, onError } = this.deps;
    const bucket = this.bucket();
    recency.put(dbKey, EMPTY, bucket).catch(onError);
    lru.put([bucket, ...dbKey] as LruKey, EMPTY).catch(onError);
    this.latestCommit = this.deps.entries.committed;
    this.checking ??= this.checkAfterCommits().catch(this.deps.onError);
  }

  /** Records a read hit of a committed entry, unless it was already recorded in the current bucket. */
  recordRead(pendingKey: string, dbKey: DbKey): void {
    const bucket = this.bucket();
    if (bucket !== this.rememberedBucket) {
      this.recordedInBucket.clear();
      this.rememberedBucket = bucket;
    }
    if (this.recordedInBucket.has(pendingKey)) return;
    const recorded = this.deps.recency.getBinaryFast(dbKey) === undefined ? undefined : getLastVersion();
    if (recorded === undefined || recorded < bucket) {
      if (this.touches.has(pendingKey) || this.touches.size >= MAX_TOUCHES) return;
      this.touches.set(pendingKey, [dbKey, recorded]);
      this.touching ??= nextTurn().then(() => this.writeTouches(), this.deps.onError);
    }
    if (this.recordedInBucket.size < MAX_REMEMBERED) this.recordedInBucket.add(pendingKey);
  }

  /** Removes an entry's recency row; called inside its verified removal, or on delete. */
  forget(dbKey: DbKey): void {
    this.deps.recency.remove(dbKey).catch(this.deps.onError);
  }

  /** Resolves when no recency write, count check or eviction is scheduled or running. */
  async settled(): Promise<void> {
    while (this.touching || this.checking || this.running) {
      await (this.touching ?? this.checking ?? this.running);
    }
  }

  private bucket(): number {
    return Math.floor(this.deps.now() / this.deps.resolutionMs);
  }

  private writeTouches(): void {
    this.touching = undefined;
    const { entries, recency, lru, onError } = this.deps;
    const bucket = this.bucket();
    for (const [dbKey, recorded] of this.touches.values()) {
      const record = () => {
        recency.put(dbKey, EMPTY, bucket).catch(onError);
        lru.put([bucket, ...dbKey] as LruKey, EMPTY).catch(onError);
        if (recorded !== undefined) lru.remove([recorded, ...dbKey] as LruKey).catch(onError);
      };
      // Only if nothing changed since the read: same recency (or, untracked, the entry still exists).
      const done =
        recorded === undefined
          ? entries.ifVersion(dbKey, IF_EXISTS, record)
          : recency.ifVersion(dbKey, recorded, record);
      done.catch(onError);
    }
    this.touches.clear();
  }

  // After each commit that carried writes, evicts if over; ends once a commit brought no newer writes.
  private async checkAfterCommits(): Promise<void> {
    try {
      for (let checked: Promise<boolean> | undefined; checked !== this.latestCommit;) {
        checked = this.latestCommit;
        await checked;
        if (this.deps.entryCount() > this.deps.maxEntries) {
          this.running = this.evict();
          await this.running;
        }
      }
    } finally {
      this.running = undefined;
      this.checking = undefined;
    }
  }

  private async evict(): Promise<void> {
    const lowWater = Math.floor(this.deps.maxEntries * LOW_WATER_RATIO);
    let untrackedLeft = true;
    for (
      let excess = this.deps.entryCount() - lowWater;
      excess > 0;
      excess = this.deps.entryCount() - lowWater
    ) {
      const limit = Math.min(excess, EVICTION_CHUNK);
      if (untrackedLeft && this.untrackedCount() > 0) {
        untrackedLeft = (await this.evictUntracked(limit)) > 0;
      } else {
        const rows = Array.from(this.deps.lru.getKeys({ limit })) as LruKey[];
        if (rows.length === 0) return;
        await this.evictRows(rows);
      }
      await nextTurn();
    }
  }

  private async evictRows(rows: readonly LruKey[]): Promise<number> {
    const { lru, recency, onError } = this.deps;
    const removals = rows.map((row) => {
      const dbKey = row.slice(1) as DbKey;
      lru.remove(row).catch(onError);
      const expiresAt = this.expiryOf(dbKey);
      // Verified: the entry's recency is still this row's bucket (not used since, not rewritten).
      return recency.ifVersion(dbKey, row[0], () => this.removeEntry(dbKey, expiresAt));
    });
    return this.count(await Promise.all(removals));
  }

  // Entries written while maxEntries was off have no recency row: they are the least recently used.
  private untrackedCount(): number {
    const count = (db: Database) => (db.getStats() as { entryCount: number }).entryCount;
    return count(this.deps.entries) - count(this.deps.recency);
  }

  private async evictUntracked(limit: number): Promise<number> {
    const { entries, recency } = this.deps;
    const found: DbKey[] = [];
    let scanned = 0;
    for (const dbKey of entries.getKeys({ snapshot: true })) {
      if (!recency.doesExist(dbKey)) found.push(dbKey);
      if (found.length >= limit || ++scanned >= 20 * EVICTION_CHUNK) break;
    }
    const removals = found.map((dbKey) => {
      const expiresAt = this.expiryOf(dbKey);
      return recency.ifNoExists(dbKey, () => this.removeEntry(dbKey, expiresAt));
    });
    return this.count(await Promise.all(removals));
  }

  private removeEntry(dbKey: DbKey, expiresAt: number | undefined): void {
    const { entries, expiry, onError } = this.deps;
    entries.remove(dbKey).catch(onError);
    this.forget(dbKey);
    if (expiresAt) expiry.remove(indexKey(expiresAt, dbKey)).catch(onError);
  }

  private expiryOf(dbKey: DbKey): number | undefined {
    return this.deps.entries.getBinaryFast(dbKey) === undefined ? undefined : getLastVersion();
  }

  private count(results: boolean[]): number {
    const evicted = results.filter(Boolean).length;
    this.deps.counters.evictions += evicted;
    return evicted;
  }
}
