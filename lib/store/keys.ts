import { createHash } from 'node:crypto';
import { LmdbCacheError, describeKey } from './errors.js';

/**
 * A key in the `entries` database: lmdb ordered-binary `[namespace, key]`, or for keys too long for LMDB
 * (or not well-formed UTF-16) `[namespace, prefix, sha256]`, whose full key lives in the envelope.
 * Arrays of different lengths never compare equal, so a hashed key can never meet a plain one.
 */
export type DbKey = [namespace: string, key: string] | [namespace: string, prefix: string, digest: string];

/** The root namespace: the view `LmdbStore.open()` returns without a `namespace` option. */
export const ROOT_NAMESPACE = '';

// LMDB's key limit is 1978 bytes; the expiry index adds a float and separators (~12 bytes) in front.
const MAX_ENCODED_BYTES = 1900;
// Below this many UTF-16 units a key cannot reach the limit even at 3 bytes per unit plus escapes.
const SURELY_SHORT = 600;
const PREFIX_UNITS = 200;
// A hashed key is namespace + prefix (<= 600 bytes) + digest; capping namespaces keeps it under the limit.
const MAX_NAMESPACE_BYTES = 1024;

/**
 * The namespace string of `name` nested under `parent`. Every segment is prefixed with `/` and has `%` and
 * `/` percent-escaped, so `a/b`, `a` then `b`, and `''` are three different namespaces, and the root
 * namespace (`''`) differs from a namespace named `''` (`'/'`).
 * @throws LmdbCacheError `ERR_INVALID_NAMESPACE` when `name` is not a well-formed string, or the nested
 *   namespace path would take more than 1 KB.
 */
export function childNamespace(parent: string, name: unknown): string {
  if (typeof name !== 'string' || !name.isWellFormed()) {
    throw new LmdbCacheError(
      'ERR_INVALID_NAMESPACE',
      `a namespace must be a well-formed string, got ${describeKey(name)}`,
    );
  }
  const namespace = `${parent}/${name.replaceAll('%', '%25').replaceAll('/', '%2F')}`;
  if (encodedBytes(namespace) > MAX_NAMESPACE_BYTES) {
    throw new LmdbCacheError('ERR_INVALID_NAMESPACE', `namespace ${describeKey(name)} is longer than 1 KB`);
  }
  return namespace;
}

/** The segments of a namespace string, for display (`'/a/b%2Fc'` → `['a', 'b/c']`). */
export function namespaceSegments(namespace: string): string[] {
  if (namespace === ROOT_NAMESPACE) return [];
  return namespace
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('%2F', '/').replaceAll('%25', '%'));
}

/**
 * Checks a user key. Only strings are keys: accepting numbers too would make `1` and `'1'` two different
 * entries, which no caller of a string-keyed cache expects.
 * @throws LmdbCacheError `ERR_INVALID_KEY` for anything that is not a string.
 */
export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new LmdbCacheError('ERR_INVALID_KEY', `cache keys must be strings, got ${describeKey(key)}`);
  }
}

/** The `entries` key of `key` in `namespace` (see {@link DbKey}). */
export function toDbKey(namespace: string, key: string): DbKey {
  if (namespace.length + key.length < SURELY_SHORT) {
    return key.isWellFormed() ? [namespace, key] : hashedKey(namespace, key);
  }
  if (!key.isWellFormed() || encodedBytes(namespace) + encodedBytes(key) > MAX_ENCODED_BYTES) {
    return hashedKey(namespace, key);
  }
  return [namespace, key];
}

/** Whether `dbKey` is the hashed form, whose full key is kept in the envelope. */
export function isHashed(dbKey: DbKey): boolean {
  return dbKey.length === 3;
}

/** The key of the in-process overlay of pending writes: unique per (namespace, key), never stored. */
export function pendingKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}

/** The `[start, end)` range of `entries` keys holding exactly one namespace (not its children). */
export function namespaceRange(namespace: string): { start: [string]; end: [string] } {
  // Inside an ordered-binary array, elements are separated by a 0 byte and a 0 inside a string is escaped
  // to two bytes starting with 4, so every `[namespace, …]` key sorts before `[namespace + '\0']`.
  return { start: [namespace], end: [`${namespace}\u0000`] };
}

/** The range of `entries` keys holding a namespace and every namespace nested in it (whole cache for root). */
export function subtreeRange(namespace: string): { start?: [string]; end?: [string] } {
  // Nested namespaces extend the string with '/'; '0' is the character after '/', so the range ends there.
  // Siblings such as '/a!' fall inside it and are filtered out by the caller.
  return namespace === ROOT_NAMESPACE ? {} : { start: [namespace], end: [`${namespace}0`] };
}

function hashedKey(namespace: string, key: string): DbKey {
  // Hash the UTF-16 code units: UTF-8 would merge lone surrogates with U+FFFD.
  const digest = createHash('sha256').update(Buffer.from(key, 'utf16le')).digest('base64url');
  return [namespace, key.slice(0, PREFIX_UNITS).toWellFormed(), digest];
}

function encodedBytes(text: string): number {
  // ordered-binary writes UTF-8 and escapes the bytes 0–4 as two bytes each.
  let escapes = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) <= 4) escapes++;
  return Buffer.byteLength(text, 'utf8') + escapes + 1;
}
