import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('one environment per path per process', () => {
  it('shares pending writes between two open() calls on the same path', async () => {
    const path = tempDir();
    const a = await LmdbStore.open({ path });
    const b = await LmdbStore.open({ path });
    await a.set('k', 'from a');
    // Not committed yet: only a shared environment (one overlay) lets b see it already.
    expect((await inspect(path)).committed).toBe(0);
    expect(await b.get('k')).toBe('from a');
    await a.close();
    await b.close();
  });

  it('keeps the environment open until the last handle closes (reference-counted)', async () => {
    const path = tempDir();
    const a = await LmdbStore.open({ path });
    const b = await LmdbStore.open({ path });
    await a.close();
    await expect(a.get('x')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await b.set('x', 1);
    expect(await b.get('x')).toBe(1);
    await b.close();
    await expect(b.set('x', 2)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    const c = await LmdbStore.open({ path });
    expect(await c.get('x')).toBe(1);
    await c.close();
  });

  it('closes every view of a handle with it, and close() is idempotent', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path });
    const users = store.namespace('users');
    await users.close();
    await store.close();
    await expect(store.get('k')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(users.namespace('x').has('k')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('stores nothing in the root database: only the named databases', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path });
    await store.set('a', 1, 60_000);
    await store.namespace('n').set('b', 2);
    await store.close();
    expect((await inspect(path)).rootKeys.sort()).toEqual(['entries', 'expiry', 'lru', 'meta', 'recency']);
  });

  it('reopens after every handle closed, even when a close and an open race', async () => {
    const path = tempDir();
    const first = await LmdbStore.open({ path });
    await first.set('k', 'v');
    const closing = first.close();
    const second = await LmdbStore.open({ path });
    await closing;
    expect(await second.get('k')).toBe('v');
    await second.close();
  });
});
