import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { QUIET, inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('batch()', () => {
  it('applies puts and deletes in one transaction', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path, ...QUIET });
    await store.setMany([
      { key: 'gone', value: 1 },
      { key: 'kept', value: 2 },
    ]);
    await store.flush();
    const before = (await inspect(path)).lastTxnId;
    await store.batch([
      { type: 'put', key: 'new', value: 'n', ttlMs: 60_000 },
      { type: 'del', key: 'gone' },
      { type: 'put', key: 'kept', value: 'changed' },
    ]);
    await store.flush();
    expect((await inspect(path)).lastTxnId - before).toBe(1);
    expect(await store.getMany(['new', 'gone', 'kept'])).toEqual(['n', undefined, 'changed']);
    await store.close();
  });

  it('writes and deletes nothing when an operation in the middle is invalid', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    await store.set('victim', 'intact');
    for (const bad of [
      { type: 'put', key: 'x', value: () => 1 },
      { type: 'del', key: 5 },
      { type: 'upsert', key: 'x' },
      { type: 'put', key: 'x', value: 1, ttlMs: 'soon' },
    ]) {
      const operations = [{ type: 'del', key: 'victim' }, bad, { type: 'put', key: 'after', value: 1 }];
      await expect(store.batch(operations as never)).rejects.toBeInstanceOf(Error);
    }
    await store.flush();
    expect(await store.getMany(['victim', 'after', 'x'])).toEqual(['intact', undefined, undefined]);
    await store.close();
  });
});

describe('expiresAt()', () => {
  it('is the expiry in epoch ms, Infinity for never, undefined for a missing or expired key', async () => {
    let now = 1_000;
    const store = await LmdbStore.open({ path: tempDir(), now: () => now });
    await store.set('timed', 1, 500);
    await store.set('forever', 1);
    expect(await store.expiresAt('timed')).toBe(1_500);
    expect(await store.expiresAt('forever')).toBe(Infinity);
    expect(await store.expiresAt('missing')).toBeUndefined();
    now = 1_500;
    expect(await store.expiresAt('timed')).toBeUndefined();
    await store.close();
  });
});

describe('summary()', () => {
  it('counts live and expired entries of a namespace and the namespaces nested in it', async () => {
    let now = 1_000;
    const store = await LmdbStore.open({ path: tempDir(), now: () => now });
    const a = store.namespace('a');
    await a.set('live', 1);
    await a.set('short', 1, 10);
    await a.namespace('b').set('k', 1);
    await store.namespace('a!').set('sibling', 1);
    await store.set('root', 1);
    now += 10;
    expect(await a.summary()).toEqual([
      { namespace: [], live: 1, expired: 1 },
      { namespace: ['b'], live: 1, expired: 0 },
    ]);
    const everything = await store.summary();
    expect(everything.map((entry) => entry.namespace)).toEqual([[], ['a'], ['a!'], ['a', 'b']]);
    await store.close();
  });
});
