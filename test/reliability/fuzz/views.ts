import type { Keyv } from 'keyv';
import { openLmdbCache, type Cache } from '../../../lib/compat/index.js';
import { createKeyv } from '../../../lib/keyv/index.js';
import { LmdbStore } from '../../../lib/store/index.js';

const LEVEL_DEFAULT_TTL = 86_400_000;

/** An engine handle (the store or a namespace of it) and the model namespace it maps to. */
export interface EngineView {
  name: string;
  segments: string[];
  store: LmdbStore;
  defaultTtlMs?: number;
}

/** A level-cache handle, its namespace path ('a/b') and its default TTL. */
export interface LevelView {
  name: string;
  path: string;
  cache: Cache;
  defaultTtlMs: number;
}

/** A Keyv instance over the adapter and the model namespace it maps to. */
export interface KeyvView {
  name: string;
  segments: string[];
  keyv: Keyv;
}

/** The model segments of a level-cache namespace path. */
export const levelSegments = (path: string) => (path === '' ? [] : path.split('/'));

/** Every handle the fuzz calls, all on one database at `path`, sharing some namespaces across APIs. */
export async function openViews(path: string, now: () => number, warnings: string[]) {
  const root = await LmdbStore.open({ path, now, logger: { warn: (message) => warnings.push(message) } });
  const withDefault = await LmdbStore.open({ path, now, namespace: 'd', defaultTtlMs: 5_000 });
  const engine: EngineView[] = [
    { name: 'root', segments: [], store: root },
    { name: "ns('a')", segments: ['a'], store: root.namespace('a') },
    { name: "ns('a/b')", segments: ['a/b'], store: root.namespace('a/b') },
    { name: "ns('a').ns('b')", segments: ['a', 'b'], store: root.namespace('a').namespace('b') },
    { name: "ns('')", segments: [''], store: root.namespace('') },
    { name: "ns('default')", segments: ['default'], store: root.namespace('default') },
    { name: 'ns(odd)', segments: ['😀\u0000%2F\u241F'], store: root.namespace('😀\u0000%2F\u241F') },
    { name: 'd (defaultTtlMs 5 s)', segments: ['d'], store: withDefault, defaultTtlMs: 5_000 },
  ];
  // level-cache views share namespaces with the engine views above: 'default', a → b, and the root.
  const level = await openLmdbCache({ path, now });
  const levels: LevelView[] = [
    { name: 'level default', path: 'default', cache: level, defaultTtlMs: LEVEL_DEFAULT_TTL },
    {
      name: 'level a/b',
      path: 'a/b',
      cache: await openLmdbCache({ path, now, namespace: 'a/b', defaultTtlMs: Infinity }),
      defaultTtlMs: Infinity,
    },
    {
      name: "level ''",
      path: '',
      cache: await openLmdbCache({ path, now, namespace: '', defaultTtlMs: 1_000 }),
      defaultTtlMs: 1_000,
    },
  ];
  const keyvs: KeyvView[] = [
    { name: "keyv 'kv'", segments: ['kv'], keyv: createKeyv({ path, now, namespace: 'kv' }) },
    { name: 'keyv default', segments: ['keyv'], keyv: createKeyv({ path, now }) },
  ];
  for (const { keyv } of keyvs) keyv.throwOnErrors = true;
  return { root, withDefault, level, engine, levels, keyvs };
}

/** The handles `openViews` made. */
export type Views = Awaited<ReturnType<typeof openViews>>;

/** Closes the handles `openViews` opened (not the withNamespace views added to `levels` later). */
export async function closeViews({ root, withDefault, level, levels, keyvs }: Views): Promise<void> {
  for (const { keyv } of keyvs) await keyv.disconnect();
  await level.close();
  for (const view of levels.slice(1, 3)) await view.cache.close();
  await withDefault.close();
  await root.close();
}
