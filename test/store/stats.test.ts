import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('stats()', () => {
  it('starts at zero with a hit rate of 0 before any read', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    expect(store.stats()).toEqual({
      hits: 0,
      misses: 0,
      hitRate: 0,
      sets: 0,
      deletes: 0,
      expired: 0,
      evictions: 0,
      entries: 0,
      bytes: expect.any(Number),
    });
    await store.close();
  });

  it('counts hits, misses, sets and deletes across views, with hitRate = hits / (hits + misses)', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    const users = store.namespace('users');
    await store.set('a', 1);
    await users.setMany([
      { key: 'b', value: 2 },
      { key: 'c', value: 3 },
    ]);
    await store.get('a');
    await users.getMany(['b', 'c', 'missing']);
    await store.get('missing');
    expect(await users.delete('b')).toBe(true);
    expect(await users.delete('b')).toBe(false);
    expect(store.stats()).toMatchObject({ hits: 3, misses: 2, hitRate: 0.6, sets: 3, deletes: 1 });
    await store.close();
  });

  it('reads entries from lmdb statistics: every namespace, expired entries until they are removed', async () => {
    let now = 0;
    const store = await LmdbStore.open({ path: tempDir(), now: () => now });
    await store.set('a', 1, 10);
    await store.namespace('n').set('b', 2);
    await store.flush();
    now += 10;
    // A scan for live entries would say 1; lmdb's O(1) count still holds the expired, unremoved one.
    expect(store.stats().entries).toBe(2);
    expect(await store.get('a')).toBeUndefined();
    await store.flush();
    expect(store.stats()).toMatchObject({ entries: 1, expired: 1 });
    await store.close();
  });

  it('reports the bytes the data file takes on disk', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    const empty = store.stats().bytes;
    expect(empty).toBeGreaterThan(0);
    await store.setMany(
      Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(10_000, i) })),
    );
    await store.flush();
    expect(store.stats().bytes).toBeGreaterThan(empty + 2_000_000);
    await store.close();
  });
});
