// What the README says the cache holds. Namespaces are identified by their segments.

/** When an entry written now runs out: a time (ms), 'remove' (TTL ≤ 0), or 'invalid' (a bad TTL). */
export type Expiry = number | 'remove' | 'invalid';

/** The engine's TTL rule: positive → now + ttl; Infinity/none → never; ≤ 0 → remove; NaN/non-number → error. */
export function expiryOf(ttlMs: unknown, defaultTtlMs: number | undefined, now: number): Expiry {
  const given = ttlMs ?? defaultTtlMs;
  if (given === undefined || given === Infinity) return Infinity;
  if (typeof given !== 'number' || Number.isNaN(given)) return 'invalid';
  if (given <= 0) return 'remove';
  return now + given;
}

/** One stored entry of the model. */
export interface Entry {
  value: unknown;
  expiresAt: number;
}

/** The in-memory model of every namespace's entries, on the injected clock. */
export class Model {
  readonly namespaces = new Map<string, { segments: string[]; entries: Map<string, Entry> }>();
  constructor(private readonly now: () => number) {}

  private space(segments: readonly string[]) {
    const id = JSON.stringify(segments);
    let space = this.namespaces.get(id);
    if (!space) this.namespaces.set(id, (space = { segments: [...segments], entries: new Map() }));
    return space.entries;
  }

  /** The live (unexpired) entry of `key`, if any. */
  live(segments: readonly string[], key: string): Entry | undefined {
    const entry = this.space(segments).get(key);
    return entry && entry.expiresAt > this.now() ? entry : undefined;
  }

  /** Stores `value` under `key` until `expiry`, or removes `key` ('remove'). */
  write(segments: readonly string[], key: string, value: unknown, expiry: number | 'remove'): void {
    if (expiry === 'remove') this.space(segments).delete(key);
    else this.space(segments).set(key, { value, expiresAt: expiry });
  }

  /** Removes `key`; whether a live entry was removed. */
  remove(segments: readonly string[], key: string): boolean {
    const existed = this.live(segments, key) !== undefined;
    this.space(segments).delete(key);
    return existed;
  }

  /** Empties one namespace. */
  clear(segments: readonly string[]): void {
    this.space(segments).clear();
  }

  /** Empties every namespace. */
  clearAll(): void {
    for (const space of this.namespaces.values()) space.entries.clear();
  }

  /** A namespace's live entries, key → value. */
  liveEntries(segments: readonly string[]): Map<string, unknown> {
    const live = new Map<string, unknown>();
    for (const [key, entry] of this.space(segments))
      if (entry.expiresAt > this.now()) live.set(key, entry.value);
    return live;
  }
}
