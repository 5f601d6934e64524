import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { finished, runFixture, startFixture } from '../helpers/child.js';
import { QUIET, inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('writes', () => {
  it('resolves set() once this process reads the value, before lmdb has committed it', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path });
    await store.set('k', { v: 1 });
    expect(await store.get('k')).toEqual({ v: 1 });
    expect(await store.has('k')).toBe(true);
    expect((await inspect(path)).committed).toBe(0);
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    await store.close();
  });

  it('commits a whole event turn of writes in one transaction', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path, ...QUIET });
    await store.flush();
    const before = (await inspect(path)).lastTxnId;
    const writes = Array.from({ length: 1_000 }, (_, i) => store.set(`k${i}`, i, 60_000));
    await Promise.all(writes);
    await store.flush();
    const after = await inspect(path);
    expect(after.committed).toBe(1_000);
    expect(after.lastTxnId - before).toBe(1);
    await store.close();
  });

  it('does not wait for a commit (or a disk sync) per awaited set() in a loop', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path, ...QUIET });
    await store.flush();
    const before = (await inspect(path)).lastTxnId;
    for (let i = 0; i < 2_000; i++) await store.set(`k${i}`, i);
    await store.flush();
    const after = await inspect(path);
    expect(after.committed).toBe(2_000);
    expect(after.lastTxnId - before).toBeLessThanOrEqual(2);
    await store.close();
  });

  it('flush() resolves only once earlier writes are on disk: they survive a SIGKILL right after', async () => {
    const path = tempDir();
    const child = startFixture('write-flush-hang', [path, '5000']);
    const result = finished(child);
    await new Promise<void>((flushed) =>
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('flushed') && flushed()),
    );
    child.kill('SIGKILL');
    expect((await result).signal).toBe('SIGKILL');
    const reopened = await LmdbStore.open({ path });
    const values = await reopened.getMany(Array.from({ length: 5_000 }, (_, i) => `k${i}`));
    expect(values.filter((v, i) => v === i)).toHaveLength(5_000);
    await reopened.close();
  });
});

describe('setMany and deleteMany are atomic', () => {
  const throwingGetter = Object.defineProperty({}, 'x', {
    enumerable: true,
    get() {
      throw new Error('fails mid-batch');
    },
  });

  it('writes nothing when an entry in the middle of setMany fails', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    await store.set('a', 'old a');
    const batch = [
      { key: 'a', value: 'new a' },
      { key: 'b', value: 'new b' },
      { key: 'c', value: throwingGetter },
      { key: 'd', value: 'new d' },
    ];
    await expect(store.setMany(batch)).rejects.toMatchObject({ code: 'ERR_VALUE_NOT_SERIALIZABLE' });
    await expect(
      store.setMany([
        { key: 'b', value: 1 },
        { key: 7 as unknown as string, value: 2 },
      ]),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
    await expect(
      store.setMany([
        { key: 'b', value: 1 },
        { key: 'e', value: 2, ttlMs: NaN },
      ]),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_TTL',
    });
    await store.flush();
    expect(await store.getMany(['a', 'b', 'c', 'd', 'e'])).toEqual([
      'old a',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    await store.close();
  });

  it('commits a whole setMany in one transaction, with per-entry TTLs', async () => {
    const path = tempDir();
    let now = 1_000;
    const store = await LmdbStore.open({ path, now: () => now, ...QUIET });
    await store.flush();
    const before = (await inspect(path)).lastTxnId;
    await store.setMany([
      { key: 'short', value: 1, ttlMs: 10 },
      { key: 'long', value: 2, ttlMs: 1_000 },
      { key: 'gone', value: 3, ttlMs: 0 },
    ]);
    await store.flush();
    expect((await inspect(path)).lastTxnId - before).toBe(1);
    now += 10;
    expect(await store.getMany(['short', 'long', 'gone'])).toEqual([undefined, 2, undefined]);
    await store.close();
  });

  it('removes nothing when a key in the middle of deleteMany is invalid, and counts removals', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    await store.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    await expect(store.deleteMany(['a', null as unknown as string, 'b'])).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
    expect(await store.getMany(['a', 'b'])).toEqual([1, 2]);
    expect(await store.deleteMany(['a', 'b', 'missing'])).toBe(2);
    expect(await store.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    await store.close();
  });
});

describe('close() and persistence', () => {
  it('loses nothing: 10,000 un-awaited set() then close(), all read back by a new process', async () => {
    const path = tempDir();
    await runFixture('set-unawaited-close', [path, '10000']);
    const report = await runFixture<{ present: number; correct: number }>('count-entries', [path, '10000']);
    expect(report).toEqual({ present: 10_000, correct: 10_000 });
  });

  it('keeps data across close and reopen in one process', async () => {
    const path = tempDir();
    const first = await LmdbStore.open({ path });
    await first.namespace('ns').set('k', new Map([['a', 1]]));
    await first.close();
    const second = await LmdbStore.open({ path });
    expect(await second.namespace('ns').get('k')).toEqual(new Map([['a', 1]]));
    await second.close();
  });

  it('is read by another process, and reads what another process wrote', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path });
    await store.set('from-parent', { at: new Date(5) });
    await store.flush();
    const seen = await runFixture<{ fromParent: string }>('read-and-write', [path]);
    expect(seen.fromParent).toBe(new Date(5).toISOString());
    expect(await store.get('from-child')).toEqual({ pid: expect.any(Number) });
    await store.close();
  });
});
