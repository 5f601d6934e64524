// Builds LevelDB directories exactly as level-cache writes them, for the level-cache importer tests.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';

/** A value level-cache would never write: stored as this raw text instead of as JSON. */
export class RawText {
  constructor(readonly text: string) {}
}

/**
 * Writes `records` (stored key → envelope object, or raw text) into a new LevelDB at `path` with
 * level-cache's own encodings (`utf8` keys, `json` values), then closes it.
 */
export async function writeLevelDb(path: string, records: Iterable<[string, unknown]>): Promise<void> {
  const db = new ClassicLevel<string, unknown>(path, { keyEncoding: 'utf8', valueEncoding: 'json' });
  await db.open(); // a chained batch, unlike put(), does not wait for the lazy open
  let batch = db.batch();
  for (const [key, value] of records) {
    if (value instanceof RawText) batch.put(key, value.text, { valueEncoding: 'utf8' });
    else batch.put(key, value);
    if (batch.length >= 1_000) {
      await batch.write();
      batch = db.batch();
    }
  }
  await batch.write();
  await db.close();
}

/** sha256 of every file in `dir`, by name: equal maps mean the directory is byte-for-byte unchanged. */
export function hashFiles(dir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    hashes[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  }
  return hashes;
}
