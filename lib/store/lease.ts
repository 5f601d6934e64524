import { randomUUID } from 'node:crypto';
import type { Database } from 'lmdb';

interface LeaseRecord {
  holder: string;
  until: number;
}

/**
 * A host-wide lease in the `meta` database: at most one holder at a time among every process and thread
 * using the path. Taken and renewed inside an lmdb transaction, so the read-check-write is atomic across
 * processes; a holder that dies stops renewing and the lease passes on once `until` is behind `now()`.
 */
export class Lease {
  /** Identifies this holder in the lease record (process id for humans, a UUID for uniqueness). */
  readonly holder = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly meta: Database<unknown, string>,
    private readonly name: string,
    private readonly durationMs: number,
    private readonly now: () => number,
  ) {}

  /** Takes the lease if it is free, expired or already ours, for `durationMs` from now. */
  async acquire(): Promise<boolean> {
    return this.meta.transaction(() => {
      const current = this.meta.get(this.name) as LeaseRecord | undefined;
      const now = this.now();
      if (current && current.holder !== this.holder && current.until > now) return false;
      void this.meta.put(this.name, { holder: this.holder, until: now + this.durationMs });
      return true;
    });
  }

  /** Gives the lease up if this holder has it, so another process can take over at once. */
  async release(): Promise<void> {
    await this.meta.transaction(() => {
      const current = this.meta.get(this.name) as LeaseRecord | undefined;
      if (current?.holder === this.holder) void this.meta.remove(this.name);
    });
  }
}
