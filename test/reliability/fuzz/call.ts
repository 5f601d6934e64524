import { show } from './random.js';

/** One call: what it does, which errors are allowed, and what a success must return (and changes). */
export interface Call {
  label: string;
  run: () => Promise<unknown>;
  /** Codes (or 'TypeError') a rejection may carry; empty: the call must succeed. */
  errors: string[];
  /** Whether success is acceptable although `errors` is non-empty (documented either-or cases). */
  mayPass?: boolean;
  /** Checks a success's result and applies it to the model; returns a problem or undefined. */
  passed: (result: unknown) => string | undefined;
}

/** A call that must fail with one of `errors` (and changes nothing if it does not). */
export function refusedCall(label: string, errors: string[], run: () => Promise<unknown>): Call {
  return { label, run, errors, passed: () => undefined };
}

/** A call that must succeed, whose success `apply`s to the model. */
export function plainCall(label: string, run: () => Promise<unknown>, apply: () => void): Call {
  return { label, run, errors: [], passed: () => void apply() };
}

/** A sweep of expired entries: it must succeed and return how many it removed. */
export function sweepCall(at: string, name: string, run: () => Promise<unknown>): Call {
  return {
    label: at,
    run,
    errors: [],
    passed: (removed) =>
      Number.isInteger(removed) && (removed as number) >= 0 ? undefined : `${name} returned ${show(removed)}`,
  };
}
