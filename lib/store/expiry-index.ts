import type { Database } from 'lmdb';
import type { DbKey } from './keys.js';
import type { Counters } from './stats.js';
import { justAfter } from './ttl.js';

/** A row of the `expiry` database: `[expiresAt, ...entriesKey]`, so a range scan from 0 finds what expired. */
export type IndexKey = [number, ...DbKey];

/** The expiry-index row of an entry stored under `dbKey` that expires at `expiresAt` (epoch ms). */
export function indexKey(expiresAt: number, dbKey: DbKey): IndexKey {
  return [expiresAt, ...dbKey] as IndexKey;
}

function entryKeyOf(row: IndexKey): DbKey {
  return row.slice(1) as DbKey;
}

// Expired entries met on reads wait here; past this many, the sweeper finds the rest.
const MAX_QUEUED = 1000;
// Rows verified and removed per transaction while sweeping; the event loop runs between chunks.
const SWEEP_CHUNK = 1000;

/** What the expiry index needs from the environment. */
export interface ExpiryIndexDeps {
  entries: Database<Buffer, DbKey>;
  expiry: Database<Buffer, IndexKey>;
  counters: Counters;
  now: () => number;
  /** Extra removals for an entry, run inside its verified removal (e.g. its recency row). */
  forget: (dbKey: DbKey) => void;
  onError: (error: unknown) => void;
}

/**
 * Finds and removes expired entries, verify-then-delete: an entry is removed only if its lmdb version (its
 * expiry) is still the one the index row names, checked atomically at commit, so an entry refreshed
 * meanwhile by any process is never removed. Stale rows (entry refreshed or deleted) are dropped.
 * Sweeping scans the index from the start up to `now()`, so its cost follows the number of expired rows,
 * not the size of the cache.
 */
export class ExpiryIndex {
  private queue: IndexKey[] = [];
  private scheduled: Promise<void> | undefined;

  constructor(private readonly deps: ExpiryIndexDeps) {}

  /** Queues an entry seen expired on a read for removal on a later turn, off the caller's path. */
  enqueue(dbKey: DbKey, expiresAt: number): void {
    if (this.queue.length >= MAX_QUEUED) return;
    this.queue.push(indexKey(expiresAt, dbKey));
    this.scheduled ??= nextTurn().then(() => this.drainQueue());
  }

  /** Resolves once every queued removal has been committed. */
  async settled(): Promise<void> {
    while (this.scheduled) await this.scheduled;
  }

  /**
   * Removes every entry expired at `now()`, in chunks of 1,000 per transaction, yielding between chunks.
   * @returns how many entries this call removed
   */
  async sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const end = [justAfter(this.deps.now())];
      const rows = Array.from(this.deps.expiry.getKeys({ end, limit: SWEEP_CHUNK })) as IndexKey[];
      if (rows.length > 0) removed += await this.remove(rows);
      if (rows.length < SWEEP_CHUNK) return removed;
      await nextTurn();
    }
  }

  private async remove(rows: readonly IndexKey[]): Promise<number> {
    const { entries, expiry, counters, forget, onError } = this.deps;
    const removals = rows.map((row) => {
      const dbKey = entryKeyOf(row);
      expiry.remove(row).catch(onError);
      return entries.ifVersion(dbKey, row[0], () => {
        entries.remove(dbKey).catch(onError);
        forget(dbKey);
      });
    });
    const removed = (await Promise.all(removals)).filter(Boolean).length;
    counters.expired += removed;
    return removed;
  }

  private async drainQueue(): Promise<void> {
    const rows = this.queue;
    this.queue = [];
    try {
      await this.remove(rows);
    } catch (error) {
      this.deps.onError(error);
    } finally {
      this.scheduled = undefined;
    }
  }
}

/** Resolves on a later turn of the event loop, after pending I/O and lmdb's own commit callbacks. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
