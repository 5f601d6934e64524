import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbStore } from '../../lib/store/index.js';
import { runFixture } from '../helpers/child.js';
import { QUIET } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

interface Outcome {
  opened: boolean;
  entries?: number;
  value?: unknown;
  code?: string;
  message?: string;
  warnings: string[];
}

/** A cache holding `before` and enough other entries to span many pages. */
async function filledCache(): Promise<string> {
  const path = tempDir('damage');
  const store = await LmdbStore.open({ path, ...QUIET });
  await store.setMany(Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(200) })));
  await store.set('before', 'kept');
  await store.close();
  return path;
}

const DAMAGE: Record<string, (file: string) => void> = {
  'random bytes': (file) => writeFileSync(file, randomBytes(64 * 1024)),
  zeros: (file) => writeFileSync(file, Buffer.alloc(64 * 1024)),
  'truncated to 100 bytes': (file) => truncateSync(file, 100),
  'truncated to 4,196 bytes': (file) => truncateSync(file, 4_196),
  'truncated to half': (file) => truncateSync(file, Math.floor(statSync(file).size / 2)),
};

describe('a damaged data file at open', () => {
  it.each(Object.keys(DAMAGE))(
    '%s: moved aside and kept, an empty cache opens, a warning is logged',
    async (kind) => {
      const path = await filledCache();
      const file = join(path, 'data.mdb');
      DAMAGE[kind](file);
      const damaged = readFileSync(file);

      const outcome = await runFixture<Outcome>('open-damaged', [path, 'moveAside']);

      expect(outcome).toMatchObject({ opened: true, entries: 1, value: null });
      expect(outcome.warnings).toEqual([expect.stringContaining(`${file} is damaged`)]);
      const aside = readdirSync(path).filter((name) => name.startsWith('data.mdb.damaged-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(path, aside[0])).equals(damaged)).toBe(true);
    },
  );

  it("with onCorruption: 'throw', throws ERR_CORRUPTED naming the file and moves nothing", async () => {
    const path = await filledCache();
    const file = join(path, 'data.mdb');
    DAMAGE['random bytes'](file);
    const outcome = await runFixture<Outcome>('open-damaged', [path, 'throw']);
    expect(outcome).toMatchObject({ opened: false, code: 'ERR_CORRUPTED', warnings: [] });
    expect(outcome.message).toContain(file);
    expect(readdirSync(path).sort()).toEqual(['data.mdb', 'lock.mdb']);
  });

  it('leaves a sound cache alone: every entry is still there and nothing is moved', async () => {
    const path = await filledCache();
    const outcome = await runFixture<Outcome>('open-damaged', [path, 'throw']);
    expect(outcome).toMatchObject({ opened: true, entries: 2_002, value: 'kept', warnings: [] });
    expect(readdirSync(path).sort()).toEqual(['data.mdb', 'lock.mdb']);
  });

  it.each([1, 'moveaside'])('rejects onCorruption %p with ERR_INVALID_OPTION', async (bad) => {
    const opening = LmdbStore.open({ path: tempDir(), onCorruption: bad as 'throw' });
    await expect(opening).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});

describe('permissions of a new cache', () => {
  const mode = (file: string) => statSync(file).mode & 0o777;

  it('creates the directory 0700 and its files 0600 by default', async () => {
    const path = join(tempDir(), 'new');
    const store = await LmdbStore.open({ path, ...QUIET });
    await store.set('k', 'v');
    await store.close();
    expect(mode(path)).toBe(0o700);
    expect(readdirSync(path).map((name) => [name, mode(join(path, name))])).toEqual([
      ['data.mdb', 0o600],
      ['lock.mdb', 0o600],
    ]);
  });

  it('uses fileMode and directoryMode when given', async () => {
    const path = join(tempDir(), 'shared');
    const store = await LmdbStore.open({ path, fileMode: 0o640, directoryMode: 0o750, ...QUIET });
    await store.close();
    expect(mode(path)).toBe(0o750);
    expect(mode(join(path, 'data.mdb'))).toBe(0o640);
  });
});
