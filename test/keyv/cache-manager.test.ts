import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { createCache, type Cache } from 'cache-manager';
import tk from 'timekeeper';
import { createKeyv } from '../../lib/keyv/index.js';
import { LmdbStore } from '../../lib/store/index.js';
import { runFixture } from '../helpers/child.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

// cache-manager and Keyv read Date.now() themselves: time moves with timekeeper, which replaces Date
// only (no fake timers; lmdb's own timers run normally), and the engine's default clock follows it.
const T0 = 1_900_000_000_000;
afterEach(() => tk.reset());
afterAll(removeTempDirs);

function lmdbCache(path = tempDir(), options: Parameters<typeof createCache>[0] = {}): Cache {
  return createCache({ ...options, stores: [createKeyv({ path })] });
}

describe('cache-manager 7 on createKeyv()', () => {
  it('get and set, with TTLs in ms', async () => {
    tk.freeze(T0);
    const cache = lmdbCache();
    expect(await cache.set('k', { n: 1 }, 1_000)).toEqual({ n: 1 });
    expect(await cache.get('k')).toEqual({ n: 1 });
    tk.freeze(T0 + 999);
    expect(await cache.get('k')).toEqual({ n: 1 });
    tk.freeze(T0 + 1_001);
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.get('never-set')).toBeUndefined();
    await cache.disconnect();
  });

  it('applies the cache-level default ttl (ms) when set() gets none', async () => {
    tk.freeze(T0);
    const cache = lmdbCache(tempDir(), { ttl: 500 });
    await cache.set('k', 1);
    tk.freeze(T0 + 501);
    expect(await cache.get('k')).toBeUndefined();
    await cache.disconnect();
  });

  it('mget, mset, del and mdel', async () => {
    const cache = lmdbCache();
    await cache.mset<unknown>([
      { key: 'a', value: 1 },
      { key: 'b', value: 'two', ttl: 60_000 },
      { key: 'c', value: [3] },
    ]);
    expect(await cache.mget(['a', 'b', 'c', 'missing'])).toEqual([1, 'two', [3], undefined]);
    expect(await cache.del('a')).toBe(true);
    expect(await cache.mdel(['b', 'c'])).toBe(true);
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([undefined, undefined, undefined]);
    await cache.disconnect();
  });

  it('clear() empties the cache’s namespace only', async () => {
    const path = tempDir();
    const cache = createCache({ stores: [createKeyv({ path, namespace: 'app' })] });
    const other = createCache({ stores: [createKeyv({ path, namespace: 'other' })] });
    await cache.set('k', 1);
    await other.set('k', 2);
    await cache.clear();
    expect(await cache.get('k')).toBeUndefined();
    expect(await other.get('k')).toBe(2);
    await cache.disconnect();
    await other.disconnect();
  });

  it('ttl() returns the absolute expiry in epoch ms, as cache-manager defines it', async () => {
    tk.freeze(T0);
    const cache = lmdbCache();
    await cache.set('timed', 1, 5_000);
    await cache.set('forever', 1);
    expect(await cache.ttl('timed')).toBe(T0 + 5_000);
    expect(await cache.ttl('forever')).toBeUndefined();
    expect(await cache.ttl('missing')).toBeUndefined();
    await cache.disconnect();
  });

  it('wrap() computes once, serves from the cache, and refreshes in the background near expiry', async () => {
    tk.freeze(T0);
    const cache = lmdbCache();
    let calls = 0;
    const load = async () => `value ${++calls}`;
    expect(await cache.wrap('w', load, 1_000, 300)).toBe('value 1');
    expect(await cache.wrap('w', load, 1_000, 300)).toBe('value 1');
    expect(calls).toBe(1);
    tk.freeze(T0 + 800); // 200 ms left, under the 300 ms refreshThreshold
    const refreshed = new Promise<unknown>((resolve) => cache.on('refresh', ({ value }) => resolve(value)));
    expect(await cache.wrap('w', load, 1_000, 300)).toBe('value 1');
    expect(await refreshed).toBe('value 2');
    expect(await cache.get('w')).toBe('value 2');
    expect(await cache.ttl('w')).toBe(T0 + 800 + 1_000);
    await cache.disconnect();
  });

  it('round-trips Date, Buffer, Map, Set and BigInt values', async () => {
    const cache = lmdbCache();
    const value = {
      at: new Date(7),
      bytes: Buffer.from([1, 2, 3]),
      map: new Map([[1, 'a']]),
      set: new Set([2]),
      big: 2n ** 80n,
    };
    await cache.set('typed', value);
    expect(await cache.get('typed')).toStrictEqual(value);
    expect(await cache.mget(['typed'])).toStrictEqual([value]);
    await cache.disconnect();
  });

  it('fires get, set, del, mset, mget and clear events with their payloads', async () => {
    const cache = lmdbCache();
    const events: [string, unknown][] = [];
    for (const name of ['get', 'set', 'del', 'mset', 'mget', 'clear'] as const) {
      cache.on(name, (data: unknown) => events.push([name, data]));
    }
    await cache.set('k', 1);
    await cache.get('k');
    await cache.mset([{ key: 'm', value: 2 }]);
    await cache.mget(['m']);
    await cache.del('k');
    await cache.clear();
    const payloadOf = (name: string) => events.filter(([event]) => event === name).map(([, data]) => data);
    expect(payloadOf('set')).toContainEqual(expect.objectContaining({ key: 'k', value: 1 }));
    expect(payloadOf('get')).toContainEqual(expect.objectContaining({ key: 'k', value: 1 }));
    expect(payloadOf('mset')).toContainEqual(
      expect.objectContaining({ list: [expect.objectContaining({ key: 'm', value: 2 })] }),
    );
    expect(payloadOf('mget')).toContainEqual(expect.objectContaining({ keys: ['m'], values: [2] }));
    expect(payloadOf('del')).toContainEqual(expect.objectContaining({ key: 'k' }));
    expect(payloadOf('clear')).toHaveLength(1);
    await cache.disconnect();
  });

  it('is read by a second process, and reads what it wrote', async () => {
    const path = tempDir();
    const cache = lmdbCache(path);
    await cache.set('from-parent', { at: new Date(9), big: 10n ** 30n });
    await cache.disconnect();
    const seen = await runFixture<{ fromParent: string }>('cache-manager-process', [path]);
    expect(seen.fromParent).toBe(JSON.stringify({ at: new Date(9), big: String(10n ** 30n) }));
    const again = lmdbCache(path);
    expect(await again.get('from-child')).toEqual({ pid: expect.any(Number), at: new Date(10) });
    await again.disconnect();
  });

  it('writes entries the engine sees with its own expiry', async () => {
    tk.freeze(T0);
    const path = tempDir();
    const cache = lmdbCache(path);
    await cache.set('k', 1, 50);
    const engine = await LmdbStore.open({ path });
    await engine.flush();
    tk.freeze(T0 + 50);
    expect(await engine.sweep()).toBe(1);
    await engine.close();
    await cache.disconnect();
  });
});
