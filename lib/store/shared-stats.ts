import type { Database } from 'lmdb';
import { emptyCounters, type Counters } from './stats.js';

const TOTALS_KEY = 'stats';

/**
 * Counters summed over every process that has used the path: each process adds what it counted since its
 * last flush to the totals in `meta`, inside an lmdb transaction (atomic across processes), periodically
 * and on close.
 */
export class SharedStats {
  private flushed: Counters = emptyCounters();

  constructor(
    private readonly meta: Database<unknown, string>,
    private readonly counters: Counters,
  ) {}

  /** Adds this process's counts since the last flush to the shared totals. */
  async flush(): Promise<void> {
    const delta = subtract(this.counters, this.flushed);
    if (Object.values(delta).every((n) => n === 0)) return;
    this.flushed = { ...this.counters };
    await this.meta.transaction(() => {
      void this.meta.put(TOTALS_KEY, add(this.totals(), delta));
    });
  }

  /** Shared totals plus what this process has not flushed yet. */
  aggregate(): Counters {
    return add(this.totals(), subtract(this.counters, this.flushed));
  }

  private totals(): Counters {
    return { ...emptyCounters(), ...(this.meta.get(TOTALS_KEY) as Counters | undefined) };
  }
}

function add(a: Counters, b: Counters): Counters {
  const sum = emptyCounters();
  for (const name of Object.keys(sum) as (keyof Counters)[]) sum[name] = a[name] + b[name];
  return sum;
}

function subtract(a: Counters, b: Counters): Counters {
  const difference = emptyCounters();
  for (const name of Object.keys(difference) as (keyof Counters)[]) difference[name] = a[name] - b[name];
  return difference;
}
