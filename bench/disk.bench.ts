import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { open } from 'lmdb';
import { LmdbStore } from '../lib/store/index.js';
import { sharedCache, sharedCacheNote } from './shared-cache.js';
import { formatCount, formatMiB, withTempDir, type BenchOptions, type Report } from './harness.js';
import { entryValue, NAMESPACE } from './fixtures/entries.js';
import { fill } from './fixtures/fill.js';

/**
 * Entries of the cache of ~100-byte values written in random order. Random writes dirty pages all over the
 * tree, so the fill is slower and quick mode writes fewer.
 */
const RANDOM_ENTRIES = { full: 1_000_000, quick: 100_000 };
/** Entries of each cache of larger values: enough pages that per-entry figures settle, cheap to write. */
const LARGE_ENTRIES = { full: 20_000, quick: 5_000 };
/**
 * JSON sizes of the larger values, in bytes. 2 KB is just past the largest value LMDB keeps inside a 4 KiB
 * leaf page (~2,000 bytes with its key), so each such value takes a whole overflow page: the worst case.
 */
const LARGE_VALUE_BYTES = [2_048, 4_096];
/** Entries whose stored size is averaged. */
const SAMPLE = 1_000;

/** What one cache directory takes, in bytes, and how lmdb lays it out. */
interface Footprint {
  name: string;
  entries: number;
  /** JSON size of one value, the size a user would think of. */
  valueJsonBytes: number;
  /** Mean bytes lmdb stores as the value of an entry (the engine's msgpack envelope), over a sample. */
  storedBytes: number;
  /** data.mdb's length. */
  fileBytes: number;
  /** data.mdb's allocated blocks × 512: what it takes on the disk. */
  diskBytes: number;
  /** Pages of the `entries` B-tree (branch, leaf, overflow) × page size. */
  treeBytes: number;
  /** Leaf pages of the `entries` B-tree (values too large for a leaf are on overflow pages). */
  leafPages: number;
}

/**
 * Disk space per entry of a filled cache: the data file's allocated size over its entries, for the shared
 * 1,000,000-entry cache of ~100-byte values, the same values written in random order, and smaller caches of
 * 2 KB and 4 KB values. Figures in bytes.
 */
export async function runDiskBench({ quick }: BenchOptions): Promise<Report> {
  const cache = await sharedCache();
  const small = await footprint(`~100-byte values (the shared cache)`, cache.path, cache.entries, 100);
  const randomEntries = quick ? RANDOM_ENTRIES.quick : RANDOM_ENTRIES.full;
  const largeEntries = quick ? LARGE_ENTRIES.quick : LARGE_ENTRIES.full;
  const footprints = [small, await writtenFootprint(randomEntries, 100, 'random')];
  for (const bytes of LARGE_VALUE_BYTES) {
    footprints.push(await writtenFootprint(largeEntries, bytes, 'ascending'));
  }
  return {
    title: 'disk: data file bytes per entry',
    rows: [],
    tables: [
      {
        header: [
          'cache',
          'entries',
          'value as JSON (B)',
          'stored value (B)',
          'data.mdb on disk',
          'on disk / entry (B)',
          'B-tree pages / entry (B)',
        ],
        rows: footprints.map((f) => [
          f.name,
          formatCount(f.entries),
          formatCount(f.valueJsonBytes),
          formatCount(f.storedBytes),
          formatMiB(f.diskBytes),
          formatCount(f.diskBytes / f.entries),
          formatCount(f.treeBytes / f.entries),
        ]),
      },
    ],
    notes: [
      sharedCacheNote(cache),
      'The shared cache was written in ascending order of i (runs of ascending keys, so each ' +
        'transaction fills a few pages). "random order": the same entries, ' +
        `${formatCount(randomEntries)} of them, written in a random order, as keys reach a real cache; the ` +
        `2 KB and 4 KB caches: ${formatCount(largeEntries)} entries each, in ascending order, values the ` +
        'same record padded with varied text to that size of JSON. Each written into a fresh directory by ' +
        'bench/fixtures/fill.ts in the bench process (setMany of 10,000 entries, each flushed).' +
        (quick
          ? ` quick mode: ${formatCount(RANDOM_ENTRIES.quick)} random-order entries and ` +
            `${formatCount(LARGE_ENTRIES.quick)} of 2 KB and 4 KB (full: ${formatCount(RANDOM_ENTRIES.full)}, ` +
            `${formatCount(LARGE_ENTRIES.full)}); with fewer entries each transaction touches a larger share ` +
            'of the tree, so the random-order row shows more bytes per entry than at 1,000,000 (213 B in one 1,000,000-entry run on the 2-core dev machine).'
          : ''),
      'on disk: `stat(data.mdb).blocks × 512` over the entries (data.mdb length: ' +
        footprints.map((f) => `${formatMiB(f.fileBytes)}`).join(', ') +
        '). stored value: mean length lmdb holds for the first ' +
        `${formatCount(SAMPLE)} entries, the engine's envelope (msgpack with structures shared across ` +
        'entries), read through a read-only raw lmdb handle after every writer closed. B-tree pages: the ' +
        '`entries` database’s branch, leaf and overflow pages × page size; the rest of the file is the ' +
        'other databases (expiry index, meta) and free pages: LMDB never overwrites a live page, it copies ' +
        'every page a transaction changes and frees the old one for later transactions, so a transaction ' +
        'that touches pages all over the tree needs new pages for all of them while the old ones are still ' +
        'live. Here each 10,000-entry random-order transaction touches most leaf pages, so the file grows ' +
        'to a multiple of its tree, and never shrinks; a server’s transactions (the writes of one event ' +
        'turn) touch far fewer pages.',
      'Each entry also costs LMDB a node header, its key (`[namespace, key]` in ordered-binary) and an ' +
        '8-byte version (the expiry); B-tree pages split at half, so leaves are partly empty (entries per ' +
        `4 KiB leaf page: ${footprints.map((f) => (f.entries / f.leafPages).toFixed(1)).join(', ')}). A ` +
        'value too large for half a leaf page goes to overflow pages of its own, rounded up to whole 4 KiB pages.',
    ],
    ratios: footprints.map(
      (f) =>
        `${f.name}: ${formatCount(f.diskBytes / f.entries)} bytes on disk per entry = ` +
        `${(f.diskBytes / f.entries / f.valueJsonBytes).toFixed(1)}x the value's JSON, ` +
        `${(f.diskBytes / f.entries / f.storedBytes).toFixed(1)}x the stored value`,
    ),
  };
}

