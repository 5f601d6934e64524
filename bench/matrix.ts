/**
 * Runs the six operations of workloads.ts against a list of peers on one value size, and prints the result
 * as a matrix: one row per operation, one column per peer.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BOUNDED_NOTE,
  formatCount,
  formatRatio,
  measure,
  rowNamed,
  timed,
  withTempDir,
  type Case,
  type Row,
  type Table,
} from './harness.js';
import { TTL_MS, type Peer, type Subject } from './peers/subject.js';
import {
  CONCURRENCY,
  HOT_KEYS,
  hotGet,
  keyOf,
  LARGE,
  OPERATIONS,
  POOL,
  shuffle,
  SMALL,
  YIELD_EVERY,
  type Operation,
  type Pass,
  type Target,
  type ValueSize,
} from './workloads.js';

/** How big a matrix is. */
export interface Sizes {
  /** Keys preloaded into each subject, and operations planned per repetition. */
  keys: number;
  /** Keys preloaded into a peer whose `preloadCap` applies (its writes are too slow to load `keys`). */
  cappedKeys: number;
  /** Time budget of one recorded repetition, in ms. */
  budgetMs: number;
  /** Recorded repetitions per case (after one shorter, unrecorded warm-up). */
  reps: number;
}

/** Value sizes and their matrix sizes, in table order. */
export type Plan = readonly (readonly [ValueSize, Sizes])[];

// Cold gets need more keys than the engine's 10,000-entry read cache, so it cannot serve them; 4 KB keys are
// fewer because every LMDB subject writes 4 KB per set. Capped peers (one file, one fsync or one round trip
// per write) get more keys than their budget lets them read.
const FULL: Plan = [
  [SMALL, { keys: 100_000, cappedKeys: 5_000, budgetMs: 400, reps: 5 }],
  [LARGE, { keys: 20_000, cappedKeys: 5_000, budgetMs: 400, reps: 5 }],
];
const QUICK: Plan = [
  [SMALL, { keys: 20_000, cappedKeys: 1_000, budgetMs: 70, reps: 3 }],
  [LARGE, { keys: 12_000, cappedKeys: 1_000, budgetMs: 70, reps: 3 }],
];

/** The matrices' sizes for a quick or a full run (quick: both scenarios in under a minute here). */
export function matrixPlan(quick: boolean): Plan {
  return quick ? QUICK : FULL;
}

/**
 * Gets each subject does once, untimed, after its preload: the engine's read path needs some 20,000 calls
 * before V8 has optimised it, and without them its first read rounds ran at half speed.
 */
const PRIME_OPS = 20_000;
/** The unrecorded warm-up round of each case (the JIT is primed already): this share of the time budget. */
const WARMUP_SHARE = 0.25;

/**
 * Opens every peer in its own directory, preloads it (untimed) with `sizes.keys` entries (`cappedKeys` for
 * a peer with `preloadCap`), checks a hit and a miss, primes its read path, then measures each operation
 * (reads first) with all peers interleaved round by round.
 * @returns one row per operation and peer, named by {@link rowName}; rates in ops/s
 */
export async function runMatrix(peers: readonly Peer[], size: ValueSize, sizes: Sizes): Promise<Row[]> {
  const entries = Array.from({ length: sizes.keys }, (_, i) => ({ key: keyOf(i), value: size.valueFor(i) }));
  return withTempDir('bench-matrix', async (dir) => {
    const opened: { peer: Peer; target: Target }[] = [];
    try {
      for (const [i, peer] of peers.entries()) {
        const held = peer.preloadCap ? Math.min(sizes.keys, sizes.cappedKeys) : sizes.keys;
        const subject = await openChecked(peer, join(dir, String(i)));
        const order = shuffle(Array.from({ length: held }, (_, k) => k));
        const target: Target = { subject, order, size, cursor: { next: 0, round: 0 } };
        opened.push({ peer, target });
        await subject.preload(entries.slice(0, held));
        deepStrictEqual(await subject.get(keyOf(1)), size.valueFor(1), `${peer.name} did not read back`);
        await hotGet.run(target, { ops: PRIME_OPS, budgetMs: sizes.budgetMs });
      }
      const rows: Row[] = [];
      // Reads first, on the data as preloaded: after the sets, LevelDB would still be compacting their data
      // while the reads ran.
      for (const op of [...OPERATIONS].sort((a, b) => Number(a.writes) - Number(b.writes))) {
        const cases = opened.map(({ peer, target }) => opCase(op, peer, target, size, sizes));
        rows.push(...(await measure(cases, { reps: sizes.reps })));
      }
      return rows;
    } finally {
      for (const { target } of opened) await target.subject.close();
    }
  });
}

async function openChecked(peer: Peer, dir: string): Promise<Subject> {
  await mkdir(dir, { recursive: true });
  const subject = await peer.open(dir);
  // A first miss also waits, untimed, for a background open (createKeyv, sqlite's CREATE TABLE, a socket).
  if ((await subject.get('bench:absent')) !== undefined)
    throw new Error(`${peer.name}: fresh cache not empty`);
  return subject;
}

