import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { nextTurn } from '../../lib/store/expiry-index.js';
import { QUIET, inspect } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { exactLruHitRate, zipfTrace } from '../helpers/zipf.js';

afterAll(removeTempDirs);

const T0 = 1_700_000_000_000;

describe('maxEntries: approximate LRU', () => {
  it('keeps the entry count within maxEntries once writes settle, evicting in batches to 95%', async () => {
    const store = await LmdbStore.open({ path: tempDir(), maxEntries: 1_000, now: () => T0 });
    for (let i = 0; i < 3_000; i++) {
      await store.set(`k${i}`, i);
      if (i % 250 === 249) await nextTurn();
    }
    await store.flush();
    const { entries, evictions } = store.stats();
    expect(entries).toBeLessThanOrEqual(1_000);
    expect(entries).toBeGreaterThanOrEqual(950);
    expect(evictions).toBe(3_000 - entries);
    await store.close();
  });

  it('evicts the least recently used entries, keeping those read since', async () => {
    let now = T0;
    const store = await LmdbStore.open({
      path: tempDir(),
      maxEntries: 100,
      recencyResolutionMs: 1_000,
      now: () => now,
    });
    for (let i = 0; i < 100; i++) await store.set(`old${i}`, i);
    await store.flush();
    now += 1_000;
    for (let i = 0; i < 20; i++) await store.get(`old${i}`);
    await store.flush();
    now += 1_000;
    for (let i = 0; i < 30; i++) await store.set(`new${i}`, i);
    await store.flush();
    const kept = await store.getMany(Array.from({ length: 20 }, (_, i) => `old${i}`));
    expect(kept).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const fresh = await store.getMany(Array.from({ length: 30 }, (_, i) => `new${i}`));
    expect(fresh).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(store.stats().entries).toBeLessThanOrEqual(100);
    await store.close();
  });

  it('writes recency at most once per key per period: other reads commit nothing', async () => {
    let now = T0;
    const path = tempDir();
    const store = await LmdbStore.open({
      path,
      maxEntries: 10,
      recencyResolutionMs: 5_000,
      now: () => now,
      ...QUIET,
    });
    await store.set('k', 1);
    await store.flush();
    const txnAfterWrite = (await inspect(path)).lastTxnId;
    for (let i = 0; i < 50; i++) await store.get('k');
    await store.flush();
    expect((await inspect(path)).lastTxnId).toBe(txnAfterWrite);
    now += 5_000;
    for (let i = 0; i < 50; i++) await store.get('k');
    await store.flush();
    expect((await inspect(path)).lastTxnId).toBe(txnAfterWrite + 1);
    await store.close();
  });

  it('also evicts entries written while maxEntries was off', async () => {
    const path = tempDir();
    const unbounded = await LmdbStore.open({ path });
    await unbounded.setMany(Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: i })));
    await unbounded.close();
    const bounded = await LmdbStore.open({ path, maxEntries: 50 });
    await bounded.set('trigger', true);
    await bounded.flush();
    expect(bounded.stats().entries).toBeLessThanOrEqual(50);
    expect(await bounded.get('trigger')).toBe(true);
    await bounded.close();
  });

  it('hits within 5 points of an exact LRU on a Zipf-like trace (200,000 requests, 50,000 keys, 5,000 entries)', async () => {
    const trace = zipfTrace(50_000, 200_000, 1, 20261123);
    const exact = exactLruHitRate(trace, 5_000);
    let now = T0;
    // 1 ms of injected time per request, so the trace spans 40 recency periods of the default 5 s.
    const store = await LmdbStore.open({ path: tempDir(), maxEntries: 5_000, now: () => now });
    let hits = 0;
    for (let i = 0; i < trace.length; i++) {
      now += 1;
      const key = `key-${trace[i]}`;
      if ((await store.get(key)) !== undefined) hits++;
      else await store.set(key, i);
      // A server yields between requests; commits and eviction run then.
      if (i % 100 === 99) await nextTurn();
    }
    await store.flush();
    const approximate = hits / trace.length;
    expect(Math.abs(approximate - exact)).toBeLessThan(0.05);
    expect(store.stats().evictions).toBeGreaterThan(0);
    expect(store.stats().entries).toBeLessThanOrEqual(5_000);
    await store.close();
  });
});
