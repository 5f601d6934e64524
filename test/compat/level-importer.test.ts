import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { importLevelCache, type LevelImportProgress } from '../../lib/compat/level-importer.js';
import { loadClassicLevel } from '../../lib/compat/level-snapshot.js';
import { LmdbStore } from '../../lib/store/index.js';
import { finished } from '../helpers/child.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { RawText, hashFiles, writeLevelDb } from '../helpers/level-db.js';

afterAll(removeTempDirs);

const T = 1_700_000_000_000;
const SEP = '\u241F';
const nested = {
  name: 'Ada',
  tags: ['a', 'b'],
  deep: { list: [1, { n: null }], on: true, off: false },
  n: -2.5,
};

// Stored key → envelope, as level-cache 0.1 writes them: `{ v, x: Date.now() + ttl }` or `{ v }`.
const records: [string, unknown][] = [
  [`default${SEP}user:1`, { v: nested, x: T + 60_000 }],
  [`default${SEP}path/with/slashes`, { v: 'slash', x: T + 1_000 }],
  [`default${SEP}emoji 🎉 key`, { v: 42.5 }],
  [`default${SEP}null value`, { v: null, x: T + 5_000 }],
  [`default${SEP}infinite ttl`, { v: 0, x: Infinity }], // JSON turns Infinity into null: never expires
  [`default${SEP}stale`, { v: 'old', x: T - 1 }],
  [`default${SEP}expires now`, { v: 'edge', x: T }],
  [`kanban/tasks${SEP}task-1`, { v: [1, 'two', false, null, { a: { b: [] } }], x: T + 10_000 }],
  [`kanban/tasks${SEP}has${SEP}separator`, { v: 'second separator is part of the key' }],
  [`kanban${SEP}board`, { v: { columns: 3 } }],
  [`emoji/🎉${SEP}😀`, { v: '😀' }],
  ['raw key', { v: 'no namespace' }],
  ['raw/with/slash', { v: true }],
  [`${SEP}leading separator`, { v: 'raw view key' }],
  [`default${SEP}a string`, 'not an envelope'],
  [`default${SEP}no v`, { value: 1, x: T + 1_000 }],
  [`default${SEP}an array`, [1, 2]],
  [`default${SEP}not json`, new RawText('{"v": oops')],
];

// Where each live record must land: namespace path → exact [key, value] list of that namespace.
const expected: [string[], [string, unknown][]][] = [
  [
    [],
    [
      ['raw key', 'no namespace'],
      ['raw/with/slash', true],
      [`${SEP}leading separator`, 'raw view key'],
    ],
  ],
  [
    ['default'],
    [
      ['user:1', nested],
      ['path/with/slashes', 'slash'],
      ['emoji 🎉 key', 42.5],
      ['null value', null],
      ['infinite ttl', 0],
    ],
  ],
  [
    ['kanban', 'tasks'],
    [
      ['task-1', [1, 'two', false, null, { a: { b: [] } }]],
      [`has${SEP}separator`, 'second separator is part of the key'],
    ],
  ],
  [['kanban'], [['board', { columns: 3 }]]],
  [['emoji', '🎉'], [['😀', '😀']]],
];

