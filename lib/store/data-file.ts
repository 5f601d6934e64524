import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { LmdbCacheError } from './errors.js';
import type { ResolvedOptions } from './options.js';

// LMDB's file layout (liblmdb mdb.c, 64-bit): pages 0 and 1 are meta pages, each a 24-byte page header
// followed by MDB_meta: magic, version, address, mapsize, two 48-byte MDB_db (the first's md_pad is the
// page size), last used page, txn id.
const PAGE_HEADER = 24;
const MAGIC = 0xbeefc0de;
const DATA_VERSION = 2;
const PAGE_SIZE_AT = 24;
const LAST_PAGE_AT = 120;
const TXN_ID_AT = 128;
const META_BYTES = 136;

const LOOKS = 3;
const LOOK_INTERVAL_MS = 25;

/** The files of an LMDB environment, moved aside together when the data file is damaged. */
const ENVIRONMENT_FILES = ['data.mdb', 'lock.mdb'];

/**
 * Checks the data file of the cache at `path` before lmdb maps it: lmdb crashes the whole process (a
 * segmentation fault, no error) on a truncated or garbage file. A damaged file is moved aside with the
 * lock file, kept for inspection, and a warning logged, so an empty cache opens; with
 * `onCorruption: 'throw'` nothing is moved and it throws.
 * @throws LmdbCacheError `ERR_CORRUPTED` naming the path (with `onCorruption: 'throw'`).
 */
export async function checkDataFile(path: string, options: ResolvedOptions): Promise<void> {
  const file = join(path, 'data.mdb');
  // Other processes may be writing the file right now: a damaged file stays damaged, while a torn read of
  // a meta page being rewritten does not, so a damage verdict must hold over several looks.
  let damage = damageOf(file);
  for (let look = 1; damage !== undefined && look < LOOKS; look++) {
    await sleep(LOOK_INTERVAL_MS);
    damage = damageOf(file);
  }
  // A file another live process has mapped is in use, so lmdb reads it fine there: never move it away.
  if (damage === undefined || mappedByOtherProcess(file)) return;
  if (options.onCorruption === 'throw') {
    throw new LmdbCacheError('ERR_CORRUPTED', `the cache data file ${file} is damaged: ${damage}`);
  }
  const suffix = `.damaged-${new Date().toISOString().replaceAll(':', '-')}`;
  for (const name of ENVIRONMENT_FILES) {
    try {
      renameSync(join(path, name), join(path, name + suffix));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  options.logger.warn(
    `the cache data file ${file} is damaged (${damage}); moved it to data.mdb${suffix} and opened an empty cache`,
  );
}

// Why the data file is damaged, or undefined when it is absent, new (empty) or looks sound.
function damageOf(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (fstatSync(fd).size === 0) return undefined;
    const first = readMeta(fd, 0);
    const second = first && readMeta(fd, first.pageSize);
    // The size is read after the meta pages: writers extend the file before a meta page points past it.
    const size = fstatSync(fd).size;
    if (first === undefined) return `${size} bytes, no valid first meta page`;
    if (second === undefined) return `${size} bytes, no valid second meta page`;
    const pageSize = first.pageSize;
    // The older meta's last page must exist; the newer one's pages may still be free at the file's end.
    const older = first.txnId < second.txnId ? first : second;
    if (size < (older.lastPage + 1) * pageSize) {
      return `${size} bytes, shorter than the ${older.lastPage + 1} pages it has committed`;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

// Linux only (elsewhere: false), and only reached when the file looks damaged.
function mappedByOtherProcess(file: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return false;
  }
  const target = ` ${realpathSync(file)}\n`;
  return pids.some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/maps`, 'utf8').includes(target);
    } catch {
      return false; // ended meanwhile, or not ours to read
    }
  });
}

interface Meta {
  pageSize: number;
  lastPage: number;
  txnId: bigint;
}

function readMeta(fd: number, offset: number): Meta | undefined {
  const bytes = Buffer.alloc(PAGE_HEADER + META_BYTES);
  if (readSync(fd, bytes, 0, bytes.length, offset) < bytes.length) return undefined;
  const meta = bytes.subarray(PAGE_HEADER);
  if (meta.readUInt32LE(0) !== MAGIC || meta.readUInt32LE(4) !== DATA_VERSION) return undefined;
  const pageSize = meta.readUInt32LE(PAGE_SIZE_AT);
  // A power of two in LMDB's range, else this is not a page size.
  if (pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  return {
    pageSize,
    lastPage: Number(meta.readBigUInt64LE(LAST_PAGE_AT)),
    txnId: meta.readBigUInt64LE(TXN_ID_AT),
  };
}