function opCase(op: Operation, peer: Peer, target: Target, size: ValueSize, sizes: Sizes): Case {
  return {
    name: rowName(size, op.short, peer.name),
    repetition: async (rep) => {
      const limits = { ops: sizes.keys, budgetMs: sizes.budgetMs * (rep < 0 ? WARMUP_SHARE : 1) };
      let pass: Pass = { ops: 0, bounded: false };
      const repetition = await timed(async () => {
        pass = await op.run(target, limits);
        if (op.writes) await target.subject.settle();
        return pass.ops;
      });
      return { ...repetition, bounded: pass.bounded };
    },
  };
}

/** The name of the row of operation `op` (its `short` label) for `peer` on `size`. */
export function rowName(size: ValueSize, op: string, peer: string): string {
  return `${size.label} · ${op} · ${peer}`;
}

/**
 * The matrix of one value size: a row per operation, a column per peer, each cell `median (min–max)` in
 * ops/s, with a `*` where a time budget stopped a repetition (see harness's `BOUNDED_NOTE`).
 */
export function matrixTable(rows: readonly Row[], size: ValueSize, peers: readonly Peer[]): Table {
  return {
    header: [`${size.label} values, ops/s: median (min–max)`, ...peers.map((peer) => peer.name)],
    rows: OPERATIONS.map((op) => [
      op.name,
      ...peers.map((peer) => {
        const row = rowNamed(rows, rowName(size, op.short, peer.name));
        return `${compact(row.median)} (${compact(row.min)}–${compact(row.max)})${row.bounded ? ' *' : ''}`;
      }),
    ]),
  };
}

/**
 * An informative line of every operation's ratio, e.g. `100 B, LmdbStore / raw lmdb: set 120x, …, mix 1.1x`.
 */
export function ratioSummary(rows: readonly Row[], size: ValueSize, ours: string, peer: string): string {
  const ratios = OPERATIONS.map((op) => {
    const ratio =
      rowNamed(rows, rowName(size, op.short, ours)).median /
      rowNamed(rows, rowName(size, op.short, peer)).median;
    return `${op.short} ${formatRatio(ratio)}x`;
  });
  return `${size.label}, ${ours} / ${peer}: ${ratios.join(', ')}`;
}

/** `1234567` → `1.23M`, `31234` → `31.2k`, `665.4` → `665`: three significant digits. */
export function compact(value: number): string {
  const n = Number(value.toPrecision(3)); // rounded first, so 999,700 prints as 1.00M, not 1000k
  const [scaled, suffix] = n >= 1e6 ? [n / 1e6, 'M'] : n >= 1e3 ? [n / 1e3, 'k'] : [n, ''];
  const digits = scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
  return `${scaled.toFixed(suffix === '' ? 0 : digits)}${suffix}`;
}

/**
 * The notes both matrices share: each peer (capped ones marked), values, keys, what each operation does,
 * rounds and budgets.
 */
export function methodNotes(plan: Plan, peers: readonly Peer[]): string[] {
  const perSize = (f: (size: ValueSize, sizes: Sizes) => string) =>
    plan.map(([size, sizes]) => f(size, sizes)).join('; ');
  const [, first] = plan[0];
  const capped =
    ` Preloaded with ${formatCount(first.cappedKeys)} entries only, as its writes are too slow to load them ` +
    'all untimed; its time budget lets it read fewer than that per round anyway.';
  return [
    ...peers.map((peer) => `${peer.about}${peer.preloadCap ? capped : ''}`),
    `Values: ${perSize((s) => `${s.label}: ${s.describe} (mean JSON ${Math.round(s.jsonBytes)} bytes)`)}. ` +
      `Entry i holds record i mod ${POOL} under key \`item:<i>\`, with a TTL of ${formatCount(TTL_MS)} ms ` +
      'where the peer takes one.',
    `Every peer opened in a fresh directory and preloaded untimed with ` +
      `${perSize((s, z) => `${formatCount(z.keys)} entries (${s.label})`)}. A hit and a miss are checked ` +
      'before timing. Reads are measured before writes, on the data as preloaded.',
    'Operations: **set, seq awaited** `await set(key, value)` of fresh keys one after another; ' +
      `**set, ${CONCURRENCY} concurrent** batches of ${CONCURRENCY} sets awaited together; **get, hot** ` +
      `${formatCount(HOT_KEYS)} keys each read as often, shuffled; **get, cold** a shuffled pass over every ` +
      'preloaded key, resumed where the last round stopped, so no key is read again before all the others ' +
      '(more keys than any read cache here holds, so it never helps); **get, miss** keys never written; ' +
      '**mix** the cold order again, every tenth operation a set of the key it reaches. Write rows end ' +
      'their timed region with the peer’s settle (LMDB: `flush()`, so the commit to disk is included). ' +
      `Every loop yields to the event loop each ${formatCount(YIELD_EVERY)} operations. Reads are checked: ` +
      'all hits return a value, all misses none.',
    `Rounds: all peers of an operation interleaved, round by round: an unrecorded warm-up round with ` +
      `${WARMUP_SHARE * 100}% of the budget (after ${formatCount(PRIME_OPS)} untimed hot gets per peer, or ` +
      `its budget, once preloaded), then ${first.reps} recorded rounds, each planning as many operations as entries and ` +
      `stopping once ${first.budgetMs} ms have passed (the clock is read about once per ms; a batch of ` +
      `${CONCURRENCY} concurrent sets is never cut). Medians, min–max over rounds.`,
    BOUNDED_NOTE,
  ];
}
