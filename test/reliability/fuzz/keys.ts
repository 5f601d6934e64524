import { type Hostile, type Input, type Rand, show } from './random.js';

// Any string is a key: empty, NUL, lone surrogates, separators of namespaces, keys past LMDB's key limit.
const VALID_KEYS: string[] = [
  ...Array.from({ length: 30 }, (_, i) => `k${i}`),
  '',
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u0003\u0004',
  '\uD800',
  'x\uDFFF',
  '\uFFFD',
  '\uDBFF\uDFFF',
  '😀',
  '/',
  'a/b',
  '%2F',
  '%',
  '\u241F',
  'default\u241Fk0',
  'keyv:k0',
  ':',
  ' ',
  'k0 ',
  '__proto__',
  'constructor',
  'h'.repeat(100_000),
  'é'.repeat(1_000),
  `${'p'.repeat(2_000)}a`,
  `${'p'.repeat(2_000)}b`,
  `${'y'.repeat(700)}\uD800`,
  `${'y'.repeat(700)}\uFFFD`,
];
const HOSTILE_KEYS: Hostile = [
  ['1', () => 1],
  ['0', () => 0],
  ['-0', () => -0],
  ['NaN', () => NaN],
  ['null', () => null],
  ['undefined', () => undefined],
  ['{}', () => ({})],
  ['Symbol', () => Symbol('k0')],
  ['1n', () => 1n],
  ['true', () => true],
  ['String object', () => new String('k0')],
  ['function', () => () => 'k0'],
  ['Date', () => new Date(0)],
];
// Arrays are not hostile for Keyv: get/has/delete of an array are its getMany/hasMany/deleteMany.
const HOSTILE_KEYS_NOT_FOR_KEYV: Hostile = [['[k0]', () => ['k0']]];

/** A key: mostly one of the valid (odd) strings, sometimes a hostile non-string. */
export function key(rand: Rand, forKeyv = false): Input {
  if (rand.chance(0.93)) {
    const value = rand.pick(VALID_KEYS);
    return { value, valid: true, label: show(value) };
  }
  const pool = forKeyv ? HOSTILE_KEYS : [...HOSTILE_KEYS, ...HOSTILE_KEYS_NOT_FOR_KEYV];
  const [label, make] = rand.pick(pool);
  return { value: make(), valid: false, label: `key ${label}` };
}

// TTLs the engine takes (ms): positive, tiny, huge, Infinity, 0 and negative (remove), null/undefined (default).
const VALID_TTLS: unknown[] = [
  undefined,
  null,
  Infinity,
  1,
  10,
  1_000,
  100_000,
  50_000_000,
  1e9,
  1e308,
  Number.MAX_VALUE,
  0.5,
  1e-300,
  0,
  -0,
  -1,
  -1e308,
  -Infinity,
];
const HOSTILE_TTLS: unknown[] = [NaN, '1000', '', 1n, {}, [], true, Symbol('ttl'), new Number(5)];
// Through Keyv only TTLs that cannot run out on the real clock during the test: Keyv also checks its own
// `expires` (Date.now() + ttl) on reads, while the engine uses the injected clock. 0 means "none" in Keyv.
const KEYV_TTLS: unknown[] = [undefined, 0, Infinity, 1e9, 5e9, 1e308, -1, -Infinity];

/** A TTL (ms): mostly one the engine (or Keyv) takes, sometimes a hostile one. */
export function ttl(rand: Rand, forKeyv = false): Input {
  if (rand.chance(0.9)) {
    const made = rand.pick(forKeyv ? KEYV_TTLS : VALID_TTLS);
    return { value: made, valid: true, label: `ttl ${show(made)}` };
  }
  const made = rand.pick(HOSTILE_TTLS);
  return { value: made, valid: false, label: `ttl ${show(made)}` };
}
