import { afterAll, describe, expect, it } from '@jest/globals';
import { finished, runFixture, startFixture, waitForLine } from '../helpers/child.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

const ENTRIES = 20_000;

describe('LmdbCacheModule shutdown', () => {
  it('keeps every entry a Nest app set when SIGTERM arrives right after: a restarted app reads them all', async () => {
    const path = tempDir();
    const writer = startFixture('nest-app', ['write', path, String(ENTRIES)]);
    const ended = finished(writer);
    await waitForLine(writer, (line) => line === 'written');
    writer.kill('SIGTERM');
    const { signal, code, stderr } = await ended;
    expect({ signal, code, stderr }).toEqual({ signal: 'SIGTERM', code: null, stderr: '' });

    expect(await runFixture('nest-app', ['read', path, String(ENTRIES)])).toEqual({ intact: ENTRIES });
  });
});
