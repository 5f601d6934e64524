import { envelopeKey } from './codec.js';
import { CacheEnvironment } from './environment.js';
import { LmdbCacheError } from './errors.js';
import {
  ROOT_NAMESPACE,
  assertKey,
  childNamespace,
  isHashed,
  namespaceRange,
  namespaceSegments,
  subtreeRange,
  toDbKey,
  type DbKey,
} from './keys.js';
import { resolveOptions, type LmdbStoreOptions, type ResolvedOptions } from './options.js';
import { snapshot, type LmdbStoreStats } from './stats.js';
import { NEVER, isExpired, resolveExpiry, type Expiry } from './ttl.js';

/** One entry of {@link LmdbStore.setMany}. `ttlMs` as in {@link LmdbStore.set}. */
export interface SetManyEntry<T = unknown> {
  key: string;
  value: T;
  ttlMs?: number;
}

/** One operation of {@link LmdbStore.batch}. `ttlMs` as in {@link LmdbStore.set}. */
export type BatchOperation<T = unknown> =
  { type: 'put'; key: string; value: T; ttlMs?: number } | { type: 'del'; key: string };

/** Entries of one namespace, from {@link LmdbStore.summary}. */
export interface NamespaceSummary {
  /** Segments of the namespace below the view that was asked (`[]` for the view itself). */
  namespace: string[];
  /** Entries not expired at `now()`. */
  live: number;
  /** Entries expired at `now()` but not removed yet. */
  expired: number;
}

/** Options of {@link LmdbStore.clear}. */
export interface ClearOptions {
  /** Clear every namespace of the cache, not only this one. Default false. */
  allNamespaces?: boolean;
}

/** Options of {@link LmdbStore.stats}. */
export interface StatsOptions {
  /** Sum the counters over every process using the path instead of this process only. Default false. */
  aggregate?: boolean;
}

/** Options of {@link LmdbStore.entries}. */
export interface EntriesOptions {
  /** Stop after this many live entries. Default: all. */
  limit?: number;
}

// One `LmdbStore.open()`: its reference on the environment, shared by the views derived from it.
interface Handle {
  readonly environment: CacheEnvironment;
  readonly options: ResolvedOptions;
  closing: Promise<void> | undefined;
}

const SCAN_CHUNK = 512;

/**
 * A persistent cache on LMDB, shared by every process and thread that opens the same path. Each instance
 * is a view of one namespace; {@link namespace} derives others on the same environment. Keys are strings,
 * TTLs are milliseconds, values keep the types `structuredClone` keeps.
 *
 * Writes resolve as soon as this process reads them back; lmdb commits them in one transaction per event
 * turn, and {@link flush} waits until they are on disk.
 */
export class LmdbStore {
  private constructor(
    private readonly handle: Handle,
    private readonly ns: string,
  ) {}

  /**
   * Opens the cache at `options.path` (creating the directory), or joins it if this process has it open.
   * @throws LmdbCacheError `ERR_INVALID_OPTION` for bad options, `ERR_OPEN_FAILED` naming the path when the
   *   directory cannot be created or opened.
   */
  static async open(options: LmdbStoreOptions): Promise<LmdbStore> {
    const resolved = resolveOptions(options);
    const ns =
      resolved.namespace === undefined ? ROOT_NAMESPACE : childNamespace(ROOT_NAMESPACE, resolved.namespace);
    const environment = await CacheEnvironment.acquire(resolved);
    return new LmdbStore({ environment, options: resolved, closing: undefined }, ns);
  }

  /**
   * A view of the namespace `name` nested in this one, on the same environment and handle. Namespaces never
   * share entries, whatever characters their names hold; `clear()` on one leaves the others alone.
   * @throws LmdbCacheError `ERR_INVALID_NAMESPACE` when `name` is not a well-formed string.
   */
  namespace(name: string): LmdbStore {
    return new LmdbStore(this.handle, childNamespace(this.ns, name));
  }

