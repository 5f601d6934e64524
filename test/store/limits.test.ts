import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbStore } from '../../lib/store/index.js';
import { finished, runFixture, startFixture, waitForLine } from '../helpers/child.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('limits', () => {
  // A real full disk: a 3 MB tmpfs (CI runs as root on Linux, which may mount one).
  it('a full disk gives ERR_WRITE_FAILED, keeps earlier data readable, and writes again once space is freed', async () => {
    const dir = tempDir('full-disk');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    try {
      const ballast = join(dir, 'ballast');
      writeFileSync(ballast, Buffer.alloc(1024 * 1024));
      const outcome = await runFixture('full-disk', [dir, ballast]);
      expect(outcome).toEqual({
        failure: 'ERR_WRITE_FAILED',
        earlyAfterFailure: 'kept',
        recovered: 'ok',
        afterReopen: ['kept', 'written once space was freed'],
        warned: true,
      });
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  // Permissions do not stop root (as CI runs), a read-only mount does.
  it('a directory that cannot be written, or created, gives ERR_OPEN_FAILED naming the path', async () => {
    const dir = tempDir('read-only');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
    try {
      for (const path of [dir, join(dir, 'cache')]) {
        const error = await LmdbStore.open({ path }).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'LmdbCacheError', code: 'ERR_OPEN_FAILED' });
        expect((error as Error).message).toContain(path);
        expect((error as Error).cause).toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
      }
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it('running out of reader slots across processes gives ERR_OPEN_FAILED saying so and how to raise it', async () => {
    const path = tempDir('readers');
    const holders = [startFixture('hold-reader', [path, '2']), startFixture('hold-reader', [path, '2'])];
    try {
      for (const holder of holders) {
        expect(JSON.parse(await waitForLine(holder, () => true))).toEqual({ opened: true });
      }
      const third = await runFixture<{ code: string; message: string }>('hold-reader', [path, '2']);
      expect(third.code).toBe('ERR_OPEN_FAILED');
      expect(third.message).toContain(path);
      expect(third.message).toMatch(/reader table is full.*raise maxReaders/);
    } finally {
      for (const holder of holders) holder.kill();
      await Promise.all(holders.map(finished));
    }
  });
});
