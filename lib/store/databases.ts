import { closeSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkDataFile } from './data-file.js';
import { open, type Database, type RootDatabase } from 'lmdb';
import { LmdbCacheError } from './errors.js';
import type { IndexKey } from './expiry-index.js';
import type { DbKey } from './keys.js';
import type { ResolvedOptions } from './options.js';

const SCHEMA_VERSION = 1;

/** lmdb-js's default, in bytes: LZ4 gains little on smaller values. */
const COMPRESSION_THRESHOLD = 1_000;
/** A threshold no value reaches (lmdb's is an unsigned 32-bit byte count): compress nothing. */
const NEVER = 0xffff_ffff;

/**
 * The named databases of one cache directory. Nothing is stored in the root database.
 * - `entries`: `[namespace, key]` → envelope, lmdb version = expiry (0 = never)
 * - `expiry`: `[expiresAt, namespace, key]` → empty, the expiry index
 * - `recency`: `[namespace, key]` → empty, version = last-use bucket (only with `maxEntries`)
 * - `lru`: `[bucket, namespace, key]` → empty, the recency index (only with `maxEntries`)
 * - `meta`: schema and settings, leases, shared stats
 */
export interface Databases {
  root: RootDatabase;
  entries: Database<Buffer, DbKey>;
  expiry: Database<Buffer, IndexKey>;
  recency: Database<Buffer, DbKey>;
  lru: Database<Buffer, [number, ...DbKey]>;
  meta: Database<unknown, string>;
}

// Settings every process on a path must share; recorded by the first opener.
interface PathSettings {
  schema: number;
  durability: string;
}

/**
 * Creates the directory (with `mode`, by default 0700) and returns its real path, the identity of a cache.
 * @throws LmdbCacheError `ERR_OPEN_FAILED` naming the path.
 */
export function prepareDirectory(path: string, mode: number): string {
  const absolute = resolve(path);
  try {
    mkdirSync(absolute, { recursive: true, mode });
    return realpathSync(absolute);
  } catch (cause) {
    throw new LmdbCacheError('ERR_OPEN_FAILED', `cannot create the cache directory ${absolute}`, { cause });
  }
}

/**
 * Opens lmdb at `path` with the options' durability, and checks that the settings every process must share
 * match those the cache was created with.
 * A damaged data file is moved aside first (see `checkDataFile`).
 * @throws LmdbCacheError `ERR_OPEN_FAILED` naming the path; `ERR_OPTIONS_MISMATCH` when another live
 *   process has the cache open with another durability; `ERR_CORRUPTED` for a damaged
 *   data file with `onCorruption: 'throw'`.
 */
export async function openDatabases(path: string, options: ResolvedOptions): Promise<Databases> {
  let root: RootDatabase | undefined;
  try {
    await checkDataFile(path, options);
    createFiles(path, options.fileMode);
    root = open({
      path,
      maxDbs: 8,
      maxReaders: options.maxReaders,
      overlappingSync: options.durability === 'overlapping',
      noSync: options.durability === 'none',
    });
    const databases: Databases = {
      root,
      entries: root.openDB({
        name: 'entries',
        encoding: 'binary',
        useVersions: true,
        // Always set up, so every process reads compressed entries whatever its own option says (lmdb marks
        // them; an envelope never starts with a marker byte); the option only decides what it writes.
        compression: { threshold: options.compression ? COMPRESSION_THRESHOLD : NEVER },
      }),
      expiry: root.openDB({ name: 'expiry', encoding: 'binary' }),
      recency: root.openDB({ name: 'recency', encoding: 'binary', useVersions: true }),
      lru: root.openDB({ name: 'lru', encoding: 'binary' }),
      meta: root.openDB({ name: 'meta', encoding: 'msgpack' }),
    };
    await checkSettings(databases, path, options);
    return databases;
  } catch (cause) {
    await root?.close().catch(() => undefined);
    if (cause instanceof LmdbCacheError) throw cause;
    if (String(cause).includes('MDB_READERS_FULL')) {
      throw new LmdbCacheError(
        'ERR_OPEN_FAILED',
        `cannot open the cache at ${path}: its reader table is full (each process and worker thread using it ` +
          'takes a slot; the first process to open it sets the size): raise maxReaders and restart them all',
        { cause },
      );
    }
    throw new LmdbCacheError('ERR_OPEN_FAILED', `cannot open the cache at ${path}`, { cause });
  }
}

// lmdb creates its files world-readable (0644 under the usual umask); created here first, they keep `mode`.
function createFiles(path: string, mode: number): void {
  for (const name of ['data.mdb', 'lock.mdb']) closeSync(openSync(join(path, name), 'a', mode));
}

async function checkSettings(databases: Databases, path: string, options: ResolvedOptions): Promise<void> {
  const { meta, root } = databases;
  const mine: PathSettings = { schema: SCHEMA_VERSION, durability: options.durability };
  // ifNoExists: of two processes creating the cache at once, exactly one records its settings.
  if (meta.get('settings') === undefined)
    await meta.ifNoExists('settings', () => void meta.put('settings', mine));
  const recorded = meta.get('settings') as PathSettings;
  if (recorded.schema !== SCHEMA_VERSION) {
    throw new LmdbCacheError(
      'ERR_OPEN_FAILED',
      `the cache at ${path} has schema ${String(recorded.schema)}, this version reads ${SCHEMA_VERSION}`,
    );
  }
  if (recorded.durability === mine.durability) return;
  const describe = (settings: PathSettings) => `durability = ${settings.durability}`;
  const others = otherProcesses(root);
  if (others.length > 0) {
    throw new LmdbCacheError(
      'ERR_OPTIONS_MISMATCH',
      `the cache at ${path} is open in process ${others.join(', ')} with ${describe(recorded)}; this process asked for ${describe(mine)}, and every process must agree`,
    );
  }
  // Nobody else has it open: the settings may change, e.g. between two deployments.
  await meta.put('settings', mine);
  options.logger.warn(`the cache at ${path} changes from ${describe(recorded)} to ${describe(mine)}`);
}

// Live processes other than this one in lmdb's reader table (a dead process's slot is cleared first).
function otherProcesses(root: RootDatabase): number[] {
  root.readerCheck();
  const pids = root
    .readerList()
    .split('\n')
    .slice(1)
    .map((line) => Number.parseInt(line.trim().split(/\s+/)[0], 10))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
  return [...new Set(pids)];
}
