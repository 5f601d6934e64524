import { createCache } from 'cache-manager';
import { cacheSubject, type Peer } from './subject.js';

/** cache-manager 7's default store: an in-memory Keyv. */
export const memoryPeer: Peer = {
  name: 'in-memory (default)',
  about:
    "in-memory (default): `createCache()`, cache-manager's own `new Keyv()` (a Map, serialization off) " +
    'holding the very object set, so a get returns it without copying or decoding; nothing survives a restart.',
  open: async () => cacheSubject(createCache()),
};
