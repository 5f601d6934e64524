// level-cache's own 4 tests (research 1.6) and the 17 tests of the lmdb-cache plan (research 3.4), run
// against openLmdbCache. Their sleeps become moves of the injected clock; other adaptations are noted.
import { afterAll, describe, expect, it } from '@jest/globals';
import { openLmdbCache, type CacheOptions } from '../../lib/compat/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

let now = 1_700_000_000_000;
const clock = () => now;
const sleep = (ms: number) => void (now += ms);
const open = <T = unknown>(options: Omit<CacheOptions, 'path' | 'now'> & { path?: string } = {}) =>
  openLmdbCache<T>({ path: tempDir('parity'), now: clock, ...options });

describe('level-cache tests', () => {
  it('set/get/has basic', async () => {
    const cache = await open<number>({ namespace: 'n1' });
    await cache.set('a', 123);
    expect(await cache.has('a')).toBe(true);
    expect(await cache.get('a')).toBe(123);
    await cache.close();
  });

  it('ttl expiry prunes on read', async () => {
    const cache = await open<string>();
    await cache.set('k', 'v', { ttlMs: 500 });
    expect(await cache.get('k')).toBe('v');
    sleep(800);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.has('k')).toBe(false);
    await cache.close();
  });

  it('namespaces are isolated and composable', async () => {
    const root = await open<number>({ namespace: 'root' });
    await root.set('x', 1);
    const a = root.withNamespace('a');
    const b = root.withNamespace('b');
    await a.set('x', 2);
    await b.set('x', 3);
    expect([await root.get('x'), await a.get('x'), await b.get('x')]).toEqual([1, 2, 3]);
    const a1 = a.withNamespace('child');
    await a1.set('y', 42);
    expect(await a1.get('y')).toBe(42);
    expect(await a.get('y')).toBeUndefined();
    await root.close();
  });

  it('entries yields non-expired logical keys only', async () => {
    const cache = await open<number>({ namespace: 'ns' });
    await cache.batch([
      { type: 'put', key: 'a', value: 1 },
      { type: 'put', key: 'b', value: 2, ttlMs: 500 },
    ]);
    const first: [string, number][] = [];
    for await (const entry of cache.entries()) first.push(entry);
    expect(first.sort()).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    sleep(800);
    const second: [string, number][] = [];
    for await (const entry of cache.entries()) second.push(entry);
    expect(second).toEqual([['a', 1]]);
    await cache.close();
  });
});

