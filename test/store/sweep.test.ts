import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { collectLines, finished, runFixture, startFixture, waitForLine } from '../helpers/child.js';
import { inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

const T0 = 1_700_000_000_000;

describe('sweep()', () => {
  it('removes exactly the expired entries of every namespace, through the expiry index', async () => {
    let now = T0;
    const path = tempDir();
    const store = await LmdbStore.open({ path, now: () => now });
    const other = store.namespace('other');
    for (let i = 0; i < 50; i++) {
      await store.set(`short${i}`, i, 10);
      await other.set(`short${i}`, i, 10);
      await store.set(`long${i}`, i, 10_000);
      await store.set(`forever${i}`, i);
    }
    now += 10;
    expect(await store.sweep()).toBe(100);
    expect(await store.sweep()).toBe(0);
    expect((await inspect(path)).committed).toBe(100);
    expect(await store.get('long0')).toBe(0);
    expect(store.stats().expired).toBe(100);
    await store.close();
  });

  it('never removes an entry refreshed after its index row was written, and drops the stale row', async () => {
    let now = T0;
    const store = await LmdbStore.open({ path: tempDir(), now: () => now });
    await store.set('refreshed', 'old', 10);
    await store.set('refreshed', 'new', 1_000);
    await store.set('made-permanent', 'old', 10);
    await store.set('made-permanent', 'new');
    now += 10;
    expect(await store.sweep()).toBe(0);
    expect(await store.getMany(['refreshed', 'made-permanent'])).toEqual(['new', 'new']);
    now += 1_000;
    expect(await store.sweep()).toBe(1);
    expect(await store.get('made-permanent')).toBe('new');
    await store.close();
  });

  it('works through more expired entries than one chunk, counting reads and sweeps once each', async () => {
    let now = T0;
    const store = await LmdbStore.open({ path: tempDir(), now: () => now });
    await store.setMany(Array.from({ length: 2_500 }, (_, i) => ({ key: `k${i}`, value: i, ttlMs: 5 })));
    now += 5;
    expect(await store.get('k0')).toBeUndefined();
    expect(await store.get('k1')).toBeUndefined();
    await store.flush();
    expect(await store.sweep()).toBe(2_498);
    expect(store.stats()).toMatchObject({ expired: 2_500, entries: 0 });
    await store.close();
  });
});

describe('sweepIntervalMs', () => {
  it('sweeps on a timer that close() stops', async () => {
    const report = await runFixture<{ sweepsAfterClose: number }>('sweeper-lifecycle', [tempDir(), 'close']);
    expect(report).toEqual({ sweepsAfterClose: 0 });
  });

  it('never keeps the process alive (the timer is unref’ed)', async () => {
    expect(await runFixture('sweeper-lifecycle', [tempDir(), 'leave-open'])).toEqual({ leftOpen: true });
  });

  it('runs in one process per host at a time; another takes over once a dead holder’s lease expires', async () => {
    const path = tempDir();
    const clock = join(tempDir('clock'), 'now');
    writeFileSync(clock, String(T0));
    const first = startFixture('sweeper-process', [path, clock, 'A']);
    await waitForLine(first, (line) => line === 'A swept');
    const second = startFixture('sweeper-process', [path, clock, 'B']);
    const secondLines = collectLines(second);
    const skipped = () => secondLines.filter((line) => line === 'B skipped').length;
    await waitForLine(second, (line) => line === 'B skipped');
    while (skipped() < 3) await waitForLine(second, (line) => line === 'B skipped');
    expect(secondLines).not.toContain('B swept');

    first.kill('SIGKILL');
    await finished(first);
    // The holder is dead but its lease runs on the injected clock, which has not moved: B still waits.
    const skippedAtKill = skipped();
    while (skipped() < skippedAtKill + 3) await waitForLine(second, (line) => line === 'B skipped');
    expect(secondLines).not.toContain('B swept');

    writeFileSync(clock, String(T0 + 1_000));
    await waitForLine(second, (line) => line === 'B swept');
    second.kill('SIGKILL');
    await finished(second);
  });
});
