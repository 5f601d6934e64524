import { type Call, plainCall, refusedCall, sweepCall } from './call.js';
import type { Fuzz } from './context.js';
import { keyCall, manyKeysCall } from './key-calls.js';
import { collect, listingCall, pickLimit } from './listing.js';
import { show } from './random.js';
import type { EngineView } from './views.js';
import { WriteBatch, setCall } from './writes.js';

/** The engine methods a call picks, by weight. */
const ENGINE_METHODS: [number, string][] = [
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
];

type Operation = { operation: unknown; label: string };
type Malformed = [string, unknown, string];

/** setMany/batch: up to five puts (batch: and dels), now and then a malformed operation. */
function multiWrite(fuzz: Fuzz, view: EngineView, at: string, kind: 'setMany' | 'batch'): Call {
  const { rand } = fuzz;
  const batch = new WriteBatch(fuzz.space(view.segments));
  const operations = Array.from({ length: rand.int(6) }, (): Operation => {
    if (rand.chance(0.03)) {
      const [label, operation, code] = rand.pick<Malformed>([
        ['null', null, 'ERR_INVALID_KEY'],
        ["'put'", 'put', 'ERR_INVALID_KEY'],
        ...(kind === 'batch'
          ? ([["{ type: 'upsert' }", { type: 'upsert', key: 'k1', value: 1 }, 'TypeError']] as Malformed[])
          : []),
      ]);
      batch.refuse(code);
      return { operation, label };
    }
    const k = fuzz.key();
    if (kind === 'batch' && rand.chance(0.25)) {
      batch.del(k);
      return { operation: { type: 'del', key: k.value }, label: `del ${k.label}` };
    }
    const { v, t } = fuzz.valueAndTtl();
    batch.put(k, v, fuzz.expiry(t.value, view.defaultTtlMs));
    const put = { key: k.value, value: v.value, ttlMs: t.value };
    return {
      operation: kind === 'batch' ? { type: 'put', ...put } : put,
      label: `put ${k.label} ${v.label} ${t.label}`,
    };
  });
  const list = operations.map((o) => o.operation) as never;
  return batch.call(`${at}([${operations.map((o) => o.label).join('; ')}])`, () =>
    kind === 'batch' ? view.store.batch(list) : view.store.setMany(list),
  );
}

/** One random call on an engine view (LmdbStore or one of its namespaces). */
export function engineCall(fuzz: Fuzz, views: EngineView[]): Call {
  const { view, kind, at } = fuzz.pick(views, ENGINE_METHODS);
  const { rand, model } = fuzz;
  const { store, segments } = view;
  const space = fuzz.space(segments);
  if (kind === 'set') {
    const { k, v, t } = fuzz.write();
    const expiry = fuzz.expiry(t.value, view.defaultTtlMs);
    return setCall(space, `${at}(${k.label}, ${v.label}, ${t.label})`, [k, v, expiry], () =>
      store.set(k.value as string, v.value, t.value as number),
    );
  }
  if (kind === 'get' || kind === 'has' || kind === 'delete' || kind === 'expiresAt') {
    const k = fuzz.key();
    return keyCall(space, at, k, kind, () => store[kind](k.value as string));
  }
  if (kind === 'getMany' || kind === 'deleteMany') {
    const keys = Array.from({ length: rand.int(6) }, () => fuzz.key());
    return manyKeysCall(space, at, keys, kind, store, (removed) => removed);
  }
  if (kind === 'setMany' || kind === 'batch') return multiWrite(fuzz, view, at, kind);
  if (kind === 'entries') {
    const { bad, limit } = pickLimit(rand);
    const options = bad && rand.chance(0.2) ? null : { limit };
    const errors = bad ? (options === null ? ['TypeError'] : ['ERR_INVALID_OPTION']) : [];
    return listingCall(space, at, `${at}(${show(options)})`, limit, errors, () =>
      collect(store.entries(options as never)),
    );
  }
  if (kind === 'clear' || kind === 'clearAll') {
    return plainCall(
      at,
      () => store.clear(kind === 'clearAll' ? { allNamespaces: true } : undefined),
      () => (kind === 'clearAll' ? model.clearAll() : model.clear(segments)),
    );
  }
  if (kind === 'sweep') return sweepCall(at, 'sweep', () => store.sweep());
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
    return refusedCall(`${at}(${show(name)})`, ['ERR_INVALID_NAMESPACE'], async () =>
      store.namespace(name as string),
    );
  }
  // Non-arrays where arrays are expected.
  const method = rand.pick(['getMany', 'setMany', 'deleteMany', 'batch'] as const);
  const argument = rand.pick<unknown>(['k0', 5, null, { length: 1, 0: 'k0' }]);
  return refusedCall(`${view.name}.${method}(${show(argument)})`, ['TypeError'], () =>
    (store[method] as (x: unknown) => Promise<unknown>).call(store, argument),
  );
}
