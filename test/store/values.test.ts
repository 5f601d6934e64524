import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LmdbCacheError, LmdbStore } from '../../lib/store/index.js';
import { runFixture } from '../helpers/child.js';
import { storedSize } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

let store: LmdbStore;
let path: string;
beforeAll(async () => {
  path = tempDir();
  store = await LmdbStore.open({ path });
});
afterAll(async () => {
  await store.close();
  removeTempDirs();
});

// Reads back from disk, not from the overlay of pending writes, so the codec is really exercised.
async function roundTrip(value: unknown): Promise<unknown> {
  await store.set('value', value);
  await store.flush();
  return store.get('value');
}

describe('values keep what structuredClone keeps', () => {
  it.each([
    ['Date', new Date('2026-11-23T10:00:00.123Z')],
    ['Buffer', Buffer.from('hello')],
    ['Uint8Array', new Uint8Array([1, 2, 255])],
    [
      'Map',
      new Map<unknown, unknown>([
        ['a', 1],
        [2, { b: [3] }],
      ]),
    ],
    ['Set', new Set([1, 'two', 3])],
    ['small BigInt', 42n],
    ['huge BigInt', 2n ** 300n + 7n],
    ['negative huge BigInt', -(3n ** 200n)],
    ['undefined', undefined],
    ['null', null],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['nested', { a: [1, { b: new Date(0), c: [undefined, null, 'x'] }], m: new Map([['k', new Set([1])]]) }],
  ])('%s', async (_name, value) => {
    expect(await roundTrip(value)).toStrictEqual(value);
  });

  it('returns every typed array and Buffer with its own class (checked in a real process)', async () => {
    // Jest's sandbox injects the host realm's Uint8Array next to its own typed arrays; one process has one realm.
    const report = await runFixture<Record<string, { same: boolean; className: string }>>('typed-arrays', [
      tempDir(),
    ]);
    expect(Object.keys(report)).toHaveLength(12);
    for (const [name, { same, className }] of Object.entries(report)) {
      expect({ name, same, className }).toEqual({ name, same: true, className: name });
    }
  });

  it('round-trips a 10 MB value', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 7);
    big[12345] = 1;
    const back = (await roundTrip({ big, text: 'x'.repeat(1000) })) as { big: Buffer };
    expect(back.big.equals(big)).toBe(true);
  });

  it('returns Buffers that stay intact after later reads (not views of a reused read buffer)', async () => {
    await store.set('buf-1', Buffer.from('first value'));
    await store.set('buf-2', Buffer.from('second value'));
    await store.flush();
    const first = (await store.get('buf-1')) as Buffer;
    await store.get('buf-2');
    expect(first.toString()).toBe('first value');
  });

  it('stores an object shape once per cache, not inside every value', async () => {
    const shape = (n: number) => ({ aVeryLongPropertyName: n, anotherLongPropertyName: String(n) });
    await store.setMany(Array.from({ length: 3 }, (_, i) => ({ key: `shaped${i}`, value: shape(i) })));
    await store.flush();
    const size = await storedSize(path, '', 'shaped2');
    expect(size).toBeLessThan('aVeryLongPropertyName'.length);
    expect(await store.get('shaped2')).toEqual(shape(2));
  });

  it('tells a stored undefined or null from a miss with has()', async () => {
    await store.set('stored-undefined', undefined);
    await store.set('stored-null', null);
    await store.flush();
    expect(await store.has('stored-undefined')).toBe(true);
    expect(await store.has('stored-null')).toBe(true);
    expect(await store.has('never-stored')).toBe(false);
    expect(await store.get('stored-null')).toBeNull();
  });
});

describe('values that cannot be cached', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it.each([
    ['a function', () => 1],
    ['a method inside an object', { f() {} }],
    ['a symbol', Symbol('s')],
    ['a symbol inside an array', [1, Symbol('s')]],
    ['a cycle', cyclic],
    [
      'a getter that throws',
      Object.defineProperty({}, 'boom', {
        enumerable: true,
        get() {
          throw new Error('secret');
        },
      }),
    ],
  ])('rejects %s with ERR_VALUE_NOT_SERIALIZABLE and writes nothing', async (_name, bad) => {
    await store.set('keep', 'original');
    const error = await store.set('keep', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmdbCacheError);
    expect(error).toMatchObject({ code: 'ERR_VALUE_NOT_SERIALIZABLE' });
    expect((error as Error).cause).toBeDefined();
    expect(await store.get('keep')).toBe('original');
  });
});

describe('values read before their shape is loaded', () => {
  it('keep a Buffer nested in an object a Buffer on the first read after reopening', async () => {
    const path = tempDir();
    const writer = await LmdbStore.open({ path });
    await writer.set('k', { a: 1, body: Buffer.from('hello') });
    await writer.close();
    // A new environment knows no shapes yet: they load from `meta` in the middle of decoding the value.
    const reader = await LmdbStore.open({ path, readCacheEntries: 0 });
    const { body } = (await reader.get('k')) as { body: Buffer };
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.toString()).toBe('hello');
    await reader.close();
  });
});

describe('a TTL that removes the key', () => {
  it('still rejects a value that cannot be cached, and leaves the stored one', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    await store.set('k', 'kept');
    await expect(store.set('k', { f: () => 1 }, 0)).rejects.toMatchObject({
      code: 'ERR_VALUE_NOT_SERIALIZABLE',
    });
    expect(await store.get('k')).toBe('kept');
    await store.close();
  });
});
