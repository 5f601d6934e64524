import { LmdbStore } from '../../lib/store/index.js';
import { TTL_MS, type Peer } from './subject.js';

/** This package's engine, called directly: `LmdbStore.open({ path })` with its defaults. */
export const lmdbStorePeer: Peer = {
  name: 'LmdbStore',
  about:
    'LmdbStore: the engine with its defaults (msgpack envelope `{ v, x }`, overlapping durability, the ' +
    '10,000 entries read last kept decoded in memory, checked against lmdb once per event-loop turn); ' +
    '`await store.get(key)`, `store.set(key, value, ttl)`.',
  async open(dir) {
    const store = await LmdbStore.open({ path: dir });
    return {
      get: (key) => store.get(key),
      set: (key, value) => store.set(key, value, TTL_MS),
      preload: async (entries) => {
        await store.setMany(entries.map((entry) => ({ ...entry, ttlMs: TTL_MS })));
        await store.flush();
      },
      settle: () => store.flush(),
      close: () => store.close(),
    };
  },
};

/**
 * A second engine handle on `dir`, for a peer built on the engine that exposes no flush (Keyv, the
 * level-cache API): it joins the environment the adapter opened (one per path per process), and its
 * `flush()` waits for every write issued through any handle on it.
 */
export function engineOn(dir: string): Promise<LmdbStore> {
  return LmdbStore.open({ path: dir });
}
