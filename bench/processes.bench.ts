import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { collectOutput, startFixture } from './child.js';
import type { ReadRequest, ReadResult } from './fixtures/read-loop.js';
import {
  formatCount,
  measure,
  ratioLine,
  spread,
  type BenchOptions,
  type Case,
  type Report,
  type Repetition,
} from './harness.js';
import { sharedCache, sharedCacheNote } from './shared-cache.js';

interface Sizes {
  /** Wall-clock ms each reader reads per repetition. */
  windowMs: number;
  reps: number;
}

const FULL: Sizes = { windowMs: 2_000, reps: 5 };
const QUICK: Sizes = { windowMs: 300, reps: 3 };
/** How long a reader may take to start, open the cache and warm up, in ms. */
const START_TIMEOUT_MS = 30_000;
const KINDS: readonly ReadRequest['keys'][] = ['cold', 'hot'];

/** A running read-loop.ts child. */
interface Reader {
  child: ChildProcess;
  /** Reads as asked; resolves with the child's reads, its own wall-clock ms and its CPU ms. */
  read(request: ReadRequest): Promise<ReadResult>;
}

/**
 * Read throughput of 1 and of 2 processes reading the shared 1,000,000-entry cache at once, each its own
 * Node process with its own LmdbStore on the one path. LMDB readers take no lock, so on a machine with 2
 * free cores 2 processes should read close to twice as much as 1. Rates are gets per second, summed over
 * the processes.
 */
export async function runProcessesBench({ quick }: BenchOptions): Promise<Report> {
  const sizes = quick ? QUICK : FULL;
  const cache = await sharedCache();
  // Started once and driven round by round: a tsx child takes ~0.5 s to start, more than a quick round.
  const readers: Reader[] = [];
  try {
    const started = await Promise.allSettled(
      [1, 2].map((seed) => startReader(cache.path, cache.entries, seed)),
    );
    for (const result of started) if (result.status === 'fulfilled') readers.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    // What the readers did in the recorded rounds, by case: the CPU they got tells a machine too busy to
    // give each reader a core from readers slowing each other down.
    const usage = new Map<string, Usage>();
    const cases: Case[] = KINDS.flatMap((keys) =>
      [1, 2].map((count) => {
        const name = caseName(count, keys);
        const used: Usage = { shares: [], reads: 0, cpuMs: 0 };
        usage.set(name, used);
        const repetition = async () => {
          const results = await readTogether(readers.slice(0, count), { keys, ms: sizes.windowMs });
          for (const r of results) {
            used.shares.push(r.cpuMs / r.ms);
            used.reads += r.reads;
            used.cpuMs += r.cpuMs;
          }
          return summedRate(results);
        };
        return { name, repetition };
      }),
    );
    // Other tenants of a 2-core machine cap what 2 processes can reach, so the reader sees how busy it was.
    const loadBefore = loadavg()[0];
    // The readers warmed up before reporting ready, so no unrecorded round is needed.
    const rows = await measure(cases, { reps: sizes.reps, warmup: 0 });
    const loadAfter = loadavg()[0];
    return {
      title: `read scaling: 1 and 2 processes on one ${formatCount(cache.entries)}-entry cache`,
      rows,
      notes: [
        sharedCacheNote(cache),
        'Each reader is a Node child process (`node --import tsx bench/fixtures/read-loop.ts`) with its own ' +
          '`LmdbStore.open()` (default options, so a 10,000-entry read cache per process) on the one path. ' +
          `The readers start, open the cache and warm up for 300 ms per kind before the rounds; then in each ` +
          `round the parent asks 1 or 2 of them to read for ${sizes.windowMs} ms at once (over IPC) and ` +
          'sums their gets per second, each measured with its own clock. The parent idles meanwhile.',
        'Every read is `await store.get(key)` and must hit (checked). cold: keys drawn at random from all ' +
          `${formatCount(cache.entries)} entries (200,000 per reader, a different draw for each), so ~99% of ` +
          'gets miss the read cache and look the key up in lmdb (B-tree search on the memory map and msgpack ' +
          'decode). hot: 1,000 keys per reader, read over and over: served from the read cache, the ' +
          'ceiling of one process.',
        `${sizes.reps} recorded rounds per case, interleaved round by round. With ${cpus().length} cores, ` +
          `${cpus().length}x is the ceiling, reached only if nothing else runs: the 1-minute load average was ` +
          `${loadBefore.toFixed(1)} before the rounds and ${loadAfter.toFixed(1)} after. ± is half the ` +
          'min–max range, as % of the median.',
        'CPU each reader got during its windows, as % of one core (median): ' +
          [...usage]
            .map(([name, used]) => `${name} ${(spread(used.shares).median * 100).toFixed(0)}%`)
            .join(', ') +
          '. Reads per CPU second do not depend on how busy the machine is: equal with 1 and 2 processes, ' +
          'the readers do not slow each other down, and a total below 2x is CPU the machine did not give.',
        'Each reader also adds its hit/miss counters to the shared totals every 5 s (statsFlushIntervalMs), ' +
          'a commit, and any commit empties every process’s read cache: a hot row then re-reads its 1,000 ' +
          'keys from lmdb once.',
        ...(quick
          ? [
              `quick mode: ${QUICK.windowMs} ms windows and ${QUICK.reps} rounds (full: ${FULL.windowMs} ms, ${FULL.reps}).`,
            ]
          : []),
      ],
      ratios: KINDS.flatMap((keys) => {
        const perCpu = (count: number) => {
          const used = usage.get(caseName(count, keys)) as Usage;
          return used.reads / used.cpuMs;
        };
        return [
          ratioLine(rows, {
            label: `${keys} reads, scaling`,
            ours: caseName(2, keys),
            peer: caseName(1, keys),
            as: '2-process total / 1 process',
          }),
          `${keys} reads per CPU second: 2 processes / 1 process = ${(perCpu(2) / perCpu(1)).toFixed(2)}x ` +
            '(1.00x: no contention between readers)',
        ];
      }),
    };
  } finally {
    await Promise.all(readers.map(stopReader));
  }
}

