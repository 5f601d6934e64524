import { Keyv, type KeyvOptions } from 'keyv';
import { KeyvLmdb, type KeyvLmdbOptions } from './keyv-lmdb.js';

/**
 * A ready `Keyv` on an LMDB cache, returned at once while the environment opens behind it: serialization
 * off (values keep their types through the engine's msgpack), namespacing by engine namespaces (no key
 * prefix; Keyv's default namespace `'keyv'` when none is given), Keyv's default TTL from `defaultTtlMs`.
 * Pass it to cache-manager's `createCache({ stores })`. Open failures reject the first operations (and are
 * emitted as Keyv `'error'` events).
 */
export function createKeyv(options: KeyvLmdbOptions | string): Keyv {
  const resolved = typeof options === 'string' ? { path: options } : options;
  return new Keyv(keyvOptionsFor(new KeyvLmdb(resolved), resolved.namespace, resolved.defaultTtlMs));
}

/** The Keyv options `createKeyv()` wraps an adapter in (shared with the conformance tests). */
export function keyvOptionsFor(store: KeyvLmdb, namespace?: string, defaultTtlMs?: number): KeyvOptions {
  return {
    store,
    // Left out when not given, so Keyv's default namespace ('keyv') applies, as with other adapters.
    ...(namespace === undefined ? {} : { namespace }),
    ttl: defaultTtlMs === Infinity ? undefined : defaultTtlMs,
    useKeyPrefix: false,
    serialize: undefined,
    deserialize: undefined,
  };
}
