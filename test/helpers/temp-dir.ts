import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh empty directory under the OS temp dir; removed by {@link removeTempDirs}. */
export function tempDir(label = 'cache'): string {
  const dir = mkdtempSync(join(tmpdir(), `nlc-${label}-`));
  made.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
