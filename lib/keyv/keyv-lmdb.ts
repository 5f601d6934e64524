import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { LmdbStore, type LmdbStoreOptions } from '../store/index.js';

/** Options of {@link KeyvLmdb}: the engine's (see `LmdbStoreOptions`); durations in ms. */
export type KeyvLmdbOptions = LmdbStoreOptions;

/** `opts` as Keyv reads it: the options, plus what unlocks `keyv.iterator()` (see the README). */
export type KeyvLmdbOpts = KeyvLmdbOptions & { dialect: 'sqlite'; url: string; [option: string]: unknown };

/**
 * A Keyv 5 storage adapter over `LmdbStore`. Keyv's namespace (`this.namespace`, which Keyv assigns) maps
 * to an engine namespace, `undefined` to the root namespace, whose `clear()` empties the whole cache.
 * Entries carry the engine's expiry, so the sweeper removes them, `maxEntries` evicts them and
 * `stats()` counts them. The environment opens in the background; operations wait for it.
 */
export class KeyvLmdb extends EventEmitter implements KeyvStoreAdapter {
  /** Options, mutable as Keyv expects. `dialect` makes Keyv 5 attach `keyv.iterator()`. */
  opts: KeyvLmdbOpts;
  /** Set by Keyv; scopes every operation, `clear()` and `iterator()`. */
  namespace?: string;
  private readonly opening: Promise<LmdbStore>;
  private root: LmdbStore | undefined;
  private readonly views = new Map<string, LmdbStore>();
  private closing: Promise<void> | undefined;

  /**
   * Opens (in the background) the cache at `options.path`, or at `options` when it is a path.
   * Open failures (`LmdbCacheError` `ERR_OPEN_FAILED`, …) reject the first operations and are emitted as
   * `'error'` when someone listens.
   */
  constructor(options: KeyvLmdbOptions | string) {
    super();
    const resolved = typeof options === 'string' ? { path: options } : { ...options };
    this.opts = { ...resolved, dialect: 'sqlite', url: `lmdb://${resolved.path}` };
    this.namespace = resolved.namespace;
    this.opening = LmdbStore.open({ ...resolved, namespace: undefined });
    this.opening.then(
      (root) => (this.root = root),
      (error: unknown) => this.listenerCount('error') > 0 && this.emit('error', error),
    );
  }

  /** The stored data (Keyv's envelope or serialized string) under `key`, or `undefined`. */
  get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    // Not async: once open, the hot path goes straight to the engine without an extra await.
    const view = this.openView();
    return view ? view.get(key) : this.view().then((opened) => opened.get(key));
  }

  /** The stored data of each key, in order, `undefined` for misses. */
  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return (await this.view()).getMany(keys);
  }

  /**
   * Stores `value` under `key`; `ttl` in ms (omitted: the engine's `defaultTtlMs`, else never). Resolves to
   * nothing, which Keyv reads as success (it maps a non-boolean result to `true`).
   */
  set(key: string, value: unknown, ttl?: number): Promise<void> {
    // Not async, as get(): once open, a set costs one promise, not three.
    const view = this.openView();
    return view ? view.set(key, value, ttl) : this.view().then((opened) => opened.set(key, value, ttl));
  }

  /** Stores every entry in one atomic write; `ttl` in ms per entry. */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    await (await this.view()).setMany(entries.map(({ key, value, ttl }) => ({ key, value, ttlMs: ttl })));
  }

  /** Whether a live entry is stored under `key` (expiry checked). */
  async has(key: string): Promise<boolean> {
    return (await this.view()).has(key);
  }

  /** Whether a live entry is stored under each key. */
  async hasMany(keys: string[]): Promise<boolean[]> {
    const view = await this.view();
    return Promise.all(keys.map((key) => view.has(key)));
  }

  /** Removes `key`; `true` if a live entry was removed. */
  async delete(key: string): Promise<boolean> {
    return (await this.view()).delete(key);
  }

  /** Removes every key in one atomic write; `true` if any live entry was removed. */
  async deleteMany(keys: string[]): Promise<boolean> {
    return (await (await this.view()).deleteMany(keys)) > 0;
  }

  /** Removes every entry of this namespace; with no namespace, every entry of the cache. */
  async clear(): Promise<void> {
    const view = await this.view();
    await view.clear({ allNamespaces: this.namespace === undefined });
  }

  /** Yields `[key, stored data]` for the live entries of `namespace` (default: this one), in key order. */
  async *iterator<Value>(
    namespace = this.namespace,
  ): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    for await (const entry of (await this.view(namespace)).entries<Awaited<Value>>()) yield entry;
  }

  /** Closes this adapter's handle on the cache (others on the path stay open). Idempotent. */
  async disconnect(): Promise<void> {
    this.closing ??= this.opening.then(
      (root) => root.close(),
      () => undefined,
    );
    await this.closing;
  }

  private async view(namespace = this.namespace): Promise<LmdbStore> {
    await this.opening;
    return this.openView(namespace) as LmdbStore;
  }

  // The engine view of `namespace` once the environment is open, else undefined.
  private openView(namespace = this.namespace): LmdbStore | undefined {
    const root = this.root;
    if (root === undefined || namespace === undefined) return root;
    let view = this.views.get(namespace);
    if (!view) this.views.set(namespace, (view = root.namespace(namespace)));
    return view;
  }
}
