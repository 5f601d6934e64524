import { inspect } from 'node:util';
import { seededRandom } from '../../helpers/zipf.js';

/** The seeded random source every generator draws from, so a seed replays the same trace. */
export class Rand {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }
  /** An integer in [0, below). */
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** One of the table's items, with the odds of its weight. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    let roll = this.next() * table.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, item] of table) if ((roll -= weight) < 0) return item;
    return table[table.length - 1][1];
  }
}

/** A generated key, value or TTL, whether the engine must accept it, and how a trace shows it. */
export interface Input<T = unknown> {
  value: T;
  valid: boolean;
  label: string;
}

/** A short, one-line rendering of a value for call labels. */
export const show = (value: unknown) =>
  typeof value === 'string' && value.length > 40
    ? `<string of ${value.length}>`
    : inspect(value, { depth: 1, maxStringLength: 40, breakLength: Infinity });

/** A fixed list of `[label, make]` hostile inputs (made fresh on each use). */
export type Hostile = [string, () => unknown][];
