/**
 * What the peer matrices measure: the values (100-byte and 4 KB JSON-like records), the keys, and the six
 * operations, each a loop bounded by an operation count and a time budget.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Subject } from './peers/subject.js';

/** A typical cached record; its JSON is ~100 bytes. Shared by the eviction scenario. */
export const VALUE = {
  id: 4815,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  score: 97.5,
  tags: ['ops', 'eu'],
};

/** One of the two value sizes of the matrices. */
export interface ValueSize {
  /** `'100 B'` or `'4 KB'`: the JSON size the records are built to, as tables print it. */
  label: string;
  /** The value stored under key number `i`; a few distinct records, reused across keys. */
  valueFor(i: number): unknown;
  /** Mean length of the records' JSON, in bytes. */
  jsonBytes: number;
  /** What the records are, for the notes. */
  describe: string;
}

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'];
const WORDS = (
  'cache latency replica shard commit index page map value entry expiry sweep record stream batch ' +
  'window bucket quorum ledger vector cursor buffer frame signal thread queue socket region tenant'
).split(' ');
/** Distinct records per size: enough that no peer sees one object over and over, few enough to build at once. */
export const POOL = 16;

/** Deterministic words (fixed-seed LCG), so every run stores the same bytes. */
function words(seed: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    out.push(WORDS[seed % WORDS.length]);
  }
  return out.join(' ');
}

function user(i: number): object {
  const name = NAMES[i % NAMES.length];
  const [first] = name.toLowerCase().split(' ');
  return { ...VALUE, id: 4815 + i, name, email: `${first}@example.com`, score: 90 + (i % 10) / 2 };
}

/** A product page as an API would cache it: fields, attributes, then reviews until the JSON reaches ~4 KB. */
function product(i: number): object {
  const reviews: object[] = [];
  const page = {
    id: 100_000 + i,
    sku: `SKU-${String(7_000 + i).padStart(6, '0')}`,
    title: words(i + 1, 6),
    price: { amount: 1_999 + i * 37, currency: 'EUR' },
    inStock: i % 3 !== 0,
    updatedAt: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
    attributes: { color: WORDS[i % WORDS.length], weightGrams: 250 + i, dimensionsMm: [120, 80, 15 + i] },
    tags: words(i + 7, 5).split(' '),
    reviews,
  };
  for (let r = 0; JSON.stringify(page).length < 4_020; r++) {
    reviews.push({
      author: NAMES[(i + r) % NAMES.length],
      rating: 1 + ((i + r) % 5),
      text: words(i * 31 + r, 18),
    });
  }
  return page;
}

function valueSize(label: string, describe: string, make: (i: number) => object): ValueSize {
  const pool = Array.from({ length: POOL }, (_, i) => make(i));
  const jsonBytes = pool.reduce<number>((sum, v) => sum + JSON.stringify(v).length, 0) / POOL;
  return { label, valueFor: (i) => pool[i % POOL], jsonBytes, describe };
}

/** User records of ~100 bytes of JSON. */
export const SMALL: ValueSize = valueSize('100 B', `${POOL} user records (6 fields, a tag array)`, user);
/** Product pages of ~4 KB of JSON (nested objects, arrays, strings, numbers). */
export const LARGE: ValueSize = valueSize(
  '4 KB',
  `${POOL} product pages (nested price, attributes, tags, a list of reviews)`,
  product,
);

/** The key of entry number `i`, preloaded before the timed operations. */
export const keyOf = (i: number): string => `item:${i}`;

/**
 * Shuffles `items` in place and returns it. Deterministic (fixed-seed LCG), so every run reads in the same
 * order.
 */
