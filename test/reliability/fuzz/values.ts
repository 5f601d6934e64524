import { runInThisContext } from 'node:vm';
import { type Hostile, type Input, type Rand, show } from './random.js';

/** Where the fuzz's injected clock starts (ms); generated dates lie near it. */
export const T0 = 1_700_000_000_000;

// Strings made of whole code points only: a lone surrogate in a stored *value* comes back as U+FFFD
// (documented), so values never hold one (keys do: keys.ts).
const CHARS = ['a', 'Z', '0', ' ', '\u0000', 'é', '😀', '/', '%', '\u241F', '\n', '"', '\\'];
const OBJECT_KEYS = ['a', 'b', 'id', 'name', 'nested', 'list', 'when', '', ' ', '😀', '0', 'constructor'];

function text(rand: Rand, max: number): string {
  let out = '';
  for (let i = rand.int(max); i > 0; i--) out += rand.pick(CHARS);
  return out;
}

// Jest runs the test in a realm of its own, where typed arrays other than Uint8Array come from other
// constructors than the ones msgpackr recognizes when encoding (it would store them as plain objects), and
// msgpackr decodes them into this realm's. An application has one realm, so values are made with the main
// realm's constructors and compared by class name and contents (test/store/values.test.ts checks typed
// arrays in a real process).
const realm = <T>(name: string) => runInThisContext(name) as T;
const Float64 = realm<Float64ArrayConstructor>('Float64Array');
const Int32 = realm<Int32ArrayConstructor>('Int32Array');
const BigInt64 = realm<BigInt64ArrayConstructor>('BigInt64Array');
const Uint16 = realm<Uint16ArrayConstructor>('Uint16Array');

function bytes(rand: Rand, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = rand.int(256);
  return out;
}

// Everything the README says round-trips (avoiding its documented quirks: -0, lone surrogates in strings,
// `__proto__` object keys), nested a few levels deep.
function validValue(rand: Rand, depth = 0): unknown {
  switch (rand.int(depth >= 3 ? 12 : 19)) {
    case 0:
      return rand.int(2_000_001) - 1_000_000;
    case 1:
      return (rand.float() - 0.5) * 10 ** rand.int(20) || 1.5;
    case 2:
      return text(rand, 30);
    case 3:
      return rand.chance(0.5);
    case 4:
      return null;
    case 5:
      return undefined;
    case 6:
      return rand.pick([NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]);
    case 7:
      return (rand.chance(0.5) ? -1n : 1n) * 3n ** BigInt(rand.int(300));
    case 8:
      return new Date(T0 + rand.int(1e9));
    case 9:
      return bytes(rand, rand.int(64));
    case 10:
      return rand.pick([
        () => new Uint8Array(bytes(rand, rand.int(20))),
        () => Float64.from({ length: rand.int(6) }, () => rand.float() * 100),
        () => Int32.from({ length: rand.int(6) }, () => rand.int(1e6) - 5e5),
        () => BigInt64.from({ length: rand.int(4) }, () => BigInt(rand.int(1e9))),
        () => Uint16.from({ length: rand.int(6) }, () => rand.int(65_536)),
      ])();
    case 11:
      return new RegExp(rand.pick(['a+b', '^x$', '[/]\\d*', '']), rand.pick(['', 'g', 'gi', 'mu']));
    case 12:
    case 13:
      return Array.from({ length: rand.int(6) }, () => validValue(rand, depth + 1));
    case 14:
    case 15: {
      const object: Record<string, unknown> = {};
      for (let i = rand.int(6); i > 0; i--) object[rand.pick(OBJECT_KEYS)] = validValue(rand, depth + 1);
      return object;
    }
    case 16:
      return new Map(
        Array.from({ length: rand.int(5) }, () => [
          rand.chance(0.5) ? text(rand, 8) : rand.int(100),
          validValue(rand, depth + 1),
        ]),
      );
    case 17:
      return new Set(
        Array.from({ length: rand.int(5) }, () => (rand.chance(0.5) ? text(rand, 8) : rand.int(100))),
      );
    default:
      return {
        id: rand.int(1_000),
        name: text(rand, 12),
        when: new Date(T0),
        list: [rand.int(9), text(rand, 4)],
      };
  }
}

const HOSTILE_VALUES: Hostile = [
  ['function', () => () => 1],
  ['nested function', () => ({ a: [1, { f() {} }] })],
  ['function in a Map', () => new Map([['f', () => 1]])],
  ['symbol', () => Symbol('v')],
  ['nested symbol', () => ({ s: [Symbol('v')] })],
  ['symbol in a Set', () => new Set([1, Symbol('v')])],
  [
    'cycle',
    () => {
      const object: Record<string, unknown> = { a: 1 };
      object.self = { back: object };
      return object;
    },
  ],
  [
    'array cycle',
    () => {
      const array: unknown[] = [1];
      array.push([array]);
      return array;
    },
  ],
  [
    'Map cycle',
    () => {
      const map = new Map<string, unknown>();
      map.set('me', map);
      return map;
    },
  ],
  [
    'getter that throws',
    () => ({
      get x(): never {
        throw new Error('boom');
      },
    }),
  ],
  [
    'nested getter that throws a non-Error',
    () => [
      1,
      {
        ok: 2,
        get bad(): never {
          throw 42;
        },
      },
    ],
  ],
];

/** A value: mostly one that round-trips, rarely a 1–2 MB one, sometimes a hostile (unserializable) one. */
export function value(rand: Rand, forKeyv = false): Input {
  if (rand.chance(0.005)) {
    // Very large values: 1–2 MB.
    const length = 1_000_000 + rand.int(1_000_000);
    const big = rand.chance(0.5)
      ? text(rand, 64).padEnd(length, 'L')
      : Buffer.alloc(length, bytes(rand, 4_096));
    return {
      value: big,
      valid: true,
      label: `large ${typeof big === 'string' ? 'string' : 'Buffer'} of ${length}`,
    };
  }
  if (rand.chance(0.88)) {
    const made = validValue(rand);
    return { value: made, valid: true, label: show(made) };
  }
  // A top-level symbol never reaches the adapter through Keyv: Keyv itself throws `Error('symbol cannot
  // be serialized')` first. Nested ones do reach it.
  const pool = forKeyv ? HOSTILE_VALUES.filter(([label]) => label !== 'symbol') : HOSTILE_VALUES;
  const [label, make] = rand.pick(pool);
  return { value: make(), valid: false, label: `value ${label}` };
}
