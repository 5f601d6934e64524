import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { runFixture } from '../helpers/child.js';
import { QUIET, storedSize } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { largeValue } from '../helpers/values.js';

afterAll(removeTempDirs);

const open = (path: string, compression: boolean) =>
  LmdbStore.open({ path, compression, readCacheEntries: 0, logger: { warn: () => {} }, ...QUIET });

describe('compression', () => {
  it('stores large values compressed (LZ4) when on, plain when off, and reads them back whole', async () => {
    const sizes: Record<string, number | undefined> = {};
    for (const compression of [true, false]) {
      const path = tempDir();
      const store = await open(path, compression);
      await store.set('report', largeValue());
      await store.set('small', { id: 1 });
      await store.flush();
      expect(await store.get('report')).toEqual(largeValue());
      expect(await store.get('small')).toEqual({ id: 1 });
      await store.close();
      sizes[String(compression)] = await storedSize(path, '', 'report');
    }
    expect(sizes.true).toBeLessThan(sizes.false! / 2);
  });

  it('may change between deployments: entries written either way stay readable', async () => {
    const path = tempDir();
    let store = await open(path, true);
    await store.set('written compressed', largeValue());
    await store.close();
    store = await open(path, false);
    expect(await store.get('written compressed')).toEqual(largeValue());
    await store.set('written plain', largeValue());
    await store.close();
    store = await open(path, true);
    expect(await store.get('written plain')).toEqual(largeValue());
    expect(await store.get('written compressed')).toEqual(largeValue());
    await store.close();
  });

  it('may differ between live processes on one path, each reading what the other wrote', async () => {
    const path = tempDir();
    const store = await open(path, true);
    await store.set('from parent', largeValue());
    await store.flush();
    const child = await runFixture('compression-process', [path, 'off', 'from parent', 'from child']);
    expect(child).toEqual({ read: 100 });
    expect(await store.get('from child')).toEqual(largeValue());
    await store.close();
  });
});
