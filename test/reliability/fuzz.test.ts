import { afterAll, describe, expect, it } from '@jest/globals';
import { isDeepStrictEqual, inspect } from 'node:util';
import { runInThisContext } from 'node:vm';
import type { Keyv } from 'keyv';
import { openLmdbCache, type Cache } from '../../lib/compat/index.js';
import { createKeyv } from '../../lib/keyv/index.js';
import { LmdbCacheError, LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { seededRandom } from '../helpers/zipf.js';

afterAll(removeTempDirs);

// FUZZ_OPS=200000 for a longer run; FUZZ_SEED replays another trace (a failure message names its seed).
const OPS = Number(process.env.FUZZ_OPS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const T0 = 1_700_000_000_000;
const LEVEL_DEFAULT_TTL = 86_400_000;
// A call that has not settled after this long is a hang.
const HANG_MS = 20_000;

// ---------------------------------------------------------------------------------------------------------
// Randomness

class Rand {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    let roll = this.next() * table.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, item] of table) if ((roll -= weight) < 0) return item;
    return table[table.length - 1][1];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Inputs: keys, values, TTLs. Each generated input says whether the engine must accept it.

interface Input<T = unknown> {
  value: T;
  valid: boolean;
  label: string;
}

const show = (value: unknown) =>
  typeof value === 'string' && value.length > 40
    ? `<string of ${value.length}>`
    : inspect(value, { depth: 1, maxStringLength: 40, breakLength: Infinity });

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
const HOSTILE_KEYS: [string, () => unknown][] = [
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
const HOSTILE_KEYS_NOT_FOR_KEYV: [string, () => unknown][] = [['[k0]', () => ['k0']]];

function key(rand: Rand, forKeyv = false): Input {
  if (rand.chance(0.93)) {
    const value = rand.pick(VALID_KEYS);
    return { value, valid: true, label: show(value) };
  }
  const pool = forKeyv ? HOSTILE_KEYS : [...HOSTILE_KEYS, ...HOSTILE_KEYS_NOT_FOR_KEYV];
  const [label, make] = rand.pick(pool);
  return { value: make(), valid: false, label: `key ${label}` };
}

// Strings made of whole code points only: a lone surrogate in a stored *value* comes back as U+FFFD
// (documented), so values never hold one (keys do, above).
const CHARS = ['a', 'Z', '0', ' ', '\u0000', 'é', '😀', '/', '%', '\u241F', '\n', '"', '\\'];
const OBJECT_KEYS = ['a', 'b', 'id', 'name', 'nested', 'list', 'when', '', ' ', '😀', '0', 'constructor'];

function text(rand: Rand, max: number): string {
  let out = '';
  for (let i = rand.int(max); i > 0; i--) out += rand.pick(CHARS);
  return out;
}

// Jest runs this file in a realm of its own, where typed arrays other than Uint8Array come from other
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

const HOSTILE_VALUES: [string, () => unknown][] = [
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

function value(rand: Rand, forKeyv = false): Input {
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

function ttl(rand: Rand, forKeyv = false): Input {
  if (rand.chance(0.9)) {
    const made = rand.pick(forKeyv ? KEYV_TTLS : VALID_TTLS);
    return { value: made, valid: true, label: `ttl ${show(made)}` };
  }
  const made = rand.pick(HOSTILE_TTLS);
  return { value: made, valid: false, label: `ttl ${show(made)}` };
}

// ---------------------------------------------------------------------------------------------------------
// The model: what the README says the cache holds. Namespaces are identified by their segments.

type Expiry = number | 'remove' | 'invalid';

/** The engine's TTL rule: positive → now + ttl; Infinity/none → never; ≤ 0 → remove; NaN/non-number → error. */
function expiryOf(ttlMs: unknown, defaultTtlMs: number | undefined, now: number): Expiry {
  const given = ttlMs ?? defaultTtlMs;
  if (given === undefined || given === Infinity) return Infinity;
  if (typeof given !== 'number' || Number.isNaN(given)) return 'invalid';
  if (given <= 0) return 'remove';
  return now + given;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

class Model {
  readonly namespaces = new Map<string, { segments: string[]; entries: Map<string, Entry> }>();
  constructor(private readonly now: () => number) {}

  private space(segments: readonly string[]) {
    const id = JSON.stringify(segments);
    let space = this.namespaces.get(id);
    if (!space) this.namespaces.set(id, (space = { segments: [...segments], entries: new Map() }));
    return space.entries;
  }

  live(segments: readonly string[], key: string): Entry | undefined {
    const entry = this.space(segments).get(key);
    return entry && entry.expiresAt > this.now() ? entry : undefined;
  }

  write(segments: readonly string[], key: string, value: unknown, expiry: number | 'remove'): void {
    if (expiry === 'remove') this.space(segments).delete(key);
    else this.space(segments).set(key, { value, expiresAt: expiry });
  }

  /** Removes `key`; whether a live entry was removed. */
  remove(segments: readonly string[], key: string): boolean {
    const existed = this.live(segments, key) !== undefined;
    this.space(segments).delete(key);
    return existed;
  }

  clear(segments: readonly string[]): void {
    this.space(segments).clear();
  }

  clearAll(): void {
    for (const space of this.namespaces.values()) space.entries.clear();
  }

  liveEntries(segments: readonly string[]): Map<string, unknown> {
    const live = new Map<string, unknown>();
    for (const [key, entry] of this.space(segments))
      if (entry.expiresAt > this.now()) live.set(key, entry.value);
    return live;
  }
}

// ---------------------------------------------------------------------------------------------------------
// One call: what it does, which errors are allowed, and what a success must return (and changes).

interface Call {
  label: string;
  run: () => Promise<unknown>;
  /** Codes (or 'TypeError') a rejection may carry; empty: the call must succeed. */
  errors: string[];
  /** Whether success is acceptable although `errors` is non-empty (documented either-or cases). */
  mayPass?: boolean;
  /** Checks a success's result and applies it to the model; returns a problem or undefined. */
  passed: (result: unknown) => string | undefined;
}

function codeOf(error: unknown): string {
  if (error instanceof LmdbCacheError) return error.code;
  if (error instanceof TypeError) return 'TypeError';
  return `unexpected ${inspect(error, { depth: 0 })}`;
}

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
const same = (label: string, actual: unknown, expected: unknown) =>
  isDeepStrictEqual(normalize(actual), normalize(expected))
    ? undefined
    : `${label}: got ${detail(actual)}, expected ${detail(expected)}`;

/** A write's problems: which codes it may fail with, and whether it may also succeed (by removing). */
function writeProblems(
  keyInput: Input,
  valueInput: Input,
  expiry: Expiry,
): { errors: string[]; mayPass: boolean } {
  const errors: string[] = [];
  if (!keyInput.valid) errors.push('ERR_INVALID_KEY');
  if (expiry === 'invalid') errors.push('ERR_INVALID_TTL');
  if (!valueInput.valid) errors.push('ERR_VALUE_NOT_SERIALIZABLE');
  // A TTL <= 0 removes the key whatever the value: the engine may reject the value or just remove.
  const mayPass = keyInput.valid && expiry === 'remove' && errors.length === 1;
  return { errors, mayPass };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Compares what entries()/iterator() yielded with the model's live entries (all of them, or `limit`). */
function checkListing(
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

const unwrapKeyv = (stored: unknown) => (stored as { value: unknown }).value;

// ---------------------------------------------------------------------------------------------------------

interface EngineView {
  name: string;
  segments: string[];
  store: LmdbStore;
  defaultTtlMs?: number;
}
interface LevelView {
  name: string;
  path: string;
  cache: Cache;
  defaultTtlMs: number;
}
interface KeyvView {
  name: string;
  segments: string[];
  keyv: Keyv;
}

const levelSegments = (path: string) => (path === '' ? [] : path.split('/'));
const LIMITS: unknown[] = [undefined, null, 0, 1, 3, 1_000, Infinity];
const BAD_LIMITS: unknown[] = [-1, 1.5, NaN, '3', -Infinity];

describe('seeded fuzz of the engine, the Keyv adapter and the level-cache API', () => {
  it(
    `${OPS} random calls, valid and hostile: only LmdbCacheError/TypeError, and the store matches a model`,
    async () => {
      const path = tempDir('fuzz');
      let clock = T0;
      const now = () => clock;
      const warnings: string[] = [];
      const rand = new Rand(SEED);
      const model = new Model(now);

      const root = await LmdbStore.open({ path, now, logger: { warn: (message) => warnings.push(message) } });
      const withDefault = await LmdbStore.open({ path, now, namespace: 'd', defaultTtlMs: 5_000 });
      const engineViews: EngineView[] = [
        { name: 'root', segments: [], store: root },
        { name: "ns('a')", segments: ['a'], store: root.namespace('a') },
        { name: "ns('a/b')", segments: ['a/b'], store: root.namespace('a/b') },
        { name: "ns('a').ns('b')", segments: ['a', 'b'], store: root.namespace('a').namespace('b') },
        { name: "ns('')", segments: [''], store: root.namespace('') },
        { name: "ns('default')", segments: ['default'], store: root.namespace('default') },
        { name: 'ns(odd)', segments: ['😀\u0000%2F\u241F'], store: root.namespace('😀\u0000%2F\u241F') },
        { name: 'd (defaultTtlMs 5 s)', segments: ['d'], store: withDefault, defaultTtlMs: 5_000 },
      ];
      // level-cache views share namespaces with the engine views above: 'default', a → b, and the root.
      const level = await openLmdbCache({ path, now });
      const levelViews: LevelView[] = [
        { name: 'level default', path: 'default', cache: level, defaultTtlMs: LEVEL_DEFAULT_TTL },
        {
          name: 'level a/b',
          path: 'a/b',
          cache: await openLmdbCache({ path, now, namespace: 'a/b', defaultTtlMs: Infinity }),
          defaultTtlMs: Infinity,
        },
        {
          name: "level ''",
          path: '',
          cache: await openLmdbCache({ path, now, namespace: '', defaultTtlMs: 1_000 }),
          defaultTtlMs: 1_000,
        },
      ];
      const keyvViews: KeyvView[] = [
        { name: "keyv 'kv'", segments: ['kv'], keyv: createKeyv({ path, now, namespace: 'kv' }) },
        { name: 'keyv default', segments: ['keyv'], keyv: createKeyv({ path, now }) },
      ];
      for (const { keyv } of keyvViews) keyv.throwOnErrors = true;

      // ----- engine calls
      const engineCall = (view: EngineView): Call => {
        const { store, segments, defaultTtlMs } = view;
        const kind = rand.weighted<string>([
          [18, 'set'],
          [10, 'get'],
          [5, 'has'],
          [6, 'delete'],
          [4, 'getMany'],
          [4, 'setMany'],
          [3, 'deleteMany'],
          [4, 'batch'],
          [3, 'expiresAt'],
          [2, 'entries'],
          [0.4, 'clear'],
          [0.02, 'clearAll'],
          [1, 'sweep'],
          [1, 'namespace'],
          [0.3, 'notArray'],
        ]);
        const at = `${view.name}.${kind}`;
        if (kind === 'set') {
          const k = key(rand);
          const v = value(rand);
          const t = ttl(rand);
          const expiry = expiryOf(t.value, defaultTtlMs, clock);
          return {
            label: `${at}(${k.label}, ${v.label}, ${t.label})`,
            run: () => store.set(k.value as string, v.value, t.value as number),
            ...writeProblems(k, v, expiry),
            passed: (result) => {
              model.write(segments, k.value as string, v.value, expiry as number | 'remove');
              return same('result', result, undefined);
            },
          };
        }
        if (kind === 'get' || kind === 'has' || kind === 'delete' || kind === 'expiresAt') {
          const k = key(rand);
          return {
            label: `${at}(${k.label})`,
            run: () => store[kind](k.value as string),
            errors: k.valid ? [] : ['ERR_INVALID_KEY'],
            passed: (result) => {
              const entry = model.live(segments, k.value as string);
              if (kind === 'get') return same('get', result, entry?.value);
              if (kind === 'has') return same('has', result, entry !== undefined);
              if (kind === 'expiresAt') return same('expiresAt', result, entry?.expiresAt);
              return same('delete', result, model.remove(segments, k.value as string));
            },
          };
        }
        if (kind === 'getMany' || kind === 'deleteMany') {
          const keys = Array.from({ length: rand.int(6) }, () => key(rand));
          return {
            label: `${at}([${keys.map((k) => k.label).join(', ')}])`,
            run: () => store[kind](keys.map((k) => k.value as string)),
            errors: keys.every((k) => k.valid) ? [] : ['ERR_INVALID_KEY'],
            passed: (result) => {
              if (kind === 'getMany') {
                return same(
                  'getMany',
                  result,
                  keys.map((k) => model.live(segments, k.value as string)?.value),
                );
              }
              let removed = 0;
              for (const k of keys) if (model.remove(segments, k.value as string)) removed++;
              return same('deleteMany', result, removed);
            },
          };
        }
        if (kind === 'setMany' || kind === 'batch') {
          const errors = new Set<string>();
          let mayPass = true;
          const writes: { key: string; value: unknown; expiry: number | 'remove' }[] = [];
          const operations = Array.from(
            { length: rand.int(6) },
            (): { operation: unknown; label: string } => {
              if (rand.chance(0.03)) {
                const [label, operation, code] = rand.pick<[string, unknown, string]>([
                  ['null', null, 'ERR_INVALID_KEY'],
                  ["'put'", 'put', 'ERR_INVALID_KEY'],
                  ...(kind === 'batch'
                    ? ([["{ type: 'upsert' }", { type: 'upsert', key: 'k1', value: 1 }, 'TypeError']] as [
                        string,
                        unknown,
                        string,
                      ][])
                    : []),
                ]);
                errors.add(code);
                mayPass = false;
                return { operation, label };
              }
              const k = key(rand);
              if (kind === 'batch' && rand.chance(0.25)) {
                if (!k.valid) {
                  errors.add('ERR_INVALID_KEY');
                  mayPass = false;
                }
                writes.push({ key: k.value as string, value: undefined, expiry: 'remove' });
                return { operation: { type: 'del', key: k.value }, label: `del ${k.label}` };
              }
              const v = value(rand);
              const t = ttl(rand);
              const expiry = expiryOf(t.value, defaultTtlMs, clock);
              const problems = writeProblems(k, v, expiry);
              problems.errors.forEach((code) => errors.add(code));
              if (problems.errors.length > 0 && !problems.mayPass) mayPass = false;
              writes.push({ key: k.value as string, value: v.value, expiry: expiry as number | 'remove' });
              const operation =
                kind === 'batch'
                  ? { type: 'put', key: k.value, value: v.value, ttlMs: t.value }
                  : { key: k.value, value: v.value, ttlMs: t.value };
              return { operation, label: `put ${k.label} ${v.label} ${t.label}` };
            },
          );
          return {
            label: `${at}([${operations.map((o) => o.label).join('; ')}])`,
            run: () =>
              kind === 'batch'
                ? store.batch(operations.map((o) => o.operation) as never)
                : store.setMany(operations.map((o) => o.operation) as never),
            errors: [...errors],
            mayPass: errors.size > 0 && mayPass,
            passed: (result) => {
              for (const write of writes) model.write(segments, write.key, write.value, write.expiry);
              return same('result', result, undefined);
            },
          };
        }
        if (kind === 'entries') {
          const bad = rand.chance(0.15);
          const limit = rand.pick(bad ? BAD_LIMITS : LIMITS);
          const options = bad && rand.chance(0.2) ? null : { limit };
          return {
            label: `${at}(${show(options)})`,
            run: () => collect(store.entries(options as never)),
            errors: bad ? (options === null ? ['TypeError'] : ['ERR_INVALID_OPTION']) : [],
            passed: (rows) =>
              checkListing(
                at,
                rows as unknown[],
                model.liveEntries(segments),
                (limit as number | null) ?? Infinity,
              ),
          };
        }
        if (kind === 'clear' || kind === 'clearAll') {
          return {
            label: at,
            run: () => store.clear(kind === 'clearAll' ? { allNamespaces: true } : undefined),
            errors: [],
            passed: () => {
              if (kind === 'clearAll') model.clearAll();
              else model.clear(segments);
              return undefined;
            },
          };
        }
        if (kind === 'sweep') {
          return {
            label: at,
            run: () => store.sweep(),
            errors: [],
            passed: (removed) =>
              Number.isInteger(removed) && (removed as number) >= 0
                ? undefined
                : `sweep returned ${show(removed)}`,
          };
        }
        if (kind === 'namespace') {
          const name = rand.pick<unknown>([
            5,
            null,
            undefined,
            '\uD800',
            'ab\uDC00',
            'n'.repeat(1_100),
            Symbol('ns'),
            {},
          ]);
          return {
            label: `${at}(${show(name)})`,
            run: async () => store.namespace(name as string),
            errors: ['ERR_INVALID_NAMESPACE'],
            passed: () => undefined,
          };
        }
        // Non-arrays where arrays are expected.
        const method = rand.pick(['getMany', 'setMany', 'deleteMany', 'batch'] as const);
        const argument = rand.pick<unknown>(['k0', 5, null, { length: 1, 0: 'k0' }]);
        return {
          label: `${view.name}.${method}(${show(argument)})`,
          run: () => (store[method] as (x: unknown) => Promise<unknown>).call(store, argument),
          errors: ['TypeError'],
          passed: () => undefined,
        };
      };

      // ----- level-cache calls
      const levelCall = (view: LevelView): Call => {
        const { cache, defaultTtlMs } = view;
        const segments = levelSegments(view.path);
        const kind = rand.weighted<string>([
          [8, 'set'],
          [5, 'get'],
          [3, 'has'],
          [3, 'del'],
          [3, 'batch'],
          [1.5, 'entries'],
          [0.5, 'sweepExpired'],
          [1, 'withNamespace'],
        ]);
        const at = `${view.name}.${kind}`;
        const optionsFor = (t: Input) => rand.pick([undefined, {}, { ttlMs: t.value }]);
        if (kind === 'set') {
          const k = key(rand);
          const v = value(rand);
          const t = ttl(rand);
          const options = optionsFor(t);
          const expiry = expiryOf(
            (options as { ttlMs?: unknown } | undefined)?.ttlMs ?? defaultTtlMs,
            undefined,
            clock,
          );
          return {
            label: `${at}(${k.label}, ${v.label}, ${show(options)})`,
            run: () => cache.set(k.value as string, v.value, options as never),
            ...writeProblems(k, v, expiry),
            passed: (result) => {
              model.write(segments, k.value as string, v.value, expiry as number | 'remove');
              return same('result', result, undefined);
            },
          };
        }
        if (kind === 'get' || kind === 'has' || kind === 'del') {
          const k = key(rand);
          return {
            label: `${at}(${k.label})`,
            run: () => cache[kind](k.value as string),
            errors: k.valid ? [] : ['ERR_INVALID_KEY'],
            passed: (result) => {
              const entry = model.live(segments, k.value as string);
              if (kind === 'get') return same('get', result, entry?.value);
              if (kind === 'has') return same('has', result, entry !== undefined);
              model.remove(segments, k.value as string);
              return same('del', result, undefined);
            },
          };
        }
        if (kind === 'batch') {
          const errors = new Set<string>();
          let mayPass = true;
          const writes: { key: string; value: unknown; expiry: number | 'remove' }[] = [];
          const operations = Array.from({ length: rand.int(6) }, (): unknown => {
            if (rand.chance(0.03)) {
              const [operation, code] = rand.pick<[unknown, string]>([
                [null, 'TypeError'],
                [{ type: 'upsert', key: 'k1' }, 'TypeError'],
                ['put', 'ERR_INVALID_KEY'],
              ]);
              errors.add(code);
              mayPass = false;
              return operation;
            }
            const k = key(rand);
            if (rand.chance(0.25)) {
              if (!k.valid) {
                errors.add('ERR_INVALID_KEY');
                mayPass = false;
              }
              writes.push({ key: k.value as string, value: undefined, expiry: 'remove' });
              return { type: 'del', key: k.value };
            }
            const v = value(rand);
            const t = ttl(rand);
            const given = rand.chance(0.3) ? undefined : t.value;
            const expiry = expiryOf(given ?? defaultTtlMs, undefined, clock);
            const problems = writeProblems(k, v, expiry);
            problems.errors.forEach((code) => errors.add(code));
            if (problems.errors.length > 0 && !problems.mayPass) mayPass = false;
            writes.push({ key: k.value as string, value: v.value, expiry: expiry as number | 'remove' });
            return {
              type: 'put',
              key: k.value,
              value: v.value,
              ...(given === undefined ? {} : { ttlMs: given }),
            };
          });
          return {
            label: `${at}(${show(operations)})`,
            run: () => cache.batch(operations as never),
            errors: [...errors],
            mayPass: errors.size > 0 && mayPass,
            passed: (result) => {
              for (const write of writes) model.write(segments, write.key, write.value, write.expiry);
              return same('result', result, undefined);
            },
          };
        }
        if (kind === 'entries') {
          const bad = rand.chance(0.15);
          const limit = rand.pick(bad ? BAD_LIMITS : LIMITS);
          const [namespace, nsError] = rand.pick<[unknown, string | undefined]>([
            [undefined, undefined],
            [undefined, undefined],
            ['default', undefined],
            ['a/b', undefined],
            ['', undefined],
            ['default/sub', undefined],
            ...(bad
              ? ([
                  [5, 'TypeError'],
                  ['\uD800', 'ERR_INVALID_NAMESPACE'],
                ] as [unknown, string][])
              : []),
          ]);
          const listed = typeof namespace === 'string' ? levelSegments(namespace) : segments;
          const errors = [
            ...(bad && BAD_LIMITS.includes(limit) ? ['ERR_INVALID_OPTION'] : []),
            ...(nsError ? [nsError] : []),
          ];
          return {
            label: `${at}(${show({ limit, namespace })})`,
            run: () => collect(cache.entries({ limit, namespace } as never)),
            errors,
            passed: (rows) =>
              checkListing(
                at,
                rows as unknown[],
                model.liveEntries(listed),
                (limit as number | null) ?? Infinity,
              ),
          };
        }
        if (kind === 'sweepExpired') {
          return {
            label: at,
            run: () => cache.sweepExpired(),
            errors: [],
            passed: (removed) =>
              Number.isInteger(removed) && (removed as number) >= 0
                ? undefined
                : `sweepExpired returned ${show(removed)}`,
          };
        }
        const [name, error] = rand.pick<[unknown, string | undefined]>([
          ['sub', undefined],
          ['x/y', undefined],
          ['', undefined],
          ['%2F', undefined],
          ['\u0000', undefined],
          ['\uD800', 'ERR_INVALID_NAMESPACE'],
          ['z'.repeat(1_100), 'ERR_INVALID_NAMESPACE'],
          [Symbol('ns'), 'TypeError'],
        ]);
        return {
          label: `${at}(${show(name)})`,
          run: async () => cache.withNamespace(name as string),
          errors: error ? [error] : [],
          passed: (made) => {
            if (name === '')
              return made === cache ? undefined : "withNamespace('') did not return the same view";
            const childPath = view.path === '' ? (name as string) : `${view.path}/${name as string}`;
            if (levelViews.length < 12 && !levelViews.some((other) => other.path === childPath)) {
              levelViews.push({
                name: `level ${show(childPath)}`,
                path: childPath,
                cache: made as Cache,
                defaultTtlMs,
              });
            }
            return undefined;
          },
        };
      };

      // ----- Keyv calls (Keyv's own semantics on top: ttl 0 means none, delete/deleteMany return booleans)
      const keyvCall = (view: KeyvView): Call => {
        const { keyv, segments } = view;
        const kind = rand.weighted<string>([
          [7, 'set'],
          [5, 'get'],
          [2, 'has'],
          [3, 'delete'],
          [2, 'getMany'],
          [2, 'setMany'],
          [2, 'deleteMany'],
          [0.2, 'clear'],
          [0.5, 'iterator'],
        ]);
        const at = `${view.name}.${kind}`;
        const keyvExpiry = (given: unknown) => expiryOf(given === 0 ? undefined : given, undefined, clock);
        if (kind === 'set') {
          const k = key(rand, true);
          const v = value(rand, true);
          const t = ttl(rand, true);
          const expiry = keyvExpiry(t.value);
          return {
            label: `${at}(${k.label}, ${v.label}, ${t.label})`,
            run: () => keyv.set(k.value as string, v.value, t.value as number),
            ...writeProblems(k, v, expiry),
            passed: (result) => {
              model.write(segments, k.value as string, v.value, expiry as number | 'remove');
              return same('set', result, true);
            },
          };
        }
        if (kind === 'get' || kind === 'has' || kind === 'delete') {
          const k = key(rand, true);
          return {
            label: `${at}(${k.label})`,
            run: () => (keyv[kind] as (key: unknown) => Promise<unknown>).call(keyv, k.value),
            errors: k.valid ? [] : ['ERR_INVALID_KEY'],
            passed: (result) => {
              const entry = model.live(segments, k.value as string);
              if (kind === 'get') return same('get', result, entry?.value);
              if (kind === 'has') return same('has', result, entry !== undefined);
              return same('delete', result, model.remove(segments, k.value as string));
            },
          };
        }
        if (kind === 'getMany' || kind === 'deleteMany') {
          const keys = Array.from({ length: 1 + rand.int(5) }, () => key(rand, true));
          return {
            label: `${at}([${keys.map((k) => k.label).join(', ')}])`,
            run: () => keyv[kind](keys.map((k) => k.value as string)),
            errors: keys.every((k) => k.valid) ? [] : ['ERR_INVALID_KEY'],
            passed: (result) => {
              if (kind === 'getMany') {
                return same(
                  'getMany',
                  result,
                  keys.map((k) => model.live(segments, k.value as string)?.value),
                );
              }
              let removed = 0;
              for (const k of keys) if (model.remove(segments, k.value as string)) removed++;
              return same('deleteMany', result, removed > 0);
            },
          };
        }
        if (kind === 'setMany') {
          const errors = new Set<string>();
          let mayPass = true;
          const writes: { key: string; value: unknown; expiry: number | 'remove' }[] = [];
          const entries = Array.from({ length: 1 + rand.int(5) }, (): unknown => {
            if (rand.chance(0.03)) {
              errors.add('TypeError');
              mayPass = false;
              return null;
            }
            const k = key(rand, true);
            const v = value(rand, true);
            const t = ttl(rand, true);
            const expiry = keyvExpiry(t.value);
            const problems = writeProblems(k, v, expiry);
            problems.errors.forEach((code) => errors.add(code));
            if (problems.errors.length > 0 && !problems.mayPass) mayPass = false;
            writes.push({ key: k.value as string, value: v.value, expiry: expiry as number | 'remove' });
            return { key: k.value, value: v.value, ttl: t.value };
          });
          return {
            label: `${at}(${show(entries)})`,
            run: () => keyv.setMany(entries as never),
            errors: [...errors],
            mayPass: errors.size > 0 && mayPass,
            passed: () => {
              for (const write of writes) model.write(segments, write.key, write.value, write.expiry);
              return undefined;
            },
          };
        }
        if (kind === 'clear') {
          return {
            label: at,
            run: () => keyv.clear(),
            errors: [],
            passed: () => {
              model.clear(segments);
              return undefined;
            },
          };
        }
        return {
          label: at,
          run: () => collect(keyv.iterator!(undefined)),
          errors: [],
          passed: (rows) => checkListing(at, rows as unknown[], model.liveEntries(segments), Infinity),
        };
      };

      // ----- the run
      const counts = { calls: 0, rejected: 0, ticks: 0 };
      const perApi = { engine: 0, level: 0, keyv: 0 };
      for (let step = 0; counts.calls < OPS; step++) {
        const api = rand.weighted<'engine' | 'level' | 'keyv' | 'tick'>([
          [55, 'engine'],
          [22, 'level'],
          [19, 'keyv'],
          [4, 'tick'],
        ]);
        if (api === 'tick') {
          clock += rand.weighted([
            [3, 0],
            [3, 1],
            [3, 7],
            [3, 1_000],
            [3, 60_000],
            [2, 86_400_000],
            [1, 2e9],
          ]);
          counts.ticks++;
          continue;
        }
        perApi[api]++;
        const call =
          api === 'engine'
            ? engineCall(rand.pick(engineViews))
            : api === 'level'
              ? levelCall(rand.pick(levelViews))
              : keyvCall(rand.pick(keyvViews));
        const where = `seed ${SEED}, call #${step} at clock T0+${clock - T0}: ${call.label}`;
        let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
        let timer: NodeJS.Timeout | undefined;
        try {
          const hang = new Promise<never>((_, fail) => {
            timer = setTimeout(() => fail(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS);
          });
          outcome = { ok: true, result: await Promise.race([call.run(), hang]) };
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('no answer within'))
            throw new Error(`${where}: hang`, { cause: error });
          outcome = { ok: false, error };
        } finally {
          clearTimeout(timer);
        }
        counts.calls++;
        if (outcome.ok) {
          if (call.errors.length > 0 && !call.mayPass) {
            throw new Error(
              `${where}: succeeded (${show(outcome.result)}), expected ${call.errors.join(' or ')}`,
            );
          }
          const problem = call.passed(outcome.result);
          if (problem) throw new Error(`${where}: ${problem}`);
        } else {
          counts.rejected++;
          const code = codeOf(outcome.error);
          if (!call.errors.includes(code)) {
            const expected = call.errors.length > 0 ? call.errors.join(' or ') : 'success';
            throw new Error(
              `${where}: failed with ${code} (${(outcome.error as Error)?.message}), expected ${expected}`,
            );
          }
        }
        // Most calls land in the same event-loop turn as others (pending overlay); some after a commit.
        if (rand.chance(0.35)) await new Promise(setImmediate);
      }

      // ----- the end: every namespace the model knows holds exactly its live entries, and no other has any
      await root.flush();
      const compareAll = async (store: LmdbStore, how: string) => {
        const problems: string[] = [];
        const keyvSegments = new Set(keyvViews.map((view) => JSON.stringify(view.segments)));
        let liveTotal = 0;
        for (const [id, { segments }] of model.namespaces) {
          const view = segments.reduce((parent, name) => parent.namespace(name), store);
          const unwrap = keyvSegments.has(id) ? unwrapKeyv : (stored: unknown) => stored;
          const expected = model.liveEntries(segments);
          liveTotal += expected.size;
          const rows = await collect(view.entries());
          const listed = checkListing(`${how} entries() of ${id}`, rows, expected, Infinity, unwrap);
          if (listed) problems.push(listed);
          for (const [entryKey, entryValue] of expected) {
            const got = await view.get(entryKey);
            const problem = same(
              `${how} get ${id} ${show(entryKey)}`,
              got === undefined ? got : unwrap(got),
              entryValue,
            );
            if (problem) problems.push(problem);
          }
        }
        for (const summary of await store.summary()) {
          const id = JSON.stringify(summary.namespace);
          const expected = model.namespaces.has(id) ? model.liveEntries(summary.namespace).size : 0;
          if (summary.live !== expected)
            problems.push(`${how} summary of ${id}: ${summary.live} live, expected ${expected}`);
        }
        return { problems: problems.slice(0, 20), liveTotal };
      };

      const before = await compareAll(root, 'open');
      expect(before.problems).toEqual([]);
      expect(warnings).toEqual([]);

      // Closed handles refuse every call with ERR_CLOSED.
      for (const { keyv } of keyvViews) await keyv.disconnect();
      await level.close();
      for (const view of levelViews.slice(1, 3)) await view.cache.close();
      await withDefault.close();
      await root.close();
      await expect(root.get('k0')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
      await expect(level.set('k0', 1)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
      await expect(keyvViews[0].keyv.get('k0')).rejects.toMatchObject({ code: 'ERR_CLOSED' });

      // And the same holds after a reopen: everything was on disk.
      const reopened = await LmdbStore.open({ path, now, readCacheEntries: 0 });
      const after = await compareAll(reopened, 'reopened');
      await reopened.close();
      expect(after.problems).toEqual([]);
      console.log(
        `fuzz (seed ${SEED}): ${counts.calls} calls (engine ${perApi.engine}, level-cache ${perApi.level}, ` +
          `keyv ${perApi.keyv}), ${counts.rejected} rejected as expected, ${counts.ticks} clock ticks, ` +
          `${before.liveTotal} live entries in ${model.namespaces.size} namespaces at the end`,
      );
      expect(counts.calls).toBe(OPS);
    },
    120_000 + OPS * 10,
  );
});
