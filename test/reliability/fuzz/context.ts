import { key, ttl } from './keys.js';
import { type Expiry, Model, expiryOf } from './model.js';
import { type Input, Rand } from './random.js';
import { value } from './values.js';

/** The model namespace one call works on. */
export interface Space {
  model: Model;
  segments: readonly string[];
}

/** What every call generator draws on: the seeded random source, the model and the injected clock. */
export class Fuzz {
  readonly rand: Rand;
  readonly model: Model;
  constructor(
    seed: number,
    readonly now: () => number,
  ) {
    this.rand = new Rand(seed);
    this.model = new Model(now);
  }

  /** The model namespace of `segments`. */
  space(segments: readonly string[]): Space {
    return { model: this.model, segments };
  }

  /** A view to call, which method (by the table's weights), and the `view.method` label. */
  pick<V extends { name: string }>(views: readonly V[], table: readonly (readonly [number, string])[]) {
    const view = this.rand.pick(views);
    const kind = this.rand.weighted(table);
    return { view, kind, at: `${view.name}.${kind}` };
  }

  /** A random key (keys.ts). */
  key(forKeyv = false): Input {
    return key(this.rand, forKeyv);
  }

  /** A random key, value and TTL, drawn in that order. */
  write(forKeyv = false): { k: Input; v: Input; t: Input } {
    const k = key(this.rand, forKeyv);
    return { k, ...this.valueAndTtl(forKeyv) };
  }

  /** A random value and TTL, drawn in that order. */
  valueAndTtl(forKeyv = false): { v: Input; t: Input } {
    const v = value(this.rand, forKeyv);
    return { v, t: ttl(this.rand, forKeyv) };
  }

  /** When an entry written now with `ttlMs` (or the default) runs out. */
  expiry(ttlMs: unknown, defaultTtlMs?: number): Expiry {
    return expiryOf(ttlMs, defaultTtlMs, this.now());
  }
}
