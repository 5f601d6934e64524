import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFixture } from './child.js';
import type { MemorySample } from './fixtures/memory-sample.js';

/** Entries of the shared cache, in quick mode too: the targets are stated for a 1,000,000-entry cache. */
export const SHARED_ENTRIES = 1_000_000;

/** The large cache the system-level scenarios share, and what building it showed. */
export interface SharedCache {
  /** Cache directory (removed when this process exits). */
  path: string;
  /** Entries it holds (bench/fixtures/entries.ts: keys `user:<i>`, ~100-byte records in Keyv's shape, no TTL). */
  entries: number;
  /** Wall-clock ms the writer process took to write them all and flush, in ms. */
  fillMs: number;
  /** The writer process's memory right after writing, after forced GC, in bytes. */
  writer: MemorySample;
}

/** What bench/fixtures/fill-cache.ts prints. */
interface FillResult {
  /** Wall-clock ms of writing and flushing. */
  fillMs: number;
  /** Entries lmdb counts afterwards. */
  entries: number;
  /** The writer's memory afterwards, in bytes. */
  memory: MemorySample;
}

let building: Promise<SharedCache> | undefined;

/**
 * The 1,000,000-entry cache, built by a child process on first use and shared by every later scenario of
 * this run: writing it takes seconds, too long to repeat per scenario. Scenarios only read it.
 */
export function sharedCache(): Promise<SharedCache> {
  building ??= build();
  return building;
}

async function build(): Promise<SharedCache> {
  const path = mkdtempSync(join(tmpdir(), 'bench-shared-'));
  // Outlives the scenario that built it, so it goes when the run ends, however it ends.
  process.once('exit', () => rmSync(path, { recursive: true, force: true }));
  process.stderr.write(`  writing the shared ${SHARED_ENTRIES.toLocaleString('en-US')}-entry cache …`);
  const { fillMs, entries, memory } = await runFixture<FillResult>(
    'fill-cache',
    [path, String(SHARED_ENTRIES)],
    {
      nodeArgs: ['--expose-gc'],
    },
  );
  process.stderr.write(` ${(fillMs / 1000).toFixed(1)} s\n`);
  return { path, entries, fillMs, writer: memory };
}

/** The note every scenario on the shared cache prints: what it holds and how it was built. */
export function sharedCacheNote({ entries, fillMs }: SharedCache): string {
  return (
    `The cache: ${entries.toLocaleString('en-US')} entries, keys \`user:<i>\`, values ~100-byte records ` +
    "(one object each), no TTL, stored as a NestJS app stores them: in the engine namespace 'keyv' as " +
    "Keyv's `{ value, expires }`. Default options. Written once per run by a child process " +
    `(bench/fixtures/fill-cache.ts: engine setMany of 10,000 entries, each flushed; ` +
    `${(fillMs / 1000).toFixed(1)} s) and shared by the processes, memory, first-hit and disk scenarios. Its ` +
    'file was just written, so it is in the OS page cache: no scenario waits for the disk (a cold page ' +
    'cache needs root to drop).'
  );
}
