import { inspect, isDeepStrictEqual } from 'node:util';
import { LmdbCacheError } from '../../../lib/store/index.js';

/** A rejection's code: the LmdbCacheError's code, 'TypeError', or a description of anything else. */
export function codeOf(error: unknown): string {
  if (error instanceof LmdbCacheError) return error.code;
  if (error instanceof TypeError) return 'TypeError';
  return `unexpected ${inspect(error, { depth: 0 })}`;
}

// Typed arrays from another realm (see values.ts) compare by class name and contents.
function normalize(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !Buffer.isBuffer(value)) {
    return { typedArray: value.constructor.name, items: Array.from(value as unknown as ArrayLike<unknown>) };
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, normalize(v)]));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}
const detail = (value: unknown) => inspect(value, { depth: 4, maxStringLength: 60, maxArrayLength: 20 });

/** A problem if `actual` is not deeply equal to `expected`, else undefined. */
export const same = (label: string, actual: unknown, expected: unknown) =>
  isDeepStrictEqual(normalize(actual), normalize(expected))
    ? undefined
    : `${label}: got ${detail(actual)}, expected ${detail(expected)}`;
