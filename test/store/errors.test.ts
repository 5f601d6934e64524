import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbCacheError, LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('LmdbCacheError', () => {
  it('is an Error with a stable code, a name, and the underlying error as cause', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, 'x');
    const error = await LmdbStore.open({ path: join(file, 'cache') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LmdbCacheError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'LmdbCacheError', code: 'ERR_OPEN_FAILED' });
    expect((error as Error).message).toContain(join(file, 'cache'));
    expect((error as Error).cause).toMatchObject({ code: 'ENOTDIR' });
  });

  it('rejects bad options with ERR_INVALID_OPTION', async () => {
    const bad = [
      undefined,
      {},
      { path: '' },
      { path: tempDir(), now: 5 },
      { path: tempDir(), durability: 'fastest' },
      { path: tempDir(), maxReaders: 0 },
    ];
    for (const options of bad) {
      await expect(LmdbStore.open(options as never)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    }
  });

  it('rejects every operation after close() with ERR_CLOSED', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    await store.set('k', 1);
    await store.close();
    const operations: (() => Promise<unknown>)[] = [
      () => store.get('k'),
      () => store.has('k'),
      () => store.set('k', 2),
      () => store.delete('k'),
      () => store.getMany(['k']),
      () => store.setMany([{ key: 'k', value: 2 }]),
      () => store.deleteMany(['k']),
      () => store.clear(),
      () => store.entries().next(),
      () => store.flush(),
    ];
    for (const operation of operations)
      await expect(operation()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    expect(() => store.stats()).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }));
  });

  it('never puts a value in an error message, and only a truncated key', async () => {
    const store = await LmdbStore.open({ path: tempDir() });
    const secret = { password: 'hunter2', f: () => 1 };
    const valueError = (await store.set('k', secret).catch((e: unknown) => e)) as Error;
    expect(valueError.message).not.toContain('hunter2');
    let namespaceError: unknown;
    try {
      store.namespace('x'.repeat(2_000));
    } catch (error) {
      namespaceError = error;
    }
    expect(namespaceError).toMatchObject({ code: 'ERR_INVALID_NAMESPACE' });
    expect((namespaceError as Error).message.length).toBeLessThan(200);
    await store.close();
  });
});
