import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { cacheSubject, type Peer } from './subject.js';

/** The Redis peer's column name. */
export const REDIS = '@keyv/redis';

/** cache-manager 7 on @keyv/redis, against the redis-server at `url` (one per scenario, started by it). */
export function redisPeer(url: string): Peer {
  return {
    name: REDIS,
    preloadCap: true,
    about:
      "@keyv/redis: `new Keyv({ store: new KeyvRedis(url) })` (as the sample app's Redis mode) with Keyv's " +
      'default JSON serialization, against a local redis-server over loopback TCP.',
    async open() {
      const cache = createCache({ stores: [new Keyv({ store: new KeyvRedis(url) })] });
      // One server serves both matrices of a scenario: each starts empty, as every other peer does.
      await cache.clear();
      return cacheSubject(cache);
    },
  };
}
