import { createCache } from 'cache-manager';
import { createKeyv } from '../../lib/keyv/index.js';
import { engineOn } from './lmdb-store.js';
import { cacheSubject, type Peer } from './subject.js';

/** cache-manager 7 on this package's `createKeyv()`. */
export const createKeyvPeer: Peer = {
  name: 'createKeyv (this store)',
  about:
    "createKeyv (this store): `createCache({ stores: [createKeyv({ path })] })`; Keyv's `{ value, expires }` " +
    'msgpack-encoded in the engine (serialization off), with the engine’s read cache.',
  async open(dir) {
    const cache = createCache({ stores: [createKeyv({ path: dir })] });
    const engine = await engineOn(dir);
    return cacheSubject(cache, {
      preload: async (entries) => {
        await cacheSubject(cache).preload(entries);
        await engine.flush();
      },
      settle: () => engine.flush(),
      close: async () => {
        await cache.disconnect();
        await engine.close();
      },
    });
  },
};
