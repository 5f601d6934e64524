import { statSync } from 'node:fs';
import { join } from 'node:path';
import { getLastVersion } from 'lmdb';
import { EnvelopeCodec } from './codec.js';
import { openDatabases, prepareDirectory, type Databases } from './databases.js';
import { LmdbCacheError } from './errors.js';
import { Eviction } from './eviction.js';
import { ExpiryIndex, indexKey } from './expiry-index.js';
import { pendingKey, type DbKey } from './keys.js';
import { Lease } from './lease.js';
import { assertJoinable, type ResolvedOptions } from './options.js';
import { PendingWrites, type PendingWrite } from './pending-writes.js';
import { ReadCache } from './read-cache.js';
import { SharedStats } from './shared-stats.js';
import { emptyCounters, type Counters } from './stats.js';
import { Sweeper } from './sweeper.js';
import { NEVER } from './ttl.js';

const EMPTY = Buffer.alloc(0);

/** Environments open in this process, by real path; a path being closed is awaited before it reopens. */
const openEnvironments = new Map<string, Promise<CacheEnvironment>>();
const closingEnvironments = new Map<string, Promise<void>>();

/**
 * One LMDB environment (one directory) opened once per process and shared, reference-counted, by every
 * `LmdbStore.open()` of that path and all their namespace views. It owns the databases, the overlay of
 * pending writes, the counters, expiry, eviction, the sweeper and the shared statistics.
 */
export class CacheEnvironment {
  readonly pending = new PendingWrites();
  readonly counters: Counters = emptyCounters();
  readonly expiryIndex: ExpiryIndex;
  readonly eviction: Eviction | undefined;
  readonly sharedStats: SharedStats;
  /** Encodes and decodes this cache's envelopes (with its shared msgpack structures). */
  readonly codec: EnvelopeCodec;
  /** Recently read entries, decoded; see {@link ReadCache}. */
  readonly readCache: ReadCache;
  /** Expiry (lmdb version) of the entry the last {@link lookup} found. */
  lastExpiresAt = NEVER;
  /** Whether the last {@link lookup} found a pending write rather than a committed entry. */
  lastWasPending = false;
  private readonly sweeper: Sweeper | undefined;
  private readonly statsTimer: NodeJS.Timeout;
  private references = 0;
  private writeFailure: unknown;
  private commitGuarded = false;
  // Writes issued inside batch(): lmdb settles their own promises early, so they settle with the batch.
  private batched: [string, PendingWrite][] | undefined;

  private constructor(
    readonly path: string,
    readonly options: ResolvedOptions,
    readonly db: Databases,
  ) {
    const { now, maxEntries, sweepIntervalMs, logger } = options;
    this.codec = new EnvelopeCodec(db.meta, options.durability === 'overlapping');
    this.readCache = new ReadCache(db.root, options.readCacheEntries);
    this.eviction =
      maxEntries === undefined
        ? undefined
        : new Eviction({
            ...db,
            counters: this.counters,
            now,
            maxEntries,
            resolutionMs: options.recencyResolutionMs,
            entryCount: () => this.entryCount(),
            onError: this.fail,
          });
    this.expiryIndex = new ExpiryIndex({
      ...db,
      counters: this.counters,
      now,
      forget: (dbKey) => this.eviction?.forget(dbKey),
      onError: this.fail,
    });
    if (sweepIntervalMs !== undefined) {
      const lease = new Lease(db.meta, 'sweeper', 3 * sweepIntervalMs, now);
      this.sweeper = new Sweeper(this.expiryIndex, lease, sweepIntervalMs, logger, this.fail);
    }
    this.sharedStats = new SharedStats(db.meta, this.counters);
    this.statsTimer = setInterval(
      () => this.sharedStats.flush().catch(this.fail),
      options.statsFlushIntervalMs,
    );
    this.statsTimer.unref();
  }

