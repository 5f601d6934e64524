/**
 * level-cache's on-disk record format, decoded for the importer. level-cache (`@promethean-os/level-cache`)
 * stores each entry in LevelDB under `${namespace}\u241F${key}` with the JSON envelope `{ v, x? }`, where
 * `x` is the absolute expiry in epoch milliseconds.
 */

import type { LmdbStore } from '../store/lmdb-store.js';

/** The separator level-cache puts between namespace and key (U+241F SYMBOL FOR UNIT SEPARATOR). */
export const LEVEL_SEPARATOR = '\u241F';

/** Where a level-cache record goes: the namespace path (segments, `[]` for the root) and the key. */
export interface LevelKey {
  namespace: string[];
  key: string;
}

/** A decoded level-cache envelope: the value, and the expiry in epoch ms (`undefined`: never expires). */
export interface LevelEnvelope {
  value: unknown;
  expiresAt: number | undefined;
}

/** The segments of a level-cache namespace string: `/` nests, `''` is no namespace (`[]`). */
export function levelSegments(namespace: string): string[] {
  return namespace === '' ? [] : namespace.split('/');
}

/**
 * The engine view of a level-cache namespace path: one nested engine namespace per segment, so no
 * level-cache name can collide with another or with a key.
 * @throws LmdbCacheError `ERR_INVALID_NAMESPACE` for a path the engine refuses (longer than 1 KB).
 */
export function levelView(root: LmdbStore, segments: readonly string[]): LmdbStore {
  return segments.reduce((view, segment) => view.namespace(segment), root);
}

/**
 * Splits a stored key at its FIRST separator: before it the namespace (nested with `/`, so `'kanban/tasks'`
 * gives `['kanban', 'tasks']`), after it the key, which may itself hold the separator, `/` or anything.
 * A key with no separator was written by a view with no namespace and goes to the root. So does a key that
 * starts with the separator: level-cache never writes an empty namespace before one (an empty namespace
 * turns namespacing off), so only a raw view storing such a key can have produced it.
 */
export function splitLevelKey(storedKey: string): LevelKey {
  const at = storedKey.indexOf(LEVEL_SEPARATOR);
  if (at <= 0) return { namespace: [], key: storedKey };
  return {
    namespace: levelSegments(storedKey.slice(0, at)),
    key: storedKey.slice(at + LEVEL_SEPARATOR.length),
  };
}

/**
 * Parses one stored value. Returns `undefined` for anything that is not a level-cache envelope: invalid
 * JSON, or not an object with an own `v` (level-cache stores `{ x }` alone for an `undefined` value, which
 * it reads back as a miss). `x` expires the entry only when it is a number, as level-cache decides; a
 * missing or `null` `x` (JSON's spelling of an `Infinity` TTL) never expires.
 */
export function parseLevelEnvelope(raw: string): LevelEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.hasOwn(parsed, 'v')) {
    return undefined;
  }
  const { v, x } = parsed as { v: unknown; x?: unknown };
  return { value: v, expiresAt: typeof x === 'number' && Number.isFinite(x) ? x : undefined };
}
