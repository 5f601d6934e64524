import { ratioLine, type BenchOptions, type Report, type Row } from './harness.js';
import { matrixPlan, matrixTable, methodNotes, ratioSummary, rowName, runMatrix } from './matrix.js';
import { createKeyvPeer } from './peers/create-keyv.js';
import { fsHashPeer } from './peers/fs-hash.js';
import { memoryPeer } from './peers/memory.js';
import { REDIS, redisPeer } from './peers/redis.js';
import { sqlitePeer } from './peers/sqlite.js';
import type { Peer } from './peers/subject.js';
import { NO_REDIS_NOTE, startRedisServer } from './redis-server.js';
import type { ValueSize } from './workloads.js';

/**
 * Through cache-manager 7's `createCache({ stores })`, on 100-byte and 4 KB records: this package's
 * `createKeyv()` against cache-manager's in-memory default, @keyv/sqlite, cache-manager-fs-hash and
 * @keyv/redis (on a local redis-server started for the run; skipped when none is installed), on the six
 * operations of workloads.ts. Rates are operations per second.
 */
export async function runCacheManagerBench({ quick }: BenchOptions): Promise<Report> {
  const plan = matrixPlan(quick);
  const redis = await startRedisServer();
  try {
    const peers: Peer[] = [createKeyvPeer, memoryPeer, sqlitePeer, fsHashPeer];
    if (redis) peers.push(redisPeer(redis.url));
    const rows: Row[] = [];
    for (const [size, sizes] of plan) rows.push(...(await runMatrix(peers, size, sizes)));
    return {
      title: 'cache-manager 7: createKeyv vs in-memory, @keyv/sqlite, cache-manager-fs-hash, @keyv/redis',
      rows: [],
      tables: plan.map(([size]) => matrixTable(rows, size, peers)),
      notes: [
        'Every row is `cache.get(key)` / `cache.set(key, value, ttl)` on the cache-manager `Cache`.',
        redis ? `redis-server started by the bench with ${redis.flags} (no persistence).` : NO_REDIS_NOTE,
        ...methodNotes(plan, peers),
      ],
      ratios: [
        ...plan.flatMap(([size]) => targets(rows, size, redis !== undefined)),
        ...plan.flatMap(([size]) =>
          peers.slice(1).map((p) => ratioSummary(rows, size, createKeyvPeer.name, p.name)),
        ),
      ],
    };
  } finally {
    await redis?.stop();
  }
}

function targets(rows: readonly Row[], size: ValueSize, withRedis: boolean): string[] {
  const line = (op: string, peer: string, target: number, label: string) =>
    ratioLine(rows, {
      label: `${label}, ${size.label}`,
      ours: rowName(size, op, createKeyvPeer.name),
      peer: rowName(size, op, peer),
      as: `createKeyv / ${peer}`,
      target,
    });
  return [
    line('hot get', memoryPeer.name, 0.8, 'hot get'),
    ...(withRedis ? [line('cold get', REDIS, 20, 'sequential get (cold)')] : []),
  ];
}
