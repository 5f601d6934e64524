import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { CACHE_MANAGER, CacheModule } from '@nestjs/cache-manager';
import { Test } from '@nestjs/testing';
import type { Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import { KeyvLmdb, createKeyv } from '../../lib/keyv/index.js';
import { LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('createKeyv()', () => {
  it('returns a ready Keyv synchronously, usable before the environment has opened', async () => {
    const keyv = createKeyv({ path: tempDir() });
    expect(keyv).toBeInstanceOf(Keyv);
    await keyv.set('k', 'v');
    expect(await keyv.get('k')).toBe('v');
    await keyv.disconnect();
  });

  it('keeps value types through the engine (serialization off)', async () => {
    const keyv = createKeyv({ path: tempDir() });
    const value = {
      at: new Date(5),
      bytes: Buffer.from('hi'),
      map: new Map([['a', 1n]]),
      set: new Set(['x']),
      big: 2n ** 100n,
    };
    await keyv.set('typed', value);
    expect(await keyv.get('typed')).toStrictEqual(value);
    await keyv.disconnect();
  });

  it('namespaces through engine namespaces, with no key prefix', async () => {
    const path = tempDir();
    const keyv = createKeyv({ path, namespace: 'users' });
    await keyv.set('ada', { name: 'Ada' });
    await keyv.disconnect();
    const engine = await LmdbStore.open({ path });
    expect(await engine.namespace('users').get('ada')).toEqual({
      value: { name: 'Ada' },
      expires: undefined,
    });
    expect(await engine.namespace('users').get('users:ada')).toBeUndefined();
    await engine.close();
  });

  it('uses Keyv’s default namespace when none is given, and clear() clears only its own namespace', async () => {
    const path = tempDir();
    const plain = createKeyv({ path });
    const users = createKeyv({ path, namespace: 'users' });
    await plain.set('k', 1);
    await users.set('k', 2);
    await users.clear();
    expect(await users.get('k')).toBeUndefined();
    expect(await plain.get('k')).toBe(1);
    const engine = await LmdbStore.open({ path });
    expect(await engine.namespace('keyv').get('k')).toMatchObject({ value: 1 });
    await engine.close();
    await plain.disconnect();
    await users.disconnect();
  });

  it('iterates its own namespace with keyv.iterator()', async () => {
    const path = tempDir();
    const keyv = createKeyv({ path, namespace: 'it' });
    const other = createKeyv({ path, namespace: 'other' });
    await keyv.set('a', 1);
    await keyv.set('b', new Date(2));
    await other.set('c', 3);
    const seen: [string, unknown][] = [];
    for await (const [key, value] of keyv.iterator!(undefined)) seen.push([key as string, value]);
    expect(seen).toEqual([
      ['a', 1],
      ['b', new Date(2)],
    ]);
    await keyv.disconnect();
    await other.disconnect();
  });

  it('sets Keyv’s default TTL from defaultTtlMs, so Keyv and the engine agree on expiry', async () => {
    const keyv = createKeyv({ path: tempDir(), defaultTtlMs: 60_000 });
    await keyv.set('k', 1);
    const raw = (await keyv.get('k', { raw: true })) as { expires: number };
    expect(raw.expires).toBeGreaterThan(Date.now() + 59_000);
    await keyv.disconnect();
  });

  it('reports an open failure as a Keyv error event and a failed set, not a crash', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const keyv = createKeyv({ path: join(file, 'cache') });
    const errors: unknown[] = [];
    keyv.on('error', (error) => errors.push(error));
    expect(await keyv.set('k', 1)).toBe(false);
    expect(errors.some((error) => (error as { code?: string }).code === 'ERR_OPEN_FAILED')).toBe(true);
    await keyv.disconnect();
    await keyv.disconnect();
  });
});

describe('native expiry: entries written through Keyv carry the engine’s expiry', () => {
  it('are removed by the engine’s sweeper and counted by its stats', async () => {
    let now = 1_700_000_000_000;
    const path = tempDir();
    const keyv = createKeyv({ path, now: () => now });
    await keyv.set('short', 1, 10);
    await keyv.set('long', 2, 60_000);
    const engine = await LmdbStore.open({ path });
    await engine.flush();
    now += 10;
    expect(await engine.sweep()).toBe(1);
    expect(engine.stats()).toMatchObject({ expired: 1, entries: 1 });
    await engine.close();
    await keyv.disconnect();
  });

  it('are evicted by maxEntries', async () => {
    const path = tempDir();
    const keyv = createKeyv({ path, maxEntries: 20 });
    for (let i = 0; i < 100; i++) await keyv.set(`k${i}`, i);
    const engine = await LmdbStore.open({ path });
    await engine.flush();
    expect(engine.stats().entries).toBeLessThanOrEqual(20);
    expect(engine.stats().evictions).toBeGreaterThanOrEqual(80);
    await engine.close();
    await keyv.disconnect();
  });
});

describe('other ways of wiring the adapter', () => {
  it('new Keyv({ store: new KeyvLmdb(opts) }): values arrive as strings from Keyv’s serializer', async () => {
    const path = tempDir();
    const keyv = new Keyv({ store: new KeyvLmdb({ path }) });
    expect(typeof keyv.iterator).toBe('function');
    await keyv.set('k', { n: 1 });
    expect(await keyv.get('k')).toEqual({ n: 1 });
    await keyv.disconnect();
    const engine = await LmdbStore.open({ path });
    expect(typeof (await engine.namespace('keyv').get('keyv:k'))).toBe('string');
    await engine.close();
  });

  it('new Keyv(adapter) and new Keyv({ store }) never hit Keyv’s iterator-detection crash', () => {
    const path = tempDir();
    expect(() => new Keyv(new KeyvLmdb(path))).not.toThrow();
    expect(() => new Keyv({ store: new KeyvLmdb({ path }), namespace: 'x' })).not.toThrow();
  });

  it('a raw KeyvLmdb in @nestjs/cache-manager’s CacheModule.register({ stores }) works, and clear() clears everything', async () => {
    const path = tempDir();
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.register({ stores: [new KeyvLmdb({ path })] })],
    }).compile();
    const cache = moduleRef.get<Cache>(CACHE_MANAGER);
    await cache.set('plain', { at: 'x' }, 60_000);
    expect(await cache.get('plain')).toEqual({ at: 'x' });
    const elsewhere = createKeyv({ path, namespace: 'elsewhere' });
    await elsewhere.set('k', 1);
    await cache.clear();
    expect(await cache.get('plain')).toBeUndefined();
    expect(await elsewhere.get('k')).toBeUndefined();
    await elsewhere.disconnect();
    await moduleRef.close();
  });

  it('disconnect() is idempotent and leaves other handles on the path open', async () => {
    const path = tempDir();
    const first = new KeyvLmdb({ path });
    const second = new KeyvLmdb({ path });
    await first.set('k', 1);
    await first.disconnect();
    await first.disconnect();
    expect(await second.get('k')).toBe(1);
    await second.disconnect();
  });
});
