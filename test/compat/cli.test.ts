import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { progressReporter } from '../../lib/cli/import-level.js';
import { LmdbStore } from '../../lib/store/index.js';
import { finished } from '../helpers/child.js';
import { writeLevelDb } from '../helpers/level-db.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

const SEP = '\u241F';
const CLI = 'lib/cli/main.ts';

/** Runs the `nestjs-lmdb-cache` command in a real Node process (TypeScript through tsx). */
function runCli(args: readonly string[]) {
  return finished(
    spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

async function smallLevelDb(): Promise<string> {
  const from = join(tempDir('level'), 'db');
  const hour = Date.now() + 3_600_000; // the CLI uses the real clock
  await writeLevelDb(from, [
    [`default${SEP}user:1`, { v: { name: 'Ada', roles: ['admin'] }, x: hour }],
    [`kanban/tasks${SEP}t/1`, { v: [1, 'two', null] }],
    ['raw', { v: true }],
    [`default${SEP}old`, { v: 'expired', x: Date.now() - 60_000 }],
    [`default${SEP}foreign`, 'not an envelope'],
  ]);
  return from;
}

describe('nestjs-lmdb-cache CLI', () => {
  it('import-level imports, prints one summary line on stdout and exits 0', async () => {
    const from = await smallLevelDb();
    const to = join(tempDir(), 'cache');
    const result = await runCli(['import-level', from, to]);
    expect(result.code).toBe(0);
    // Progress may appear when the import takes over a second (a loaded machine); nothing else may.
    const stderrLines = result.stderr.split('\n').filter((line) => line !== '');
    expect(stderrLines.filter((line) => !/^read [\d,]+ records: /.test(line))).toEqual([]);
    expect(result.stdout).toBe(
      `imported 3 entries (1 expired skipped, 1 not level-cache records) from ${from} into ${to}\n`,
    );
    const store = await LmdbStore.open({ path: to });
    expect(await store.namespace('default').get('user:1')).toEqual({ name: 'Ada', roles: ['admin'] });
    expect(await store.namespace('kanban').namespace('tasks').get('t/1')).toEqual([1, 'two', null]);
    expect(await store.get('raw')).toBe(true);
    expect(await store.namespace('default').has('old')).toBe(false);
    expect(store.stats().entries).toBe(3);
    await store.close();
  });

  it('prints usage and exits 0 for --help, -h and no arguments', async () => {
    for (const args of [['--help'], ['-h'], [], ['import-level', '--help']]) {
      const result = await runCli(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(result.stdout).toContain('Usage: nestjs-lmdb-cache <command>');
      expect(result.stdout).toContain('import-level <from> <to>');
    }
    // The built file is run directly as the package's bin, through this line.
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('exits 2 with usage on stderr for an unknown command, an unknown option or a wrong argument count', async () => {
    const cases: [string[], string][] = [
      [['frob'], 'unknown command: frob'],
      [['--frob'], "Unknown option '--frob'"],
      [['import-level', 'only-one'], 'exactly two arguments'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('Usage: nestjs-lmdb-cache');
    }
  });

  it('exits 1 with a clear message naming a missing source, and no stack trace', async () => {
    const from = join(tempDir('level'), 'nope');
    const result = await runCli(['import-level', from, join(tempDir(), 'cache')]);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`nestjs-lmdb-cache: cannot import from ${from}: it does not exist`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('import-level progress display', () => {
  const progress = (read: number) => ({ read, imported: read - 1, expired: 1, skipped: 0 });

  it('writes a line at most once a second when stderr is not a terminal', () => {
    let now = 0;
    let written = '';
    const reporter = progressReporter({ write: (text: string) => (written += text) }, () => now);
    now = 999;
    reporter.update(progress(5_000)); // small imports end before a second: nothing shown
    expect(written).toBe('');
    now = 1_000;
    reporter.update(progress(10_000));
    now = 1_500;
    reporter.update(progress(15_000));
    now = 2_000;
    reporter.update(progress(20_000));
    reporter.done();
    expect(written).toBe(
      'read 10,000 records: 9,999 imported, 1 expired, 0 skipped\n' +
        'read 20,000 records: 19,999 imported, 1 expired, 0 skipped\n',
    );
  });

  it('rewrites one line in place on a terminal and ends it when done', () => {
    let now = 0;
    let written = '';
    const reporter = progressReporter({ isTTY: true, write: (text: string) => (written += text) }, () => now);
    for (const read of [5_000, 10_000]) {
      now += 100;
      reporter.update(progress(read));
    }
    reporter.done();
    expect(written).toBe(
      '\rread 5,000 records: 4,999 imported, 1 expired, 0 skipped\x1b[K' +
        '\rread 10,000 records: 9,999 imported, 1 expired, 0 skipped\x1b[K\n',
    );
  });
});