function caseName(count: number, keys: ReadRequest['keys']): string {
  return `${count} process${count === 1 ? '' : 'es'}, ${keys} (total)`;
}

/** Reads and CPU of one case's readers over its recorded rounds. */
interface Usage {
  /** CPU ms per wall ms of each reader in each round (1 = a whole core). */
  shares: number[];
  reads: number;
  cpuMs: number;
}

/** One round: every reader reads for the same window at once. */
function readTogether(readers: readonly Reader[], request: ReadRequest): Promise<ReadResult[]> {
  return Promise.all(readers.map((reader) => reader.read(request)));
}

/** The round as a repetition whose ops/s is the sum of the readers' rates, each timed by its own clock. */
function summedRate(results: readonly ReadResult[]): Repetition {
  const ops = results.reduce((sum, r) => sum + r.reads, 0);
  const rate = results.reduce((sum, r) => sum + (r.reads * 1000) / r.ms, 0);
  return { ops, ms: (ops * 1000) / rate };
}

async function startReader(path: string, entries: number, seed: number): Promise<Reader> {
  const child = startFixture('read-loop', [path, String(entries), String(seed)], { ipc: true });
  const output = collectOutput(child);
  const failure = new Promise<never>((_, fail) => {
    child.once('exit', (code, signal) =>
      fail(new Error(`reader ${seed} ended (${code ?? signal}):\n${output.stderr}`)),
    );
  });
  failure.catch(() => undefined); // observed by whichever wait is pending when it ends
  const message = () => Promise.race([once(child, 'message').then(([value]) => value as unknown), failure]);
  const timeout = setTimeout(() => child.kill(), START_TIMEOUT_MS);
  try {
    const ready = await message();
    if (ready !== 'ready') throw new Error(`reader ${seed} said ${JSON.stringify(ready)}`);
  } finally {
    clearTimeout(timeout);
  }
  return {
    child,
    read: async (request) => {
      const reply = message();
      child.send(request);
      return (await reply) as ReadResult;
    },
  };
}

/** Disconnects a reader (it then closes its store and exits) and waits until it has exited. */
async function stopReader({ child }: Reader): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // 'exit', not 'close': after a disconnect this parent starts, Node never emits 'close' for the child.
  const exited = once(child, 'exit');
  child.disconnect();
  await exited;
}
