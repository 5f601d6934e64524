// The cache-manager 5 store, against the real cache-manager 5.7 (installed as "cache-manager-v5").
import { afterAll, describe, expect, it } from '@jest/globals';
import { caching, multiCaching } from 'cache-manager-v5';
import { lmdbStore } from '../../lib/compat/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

let now = 1_700_000_000_000;
const config = () => ({ path: tempDir('cm5'), now: () => now });

describe('lmdbStore() under cache-manager 5.7', () => {
  it('caching(lmdbStore(...)): get, set with ttl in ms, del, reset', async () => {
    const cache = await caching(lmdbStore(config()));
    await cache.set('k', { at: new Date(3) }, 1_000);
    expect(await cache.get('k')).toEqual({ at: new Date(3) });
    now += 1_000;
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('a', 1);
    await cache.del('a');
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('b', 2);
    await cache.reset();
    expect(await cache.get('b')).toBeUndefined();
    await cache.store.close();
  });

  it('caching(lmdbStore, config): the factory form, with the default ttl; 0 means no expiry', async () => {
    const cache = await caching(lmdbStore, { ...config(), ttl: 500 });
    await cache.set('default', 1);
    await cache.set('forever', 2, 0);
    now += 500;
    expect([await cache.get('default'), await cache.get('forever')]).toEqual([undefined, 2]);
    await cache.store.close();
  });

  it('mset, mget, mdel, keys(pattern) and ttl(key) in remaining ms', async () => {
    const store = lmdbStore(config());
    await store.mset(
      [
        ['user:1', 'a'],
        ['user:2', 'b'],
        ['post:1', 'c'],
      ],
      10_000,
    );
    await store.set('forever', 1);
    expect(await store.mget('user:1', 'post:1', 'missing')).toEqual(['a', 'c', undefined]);
    expect((await store.keys('user:*')).sort()).toEqual(['user:1', 'user:2']);
    expect((await store.keys()).length).toBe(4);
    now += 4_000;
    expect(await store.ttl('user:1')).toBe(6_000);
    expect(await store.ttl('forever')).toBe(-1);
    expect(await store.ttl('missing')).toBe(-2);
    await store.mdel('user:1', 'user:2');
    expect(await store.keys('user:*')).toEqual([]);
    await store.close();
  });

  it('refuses values isCacheable rejects (by default undefined), writing nothing', async () => {
    const store = lmdbStore(config());
    await expect(store.set('k', undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(
      store.mset([
        ['a', 1],
        ['b', undefined],
      ]),
    ).rejects.toBeInstanceOf(TypeError);
    expect(await store.mget('k', 'a', 'b')).toEqual([undefined, undefined, undefined]);
    await store.close();
  });

  it('wrap() computes once, then serves from LMDB, refreshing near expiry', async () => {
    const cache = await caching(lmdbStore(config()));
    let calls = 0;
    const load = async () => `v${++calls}`;
    expect(await cache.wrap('w', load, 1_000, 300)).toBe('v1');
    expect(await cache.wrap('w', load, 1_000, 300)).toBe('v1');
    expect(calls).toBe(1);
    now += 800;
    expect(await cache.wrap('w', load, 1_000, 300)).toBe('v1');
    while ((await cache.get('w')) !== 'v2') await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
    await cache.store.close();
  });

  it('works as a tier of multiCaching in front of a memory store', async () => {
    const lmdb = await caching(lmdbStore(config()));
    const memory = await caching('memory', { max: 100, ttl: 60_000 });
    const multi = multiCaching([memory, lmdb]);
    await multi.set('k', { n: 1 }, 60_000);
    expect(await lmdb.get('k')).toEqual({ n: 1 });
    await memory.del('k');
    expect(await multi.get('k')).toEqual({ n: 1 });
    expect(await multi.wrap('w', async () => 'computed', 60_000)).toBe('computed');
    expect(await lmdb.get('w')).toBe('computed');
    await lmdb.store.close();
  });
});

describe('lmdbStore() configuration', () => {
  it('throws ERR_INVALID_OPTION at once without a path', () => {
    expect(() => lmdbStore()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