/**
 * Writes `entries` values of `bytes` of JSON into a fresh cache, in `order`, and measures it. In this
 * process: that takes about a second, less than starting a child would add.
 */
function writtenFootprint(entries: number, bytes: number, order: 'ascending' | 'random'): Promise<Footprint> {
  return withTempDir('bench-disk', async (dir) => {
    process.stderr.write(`  writing ${formatCount(entries)} entries of ${bytes} bytes in ${order} order …`);
    const store = await LmdbStore.open({ path: dir, namespace: NAMESPACE });
    try {
      await fill(store, entries, bytes, order);
      const stored = store.stats().entries;
      if (stored !== entries) throw new Error(`wrote ${entries} entries, lmdb counts ${stored}`);
    } finally {
      await store.close();
    }
    process.stderr.write(' done\n');
    const name = order === 'random' ? `~${bytes}-byte values, random order` : `~${bytes / 1024} KB values`;
    return footprint(name, dir, entries, bytes);
  });
}

async function footprint(
  name: string,
  path: string,
  entries: number,
  valueBytes: number,
): Promise<Footprint> {
  const file = await stat(join(path, 'data.mdb'));
  const { storedBytes, treeBytes, leafPages } = await inspect(path);
  return {
    name,
    entries,
    valueJsonBytes: JSON.stringify(entryValue(0, valueBytes)).length,
    storedBytes,
    fileBytes: file.size,
    diskBytes: file.blocks * 512,
    treeBytes,
    leafPages,
  };
}

// lmdb-js returns these from getStats() but types it `{}`.
interface TreeStats {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
}

/** Mean stored value length over a sample, and the `entries` B-tree's size, read without the engine. */
async function inspect(path: string): Promise<{ storedBytes: number; treeBytes: number; leafPages: number }> {
  const root = open({ path, readOnly: true });
  try {
    const entries = root.openDB({ name: 'entries', encoding: 'binary', useVersions: true });
    let count = 0;
    let bytes = 0;
    for (const { value } of entries.getRange({ limit: SAMPLE })) {
      count++;
      bytes += (value as Buffer).length;
    }
    const tree = entries.getStats() as TreeStats;
    const pages = tree.treeBranchPageCount + tree.treeLeafPageCount + tree.overflowPages;
    return {
      storedBytes: bytes / count,
      treeBytes: pages * tree.pageSize,
      leafPages: tree.treeLeafPageCount,
    };
  } finally {
    await root.close();
  }
}
