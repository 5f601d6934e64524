import { describe, expect, it } from '@jest/globals';
import { finished, type ChildResult } from './helpers/child.js';
import { spawn } from 'node:child_process';

// Runs the built package (dist/, through package.json "exports") in a plain Node process.
async function packagesLoadedBy(specifier: string): Promise<string[]> {
  const child = spawn(process.execPath, ['test/fixtures/loaded-packages.mjs', specifier]);
  const result: ChildResult = await finished(child);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as string[];
}

describe('package exports', () => {
  it('loads lmdb but never @nestjs/*, keyv or cache-manager through nestjs-lmdb-cache/store', async () => {
    const loaded = await packagesLoadedBy('nestjs-lmdb-cache/store');
    expect(loaded).toContain('nestjs-lmdb-cache/store');
    expect(loaded).toContain('lmdb');
    expect(loaded.filter((name) => /^(@nestjs\/|keyv|@keyv\/|cache-manager)/.test(name))).toEqual([]);
  });

  it('loads keyv but never @nestjs/* or cache-manager through nestjs-lmdb-cache/keyv', async () => {
    const loaded = await packagesLoadedBy('nestjs-lmdb-cache/keyv');
    expect(loaded).toContain('keyv');
    expect(loaded.filter((name) => /^(@nestjs\/|cache-manager)/.test(name))).toEqual([]);
  });

  it('loads neither Nest, Keyv, cache-manager nor classic-level (until an import runs) through /compat', async () => {
    const loaded = await packagesLoadedBy('nestjs-lmdb-cache/compat');
    expect(loaded).toContain('lmdb');
    expect(
      loaded.filter((name) => /^(@nestjs\/|keyv|@keyv\/|cache-manager|classic-level)/.test(name)),
    ).toEqual([]);
  });

  it('exposes LmdbStore and LmdbCacheError from the root and the store subpath', async () => {
    const root = await import('nestjs-lmdb-cache');
    const store = await import('nestjs-lmdb-cache/store');
    expect(root.LmdbStore).toBe(store.LmdbStore);
    expect(typeof store.LmdbCacheError).toBe('function');
    const keyv = await import('nestjs-lmdb-cache/keyv');
    expect(root.createKeyv).toBe(keyv.createKeyv);
    expect(root.KeyvLmdb).toBe(keyv.KeyvLmdb);
    const compat = await import('nestjs-lmdb-cache/compat');
    expect(root.openLevelCache).toBe(compat.openLmdbCache);
    expect(typeof compat.importLevelCache).toBe('function');
    const nest = await import('nestjs-lmdb-cache/nest');
    expect(root.LmdbCacheModule).toBe(nest.LmdbCacheModule);
    expect(typeof nest.InjectLmdbStore).toBe('function');
    expect(typeof nest.LmdbCacheHealthIndicator).toBe('function');
  });

  it('never loads @nestjs/terminus, an optional peer, through nestjs-lmdb-cache/nest', async () => {
    const loaded = await packagesLoadedBy('nestjs-lmdb-cache/nest');
    expect(loaded).toContain('@nestjs/common');
    expect(loaded).toContain('@nestjs/cache-manager');
    expect(loaded).not.toContain('@nestjs/terminus');
  });
});
