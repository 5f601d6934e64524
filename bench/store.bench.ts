import { ratioLine, type BenchOptions, type Report, type Row } from './harness.js';
import { matrixPlan, matrixTable, methodNotes, ratioSummary, rowName, runMatrix } from './matrix.js';
import { levelCachePeer } from './peers/level-cache.js';
import { lmdbCompatPeer } from './peers/lmdb-compat.js';
import { lmdbStorePeer } from './peers/lmdb-store.js';
import { rawLmdbPeer } from './peers/raw-lmdb.js';
import { SMALL, type ValueSize } from './workloads.js';

/** The engine, its baseline, the store it replaces, and its drop-in for that store, in column order. */
const PEERS = [lmdbStorePeer, rawLmdbPeer, levelCachePeer, lmdbCompatPeer];

/**
 * Engine level, on 100-byte and 4 KB records: LmdbStore against raw lmdb, classic-level used as
 * level-cache uses it, and this package's level-cache drop-in, on the six operations of workloads.ts.
 * Rates are operations per second.
 */
export async function runStoreBench({ quick }: BenchOptions): Promise<Report> {
  const plan = matrixPlan(quick);
  const rows: Row[] = [];
  for (const [size, sizes] of plan) rows.push(...(await runMatrix(PEERS, size, sizes)));
  return {
    title: 'Engine: LmdbStore vs raw lmdb vs level-cache (classic-level) vs openLmdbCache',
    rows: [],
    tables: plan.map(([size]) => matrixTable(rows, size, PEERS)),
    notes: [
      'LMDB rows use lmdb’s default durability (overlappingSync); versions are in the header.',
      ...methodNotes(plan, PEERS),
    ],
    ratios: [
      ...plan.flatMap(([size]) => targets(rows, size)),
      ...plan.flatMap(([size]) => summaries(rows, size)),
    ],
  };
}

function targets(rows: readonly Row[], size: ValueSize): string[] {
  const line = (op: string, peer: string, target: number, label = op) =>
    ratioLine(rows, {
      label: `${label}, ${size.label}`,
      ours: rowName(size, op, lmdbStorePeer.name),
      peer: rowName(size, op, peer),
      as: `LmdbStore / ${peer}`,
      target,
    });
  return [
    // The engine's read path against lmdb's own get: what the envelope, TTL and async API cost.
    ...(size === SMALL ? [line('cold get', rawLmdbPeer.name, 0.8)] : []),
    line('cold get', levelCachePeer.name, 10, 'sequential get (cold)'),
    line('set', levelCachePeer.name, 5, 'sequential awaited set'),
  ];
}

function summaries(rows: readonly Row[], size: ValueSize): string[] {
  return [
    ratioSummary(rows, size, lmdbStorePeer.name, rawLmdbPeer.name),
    ratioSummary(rows, size, lmdbStorePeer.name, levelCachePeer.name),
    ratioSummary(rows, size, lmdbStorePeer.name, lmdbCompatPeer.name),
    ratioSummary(rows, size, lmdbCompatPeer.name, levelCachePeer.name),
  ];
}
