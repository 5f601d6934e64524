/** A write this process issued that lmdb has not committed yet. `envelope` is `undefined` for a delete. */
export interface PendingWrite {
  readonly envelope: Buffer | undefined;
  readonly expiresAt: number;
}

/**
 * The overlay that makes `set()` and `delete()` visible to this process's reads the moment they return,
 * while lmdb commits them in one transaction per event turn. Reads consult it only while it is non-empty,
 * so a read-mostly cache pays nothing for it. Keys are `pendingKey(namespace, key)`.
 */
export class PendingWrites {
  private readonly writes = new Map<string, PendingWrite>();

  /** Number of writes awaiting their commit. */
  get size(): number {
    return this.writes.size;
  }

  /** The newest uncommitted write of `key`, if any. */
  lookup(key: string): PendingWrite | undefined {
    return this.writes.get(key);
  }

  /** Makes `write` the visible state of `key` until {@link settle} is called with it. */
  record(key: string, write: PendingWrite): void {
    this.writes.set(key, write);
  }

  /** Called once lmdb has committed (or failed) `write`; a newer write of the same key stays visible. */
  settle(key: string, write: PendingWrite): void {
    if (this.writes.get(key) === write) this.writes.delete(key);
  }
}
