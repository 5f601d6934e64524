import { open } from 'lmdb';

/**
 * Store options for tests that count lmdb transactions: no periodic shared-stats flush (a `meta` write)
 * can land inside the window they measure.
 */
export const QUIET = { statsFlushIntervalMs: 3_600_000 };

/**
 * Looks at a cache directory with lmdb itself, bypassing the engine: what lmdb has committed, its last
 * transaction id and the names in the root database. Opens and closes its own handle each call.
 */
export async function inspect(
  path: string,
): Promise<{ committed: number; lastTxnId: number; rootKeys: string[] }> {
  const root = open({ path, maxDbs: 8, maxReaders: 512 });
  try {
    const entries = root.openDB({ name: 'entries', encoding: 'binary', useVersions: true });
    const stats = root.getStats() as { lastTxnId: number };
    const committed = entries.getKeysCount();
    const rootKeys = Array.from(root.getKeys()).map(String);
    return { committed, lastTxnId: stats.lastTxnId, rootKeys };
  } finally {
    await root.close();
  }
}

/** Bytes lmdb stores for the entry under `[namespace, key]` (the engine's envelope), read past the engine. */
export async function storedSize(path: string, namespace: string, key: string): Promise<number | undefined> {
  const root = open({ path, maxDbs: 8, maxReaders: 512 });
  try {
    const entries = root.openDB({ name: 'entries', encoding: 'binary', useVersions: true });
    return entries.getBinary([namespace, key])?.length;
  } finally {
    await root.close();
  }
}
