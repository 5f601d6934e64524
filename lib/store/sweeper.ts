import type { ExpiryIndex } from './expiry-index.js';
import type { Lease } from './lease.js';
import type { LmdbStoreLogger } from './options.js';

/**
 * Runs `ExpiryIndex.sweep()` every `intervalMs` on an unref'ed timer, in at most one process per host at a
 * time: each tick first takes (or renews) the `sweeper` lease, so when its holder dies another process takes
 * over once the lease has expired.
 */
export class Sweeper {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(
    private readonly index: ExpiryIndex,
    private readonly lease: Lease,
    intervalMs: number,
    private readonly logger: LmdbStoreLogger,
    private readonly onError: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer, waits for a sweep in progress and gives the lease up. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.lease.release().catch(this.onError);
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sweepIfHolder()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
  }

  private async sweepIfHolder(): Promise<void> {
    if (!(await this.lease.acquire())) {
      this.logger.debug?.(`sweeper ${this.lease.holder} skipped: another process holds the lease`);
      return;
    }
    const removed = await this.index.sweep();
    this.logger.debug?.(`sweeper ${this.lease.holder} removed ${removed} expired entries`);
  }
}
