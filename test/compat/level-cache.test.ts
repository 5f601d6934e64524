import { afterAll, describe, expect, it } from '@jest/globals';
import {
  defaultNamespace,
  openLevelCache,
  openLmdbCache,
  type CacheOptions,
} from '../../lib/compat/index.js';
import { LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

let now = 1_700_000_000_000;
const open = <T = unknown>(options: Partial<CacheOptions> = {}) =>
  openLmdbCache<T>({ path: tempDir('compat'), now: () => now, ...options });
async function keysOf(entries: AsyncIterable<[string, unknown]>): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of entries) keys.push(key);
  return keys;
}

describe('level-cache shape and defaults', () => {
  it('exports openLevelCache as an alias and the defaultNamespace helper', () => {
    expect(openLevelCache).toBe(openLmdbCache);
    expect(defaultNamespace({ namespace: 'base' }, 'ns')).toBe('base/ns');
    expect(defaultNamespace({}, 'ns')).toBe('ns');
  });

  it('defaults to a 24 h TTL and the namespace "default", nesting with "/"', async () => {
    const path = tempDir('compat');
    const cache = await openLmdbCache<number>({ path, now: () => now });
    await cache.set('k', 1);
    await cache.withNamespace('child').set('c', 2);
    const engine = await LmdbStore.open({ path, now: () => now });
    expect(await engine.namespace('default').expiresAt('k')).toBe(now + 86_400_000);
    expect(await engine.namespace('default').namespace('child').get('c')).toBe(2);
    await engine.close();
    expect(await (await open({ path, namespace: 'default/child' })).get('c')).toBe(2);
    await cache.close();
  });

  it('closes every view when any view closes', async () => {
    const cache = await open();
    const child = cache.withNamespace('a').withNamespace('b');
    await child.close();
    await expect(cache.get('k')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('sweeps every namespace from any view, and a parent never lists its children’s keys', async () => {
    const cache = await open({ namespace: 'p' });
    await cache.set('own', 1, { ttlMs: 10 });
    await cache.withNamespace('c').set('child', 1, { ttlMs: 10 });
    await cache.withNamespace('c').set('kept', 1);
    expect(await keysOf(cache.entries())).toEqual(['own']);
    now += 10;
    expect(await cache.withNamespace('c').sweepExpired()).toBe(2);
    expect(await keysOf(cache.withNamespace('c').entries())).toEqual(['kept']);
    await cache.close();
  });

  it('reports getStats for a view with no namespace over every namespace, with the engine counters', async () => {
    const cache = await open({ namespace: '' });
    await cache.withNamespace('x').set('a', 1);
    await cache.withNamespace('x').withNamespace('y').set('b', 1, { ttlMs: 10 });
    now += 10;
    const stats = await cache.getStats();
    expect(stats).toMatchObject({ totalEntries: 2, expiredEntries: 1, sets: 2, entries: 2 });
    expect([...stats.namespaces].sort()).toEqual(['x', 'x/y']);
    await cache.close();
  });

  it('evicts with maxEntries and sweeps on a timer with cleanupIntervalMs', async () => {
    const bounded = await open<number>({ maxEntries: 10 });
    for (let i = 0; i < 50; i++) await bounded.set(`k${i}`, i);
    await bounded.sweepExpired();
    expect((await bounded.getStats()).entries).toBeLessThanOrEqual(10);
    await bounded.close();

    const timed = await open<number>({ cleanupIntervalMs: 10 });
    await timed.set('short', 1, { ttlMs: 5 });
    now += 5;
    // Wait for the timer's sweep (the entry expired by the injected clock already).
    while ((await timed.getStats()).totalEntries > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await timed.getStats()).expired).toBe(1);
    await timed.close();
  });
});

describe('level-cache bugs, fixed', () => {
  it('namespaces cannot collide: namespace "a␟b" + "k" is not namespace "a" + "b␟k"', async () => {
    const cache = await open({ namespace: '' });
    await cache.withNamespace('a\u241Fb').set('k', 'one');
    await cache.withNamespace('a').set('b\u241Fk', 'two');
    expect(await cache.withNamespace('a\u241Fb').get('k')).toBe('one');
    expect(await keysOf(cache.withNamespace('a').entries())).toEqual(['b\u241Fk']);
    await cache.close();
  });

  it('entries() includes keys that start with astral characters', async () => {
    const cache = await open();
    await cache.set('😀', 1);
    await cache.set('\u{1F680}rocket', 2);
    await cache.set('plain', 3);
    expect(await keysOf(cache.entries())).toEqual(['plain', '😀', '\u{1F680}rocket']);
    await cache.close();
  });

  it('limit counts the live entries returned, not the records scanned', async () => {
    const cache = await open<number>();
    for (let i = 0; i < 6; i++) await cache.set(`k${i}`, i, { ttlMs: i < 3 ? 10 : 60_000 });
    now += 10;
    expect(await keysOf(cache.entries({ limit: 2 }))).toEqual(['k3', 'k4']);
    await cache.close();
  });

  it('withNamespace("") returns the parent view, not the top-level "default"', async () => {
    const cache = await open<number>({ namespace: 'parent' });
    await cache.set('k', 1);
    expect(await cache.withNamespace('').get('k')).toBe(1);
    expect(cache.withNamespace('')).toBe(cache);
    await cache.close();
  });

  it('ttlMs: Infinity and defaultTtlMs: Infinity never expire', async () => {
    const cache = await open<number>({ defaultTtlMs: Infinity });
    await cache.set('default', 1);
    await cache.set('explicit', 2, { ttlMs: Infinity });
    now += 1e12;
    expect([await cache.get('default'), await cache.get('explicit')]).toEqual([1, 2]);
    await cache.close();
  });
});
