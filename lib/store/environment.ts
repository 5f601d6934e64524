import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getLastVersion, open, type Database, type RootDatabase } from 'lmdb';
import { LmdbCacheError } from './errors.js';
import { ExpiredRemover, indexKey, type IndexKey } from './expiry-index.js';
import type { DbKey } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { PendingWrites, type PendingWrite } from './pending-writes.js';
import { emptyCounters, type Counters } from './stats.js';
import { NEVER } from './ttl.js';

const SCHEMA_VERSION = 1;
const EMPTY = Buffer.alloc(0);

/** Environments open in this process, by real path; a path being closed is awaited before it reopens. */
const openEnvironments = new Map<string, Promise<CacheEnvironment>>();
const closingEnvironments = new Map<string, Promise<void>>();

/**
 * One LMDB environment (one directory) opened once per process and shared, reference-counted, by every
 * `LmdbStore.open()` of that path and all their namespace views. It owns the named databases `entries`,
 * `expiry` and `meta` (nothing goes in the root database), the overlay of pending writes, the counters and
 * the removal of expired entries.
 */
export class CacheEnvironment {
  readonly pending = new PendingWrites();
  readonly counters: Counters = emptyCounters();
  readonly remover: ExpiredRemover;
  /** Expiry (lmdb version) of the entry the last {@link lookup} found. */
  lastExpiresAt = NEVER;
  private references = 0;
  private writeFailure: unknown;
  // Writes issued inside batch(): lmdb settles their own promises early, so they settle with the batch.
  private batched: [string, PendingWrite][] | undefined;

  private constructor(
    readonly path: string,
    private readonly root: RootDatabase,
    readonly entries: Database<Buffer, DbKey>,
    readonly expiry: Database<Buffer, IndexKey>,
    readonly meta: Database<unknown, string>,
  ) {
    this.remover = new ExpiredRemover(entries, expiry, this.counters, (error) => this.fail(error));
  }

  /**
   * Opens (or joins) the environment at `options.path` and takes a reference on it.
   * @throws LmdbCacheError `ERR_OPEN_FAILED` naming the path when it cannot be created or opened.
   */
  static async acquire(options: ResolvedOptions): Promise<CacheEnvironment> {
    const path = prepareDirectory(options.path);
    await closingEnvironments.get(path);
    let opening = openEnvironments.get(path);
    if (!opening) {
      opening = CacheEnvironment.openAt(path, options);
      openEnvironments.set(path, opening);
      opening.catch(() => openEnvironments.delete(path));
    }
    const environment = await opening;
    environment.references++;
    return environment;
  }

  private static async openAt(path: string, options: ResolvedOptions): Promise<CacheEnvironment> {
    try {
      const root = open({
        path,
        maxDbs: 4,
        maxReaders: options.maxReaders,
        compression: options.compression,
        overlappingSync: options.durability === 'overlapping',
        noSync: options.durability === 'none',
      });
      const entries = root.openDB<Buffer, DbKey>({ name: 'entries', encoding: 'binary', useVersions: true });
      const expiry = root.openDB<Buffer, IndexKey>({ name: 'expiry', encoding: 'binary' });
      const meta = root.openDB<unknown, string>({ name: 'meta', encoding: 'msgpack' });
      await checkSchema(meta, path);
      return new CacheEnvironment(path, root, entries, expiry, meta);
    } catch (cause) {
      if (cause instanceof LmdbCacheError) throw cause;
      throw new LmdbCacheError('ERR_OPEN_FAILED', `cannot open the cache at ${path}`, { cause });
    }
  }

  /**
   * The visible state of an entry: this process's pending write if there is one, else lmdb's. Returns the
   * envelope (valid until the next read) and sets {@link lastExpiresAt}; `undefined` for no entry.
   */
  lookup(pendingKey: string, dbKey: DbKey): Uint8Array | undefined {
    if (this.pending.size > 0) {
      const write = this.pending.lookup(pendingKey);
      if (write) {
        this.lastExpiresAt = write.expiresAt;
        return write.envelope;
      }
    }
    return this.read(dbKey);
  }

  /** lmdb's committed state of an entry (see {@link lookup}); `pendingKey` overlay skipped. */
  read(dbKey: DbKey): Uint8Array | undefined {
    const envelope = this.entries.getBinaryFast(dbKey);
    if (envelope !== undefined) this.lastExpiresAt = getLastVersion();
    return envelope;
  }

  /** Writes an entry and its expiry-index row in the current transaction; visible to reads at once. */
  put(pendingKey: string, dbKey: DbKey, envelope: Buffer, expiresAt: number): void {
    const write: PendingWrite = { envelope, expiresAt };
    this.pending.record(pendingKey, write);
    if (expiresAt !== NEVER) this.expiry.put(indexKey(expiresAt, dbKey), EMPTY).catch(this.fail);
    this.settleAfter(this.entries.put(dbKey, envelope, expiresAt), pendingKey, write);
  }

  /** Removes an entry in the current transaction; invisible to reads at once. */
  remove(pendingKey: string, dbKey: DbKey): void {
    const write: PendingWrite = { envelope: undefined, expiresAt: NEVER };
    this.pending.record(pendingKey, write);
    this.settleAfter(this.entries.remove(dbKey), pendingKey, write);
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
      commit = this.entries.batch(writes);
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
    return this.batch(() => dbKeys.forEach((dbKey) => this.entries.remove(dbKey).catch(this.fail)));
  }

  /** Resolves when every write issued so far is committed (visible to other processes). */
  async committed(): Promise<void> {
    await this.remover.settled();
    await this.root.committed;
  }

  /**
   * Resolves when every write issued so far is durable on disk.
   * @throws LmdbCacheError `ERR_WRITE_FAILED` if a write since the last flush could not be committed.
   */
  async flush(): Promise<void> {
    await this.remover.settled();
    await this.root.flushed;
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
    const stat = statSync(join(this.path, 'data.mdb'));
    return stat.blocks * 512;
  }

  /** Number of entries in all namespaces, from lmdb's O(1) statistics. */
  entryCount(): number {
    return (this.entries.getStats() as { entryCount: number }).entryCount;
  }

  /** Drops a reference; the last one waits for pending writes and closes the environment. */
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
    await this.remover.settled();
    await this.root.close();
  }

  private settleAfter(commit: Promise<boolean>, pendingKey: string, write: PendingWrite): void {
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

  private readonly fail = (error: unknown): void => {
    this.writeFailure ??= error;
  };
}

function prepareDirectory(path: string): string {
  const absolute = resolve(path);
  try {
    mkdirSync(absolute, { recursive: true, mode: 0o700 });
    return realpathSync(absolute);
  } catch (cause) {
    throw new LmdbCacheError('ERR_OPEN_FAILED', `cannot create the cache directory ${absolute}`, { cause });
  }
}

async function checkSchema(meta: Database<unknown, string>, path: string): Promise<void> {
  const schema = meta.get('schema');
  if (schema === undefined) await meta.put('schema', SCHEMA_VERSION);
  else if (schema !== SCHEMA_VERSION) {
    throw new LmdbCacheError(
      'ERR_OPEN_FAILED',
      `the cache at ${path} was written with schema ${String(schema)}, this version reads ${SCHEMA_VERSION}`,
    );
  }
}
