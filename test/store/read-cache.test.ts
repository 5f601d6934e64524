import { afterAll, describe, expect, it } from '@jest/globals';
import { nextTurn } from '../../lib/store/expiry-index.js';
import { LmdbCacheError, LmdbStore } from '../../lib/store/index.js';
import { runFixture } from '../helpers/child.js';
import { QUIET } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('read cache (recently read entries kept decoded in this process)', () => {
  it('serves a repeated get from memory: the very object of the first get comes back', async () => {
    const store = await LmdbStore.open({ path: tempDir(), ...QUIET });
    await store.set('k', { n: 1 });
    await store.flush();
    await nextTurn();
    const first = await store.get('k');
    await nextTurn();
    expect(await store.get('k')).toBe(first);
    expect(store.stats().hits).toBe(2);
    await store.close();
  });

  it('with readCacheEntries 0, every get decodes a new object', async () => {
    const store = await LmdbStore.open({ path: tempDir(), readCacheEntries: 0, ...QUIET });
    await store.set('k', { n: 1 });
    await store.flush();
    const first = await store.get('k');
    const second = await store.get('k');
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    await store.close();
  });

  it('reads what another process wrote or deleted at the next event-loop turn', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path, ...QUIET });
    await store.setMany([
      { key: 'changed', value: { v: 1 } },
      { key: 'deleted', value: { v: 1 } },
      { key: 'kept', value: { v: 1 } },
    ]);
    await store.flush();
    const kept = await store.get('kept');
    expect(await store.get('changed')).toEqual({ v: 1 });
    expect(await store.get('deleted')).toEqual({ v: 1 });

    await runFixture('write-keys', [
      path,
      JSON.stringify({ set: { changed: { v: 2 } }, delete: ['deleted'] }),
    ]);

    expect(await store.get('changed')).toEqual({ v: 2 });
    expect(await store.get('deleted')).toBeUndefined();
    expect(await store.get('kept')).toEqual(kept);
    await store.close();
  });

  it("reads this process's own set and delete at once, in the same turn", async () => {
    const store = await LmdbStore.open({ path: tempDir(), ...QUIET });
    const other = store.namespace('other');
    await store.set('k', { v: 1 });
    await other.set('k', { v: 'other' });
    await store.flush();
    await nextTurn();
    expect(await store.get('k')).toEqual({ v: 1 });
    expect(await other.get('k')).toEqual({ v: 'other' });
    await store.set('k', { v: 2 });
    expect(await store.get('k')).toEqual({ v: 2 });
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    expect(await other.get('k')).toEqual({ v: 'other' });
    await other.clear();
    expect(await other.get('k')).toBeUndefined();
    await store.close();
  });

  it('misses an entry it holds once the injected clock passes its expiry', async () => {
    let now = 1_000_000;
    const store = await LmdbStore.open({ path: tempDir(), now: () => now, ...QUIET });
    await store.set('k', { v: 1 }, 1_000);
    await store.flush();
    await nextTurn();
    const first = await store.get('k');
    expect(await store.get('k')).toBe(first);
    now += 1_000;
    expect(await store.get('k')).toBeUndefined();
    await store.close();
  });

  it('holds at most readCacheEntries entries, then starts over', async () => {
    const store = await LmdbStore.open({ path: tempDir(), readCacheEntries: 2, ...QUIET });
    await store.setMany(['a', 'b', 'c'].map((key) => ({ key, value: { key } })));
    await store.flush();
    await nextTurn();
    const a = await store.get('a');
    await store.get('b');
    expect(await store.get('a')).toBe(a);
    await store.get('c');
    expect(await store.get('a')).not.toBe(a);
    await store.close();
  });

  it.each([-1, 1.5, Number.NaN, '10'])('rejects readCacheEntries %p with ERR_INVALID_OPTION', async (bad) => {
    const opening = LmdbStore.open({ path: tempDir(), readCacheEntries: bad as number });
    await expect(opening).rejects.toThrow(LmdbCacheError);
    await expect(opening).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});
