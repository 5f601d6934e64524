import type { Database } from 'lmdb';
import type { DbKey } from './keys.js';
import type { Counters } from './stats.js';

/** A row of the `expiry` database: `[expiresAt, ...entriesKey]`, so a range scan from 0 finds what expired. */
export type IndexKey = [number, ...DbKey];

/** The expiry-index row of an entry stored under `dbKey` that expires at `expiresAt` (epoch ms). */
export function indexKey(expiresAt: number, dbKey: DbKey): IndexKey {
  return [expiresAt, ...dbKey] as IndexKey;
}

/** The `entries` key an index row points at. */
export function entryKeyOf(row: IndexKey): DbKey {
  return row.slice(1) as DbKey;
}

// Expired entries met on reads wait here; past this many, the sweeper finds the rest.
const MAX_QUEUED = 1000;

/**
 * Removes expired entries, verify-then-delete: lmdb removes an entry only if its version (its expiry) is
 * still the one that was seen expired, checked atomically at commit, so an entry refreshed meanwhile, by
 * this process or another, is never removed. Reads hand expired entries over with {@link enqueue}; the
 * removal runs on a later turn, never on the caller's path.
 */
export class ExpiredRemover {
  private queue: IndexKey[] = [];
  private scheduled: Promise<void> | undefined;

  constructor(
    private readonly entries: Database<Buffer, DbKey>,
    private readonly expiry: Database<Buffer, IndexKey>,
    private readonly counters: Counters,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues the entry under `dbKey`, seen expired at `expiresAt`, for removal on a later turn. */
  enqueue(dbKey: DbKey, expiresAt: number): void {
    if (this.queue.length >= MAX_QUEUED) return;
    this.queue.push(indexKey(expiresAt, dbKey));
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drainQueue());
  }

  /** Resolves once every queued removal has been committed. */
  async settled(): Promise<void> {
    while (this.scheduled) await this.scheduled;
  }

  /**
   * Removes the entries the index rows point at if they still carry that expiry, and the rows themselves.
   * @returns how many entries were removed
   */
  async remove(rows: readonly IndexKey[]): Promise<number> {
    const removals = rows.map((row) => {
      this.expiry.remove(row).catch(this.onError);
      return this.entries.remove(entryKeyOf(row), row[0]);
    });
    const removed = (await Promise.all(removals)).filter(Boolean).length;
    this.counters.expired += removed;
    return removed;
  }

  private async drainQueue(): Promise<void> {
    const rows = this.queue;
    this.queue = [];
    try {
      await this.remove(rows);
    } catch (error) {
      this.onError(error);
    } finally {
      this.scheduled = undefined;
    }
  }
}
