import type { Call } from './call.js';
import { same } from './check.js';
import type { Space } from './context.js';
import { type Rand, show } from './random.js';

/** Every item of an async iterable, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Compares what entries()/iterator() yielded with the model's live entries (all of them, or `limit`). */
export function checkListing(
  label: string,
  rows: unknown[],
  expected: Map<string, unknown>,
  limit: number,
  unwrap = (stored: unknown) => stored,
): string | undefined {
  const count = Math.min(limit, expected.size);
  if (rows.length !== count) return `${label}: ${rows.length} rows, expected ${count}`;
  const seen = new Set<string>();
  for (const row of rows) {
    const [rowKey, stored] = row as [string, unknown];
    if (seen.has(rowKey)) return `${label}: key ${show(rowKey)} listed twice`;
    seen.add(rowKey);
    if (!expected.has(rowKey)) return `${label}: unexpected key ${show(rowKey)}`;
    const problem = same(`${label} ${show(rowKey)}`, unwrap(stored), expected.get(rowKey));
    if (problem) return problem;
  }
  return undefined;
}

/** The value inside what the Keyv adapter stores (`{ value, expires }`). */
export const unwrapKeyv = (stored: unknown) => (stored as { value: unknown }).value;

const LIMITS: unknown[] = [undefined, null, 0, 1, 3, 1_000, Infinity];
const BAD_LIMITS: unknown[] = [-1, 1.5, NaN, '3', -Infinity];

/** A listing limit: usually a valid one, sometimes (`bad`) one the engine refuses. */
export function pickLimit(rand: Rand): { bad: boolean; limit: unknown } {
  const bad = rand.chance(0.15);
  return { bad, limit: rand.pick(bad ? BAD_LIMITS : LIMITS) };
}

/** A listing (entries()/iterator()) whose rows must be the namespace's live entries, up to `limit`. */
export function listingCall(
  { model, segments }: Space,
  at: string,
  label: string,
  limit: unknown,
  errors: string[],
  run: () => Promise<unknown>,
): Call {
  return {
    label,
    run,
    errors,
    passed: (rows) =>
      checkListing(at, rows as unknown[], model.liveEntries(segments), (limit as number | null) ?? Infinity),
  };
}