  /**
   * The value stored under `key`, or `undefined` for a miss (absent or expired).
   * @throws LmdbCacheError `ERR_INVALID_KEY`, `ERR_CLOSED`, `ERR_CORRUPTED`.
   */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    return this.read(this.live(), key) as T | undefined;
  }

  /**
   * Whether a live entry exists under `key`; true for a stored `undefined` or `null`.
   * @throws LmdbCacheError `ERR_INVALID_KEY`, `ERR_CLOSED`.
   */
  async has(key: string): Promise<boolean> {
    const environment = this.live();
    assertKey(key);
    return this.find(environment, key, toDbKey(this.ns, key)) !== undefined;
  }

  /**
   * Stores `value` under `key`. `ttlMs`: positive expires after that many ms, `Infinity` never, `0` or
   * negative removes the key, omitted uses `defaultTtlMs`. Resolves once this process reads the new value.
   * @throws LmdbCacheError `ERR_INVALID_KEY`, `ERR_INVALID_TTL`, `ERR_VALUE_NOT_SERIALIZABLE` (nothing is
   *   written), `ERR_CLOSED`.
   */
  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const environment = this.live();
    assertKey(key);
    const write = this.prepare(key, value, ttlMs);
    this.apply(environment, write);
  }

  /**
   * Removes `key`. Resolves to `true` if a live entry was removed.
   * @throws LmdbCacheError `ERR_INVALID_KEY`, `ERR_CLOSED`.
   */
  async delete(key: string): Promise<boolean> {
    const environment = this.live();
    assertKey(key);
    return this.remove(environment, key, toDbKey(this.ns, key));
  }

  /**
   * The values of `keys`, in order, `undefined` for misses.
   * @throws LmdbCacheError `ERR_INVALID_KEY` (for any key, before reading), `ERR_CLOSED`.
   */
  async getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const environment = this.live();
    assertKeys(keys);
    return keys.map((key) => this.read(environment, key) as T | undefined);
  }

  /**
   * Stores every entry atomically: all are written in one transaction, or, when any key, TTL or value is
   * invalid, none is.
   * @throws LmdbCacheError as {@link set}, before anything is written.
   */
  async setMany(entries: readonly SetManyEntry[]): Promise<void> {
    if (!Array.isArray(entries)) throw new TypeError('setMany expects an array of { key, value, ttlMs? }');
    await this.batch(entries.map((entry) => ({ type: 'put', ...entry })));
  }

  /**
   * Removes every key atomically, in one transaction. Resolves to the number of live entries removed.
   * @throws LmdbCacheError `ERR_INVALID_KEY` (for any key, before anything is removed), `ERR_CLOSED`.
   */
  async deleteMany(keys: readonly string[]): Promise<number> {
    const environment = this.live();
    assertKeys(keys);
    let removed = 0;
    void environment.batch(() => {
      for (const key of keys) if (this.remove(environment, key, toDbKey(this.ns, key))) removed++;
    });
    return removed;
  }

  /**
   * Removes every entry of this namespace (not of other namespaces, nested ones included), or with
   * `allNamespaces: true` every entry of the whole cache.
   * @throws LmdbCacheError `ERR_CLOSED`.
   */
  async clear(options: ClearOptions = {}): Promise<void> {
    const environment = this.live();
    await environment.committed();
    if (options.allNamespaces) return environment.eraseAll();
    const { start, end } = namespaceRange(this.ns);
    for (;;) {
      const keys = Array.from(environment.db.entries.getKeys({ start, end, limit: 10_000 }));
      if (keys.length === 0) return;
      await environment.erase(keys);
    }
  }

  /**
   * Iterates the live entries of this namespace in key order (hashed long keys by their first 200
   * characters), seeing every write made before the call.
   * @throws LmdbCacheError `ERR_INVALID_OPTION` for a bad `limit`, `ERR_CLOSED`.
   */
  async *entries<T = unknown>(options: EntriesOptions = {}): AsyncGenerator<[string, T]> {
    const limit = options.limit ?? Infinity;
    if (typeof limit !== 'number' || !(limit >= 0) || (limit !== Infinity && !Number.isInteger(limit))) {
      throw new LmdbCacheError('ERR_INVALID_OPTION', '`limit` must be a non-negative integer');
    }
    await this.live().committed();
    const range = namespaceRange(this.ns);
    let start: DbKey | [string] = range.start;
    let yielded = 0;
    for (let first = true; yielded < limit; first = false) {
      const chunk = this.scan(start, range.end, !first);
      if (chunk.scanned === 0) return;
      for (const row of chunk.rows) {
        if (yielded++ >= limit) return;
        yield row as [string, T];
      }
      start = chunk.last;
    }
  }

  /**
   * Applies puts and deletes atomically, in one transaction, or none of them when any key, TTL or value
   * is invalid.
   * @throws LmdbCacheError as {@link set}, before anything is written.
   */
  async batch(operations: readonly BatchOperation[]): Promise<void> {
    const environment = this.live();
    if (!Array.isArray(operations)) throw new TypeError('batch expects an array of { type, key, … }');
    const writes = operations.map((operation) => {
      assertKey(operation?.key);
      if (operation.type === 'del') return { key: operation.key, dbKey: toDbKey(this.ns, operation.key) };
      if (operation.type !== 'put') throw new TypeError("a batch operation's type must be 'put' or 'del'");
      return this.prepare(operation.key, operation.value, operation.ttlMs);
    });
    void environment.batch(() =>
      writes.forEach((write) =>
        'expiry' in write ? this.apply(environment, write) : this.remove(environment, write.key, write.dbKey),
      ),
    );
  }

  /**
   * When the live entry under `key` expires: epoch ms, `Infinity` if never, `undefined` if there is none.
   * @throws LmdbCacheError `ERR_INVALID_KEY`, `ERR_CLOSED`.
   */
  async expiresAt(key: string): Promise<number | undefined> {
    const environment = this.live();
    assertKey(key);
    if (this.find(environment, key, toDbKey(this.ns, key)) === undefined) return undefined;
    return environment.lastExpiresAt === NEVER ? Infinity : environment.lastExpiresAt;
  }

  /**
   * Counts the entries of this namespace and of every namespace nested in it that holds any, live and
   * expired-but-not-removed. A full scan of those namespaces: O(entries), for diagnostics, not hot paths.
   * @throws LmdbCacheError `ERR_CLOSED`.
   */
  async summary(): Promise<NamespaceSummary[]> {
    const environment = this.live();
    await environment.committed();
    const now = this.handle.options.now();
    const byNamespace = new Map<string, NamespaceSummary>();
    for (const { key, version } of environment.db.entries.getRange({
      ...subtreeRange(this.ns),
      versions: true,
    })) {
      const [ns] = key;
      if (ns !== this.ns && !ns.startsWith(this.ns === ROOT_NAMESPACE ? '' : `${this.ns}/`)) continue;
      let summary = byNamespace.get(ns);
      if (!summary) {
        summary = {
          namespace: namespaceSegments(ns).slice(namespaceSegments(this.ns).length),
          live: 0,
          expired: 0,
        };
        byNamespace.set(ns, summary);
      }
      if (isExpired(version ?? NEVER, now)) summary.expired++;
      else summary.live++;
    }
    return [...byNamespace.values()];
  }

  /**
   * Resolves when every write issued so far through any view of this path is durable on disk.
   * @throws LmdbCacheError `ERR_WRITE_FAILED` if a write since the last flush could not be committed,
   *   `ERR_CLOSED`.
   */
  async flush(): Promise<void> {
    await this.live().flush();
  }

  /**
   * Removes every entry of the whole cache (all namespaces) expired at `now()`, through the expiry index,
   * in chunks, yielding to the event loop between chunks; sees every write made before the call. Safe
   * alongside other processes' sweeps.
   * @returns how many entries this call removed
   * @throws LmdbCacheError `ERR_CLOSED`.
   */
  async sweep(): Promise<number> {
    const environment = this.live();
    await environment.committed();
    return environment.expiryIndex.sweep();
  }

  /**
   * Counters of this process for this path (all views), or with `aggregate: true` summed over every process
   * that has used the path (from deltas each flushes every `statsFlushIntervalMs` and on close). `entries`
   * counts the whole cache, `bytes` the data file on disk. See {@link LmdbStoreStats}.
   * @throws LmdbCacheError `ERR_CLOSED`.
   */
  stats(options: StatsOptions = {}): LmdbStoreStats {
    const environment = this.live();
    const counters = options.aggregate ? environment.sharedStats.aggregate() : environment.counters;
    return snapshot(counters, environment.entryCount(), environment.bytesOnDisk());
  }

  /**
   * Closes this handle and every view derived from it, after its pending writes are committed. The
   * environment closes when the last handle on the path does. Idempotent.
   */
  close(): Promise<void> {
    this.handle.closing ??= this.handle.environment.release();
    return this.handle.closing;
  }

  private live(): CacheEnvironment {
    if (this.handle.closing) throw new LmdbCacheError('ERR_CLOSED', 'the cache is closed');
    return this.handle.environment;
  }

  private prepare(key: string, value: unknown, ttlMs: number | undefined): PreparedWrite {
    const { defaultTtlMs, now } = this.handle.options;
    const expiry = resolveExpiry(ttlMs, defaultTtlMs, now);
    const dbKey = toDbKey(this.ns, key);
    // Encoded even when the TTL removes the key: a value that cannot be cached is rejected either way.
    const envelope = this.handle.environment.codec.encode(value, isHashed(dbKey) ? key : undefined);
    return { key, dbKey, expiry, envelope: expiry === 'remove' ? undefined : envelope };
  }

  private apply(environment: CacheEnvironment, write: PreparedWrite): void {
    if (write.envelope === undefined || write.expiry === 'remove') {
      this.remove(environment, write.key, write.dbKey);
      return;
    }
    environment.put(this.ns, write.key, write.dbKey, write.envelope, write.expiry);
    environment.counters.sets++;
  }

  private read(environment: CacheEnvironment, key: string): unknown {
    assertKey(key);
    const cached = environment.readCache.get(this.ns, key);
    if (cached && !isExpired(cached.expiresAt, this.handle.options.now())) {
      environment.counters.hits++;
      environment.recordHit(this.ns, key, cached.dbKey);
      return cached.value;
    }
    const dbKey = toDbKey(this.ns, key);
    const envelope = this.find(environment, key, dbKey);
    if (envelope === undefined) {
      environment.counters.misses++;
      return undefined;
    }
    environment.counters.hits++;
    const size = envelope.length;
    const value = environment.codec.decode(envelope);
    if (!environment.lastWasPending) {
      environment.readCache.remember(
        this.ns,
        key,
        { value, expiresAt: environment.lastExpiresAt, dbKey },
        size,
      );
    }
    environment.recordHit(this.ns, key, dbKey);
    return value;
  }

  // The live envelope of `key`, or undefined; an expired one is handed to the remover.
  private find(environment: CacheEnvironment, key: string, dbKey: DbKey): Uint8Array | undefined {
    const envelope = environment.lookup(this.ns, key, dbKey);
    if (envelope === undefined) return undefined;
    const expiresAt = environment.lastExpiresAt;
    if (expiresAt !== NEVER && isExpired(expiresAt, this.handle.options.now())) {
      environment.expiryIndex.enqueue(dbKey, expiresAt);
      return undefined;
    }
    if (isHashed(dbKey) && envelopeKey(envelope) !== key) return undefined;
    return envelope;
  }

  private remove(environment: CacheEnvironment, key: string, dbKey: DbKey): boolean {
    const existed = this.find(environment, key, dbKey) !== undefined;
    environment.remove(this.ns, key, dbKey);
    if (existed) environment.counters.deletes++;
    return existed;
  }

  // Up to SCAN_CHUNK live rows after `start`, decoded at once because lmdb reuses its read buffers.
  private scan(start: DbKey | [string], end: [string], exclusiveStart: boolean) {
    const environment = this.live();
    const now = this.handle.options.now();
    const rows: [string, unknown][] = [];
    let last = start;
    let scanned = 0;
    const range = environment.db.entries.getRange({
      start,
      end,
      exclusiveStart,
      limit: SCAN_CHUNK,
      versions: true,
    });
    for (const { key: dbKey, value, version } of range) {
      last = dbKey;
      scanned++;
      if (isExpired(version ?? 0, now)) continue;
      const key = isHashed(dbKey) ? envelopeKey(value) : dbKey[1];
      if (key !== undefined) rows.push([key, environment.codec.decode(value)]);
    }
    return { rows, last, scanned };
  }
}

interface PreparedWrite {
  key: string;
  dbKey: DbKey;
  expiry: Expiry;
  envelope: Buffer | undefined;
}

function assertKeys(keys: readonly string[]): void {
  if (!Array.isArray(keys)) throw new TypeError('expected an array of keys');
  keys.forEach(assertKey);
}
