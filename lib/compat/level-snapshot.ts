import { constants } from 'node:fs';
import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClassicLevel } from 'classic-level';
import { LmdbCacheError } from '../store/errors.js';

/** The part of the `classic-level` module the importer uses. */
export interface ClassicLevelModule {
  ClassicLevel: typeof ClassicLevel;
}

/** A private, read-only copy of a LevelDB directory, read in key order. */
export interface LevelSnapshot {
  /**
   * The next records as `[key, raw JSON value]`, in key order: at most `maxRecords`, and stopping once
   * about `maxChars` UTF-16 units of keys and values are held. Empty at the end.
   * @throws LmdbCacheError `ERR_CORRUPTED` naming the source when LevelDB cannot read its files.
   */
  read(maxRecords: number, maxChars: number): Promise<[string, string][]>;
  /** Closes the database and deletes the copy. Idempotent. */
  close(): Promise<void>;
}

// What one native nextv() may buffer: large enough for few round trips, small enough to stay bounded.
const ITERATOR_BYTES = 1024 * 1024;
// LevelDB recreates these on open and never needs the old ones; LOCK is only held through fcntl.
const NOT_COPIED = new Set(['LOCK', 'LOG', 'LOG.old']);

/**
 * Loads the optional peer `classic-level` (`load` is replaceable for tests).
 * @throws LmdbCacheError `ERR_OPEN_FAILED` telling to install classic-level, with the import error as cause.
 */
export async function loadClassicLevel(
  load: () => Promise<ClassicLevelModule> = () => import('classic-level'),
): Promise<typeof ClassicLevel> {
  try {
    return (await load()).ClassicLevel;
  } catch (error) {
    throw new LmdbCacheError(
      'ERR_OPEN_FAILED',
      'install classic-level to import level-cache data (npm install classic-level)',
      { cause: error },
    );
  }
}

/**
 * Copies the LevelDB directory `from` to a new directory under the OS temp dir (`TMPDIR`) and opens the
 * copy. LevelDB has no read-only mode: opening a directory takes its LOCK, rewrites LOG and MANIFEST and
 * compacts the write-ahead log into tables, so only reading a copy leaves `from` byte-for-byte unchanged.
 * The copy needs as much free space as `from` (less on file systems that clone, e.g. btrfs, XFS, APFS).
 * `from` must not be written while it is copied (stop the level-cache process first).
 * @throws LmdbCacheError `ERR_OPEN_FAILED` naming `from` when it is missing, not a LevelDB directory, or
 *   cannot be copied or opened.
 */
export async function openLevelSnapshot(Level: typeof ClassicLevel, from: string): Promise<LevelSnapshot> {
  await assertLevelDirectory(from);
  const copy = await mkdtemp(join(tmpdir(), 'nestjs-lmdb-cache-level-import-'));
  const removeCopy = () => rm(copy, { recursive: true, force: true });
  let db: ClassicLevel<string, string> | undefined;
  try {
    await copyLevelFiles(from, copy);
    db = new Level<string, string>(copy, {
      keyEncoding: 'utf8',
      valueEncoding: 'utf8',
      createIfMissing: false,
    });
    await db.open();
  } catch (error) {
    await db?.close().catch(() => undefined);
    await removeCopy();
    throw error instanceof LmdbCacheError
      ? error
      : new LmdbCacheError('ERR_OPEN_FAILED', `cannot open ${from} as a LevelDB database`, { cause: error });
  }
  return snapshotOf(db, from, removeCopy);
}

function snapshotOf(db: ClassicLevel<string, string>, from: string, removeCopy: () => Promise<void>) {
  // fillCache off: every block is read once, caching it would only evict and churn.
  const iterator = db.iterator({ highWaterMarkBytes: ITERATOR_BYTES, fillCache: false });
  let closing: Promise<void> | undefined;
  const snapshot: LevelSnapshot = {
    async read(maxRecords, maxChars) {
      const records: [string, string][] = [];
      let chars = 0;
      try {
        while (records.length < maxRecords && chars < maxChars) {
          const batch = await iterator.nextv(maxRecords - records.length);
          if (batch.length === 0) break;
          for (const record of batch) {
            records.push(record);
            chars += record[0].length + record[1].length;
          }
        }
      } catch (error) {
        throw new LmdbCacheError('ERR_CORRUPTED', `cannot read the LevelDB database at ${from}`, {
          cause: error,
        });
      }
      return records;
    },
    close() {
      closing ??= (async () => {
        try {
          await iterator.close();
          await db.close();
        } finally {
          await removeCopy();
        }
      })();
      return closing;
    },
  };
  return snapshot;
}

// Checked before copying, so a wrong path fails fast instead of copying an unrelated (maybe huge) directory.
async function assertLevelDirectory(from: string): Promise<void> {
  const info = await stat(from).catch((error: unknown) => {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : 'it cannot be read';
    throw new LmdbCacheError('ERR_OPEN_FAILED', `cannot import from ${from}: ${reason}`, { cause: error });
  });
  if (!info.isDirectory()) throw new LmdbCacheError('ERR_OPEN_FAILED', `${from} is not a directory`);
  const current = await stat(join(from, 'CURRENT')).catch(() => undefined);
  if (!current?.isFile()) {
    throw new LmdbCacheError(
      'ERR_OPEN_FAILED',
      `${from} is not a LevelDB directory (it has no CURRENT file)`,
    );
  }
}

// LevelDB keeps every file in one flat directory; anything else (subdirectories, sockets) is not its own.
async function copyLevelFiles(from: string, to: string): Promise<void> {
  try {
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (!entry.isFile() || NOT_COPIED.has(entry.name)) continue;
      // FICLONE: a copy-on-write clone where the file system supports it, a plain copy elsewhere.
      await copyFile(join(from, entry.name), join(to, entry.name), constants.COPYFILE_FICLONE);
    }
  } catch (error) {
    throw new LmdbCacheError(
      'ERR_OPEN_FAILED',
      `cannot copy ${from} (is a level-cache process still writing to it?)`,
      { cause: error },
    );
  }
}
