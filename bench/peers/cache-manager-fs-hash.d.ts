// cache-manager-fs-hash 3 ships no types (@types/cache-manager-fs-hash describes v0): what the bench uses.
declare module 'cache-manager-fs-hash' {
  /** A cache-manager v4/v5-style store keeping one JSON file per key under `path`. */
  export class DiskStore {
    /** `ttl` in ms (default: never expires); `hash` names files by md5 of the key (default true). */
    constructor(options?: { path?: string; ttl?: number; zip?: boolean; subdirs?: boolean; hash?: boolean });
  }
}
