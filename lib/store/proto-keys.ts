import { addExtension } from 'msgpackr';

/**
 * Objects with an own `__proto__` key (as `JSON.parse('{"__proto__": …}')` makes them) round-trip as plain
 * data. msgpackr renames such a key to `__proto_` on decode (its guard against prototype pollution), so
 * these objects are written as an extension holding their entries, and rebuilt with `defineProperty`,
 * which creates an own property and never touches a prototype.
 */
class ProtoKeyed {
  constructor(readonly entries: [string, unknown][]) {}
}

// An extension type msgpackr's own types (0x42, 0x62, 0x65, 0x69, 0x70, 0x73, 0x74, 0x78, 0xff) leave free.
const EXTENSION_TYPE = 0x50;
// Deeper than this, values are left to msgpackr, which rejects cycles itself.
const MAX_DEPTH = 500;

addExtension({
  Class: ProtoKeyed,
  type: EXTENSION_TYPE,
  write: (instance: ProtoKeyed) => instance.entries,
  read: (entries: [string, unknown][]) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return object;
  },
});

/**
 * `value` itself, or, when some plain object in it has an own `__proto__` key, a copy where each such
 * object is a `ProtoKeyed`. Reads getters (which may throw: call it where encoding errors are handled).
 */
export function escapeProtoKeys(value: unknown): unknown {
  return hasProtoKey(value, 0) ? escape(value, 0) : value;
}

// Plain loops: this runs on every set, and most values have no such key.
function hasProtoKey(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasProtoKey(value[i], depth + 1)) return true;
    return false;
  }
  if (value instanceof Map || value instanceof Set) {
    for (const item of value.values()) if (hasProtoKey(item, depth + 1)) return true;
    return false;
  }
  if (!isPlainObject(value)) return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  for (const key in value) if (hasProtoKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function escape(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => escape(item, depth + 1));
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, escape(item, depth + 1)]));
  if (value instanceof Set) return new Set([...value].map((item) => escape(item, depth + 1)));
  if (!isPlainObject(value)) return value;
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => [
    key,
    escape(item, depth + 1),
  ]);
  return Object.hasOwn(value, '__proto__') ? new ProtoKeyed(entries) : Object.fromEntries(entries);
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
