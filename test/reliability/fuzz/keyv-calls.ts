// Keyv's own semantics sit on top of the engine's: ttl 0 means none, delete/deleteMany return booleans.
import { type Call, plainCall } from './call.js';
import type { Fuzz } from './context.js';
import { keyCall, manyKeysCall } from './key-calls.js';
import { collect, listingCall } from './listing.js';
import { show } from './random.js';
import type { KeyvView } from './views.js';
import { WriteBatch, setCall } from './writes.js';

/** The Keyv methods a call picks, by weight. */
const KEYV_METHODS: [number, string][] = [
  [7, 'set'],
  [5, 'get'],
  [2, 'has'],
  [3, 'delete'],
  [2, 'getMany'],
  [2, 'setMany'],
  [2, 'deleteMany'],
  [0.2, 'clear'],
  [0.5, 'iterator'],
];

/** One random call on a Keyv instance over the adapter. */
export function keyvCall(fuzz: Fuzz, views: KeyvView[]): Call {
  const { view, kind, at } = fuzz.pick(views, KEYV_METHODS);
  const { rand, model } = fuzz;
  const { keyv, segments } = view;
  const space = fuzz.space(segments);
  const keyvExpiry = (given: unknown) => fuzz.expiry(given === 0 ? undefined : given);
  if (kind === 'set') {
    const { k, v, t } = fuzz.write(true);
    const expiry = keyvExpiry(t.value);
    const label = `${at}(${k.label}, ${v.label}, ${t.label})`;
    return setCall(
      space,
      label,
      [k, v, expiry],
      () => keyv.set(k.value as string, v.value, t.value as number),
      ['set', true],
    );
  }
  if (kind === 'get' || kind === 'has' || kind === 'delete') {
    const k = fuzz.key(true);
    return keyCall(space, at, k, kind, () =>
      (keyv[kind] as (key: unknown) => Promise<unknown>).call(keyv, k.value),
    );
  }
  if (kind === 'getMany' || kind === 'deleteMany') {
    const keys = Array.from({ length: 1 + rand.int(5) }, () => fuzz.key(true));
    return manyKeysCall(space, at, keys, kind, keyv, (removed) => removed > 0);
  }
  if (kind === 'setMany') {
    const batch = new WriteBatch(space);
    const entries = Array.from({ length: 1 + rand.int(5) }, (): unknown => {
      if (rand.chance(0.03)) {
        batch.refuse('TypeError');
        return null;
      }
      const { k, v, t } = fuzz.write(true);
      batch.put(k, v, keyvExpiry(t.value));
      return { key: k.value, value: v.value, ttl: t.value };
    });
    return batch.call(
      `${at}(${show(entries)})`,
      () => keyv.setMany(entries as never),
      () => undefined,
    );
  }
  if (kind === 'clear') {
    return plainCall(
      at,
      () => keyv.clear(),
      () => model.clear(segments),
    );
  }
  return listingCall(space, at, at, undefined, [], () => collect(keyv.iterator!(undefined)));
}