  /**
   * Opens (or joins) the environment at `options.path` and takes a reference on it.
   * @throws LmdbCacheError `ERR_OPEN_FAILED` naming the path when it cannot be created or opened;
   *   `ERR_OPTIONS_MISMATCH` when it is open with other durability, compression, eviction or sweeping
   *   in this process, or with other durability in another.
   */
  static async acquire(options: ResolvedOptions): Promise<CacheEnvironment> {
    const path = prepareDirectory(options.path, options.directoryMode);
    await closingEnvironments.get(path);
    let opening = openEnvironments.get(path);
    if (!opening) {
      opening = openDatabases(path, options).then((db) => new CacheEnvironment(path, options, db));
      openEnvironments.set(path, opening);
      opening.catch(() => openEnvironments.delete(path));
    }
    const environment = await opening;
    if (environment.options !== options) assertJoinable(environment.options, options);
    environment.references++;
    return environment;
  }

  /**
   * The visible state of an entry: this process's pending write if there is one, else lmdb's. Returns the
   * envelope (valid until the next read) and sets {@link lastExpiresAt}; `undefined` for no entry.
   */
  lookup(namespace: string, key: string, dbKey: DbKey): Uint8Array | undefined {
    if (this.pending.size > 0) {
      const write = this.pending.lookup(pendingKey(namespace, key));
      if (write) {
        this.lastExpiresAt = write.expiresAt;
        this.lastWasPending = true;
        return write.envelope;
      }
    }
    const envelope = this.db.entries.getBinaryFast(dbKey);
    if (envelope === undefined) return undefined;
    this.lastExpiresAt = getLastVersion();
    this.lastWasPending = false;
    return envelope;
  }

  /**
   * Records a read hit for `maxEntries` recency, if the entry was committed (a pending write was just
   * recorded). Call it only after the envelope is decoded: it reads lmdb, which reuses the read buffer.
   */
  recordHit(namespace: string, key: string, dbKey: DbKey): void {
    if (this.eviction && !this.lastWasPending) this.eviction.recordRead(pendingKey(namespace, key), dbKey);
  }

  /** Writes an entry and its expiry-index row in the current transaction; visible to reads at once. */
  put(namespace: string, key: string, dbKey: DbKey, envelope: Buffer, expiresAt: number): void {
    const write: PendingWrite = { envelope, expiresAt };
    const visibleKey = pendingKey(namespace, key);
    this.pending.record(visibleKey, write);
    this.readCache.forget(namespace, key);
    if (expiresAt !== NEVER) this.db.expiry.put(indexKey(expiresAt, dbKey), EMPTY).catch(this.fail);
    this.eviction?.recordWrite(dbKey);
    this.settleAfter(this.db.entries.put(dbKey, envelope, expiresAt), visibleKey, write);
  }

  /** Removes an entry in the current transaction; invisible to reads at once. */
  remove(namespace: string, key: string, dbKey: DbKey): void {
    const write: PendingWrite = { envelope: undefined, expiresAt: NEVER };
    const visibleKey = pendingKey(namespace, key);
    this.pending.record(visibleKey, write);
    this.readCache.forget(namespace, key);
    this.eviction?.forget(dbKey);
    this.settleAfter(this.db.entries.remove(dbKey), visibleKey, write);
  }

  /**
   * Runs `writes` so that everything they put or remove commits in one transaction, or none of it.
   * Resolves when committed; a failure is reported by the next {@link flush}.
   */
  batch(writes: () => void): Promise<void> {
    const batched: [string, PendingWrite][] = [];
    this.batched = batched;
    let commit: Promise<boolean>;
    try {
      commit = this.db.entries.batch(writes);
    } finally {
      this.batched = undefined;
    }
    const settleAll = () => batched.forEach(([key, write]) => this.pending.settle(key, write));
    return commit.then(settleAll, (error: unknown) => {
      settleAll();
      this.fail(error);
    });
  }

