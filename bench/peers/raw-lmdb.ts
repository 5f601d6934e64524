import { open } from 'lmdb';
import type { Peer } from './subject.js';

/** lmdb-js itself, as the engine's baseline: `open({ path })` + `openDB({ name })`, default msgpack values. */
export const rawLmdbPeer: Peer = {
  name: 'raw lmdb',
  about:
    "raw lmdb: `open({ path })` + `openDB({ name: 'raw' })`, default msgpack encoding, no envelope or TTL; " +
    'get is its synchronous `db.get(key)` (not awaited, as its users call it); set is `await db.put()`, ' +
    'which resolves after its own commit, so sequential sets commit one at a time.',
  async open(dir) {
    const root = open({ path: dir });
    const db = root.openDB({ name: 'raw' });
    return {
      get: (key) => db.get(key),
      set: (key, value) => db.put(key, value),
      preload: async (entries) => void (await db.batch(() => entries.forEach((e) => db.put(e.key, e.value)))),
      settle: async () => void (await root.flushed),
      close: () => root.close(),
    };
  },
};
