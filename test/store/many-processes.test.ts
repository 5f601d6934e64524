import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { finished, runFixture, startFixture } from '../helpers/child.js';
import { inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { T0, checksum, type OwnedValue, type WorkloadResult } from '../fixtures/mixed-workload.js';

afterAll(removeTempDirs);

const OWNERS = 4;
// Enough operations per owner to overlap for a few seconds; a fixed count keeps speed out of the test.
const OPERATIONS = 4_000;
const KEYS = 300;

// Every key holds the last value its owner was acknowledged for; nothing stored is damaged.
async function verify(path: string, results: WorkloadResult[]): Promise<void> {
  expect(results).toHaveLength(OWNERS);
  const store = await LmdbStore.open({ path, now: () => T0 });
  for (const result of results) {
    expect(result.readMismatches).toBe(0);
    expect(result.ops).toBe(OPERATIONS);
    for (const [key, value] of Object.entries(result.durable)) {
      expect({ key, value: await store.get(key) }).toEqual({ key, value: value ?? undefined });
    }
    const ephemeral = store.namespace(`eph-${result.owner}`);
    for (const [key, value] of Object.entries(result.ephemeral)) {
      const got = await ephemeral.get(key);
      if (got !== undefined || value === null) expect({ key, got }).toEqual({ key, got: value ?? undefined });
    }
  }
  const views = [store, ...results.map((result) => store.namespace(`eph-${result.owner}`))];
  for (const view of views) {
    for await (const [, value] of view.entries<OwnedValue>()) {
      expect(value.sum).toBe(checksum(value.owner, value.seq, value.data));
    }
  }
  expect(store.stats().entries).toBe((await inspect(path)).committed);
  await store.close();
}

describe('many processes and threads on one path', () => {
  it('four processes: mixed set, get, delete and sweep leave every key at its last acknowledged value', async () => {
    const path = tempDir();
    const children = Array.from({ length: OWNERS }, (_, owner) =>
      startFixture('mixed-workload', [path, String(owner), String(OPERATIONS), String(KEYS)]),
    );
    const outputs = await Promise.all(children.map(finished));
    for (const output of outputs) expect(output.code).toBe(0);
    await verify(
      path,
      outputs.map((output) => JSON.parse(output.stdout) as WorkloadResult),
    );
  });

  it('four worker threads of one process, each opening the store itself, do the same', async () => {
    const path = tempDir();
    const results = await runFixture<WorkloadResult[]>('threads-workload', [
      path,
      String(OWNERS),
      String(OPERATIONS),
      String(KEYS),
    ]);
    await verify(path, results);
  });
});

describe('settings every process must share', () => {
  it('refuses another durability while another process has the path open, with a clear error', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path });
    const other = await runFixture<{ result: string; message: string }>('open-with-durability', [
      path,
      'none',
    ]);
    expect(other.result).toBe('ERR_OPTIONS_MISMATCH');
    expect(other.message).toContain('durability');
    await store.close();
  });

  it('lets the settings change once no other process has the path open, with a warning', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path });
    await store.set('kept', 1);
    await store.close();
    expect(await runFixture('open-with-durability', [path, 'sync'])).toEqual({ result: 'opened' });
    const warnings: string[] = [];
    const reopened = await LmdbStore.open({ path, logger: { warn: (message) => warnings.push(message) } });
    expect(warnings.join()).toContain('durability');
    expect(await reopened.get('kept')).toBe(1);
    await reopened.close();
  });

  it('refuses to open a path already open in this process with other environment options', async () => {
    const path = tempDir();
    const store = await LmdbStore.open({ path, maxEntries: 100 });
    await expect(LmdbStore.open({ path, durability: 'sync' })).rejects.toMatchObject({
      code: 'ERR_OPTIONS_MISMATCH',
    });
    await expect(LmdbStore.open({ path, maxEntries: 5 })).rejects.toMatchObject({
      code: 'ERR_OPTIONS_MISMATCH',
    });
    const joined = await LmdbStore.open({ path, namespace: 'other' });
    await joined.close();
    await store.close();
  });
});

describe('stats({ aggregate: true })', () => {
  it('sums the counters of every process that used the path', async () => {
    const path = tempDir();
    await Promise.all([
      runFixture('stats-process', [path, '10', '3', 'a', 'close']),
      runFixture('stats-process', [path, '20', '5', 'b', 'close']),
    ]);
    const store = await LmdbStore.open({ path });
    await store.namespace('a').get('k0');
    expect(store.stats()).toMatchObject({ hits: 1, misses: 0, sets: 0 });
    expect(store.stats({ aggregate: true })).toMatchObject({ hits: 31, misses: 8, sets: 30, entries: 30 });
    await store.close();
  });

  it('includes a running process’s counts once it has flushed them', async () => {
    const path = tempDir();
    const child = startFixture('stats-process', [path, '7', '2', 'live', 'linger']);
    const store = await LmdbStore.open({ path });
    await new Promise<void>((counted) =>
      child.stdout?.on('data', (chunk: Buffer) => chunk.includes('counted') && counted()),
    );
    let aggregate = store.stats({ aggregate: true });
    // The child flushes every 20 ms: wait for that flush, not for any expiry.
    while (aggregate.sets < 7) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      aggregate = store.stats({ aggregate: true });
    }
    expect(aggregate).toMatchObject({ sets: 7, hits: 7, misses: 2 });
    child.kill('SIGKILL');
    await finished(child);
    await store.close();
  });
});