  /** Removes committed entries (no pending write of theirs is outstanding) in one transaction. */
  erase(dbKeys: readonly DbKey[]): Promise<void> {
    this.readCache.forgetAll();
    return this.batch(() =>
      dbKeys.forEach((dbKey) => {
        this.db.entries.remove(dbKey).catch(this.fail);
        this.eviction?.forget(dbKey);
      }),
    );
  }

  /** Removes every entry of every namespace, with all index rows, in one transaction. */
  eraseAll(): Promise<void> {
    const { entries, expiry, recency, lru } = this.db;
    this.readCache.forgetAll();
    return this.batch(() =>
      [entries, expiry, recency, lru].forEach((db) => db.clearAsync().catch(this.fail)),
    );
  }

  /** Resolves when every write issued so far is committed (visible to other processes). */
  async committed(): Promise<void> {
    await this.expiryIndex.settled();
    await this.eviction?.settled();
    await this.db.root.committed;
  }

  /**
   * Resolves when every write issued so far is durable on disk.
   * @throws LmdbCacheError `ERR_WRITE_FAILED` if a write since the last flush could not be committed.
   */
  async flush(): Promise<void> {
    try {
      await this.committed();
      await this.db.root.flushed;
    } catch (error) {
      this.fail(error);
    }
    const failure = this.writeFailure;
    if (failure !== undefined) {
      this.writeFailure = undefined;
      throw new LmdbCacheError('ERR_WRITE_FAILED', `writes to the cache at ${this.path} failed`, {
        cause: failure,
      });
    }
  }

  /** Bytes the data file occupies on disk. */
  bytesOnDisk(): number {
    return statSync(join(this.path, 'data.mdb')).blocks * 512;
  }

  /** Number of entries in all namespaces, from lmdb's O(1) statistics. */
  entryCount(): number {
    return (this.db.entries.getStats() as { entryCount: number }).entryCount;
  }

  /** Drops a reference; the last one stops the timers, waits for pending writes and closes lmdb. */
  async release(): Promise<void> {
    if (--this.references > 0) return;
    openEnvironments.delete(this.path);
    const closing = this.close();
    closingEnvironments.set(this.path, closing);
    try {
      await closing;
    } finally {
      closingEnvironments.delete(this.path);
    }
  }

  private async close(): Promise<void> {
    clearInterval(this.statsTimer);
    await this.sweeper?.stop();
    await this.committed();
    await this.sharedStats.flush().catch(this.fail);
    await this.db.root.close();
  }

  private settleAfter(commit: Promise<boolean>, pendingKey: string, write: PendingWrite): void {
    this.guardCommit();
    if (this.batched) {
      this.batched.push([pendingKey, write]);
      commit.catch(this.fail);
      return;
    }
    commit.then(
      () => this.pending.settle(pendingKey, write),
      (error: unknown) => {
        this.pending.settle(pendingKey, write);
        this.fail(error);
      },
    );
  }

  // lmdb starts each event turn's transaction with a promise of its own, created in a setImmediate after
  // the turn's first write, that nobody awaits: if that commit fails (disk full, I/O error), its rejection
  // would be unhandled and end the process. A handler is attached once it exists.
  private guardCommit(): void {
    if (this.commitGuarded) return;
    this.commitGuarded = true;
    setImmediate(() => {
      this.commitGuarded = false;
      // Both callbacks: lmdb calls the first unchecked after a conditional write.
      this.db.root.committed.then(
        () => undefined,
        () => undefined,
      );
    });
  }

  private readonly fail = (error: unknown): void => {
    // lmdb attaches the cause of a failed commit as a second rejected promise; unhandled, it would end
    // the process.
    const { commitError } = (error ?? {}) as { commitError?: unknown };
    if (commitError instanceof Promise) commitError.catch(() => undefined);
    if (this.writeFailure === error) return;
    this.writeFailure ??= error;
    this.options.logger.warn(
      `background write failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  };
}
