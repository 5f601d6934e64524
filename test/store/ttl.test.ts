import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { QUIET, inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

// The injected clock: tests move time forward by hand, never sleep.
let now = 1_700_000_000_000;
const clock = () => now;
beforeEach(() => {
  now = 1_700_000_000_000;
});

describe('TTL in milliseconds', () => {
  it('expires a positive TTL at now() + ttl', async () => {
    const store = await LmdbStore.open({ path: tempDir(), now: clock });
    await store.set('k', 'v', 1_000);
    now += 999;
    expect(await store.get('k')).toBe('v');
    now += 1;
    expect(await store.get('k')).toBeUndefined();
    expect(await store.has('k')).toBe(false);
    await store.close();
  });

  it('never expires with Infinity, or with no TTL and no default', async () => {
    const store = await LmdbStore.open({ path: tempDir(), now: clock });
    await store.set('forever', 1, Infinity);
    await store.set('no-ttl', 2);
    now += 1e15;
    expect(await store.getMany(['forever', 'no-ttl'])).toEqual([1, 2]);
    await store.close();
  });

  it('applies defaultTtlMs when set() gets no TTL, and an explicit TTL overrides it', async () => {
    const store = await LmdbStore.open({ path: tempDir(), now: clock, defaultTtlMs: 100 });
    await store.set('default', 1);
    await store.set('explicit', 2, 10_000);
    await store.set('infinite', 3, Infinity);
    now += 100;
    expect(await store.getMany(['default', 'explicit', 'infinite'])).toEqual([undefined, 2, 3]);
    await store.close();
  });

  it('removes the key for a TTL of 0 or less', async () => {
    const store = await LmdbStore.open({ path: tempDir(), now: clock });
    await store.set('zero', 1);
    await store.set('negative', 1);
    await store.set('zero', 2, 0);
    await store.set('negative', 2, -5);
    expect(await store.has('zero')).toBe(false);
    expect(await store.has('negative')).toBe(false);
    await store.close();
  });

  it.each([NaN, '1000', {}, true, 10n])(
    'rejects TTL %p with ERR_INVALID_TTL and writes nothing',
    async (ttl) => {
      const store = await LmdbStore.open({ path: tempDir(), now: clock });
      await store.set('k', 'old');
      await expect(store.set('k', 'new', ttl as number)).rejects.toMatchObject({ code: 'ERR_INVALID_TTL' });
      expect(await store.get('k')).toBe('old');
      await store.close();
    },
  );

  it('rejects a bad defaultTtlMs at open', async () => {
    for (const defaultTtlMs of [0, -1, NaN, '5' as unknown as number]) {
      await expect(LmdbStore.open({ path: tempDir(), defaultTtlMs })).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
      });
    }
  });

  it('reads an expired entry as a miss without writing, and removes it later off the read path', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path, now: clock, ...QUIET });
    await store.set('k', 'v', 10);
    await store.flush();
    const before = await inspect(path);
    now += 10;
    expect(await store.get('k')).toBeUndefined();
    // Still on disk right after the read: the read itself committed nothing.
    const afterRead = await inspect(path);
    expect(afterRead.committed).toBe(1);
    expect(afterRead.lastTxnId).toBe(before.lastTxnId);
    expect(store.stats().expired).toBe(0);
    await store.flush();
    expect((await inspect(path)).committed).toBe(0);
    expect(store.stats().expired).toBe(1);
    await store.close();
  });

  it('never removes an entry refreshed after it was seen expired (verify-then-delete)', async () => {
    const store = await LmdbStore.open({ path: tempDir(), now: clock });
    await store.set('k', 'old', 10);
    await store.flush();
    now += 10;
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', 'fresh', 1_000);
    await store.flush();
    expect(await store.get('k')).toBe('fresh');
    expect(store.stats().expired).toBe(0);
    await store.close();
  });
});
