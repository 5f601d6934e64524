/**
 * `nestjs-lmdb-cache/keyv`: the Keyv 5 storage adapter and `createKeyv()`. Loads keyv and the engine, never
 * Nest or cache-manager.
 */
export { KeyvLmdb, type KeyvLmdbOptions, type KeyvLmdbOpts } from './keyv-lmdb.js';
export { createKeyv } from './create-keyv.js';
