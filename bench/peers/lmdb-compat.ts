import { openLmdbCache } from '../../lib/compat/index.js';
import { engineOn } from './lmdb-store.js';
import { TTL_MS, type Peer } from './subject.js';

/** This package's level-cache drop-in, `openLmdbCache()`, with level-cache's defaults. */
export const lmdbCompatPeer: Peer = {
  name: 'openLmdbCache (drop-in)',
  about:
    "openLmdbCache (drop-in): this package's level-cache API on the engine, namespace `default`; " +
    '`cache.get(key)`, `cache.set(key, value, { ttlMs })`.',
  async open(dir) {
    const cache = await openLmdbCache({ path: dir });
    const engine = await engineOn(dir);
    return {
      get: (key) => cache.get(key),
      set: (key, value) => cache.set(key, value, { ttlMs: TTL_MS }),
      preload: async (entries) => {
        await cache.batch(entries.map((e) => ({ type: 'put', ...e, ttlMs: TTL_MS })));
        await engine.flush();
      },
      settle: () => engine.flush(),
      close: async () => {
        await cache.close();
        await engine.close();
      },
    };
  },
};