const sorted = (rows: [string, unknown][]) => [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const view = (store: LmdbStore, path: string[]) => path.reduce((v, segment) => v.namespace(segment), store);

async function entriesOf(store: LmdbStore): Promise<[string, unknown][]> {
  const rows: [string, unknown][] = [];
  for await (const row of store.entries()) rows.push(row);
  return rows;
}

// Runs the import-level-cache fixture with its own TMPDIR (Jest's sandbox keeps process.env to itself).
async function importInChild(from: string, to: string, mode: string, tmp: string) {
  const file = resolve('test/fixtures/import-level-cache.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', file, from, to, mode], {
    env: { ...process.env, TMPDIR: tmp },
  });
  const { code, stdout, stderr } = await finished(child);
  if (code !== 0) throw new Error(`fixture exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as { error?: string; duringImport: string[] };
}

async function levelDb(entries: Iterable<[string, unknown]> = records): Promise<string> {
  const from = join(tempDir('level'), 'db');
  await writeLevelDb(from, entries);
  return from;
}

describe('importLevelCache', () => {
  it('imports every namespace, key and value, and counts expired and foreign records', async () => {
    const from = await levelDb();
    const to = tempDir();
    const result = await importLevelCache({ from, to, now: () => T });
    expect(result).toEqual({ read: records.length, imported: 12, expired: 2, skipped: 4 });

    const store = await LmdbStore.open({ path: to, now: () => T });
    for (const [path, rows] of expected) {
      expect({ path, rows: sorted(await entriesOf(view(store, path))) }).toEqual({
        path,
        rows: sorted(rows),
      });
    }
    // Nothing else was written anywhere (expired and foreign records included).
    expect(store.stats().entries).toBe(12);
    expect(await store.namespace('default').has('stale')).toBe(false);
    await store.close();
  });

  it('keeps every expiry exactly: an entry with x is present at x - 1 and gone at x', async () => {
    const from = await levelDb();
    const to = tempDir();
    // A clock that moves at every call: the expiry must still be x, not x plus the time the import took.
    let ticks = 0;
    await importLevelCache({ from, to, now: () => T + ticks++ });
    let clock = T;
    const store = await LmdbStore.open({ path: to, now: () => clock });
    const expiring = [
      [['default'], 'user:1', T + 60_000],
      [['default'], 'path/with/slashes', T + 1_000],
      [['default'], 'null value', T + 5_000],
      [['kanban', 'tasks'], 'task-1', T + 10_000],
    ] as const;
    for (const [path, key, x] of expiring) {
      clock = x - 1;
      expect({ key, at: 'x - 1', has: await view(store, [...path]).has(key) }).toEqual({
        key,
        at: 'x - 1',
        has: true,
      });
      clock = x;
      expect({ key, at: 'x', has: await view(store, [...path]).has(key) }).toEqual({
        key,
        at: 'x',
        has: false,
      });
    }
    clock = T + 10 * 365 * 86_400_000; // entries with no x (or x: null) never expire
    expect(await store.namespace('default').getMany(['emoji 🎉 key', 'infinite ttl'])).toEqual([42.5, 0]);
    expect(await store.get('raw key')).toBe('no namespace');
    await store.close();
  });

  it('leaves the source directory byte-for-byte unchanged', async () => {
    const from = await levelDb();
    const before = hashFiles(from);
    await importLevelCache({ from, to: tempDir(), now: () => T });
    expect(hashFiles(from)).toEqual(before);
    // The check is able to fail: LevelDB itself rewrites files when it opens a directory.
    const direct = new ClassicLevel(from, { createIfMissing: false });
    await direct.open();
    await direct.close();
    expect(hashFiles(from)).not.toEqual(before);
  });

  it('deletes its temporary copy of the source, after success and after a failure', async () => {
    const from = await levelDb();
    // tsx keeps its own cache in TMPDIR too: only the importer's copies count.
    const copies = (names: string[]) =>
      names.filter((name) => name.startsWith('nestjs-lmdb-cache-level-import-'));
    for (const mode of ['ok', 'fail']) {
      const scratch = tempDir('tmp');
      const outcome = await importInChild(from, tempDir(), mode, scratch);
      expect(copies(outcome.duringImport)).toHaveLength(1); // the copy existed while importing
      expect(outcome.error).toBe(mode === 'fail' ? 'stopped by onProgress' : undefined);
      expect(copies(readdirSync(scratch))).toEqual([]);
    }
  });

  it('reports progress after each chunk with increasing counts', async () => {
    const count = 12_000;
    const many = Array.from({ length: count }, (_, i): [string, unknown] => [
      `bulk${SEP}k${String(i).padStart(5, '0')}`,
      i % 1_000 === 0 ? { v: i, x: T - 1 } : { v: { i }, x: T + 60_000 },
    ]);
    const from = await levelDb(many);
    const to = tempDir();
    const calls: LevelImportProgress[] = [];
    const result = await importLevelCache({ from, to, now: () => T, onProgress: (p) => calls.push(p) });
    expect(result).toEqual({ read: count, imported: count - 12, expired: 12, skipped: 0 });
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < calls.length; i++) expect(calls[i].read).toBeGreaterThan(calls[i - 1].read);
    for (const p of calls) expect(p.imported + p.expired + p.skipped).toBe(p.read);
    expect(calls.at(-1)).toEqual(result);
    // Each call reports entries already in the cache: the first chunk is readable by another handle.
    const store = await LmdbStore.open({ path: to, now: () => T });
    expect(await store.namespace('bulk').get('k00001')).toEqual({ i: 1 });
    expect(store.stats().entries).toBe(count - 12);
    await store.close();
  });

  describe('fails with ERR_OPEN_FAILED naming the path', () => {
    it('for a missing source', async () => {
      const from = join(tempDir('level'), 'missing');
      await expect(importLevelCache({ from, to: tempDir() })).rejects.toMatchObject({
        name: 'LmdbCacheError',
        code: 'ERR_OPEN_FAILED',
        message: expect.stringContaining(from),
      });
    });

    it('for a directory that is not a LevelDB, and for a file', async () => {
      const plain = tempDir('level');
      writeFileSync(join(plain, 'notes.txt'), 'hello');
      const fakeCurrent = tempDir('level');
      writeFileSync(join(fakeCurrent, 'CURRENT'), 'MANIFEST-000009\n'); // passes the quick check, fails to open
      const file = join(plain, 'notes.txt');
      const cases = [
        [plain, 'is not a LevelDB directory'], // refused before anything is copied
        [fakeCurrent, 'as a LevelDB database'],
        [file, 'is not a directory'],
      ];
      for (const [from, reason] of cases) {
        const error = await importLevelCache({ from, to: tempDir() }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'ERR_OPEN_FAILED', message: expect.stringContaining(from) });
        expect((error as Error).message).toContain(reason);
      }
      expect(readdirSync(fakeCurrent)).toEqual(['CURRENT']); // still untouched
    });

    it('when classic-level cannot be loaded, telling to install it', async () => {
      const missing = Object.assign(new Error("Cannot find package 'classic-level'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
      const loading = loadClassicLevel(() => Promise.reject(missing));
      await expect(loading).rejects.toMatchObject({
        code: 'ERR_OPEN_FAILED',
        message: expect.stringContaining('install classic-level'),
        cause: missing,
      });
    });
  });

  it('refuses a target inside the source, which would write into it', async () => {
    const from = await levelDb();
    const before = hashFiles(from);
    for (const to of [from, join(from, 'cache')]) {
      await expect(importLevelCache({ from, to })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    }
    expect(hashFiles(from)).toEqual(before);
  });
});