export function shuffle<T>(items: T[]): T[] {
  let seed = 0x2545f491;
  for (let i = items.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    const j = seed % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Operations between two yields to the event loop, in every loop of every row. An awaited LMDB set only
 * waits for a microtask, so without a yield lmdb would commit nothing until the loop ends; a server's
 * requests arrive in separate event turns anyway.
 */
export const YIELD_EVERY = 1_000;
/** Keys a hot get reads over and over: a working set that every in-process cache keeps. */
export const HOT_KEYS = 1_000;
/** Writes in flight at once in the concurrent set operation. */
export const CONCURRENCY = 100;

/** How far one repetition may go. */
export interface Limits {
  /** Operations it plans. */
  ops: number;
  /** Time budget in ms; the loop stops at the first clock check after it (about 1 ms apart). */
  budgetMs: number;
}

/** What one pass of a loop did. */
export interface Pass {
  ops: number;
  /** Stopped by the time budget before `Limits.ops`. */
  bounded: boolean;
}

/** State a subject's operations keep between repetitions: where a pass over the keys stands. */
export interface Cursor {
  /** Next index into the subject's shuffled key order (cold get, mix). */
  next: number;
  /** Repetitions of a set operation so far, so each writes fresh keys. */
  round: number;
}

/** What an operation reads and writes: the subject, its shuffled key order and its value size. */
export interface Target {
  subject: Subject;
  /** Every preloaded key index of this subject, in a fixed shuffled order. */
  order: readonly number[];
  size: ValueSize;
  cursor: Cursor;
}

/** One of the six operations of a matrix. */
export interface Operation {
  /** Row label, e.g. `'get, cold'`. */
  name: string;
  /** Short label for the ratio lines. */
  short: string;
  /** Writes: the timed region ends with `subject.settle()`. */
  writes: boolean;
  run(target: Target, limits: Limits): Promise<Pass>;
}

const isMiss = (value: unknown) => value === undefined;
const isHit = (value: unknown) => value !== undefined;

/** Sequential awaited sets of fresh keys (an insert each), then, in the timed region, `settle()`. */
const seqSet: Operation = {
  name: 'set, seq awaited',
  short: 'set',
  writes: true,
  run: ({ subject, size, cursor }, limits) => {
    const prefix = `set:${cursor.round++}:`;
    return drive(limits, 1, (i) => subject.set(prefix + i, size.valueFor(i)));
  },
};

/** {@link CONCURRENCY} sets in flight at once, batch after batch, of fresh keys. */
const concurrentSet: Operation = {
  name: `set, ${CONCURRENCY} concurrent`,
  short: `set ×${CONCURRENCY}`,
  writes: true,
  run: ({ subject, size, cursor }, limits) => {
    const prefix = `many:${cursor.round++}:`;
    return drive(limits, CONCURRENCY, (i) => subject.set(prefix + i, size.valueFor(i)));
  },
};

// Reads of HOT_KEYS keys (the first ones, which every subject holds), each as often, in a shuffled order.
let hotOrder: number[] = [];
function hotKeys(ops: number): readonly number[] {
  if (hotOrder.length < ops) hotOrder = shuffle(Array.from({ length: ops }, (_, i) => i % HOT_KEYS));
  return hotOrder;
}

/** Gets of a small working set, read over and over: what an in-process read cache is for. All hits. */
export const hotGet: Operation = {
  name: 'get, hot',
  short: 'hot get',
  writes: false,
  run: ({ subject }, limits) => {
    const order = hotKeys(limits.ops);
    return drive(limits, 1, (i) => subject.get(keyOf(order[i])), isMiss);
  },
};

/**
 * Gets going on through a shuffled pass over every preloaded key, from where the last repetition stopped:
 * no key is read again before all the others are, so no cache of recent reads helps. All hits.
 */
const coldGet: Operation = {
  name: 'get, cold',
  short: 'cold get',
  writes: false,
  run: ({ subject, order, cursor }, limits) => {
    const start = cursor.next;
    const read = (i: number) => subject.get(keyOf(order[(start + i) % order.length]));
    return advance(cursor, order, drive(limits, 1, read, isMiss));
  },
};

/** Gets of keys never written. All misses. */
const missGet: Operation = {
  name: 'get, miss',
  short: 'miss',
  writes: false,
  run: ({ subject }, limits) => drive(limits, 1, (i) => subject.get(`absent:${i}`), isHit),
};

/**
 * 90% gets and 10% sets (every tenth operation rewrites the key it reaches), awaited one after another,
 * along the cold get's order (from the same position). Gets all hit; the timed region ends with `settle()`.
 */
const mixed: Operation = {
  name: 'mix 90/10 get/set',
  short: 'mix',
  writes: true,
  run: ({ subject, order, size, cursor }, limits) => {
    const start = cursor.next;
    const step = (i: number) => {
      const index = order[(start + i) % order.length];
      return i % 10 === 9 ? subject.set(keyOf(index), size.valueFor(index)) : subject.get(keyOf(index));
    };
    const getMissed = (value: unknown, i: number) => i % 10 !== 9 && value === undefined;
    return advance(cursor, order, drive(limits, 1, step, getMissed));
  },
};

/** The six operations, in table order. */
export const OPERATIONS: readonly Operation[] = [seqSet, concurrentSet, hotGet, coldGet, missGet, mixed];

async function advance(cursor: Cursor, order: readonly number[], pass: Promise<Pass>): Promise<Pass> {
  const result = await pass;
  cursor.next = (cursor.next + result.ops) % order.length;
  return result;
}

/**
 * Runs `op(0)`, `op(1)`, … `batch` at a time (awaiting each batch; a lone operation is awaited only if it
 * returned a promise: raw lmdb's get is synchronous, as its users call it), until `limits.ops` are done or
 * the budget has passed, yielding to the event loop every {@link YIELD_EVERY} operations.
 * @param wrong true for a result the operation guarantees never to see (a miss on a hit read, …)
 * @throws Error once the loop ends if any result was wrong: a read loop that misses measures nothing
 */
async function drive(
  limits: Limits,
  batch: number,
  op: (i: number) => unknown,
  wrong?: (value: unknown, i: number) => boolean,
): Promise<Pass> {
  const start = performance.now();
  const deadline = start + limits.budgetMs;
  const inFlight: unknown[] = [];
  let ops = 0;
  let wrongs = 0;
  let nextCheck = 1;
  while (ops < limits.ops) {
    if (batch === 1) {
      let value = op(ops);
      if (value instanceof Promise) value = await value;
      if (wrong?.(value, ops)) wrongs++;
      ops++;
    } else {
      const end = Math.min(ops + batch, limits.ops);
      for (let i = ops; i < end; i++) inFlight.push(op(i));
      await Promise.all(inFlight);
      inFlight.length = 0;
      ops = end;
    }
    if (ops % YIELD_EVERY === 0) await nextTurn();
    // The clock about once per ms of work, whatever the peer's speed (a read costs ~50 ns, too much for
    // every operation of a fast peer; a fixed stride would overshoot by seconds on one doing 300 ops/s).
    if (ops >= nextCheck) {
      const now = performance.now();
      if (now >= deadline) break;
      nextCheck = ops + Math.max(1, Math.floor(ops / Math.max(now - start, 1)));
    }
  }
  if (wrongs > 0) throw new Error(`${wrongs} of ${ops} results were not what the operation guarantees`);
  return { ops, bounded: ops < limits.ops };
}
