import type { RootDatabase } from 'lmdb';
import type { DbKey } from './keys.js';

/** A committed entry as it was last read: its decoded value, expiry and lmdb key. */
export interface CachedEntry {
  value: unknown;
  expiresAt: number;
  dbKey: DbKey;
}

/** Entries whose envelope is larger than this are not kept: big values would crowd out many small ones. */
const MAX_CACHED_BYTES = 16 * 1024;

// lmdb-js has `env.info()` on the root database but leaves it out of its types.
interface EnvironmentInfo {
  env: { info(): { lastTxnId: number } };
}

/**
 * Recently read committed entries of this process, decoded, so a hot get skips lmdb's lookup and msgpack.
 * Any commit, by any process, makes the whole cache stale: at the first read of each event-loop turn it
 * compares lmdb's last committed transaction id with the one its entries were read at, and empties itself
 * if they differ. It then renews lmdb's read snapshot, so what it loads during the turn is at least that
 * new. Reads are therefore exactly as fresh as lmdb's own, whose snapshot also lasts one turn.
 * Values are shared between gets of one process, as cache-manager's in-memory store shares them.
 */
export class ReadCache {
  // By namespace, then key: the caller's strings are looked up as they are, without building a new one.
  private readonly namespaces = new Map<string, Map<string, CachedEntry>>();
  private size = 0;
  private validAtTxnId = -1;
  private checkedThisTurn = false;
  private readonly endTurn = (): void => {
    this.checkedThisTurn = false;
  };

  /** @param capacity entries kept at most (when full it starts over); 0 keeps none */
  constructor(
    private readonly root: RootDatabase,
    private readonly capacity: number,
  ) {}

  /** The cached entry of `key` in `namespace`, if still valid in this turn. */
  get(namespace: string, key: string): CachedEntry | undefined {
    if (this.capacity === 0) return undefined;
    if (!this.checkedThisTurn) this.revalidate();
    return this.namespaces.get(namespace)?.get(key);
  }

  /**
   * Keeps an entry just read from lmdb and decoded (in this turn, after {@link get} missed), unless its
   * envelope was larger than 16 KB.
   */
  remember(namespace: string, key: string, entry: CachedEntry, envelopeBytes: number): void {
    if (this.capacity === 0 || envelopeBytes > MAX_CACHED_BYTES) return;
    if (this.size >= this.capacity) this.forgetAll();
    let keys = this.namespaces.get(namespace);
    if (!keys) this.namespaces.set(namespace, (keys = new Map()));
    keys.set(key, entry);
    this.size++;
  }

  /** Drops one entry: this process is writing or removing it. */
  forget(namespace: string, key: string): void {
    if (this.namespaces.get(namespace)?.delete(key)) this.size--;
  }

  /** Drops every entry: this process is clearing or erasing many. */
  forgetAll(): void {
    this.namespaces.clear();
    this.size = 0;
  }

  private revalidate(): void {
    this.checkedThisTurn = true;
    setImmediate(this.endTurn);
    const txnId = (this.root as unknown as EnvironmentInfo).env.info().lastTxnId;
    if (txnId !== this.validAtTxnId) {
      this.forgetAll();
      this.validAtTxnId = txnId;
    }
    // A snapshot taken earlier in this turn may predate txnId; entries loaded from it would be older.
    this.root.resetReadTxn();
  }
}
