import { runFixture } from './child.js';
import type { MemorySample } from './fixtures/memory-sample.js';
import { formatCount, formatMiB, limitLine, type BenchOptions, type Report } from './harness.js';
import { sharedCache, sharedCacheNote } from './shared-cache.js';

/** Target of issue 8: LmdbStore's JS heap with 1,000,000 entries, above an empty process's, in MiB. */
const HEAP_TARGET_MIB = 64;

const MIB = 2 ** 20;

/** One measured process. */
interface Sample {
  name: string;
  memory: MemorySample;
}

/**
 * Memory of a process holding the shared 1,000,000 entries in LmdbStore, against an empty process and
 * against cache-manager 7's default in-memory store holding the same entries. The data of LmdbStore lives
 * in the memory-mapped file, so its JS heap should barely grow with the entries. Figures in bytes (MiB).
 */
export async function runMemoryBench({ quick }: BenchOptions): Promise<Report> {
  const cache = await sharedCache();
  const hold = (kind: string) =>
    runFixture<MemorySample>('hold-entries', [kind, String(cache.entries), cache.path], {
      nodeArgs: ['--expose-gc'],
    });
  process.stderr.write('  empty | lmdb | cache-manager processes …');
  // Side by side: each figure is one process's own memory after GC, which the others do not change.
  const [empty, reader, inMemory] = await Promise.all([hold('empty'), hold('lmdb'), hold('cache-manager')]);
  process.stderr.write(' done\n');
  const entries = formatCount(cache.entries);
  const samples: Sample[] = [
    { name: 'empty process (baseline)', memory: empty },
    { name: `LmdbStore, ${entries} entries, each read once`, memory: reader },
    { name: `LmdbStore, the process that wrote the ${entries}`, memory: cache.writer },
    { name: `cache-manager 7 in-memory, ${entries} entries`, memory: inMemory },
  ];
  const above = (memory: MemorySample) => (memory.heapUsed - empty.heapUsed) / MIB;
  return {
    title: `memory: ${entries} entries held in one process`,
    rows: [],
    tables: [
      {
        header: [
          'process',
          'heap used',
          'heap above empty',
          'external',
          'RSS',
          'RSS private',
          'RSS file-backed',
        ],
        rows: samples.map(({ name, memory }) => [
          name,
          formatMiB(memory.heapUsed),
          `${above(memory).toFixed(1)} MiB`,
          formatMiB(memory.external),
          formatMiB(memory.rss),
          formatMiB(memory.rssAnon),
          formatMiB(memory.rssFile),
        ]),
      },
    ],
    notes: [
      sharedCacheNote(cache),
      'Each row is one Node child process (`node --expose-gc --import tsx`), sampled once after garbage ' +
        'collection repeated until the heap stops shrinking; the three of bench/fixtures/hold-entries.ts ran ' +
        'side by side. Memory after GC is not a timing, so one sample per process (it varies by a few ' +
        'hundred KB between runs). MiB = 2^20 bytes.',
      'empty: loads tsx (as every row does) and nothing else. LmdbStore: `LmdbStore.open()` with default ' +
        'options (a read cache of the last 10,000 decoded entries), then every entry read once with ' +
        'getMany (all hit, checked). The writer row is the child that built the cache: setMany of 10,000, ' +
        'each flushed. cache-manager: `createCache()` (its default Keyv on a Map, which stores each ' +
        "value's `{ value, expires }` as a JSON string), every entry set with mset of 10,000 and checked. " +
        'Each kind imports only the ' +
        'modules it uses, so "above empty" includes its code.',
      '"RSS file-backed" is mostly LMDB’s memory map: pages of the data file this process touched, shared ' +
        'with every process that maps the file and dropped by the OS under memory pressure rather than ' +
        'swapped. "RSS private" is what the process itself allocated. From /proc/self/status (NaN elsewhere).',
      ...(quick ? ['quick mode changes nothing here.'] : []),
    ],
    ratios: [
      limitLine(
        `heap above empty, LmdbStore holding ${entries} entries (read once)`,
        above(reader),
        HEAP_TARGET_MIB,
        'MiB',
      ),
      limitLine(
        `heap above empty, LmdbStore process that wrote ${entries} entries`,
        above(cache.writer),
        HEAP_TARGET_MIB,
        'MiB',
      ),
      `heap above empty: cache-manager in-memory / LmdbStore (read once) = ${(above(inMemory) / above(reader)).toFixed(0)}x`,
    ],
  };
}
