import type { Cache } from '../../../lib/compat/index.js';
import { type Call, sweepCall } from './call.js';
import type { Fuzz, Space } from './context.js';
import { keyCall } from './key-calls.js';
import { collect, listingCall, pickLimit } from './listing.js';
import { show } from './random.js';
import { type LevelView, levelSegments } from './views.js';
import { WriteBatch, setCall } from './writes.js';

/** The level-cache methods a call picks, by weight. */
const LEVEL_METHODS: [number, string][] = [
  [8, 'set'],
  [5, 'get'],
  [3, 'has'],
  [3, 'del'],
  [3, 'batch'],
  [1.5, 'entries'],
  [0.5, 'sweepExpired'],
  [1, 'withNamespace'],
];

/** batch: up to five puts and dels (a put's TTL sometimes left to the default), now and then a malformed one. */
function batchCall(fuzz: Fuzz, view: LevelView, space: Space, at: string): Call {
  const { rand } = fuzz;
  const batch = new WriteBatch(space);
  const operations = Array.from({ length: rand.int(6) }, (): unknown => {
    if (rand.chance(0.03)) {
      const [operation, code] = rand.pick<[unknown, string]>([
        [null, 'TypeError'],
        [{ type: 'upsert', key: 'k1' }, 'TypeError'],
        ['put', 'ERR_INVALID_KEY'],
      ]);
      batch.refuse(code);
      return operation;
    }
    const k = fuzz.key();
    if (rand.chance(0.25)) {
      batch.del(k);
      return { type: 'del', key: k.value };
    }
    const { v, t } = fuzz.valueAndTtl();
    const given = rand.chance(0.3) ? undefined : t.value;
    batch.put(k, v, fuzz.expiry(given ?? view.defaultTtlMs));
    return { type: 'put', key: k.value, value: v.value, ...(given === undefined ? {} : { ttlMs: given }) };
  });
  return batch.call(`${at}(${show(operations)})`, () => view.cache.batch(operations as never));
}

/** entries({ limit, namespace }): of this view's namespace or another one, now and then with bad options. */
function entriesCall(fuzz: Fuzz, view: LevelView, space: Space, at: string): Call {
  const { bad, limit } = pickLimit(fuzz.rand);
  const [namespace, nsError] = fuzz.rand.pick<[unknown, string | undefined]>([
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
  const listed = typeof namespace === 'string' ? fuzz.space(levelSegments(namespace)) : space;
  const errors = [...(bad ? ['ERR_INVALID_OPTION'] : []), ...(nsError ? [nsError] : [])];
  return listingCall(listed, at, `${at}(${show({ limit, namespace })})`, limit, errors, () =>
    collect(view.cache.entries({ limit, namespace } as never)),
  );
}

/** withNamespace(name): a valid child view joins `views` (up to 12); '' returns the same view. */
function withNamespaceCall(fuzz: Fuzz, view: LevelView, views: LevelView[], at: string): Call {
  const { cache } = view;
  const [name, error] = fuzz.rand.pick<[unknown, string | undefined]>([
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
      if (name === '') return made === cache ? undefined : "withNamespace('') did not return the same view";
      const childPath = view.path === '' ? (name as string) : `${view.path}/${name as string}`;
      if (views.length < 12 && !views.some((other) => other.path === childPath)) {
        views.push({
          name: `level ${show(childPath)}`,
          path: childPath,
          cache: made as Cache,
          defaultTtlMs: view.defaultTtlMs,
        });
      }
      return undefined;
    },
  };
}

/** One random call on a level-cache view; `views` grows as withNamespace makes new ones. */
export function levelCall(fuzz: Fuzz, views: LevelView[]): Call {
  const { view, kind, at } = fuzz.pick(views, LEVEL_METHODS);
  const { cache } = view;
  const space = fuzz.space(levelSegments(view.path));
  if (kind === 'set') {
    const { k, v, t } = fuzz.write();
    const options = fuzz.rand.pick([undefined, {}, { ttlMs: t.value }]);
    const expiry = fuzz.expiry((options as { ttlMs?: unknown } | undefined)?.ttlMs ?? view.defaultTtlMs);
    return setCall(space, `${at}(${k.label}, ${v.label}, ${show(options)})`, [k, v, expiry], () =>
      cache.set(k.value as string, v.value, options as never),
    );
  }
  if (kind === 'get' || kind === 'has' || kind === 'del') {
    const k = fuzz.key();
    return keyCall(space, at, k, kind, () => cache[kind](k.value as string));
  }
  if (kind === 'batch') return batchCall(fuzz, view, space, at);
  if (kind === 'entries') return entriesCall(fuzz, view, space, at);
  if (kind === 'sweepExpired') return sweepCall(at, 'sweepExpired', () => cache.sweepExpired());
  return withNamespaceCall(fuzz, view, views, at);
}
