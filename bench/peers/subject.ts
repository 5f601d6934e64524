/** The one interface every peer of the matrices is measured through. */
import type { Cache } from 'cache-manager';

/** TTL of every entry a peer writes that takes one, in ms (1 hour: never reached during a run). */
export const TTL_MS = 3_600_000;

/** One entry to preload. */
export interface Entry {
  key: string;
  value: unknown;
}

/** A cache under test, open on its own directory, behind the calls the timed loops make. */
export interface Subject {
  /** The value under `key`, `undefined` for a miss: a promise, or the value itself for a synchronous API. */
  get(key: string): unknown;
  /** Stores `value` under `key`, with {@link TTL_MS} where the peer takes a TTL. */
  set(key: string, value: unknown): Promise<unknown>;
  /** Untimed: writes `entries` in as few transactions as the peer allows, and waits until they are stored. */
  preload(entries: readonly Entry[]): Promise<void>;
  /** Ends a timed write repetition: resolves once the writes are durable (at once where they already are). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A peer: how to open it, and how to describe it in the notes. */
export interface Peer {
  /** Column heading. */
  name: string;
  /** Writes too slow to preload every key in reasonable time: it gets `Sizes.cappedKeys` of them. */
  preloadCap?: boolean;
  /** What it stores and how, for the notes. */
  about: string;
  /** Opens a subject in `dir` (an existing, empty directory); untimed, ready when it resolves. */
  open(dir: string): Promise<Subject>;
}

/**
 * A cache-manager 7 cache as a subject: get, set with {@link TTL_MS}, preload through `mset` (Keyv
 * `setMany`), disconnect on close; `extra` replaces what a store needs done otherwise.
 */
export function cacheSubject(
  cache: Cache,
  extra: Partial<Pick<Subject, 'preload' | 'settle' | 'close'>> = {},
): Subject {
  return {
    get: (key) => cache.get(key),
    set: (key, value) => cache.set(key, value, TTL_MS),
    preload: async (entries) => void (await cache.mset(entries.map((e) => ({ ...e, ttl: TTL_MS })))),
    settle: async () => undefined,
    close: async () => void (await cache.disconnect()),
    ...extra,
  };
}