// Plan tests 1-4 are the four level-cache tests above, verbatim.
describe('lmdb-cache plan tests', () => {
  it('5: batch operations (no namespace: adapted to namespace "")', async () => {
    const cache = await open<string>({ namespace: '' });
    await cache.batch([
      { type: 'put', key: 'key1', value: 'value1' },
      { type: 'put', key: 'key2', value: 'value2', ttlMs: 1000 },
      { type: 'del', key: 'key3' },
    ]);
    expect([await cache.get('key1'), await cache.get('key2'), await cache.get('key3')]).toEqual([
      'value1',
      'value2',
      undefined,
    ]);
    await cache.close();
  });

  it('6: sweepExpired removes exactly the expired entry', async () => {
    const cache = await open<string>();
    await cache.set('permanent', 'p');
    await cache.set('temporary', 't', { ttlMs: 100 });
    sleep(200);
    expect(await cache.sweepExpired()).toBe(1);
    expect(await cache.get('permanent')).toBe('p');
    expect(await cache.get('temporary')).toBeUndefined();
    await cache.close();
  });

  it('7: entries with limit', async () => {
    const cache = await open<number>();
    for (let i = 0; i < 10; i++) await cache.set(`key${i}`, i);
    let count = 0;
    for await (const _ of cache.entries({ limit: 5 })) count++;
    expect(count).toBe(5);
    await cache.close();
  });

  it('8: concurrent operations', async () => {
    const cache = await open<string>();
    await Promise.all(Array.from({ length: 10 }, (_, i) => cache.set(`key${i}`, `value${i}`)));
    const values = await Promise.all(Array.from({ length: 10 }, (_, i) => cache.get(`key${i}`)));
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => `value${i}`));
    await cache.close();
  });

  it('9: default TTL', async () => {
    const cache = await open<string>({ defaultTtlMs: 500 });
    await cache.set('k', 'v');
    sleep(800);
    expect(await cache.get('k')).toBeUndefined();
    await cache.close();
  });

  it('10: complex objects, a Date included', async () => {
    const cache = await open();
    const complex = {
      string: 's',
      number: 42,
      array: [1, 2, 3],
      nested: { a: { b: 'c' } },
      date: new Date('2025-01-01'),
    };
    await cache.set('complex', complex);
    expect(await cache.get('complex')).toEqual(complex);
    await cache.close();
  });

  it('11: getStats', async () => {
    const cache = await open<string>({ namespace: 'test' });
    expect(await cache.getStats()).toMatchObject({
      totalEntries: 0,
      expiredEntries: 0,
      hitRate: 0,
      namespaces: ['test'],
    });
    await cache.set('a', '1');
    await cache.set('b', '2');
    await cache.set('c', '3', { ttlMs: 100 });
    expect(await cache.getStats()).toMatchObject({ totalEntries: 3, expiredEntries: 0 });
    await cache.get('a');
    await cache.get('missing');
    await cache.get('b');
    expect((await cache.getStats()).hitRate).toBeCloseTo(2 / 3);
    sleep(200);
    expect((await cache.getStats()).expiredEntries).toBe(1);
    await cache.close();
  });

  it('12: the LMDBCache class constructor (adapted: openLmdbCache with the same options; no class exists)', async () => {
    const cache = await open<string>({ namespace: 'cls', defaultTtlMs: 60_000 });
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
    expect(await cache.has('k')).toBe(true);
    await cache.close();
  });

  it('13: persists across restarts', async () => {
    const path = tempDir('parity');
    const first = await open<string>({ path, namespace: 'persist' });
    await first.set('persistent', 'p');
    await first.set('temporary', 't', { ttlMs: 100 });
    await first.close();
    sleep(200);
    const second = await open<string>({ path, namespace: 'persist' });
    expect(await second.get('persistent')).toBe('p');
    expect(await second.get('temporary')).toBeUndefined();
    await second.close();
  });

  it('14: delete operations', async () => {
    const cache = await open<string>();
    await cache.set('k', 'v');
    await cache.del('k');
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.has('k')).toBe(false);
    await expect(cache.del('never-there')).resolves.toBeUndefined();
    await cache.close();
  });

  it('15: entries with namespace filter (root adapted to namespace "": under the default it is "default/ns1")', async () => {
    const root = await open<number>({ namespace: '' });
    await root.withNamespace('ns1').set('a', 1);
    await root.withNamespace('ns1').set('b', 2);
    await root.withNamespace('ns2').set('c', 3);
    const count = async (namespace: string) => {
      let n = 0;
      for await (const _ of root.entries({ namespace })) n++;
      return n;
    };
    expect([await count('ns1'), await count('ns2')]).toEqual([2, 1]);
    await root.close();
  });

  it('16: invalid ops: undefined and null values, the empty key', async () => {
    const cache = await open();
    await cache.set('undefined', undefined);
    await cache.set('null', null);
    await cache.set('', 'empty key');
    expect(await cache.get('undefined')).toBeUndefined();
    expect(await cache.get('null')).toBeNull();
    expect(await cache.get('')).toBe('empty key');
    await cache.close();
  });

  it('17: large values (1 MiB string)', async () => {
    const cache = await open<string>();
    const large = 'x'.repeat(1024 * 1024);
    await cache.set('large', large);
    expect(await cache.get('large')).toBe(large);
    await cache.close();
  });
});
