import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

let store: LmdbStore;
beforeAll(async () => {
  store = await LmdbStore.open({ path: tempDir() });
});
afterAll(async () => {
  await store.close();
  removeTempDirs();
});

async function keysOf(view: LmdbStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of view.entries()) keys.push(key);
  return keys;
}

describe('namespaces never collide', () => {
  it('keeps namespace "a␟b" + key "k" apart from namespace "a" + key "b␟k"', async () => {
    await store.namespace('a\u241Fb').set('k', 'first');
    await store.namespace('a').set('b\u241Fk', 'second');
    expect(await store.namespace('a\u241Fb').get('k')).toBe('first');
    expect(await store.namespace('a').get('b\u241Fk')).toBe('second');
    expect(await keysOf(store.namespace('a\u241Fb'))).toEqual(['k']);
  });

  it('keeps namespace "x/y" apart from the nested view x → y', async () => {
    await store.namespace('x/y').set('k', 'slash');
    await store.namespace('x').namespace('y').set('k', 'nested');
    expect(await store.namespace('x/y').get('k')).toBe('slash');
    expect(await store.namespace('x').namespace('y').get('k')).toBe('nested');
    expect(await store.namespace('x').get('y')).toBeUndefined();
  });

  it('keeps the empty namespace apart from the root namespace', async () => {
    await store.set('root-key', 'root');
    await store.namespace('').set('root-key', 'empty');
    expect(await store.get('root-key')).toBe('root');
    expect(await store.namespace('').get('root-key')).toBe('empty');
  });

  it('clears only its own namespace, not parents, children or look-alikes', async () => {
    const parent = store.namespace('p');
    await parent.set('k', 1);
    await parent.namespace('c').set('k', 2);
    await store.namespace('p%2Fc').set('k', 3);
    await store.namespace('p\u0000').set('k', 4);
    await parent.clear();
    expect(await parent.get('k')).toBeUndefined();
    expect(await parent.namespace('c').get('k')).toBe(2);
    expect(await store.namespace('p%2Fc').get('k')).toBe(3);
    expect(await store.namespace('p\u0000').get('k')).toBe(4);
  });

  it('rejects namespace names that are not well-formed strings', () => {
    expect(() => store.namespace(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_NAMESPACE' }),
    );
    expect(() => store.namespace('bad\uD800')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_NAMESPACE' }),
    );
    expect(() => store.namespace('n'.repeat(600)).namespace('m'.repeat(600))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_NAMESPACE' }),
    );
  });

  it('stores long keys under the longest namespace allowed', async () => {
    const view = store.namespace('n'.repeat(1_000));
    const key = 'k'.repeat(10_000);
    await view.set(key, 'v', 60_000);
    expect(await view.get(key)).toBe('v');
  });
});

describe('entries()', () => {
  it('yields only its namespace, in key order, including astral and control-character keys', async () => {
    const view = store.namespace('ordered');
    const keys = ['b', '😀 smile', 'a', '\u{10FFFF}', 'é', '', 'a\u0000b', 'z', '\u0001'];
    for (const key of keys) await view.set(key, key.length);
    await view.namespace('child').set('inner', 1);
    await store.namespace('ordered2').set('other', 1);
    const utf8Order = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await keysOf(view)).toEqual(utf8Order);
  });

  it('counts limit in live entries returned, skipping expired ones', async () => {
    let now = 1_000;
    const timed = await LmdbStore.open({ path: tempDir(), now: () => now });
    for (let i = 0; i < 10; i++) await timed.set(`k${i}`, i, i % 2 === 0 ? 5 : Infinity);
    now += 10;
    const seen: string[] = [];
    for await (const [key] of timed.entries({ limit: 3 })) seen.push(key);
    expect(seen).toEqual(['k1', 'k3', 'k5']);
    await timed.close();
  });

  it('walks past chunk boundaries', async () => {
    const view = store.namespace('many');
    await view.setMany(
      Array.from({ length: 1_500 }, (_, i) => ({ key: String(i).padStart(5, '0'), value: i })),
    );
    const keys = await keysOf(view);
    expect(keys).toHaveLength(1_500);
    expect(keys[1_499]).toBe('01499');
  });

  it('rejects a bad limit', async () => {
    await expect(store.entries({ limit: -1 }).next()).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});

describe('keys', () => {
  it('round-trips a 100 KB key, stored under a hash with the full key checked on read', async () => {
    const key = 'k'.repeat(100_000);
    await store.set(key, 'huge');
    expect(await store.get(key)).toBe('huge');
    expect(await store.has(key)).toBe(true);
    expect(await store.get(key.slice(1))).toBeUndefined();
  });

  it('keeps two long keys with the same prefix distinct', async () => {
    const prefix = 'p'.repeat(5_000);
    await store.set(`${prefix}1`, 'one');
    await store.set(`${prefix}2`, 'two');
    expect(await store.getMany([`${prefix}1`, `${prefix}2`])).toEqual(['one', 'two']);
    expect(await store.delete(`${prefix}1`)).toBe(true);
    expect(await store.get(`${prefix}2`)).toBe('two');
  });

  it('handles keys right around the LMDB key limit', async () => {
    const view = store.namespace('limit');
    for (let length = 1_880; length <= 1_990; length += 5) {
      await view.set('é'.repeat(length / 2) + 'x'.repeat(length % 2), length, 60_000);
    }
    for (let length = 1_880; length <= 1_990; length += 5) {
      expect(await view.get('é'.repeat(length / 2) + 'x'.repeat(length % 2))).toBe(length);
    }
  });

  it('keeps long keys ending in a lone surrogate apart from the same key ending in U+FFFD', async () => {
    const base = 'L'.repeat(100);
    await store.set(`${base}\uD800`, 'lone');
    await store.set(`${base}\uFFFD`, 'replacement');
    expect(await store.get(`${base}\uD800`)).toBe('lone');
    expect(await store.get(`${base}\uFFFD`)).toBe('replacement');
    const keys = await keysOf(store);
    expect(keys).toContain(`${base}\uD800`);
  });

  it('yields long keys whole from entries()', async () => {
    const view = store.namespace('long-entries');
    const key = 'q'.repeat(3_000);
    await view.set(key, 1);
    expect(await keysOf(view)).toEqual([key]);
  });

  it('rejects non-string keys (numbers included) with ERR_INVALID_KEY and writes nothing', async () => {
    for (const bad of [1, undefined, null, {}, ['a'], Symbol('s')]) {
      await expect(store.set(bad as unknown as string, 'v')).rejects.toMatchObject({
        code: 'ERR_INVALID_KEY',
      });
      await expect(store.get(bad as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    }
    expect(await store.get('1')).toBeUndefined();
  });
});

describe('clear({ allNamespaces: true })', () => {
  it('empties every namespace of the cache, and the cache keeps working', async () => {
    const path = tempDir();
    let now = 1_000;
    const whole = await LmdbStore.open({ path, now: () => now, maxEntries: 1_000 });
    await whole.set('root', 1, 10);
    await whole.namespace('a').set('k', 2);
    await whole.namespace('a').namespace('b').set('k', 3, 10);
    await whole.namespace('a').clear({ allNamespaces: true });
    expect(whole.stats().entries).toBe(0);
    expect(await whole.namespace('a').namespace('b').get('k')).toBeUndefined();
    now += 10;
    expect(await whole.sweep()).toBe(0);
    await whole.set('after', 4);
    expect(await whole.get('after')).toBe(4);
    await whole.close();
  });
});
