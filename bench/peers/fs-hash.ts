import { createCache, KeyvAdapter, type CacheManagerStore } from 'cache-manager';
import { DiskStore } from 'cache-manager-fs-hash';
import { Keyv } from 'keyv';
import { cacheSubject, type Entry, type Peer } from './subject.js';

/** Sets in flight while preloading: each takes a lock file, so thousands at once only queue on the disk. */
const PRELOAD_CONCURRENCY = 50;

/**
 * cache-manager-fs-hash 3, a cache-manager v4/v5 store (one JSON file per key), put behind cache-manager 7
 * the way cache-manager documents for legacy stores: `new Keyv({ store: new KeyvAdapter(store) })`.
 */
export const fsHashPeer: Peer = {
  name: 'cache-manager-fs-hash',
  preloadCap: true,
  about:
    'cache-manager-fs-hash: `new Keyv({ store: new KeyvAdapter(new DiskStore({ path })) })` (cache-manager ' +
    "7's adapter for v5-style stores), Keyv's default JSON serialization; one JSON file per key under hashed " +
    'subdirectories, written under a lock file, not fsynced.',
  async open(dir) {
    const store = new DiskStore({ path: dir }) as CacheManagerStore;
    const cache = createCache({ stores: [new Keyv({ store: new KeyvAdapter(store) })] });
    const subject = cacheSubject(cache);
    const preload = async (entries: readonly Entry[]) => {
      for (let i = 0; i < entries.length; i += PRELOAD_CONCURRENCY) {
        await subject.preload(entries.slice(i, i + PRELOAD_CONCURRENCY));
      }
    };
    return { ...subject, preload };
  },
};
