import type { Call } from './call.js';
import { same } from './check.js';
import type { Space } from './context.js';
import type { Input } from './random.js';

/** Which answer a one-key call owes: the value, presence, expiry, removal (boolean), or removal (void). */
export type KeyCallKind = 'get' | 'has' | 'expiresAt' | 'delete' | 'del';

/** A call on one key: rejected for a hostile key, else answered as the model says. */
export function keyCall(
  { model, segments }: Space,
  at: string,
  k: Input,
  kind: KeyCallKind,
  run: () => Promise<unknown>,
): Call {
  return {
    label: `${at}(${k.label})`,
    run,
    errors: k.valid ? [] : ['ERR_INVALID_KEY'],
    passed: (result) => {
      const entry = model.live(segments, k.value as string);
      if (kind === 'get') return same('get', result, entry?.value);
      if (kind === 'has') return same('has', result, entry !== undefined);
      if (kind === 'expiresAt') return same('expiresAt', result, entry?.expiresAt);
      const removed = model.remove(segments, k.value as string);
      return same(kind, result, kind === 'del' ? undefined : removed);
    },
  };
}

/** What getMany/deleteMany are called on: the engine or Keyv. */
export type ManyKeysTarget = Record<'getMany' | 'deleteMany', (keys: string[]) => Promise<unknown>>;

/**
 * `target`.getMany/deleteMany of `keys`: rejected if any key is hostile; getMany returns the live values,
 * deleteMany `deleted(how many live entries it removed)`.
 */
export function manyKeysCall(
  { model, segments }: Space,
  at: string,
  keys: Input[],
  kind: 'getMany' | 'deleteMany',
  target: ManyKeysTarget,
  deleted: (removed: number) => unknown,
): Call {
  return {
    label: `${at}([${keys.map((k) => k.label).join(', ')}])`,
    run: () => target[kind](keys.map((k) => k.value as string)),
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
      return same('deleteMany', result, deleted(removed));
    },
  };
}
