import { afterAll, describe, expect, it } from '@jest/globals';
import { createKeyv } from '../../lib/keyv/index.js';
import { nextTurn } from '../../lib/store/expiry-index.js';
import { LmdbCacheError, LmdbStore } from '../../lib/store/index.js';
import { QUIET } from '../helpers/raw-lmdb.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

afterAll(removeTempDirs);

describe('values with prototype-related keys', () => {
  const hostile = () =>
    JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": 1,' +
        ' "nested": [{"__proto__": {"isAdmin": true}, "ok": 1}]}',
    ) as Record<string, unknown>;

  it('round-trip as plain data, own keys included, and change no prototype', async () => {
    const store = await LmdbStore.open({ path: tempDir(), readCacheEntries: 0, ...QUIET });
    await store.set('k', hostile());
    await store.set('in-a-map', new Map([['m', hostile()]]));
    await store.flush();
    await nextTurn();

    const read = (await store.get('k')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(Object.keys(read)).toEqual(['__proto__', 'constructor', 'prototype', 'nested']);
    expect(JSON.stringify(read)).toBe(JSON.stringify(hostile()));
    const nested = (read.nested as Record<string, unknown>[])[0];
    expect(Object.hasOwn(nested, '__proto__')).toBe(true);
    expect(nested.isAdmin).toBeUndefined();
    const inMap = ((await store.get('in-a-map')) as Map<string, Record<string, unknown>>).get('m');
    expect(JSON.stringify(inMap)).toBe(JSON.stringify(hostile()));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    await store.close();
  });

  it('round-trip through Keyv (createKeyv) as well', async () => {
    const keyv = createKeyv({ path: tempDir(), ...QUIET });
    await keyv.set('k', hostile());
    expect(JSON.stringify(await keyv.get('k'))).toBe(JSON.stringify(hostile()));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await keyv.disconnect();
  });
});

describe('namespaces', () => {
  it('never let one view read, list, count or clear another namespace’s entries', async () => {
    const root = await LmdbStore.open({ path: tempDir(), ...QUIET });
    const names = ['a', 'a/b', 'a%2Fb', '', 'b'];
    const views = names.map((name) => root.namespace(name));
    const nested = root.namespace('a').namespace('b');
    for (const [i, view] of [...views, nested, root].entries()) await view.set('secret', `owner ${i}`);
    await root.flush();

    for (const [i, view] of [...views, nested, root].entries()) {
      expect(await view.get('secret')).toBe(`owner ${i}`);
      const listed = [];
      for await (const entry of view.entries()) listed.push(entry);
      expect(listed).toEqual([['secret', `owner ${i}`]]);
    }
    await views[0].clear();
    expect(await views[0].get('secret')).toBeUndefined();
    expect(await nested.get('secret')).toBe('owner 5');
    expect(await views[1].get('secret')).toBe('owner 1');
    await root.close();
  });
});

describe('error messages', () => {
  it('never contain values, and show keys only truncated', async () => {
    const store = await LmdbStore.open({ path: tempDir(), ...QUIET });
    const secretKey = `${'k'.repeat(100)}SECRET-KEY-TAIL`;
    const errors: LmdbCacheError[] = [];
    const capture = async (attempt: () => Promise<unknown>) => {
      try {
        await attempt();
      } catch (error) {
        errors.push(error as LmdbCacheError);
      }
    };
    await capture(() => store.set(secretKey, { password: 'SECRET-VALUE', f: () => 1 }));
    await capture(() => store.set(secretKey, 'SECRET-VALUE', Number.NaN));
    await capture(() => store.set(1 as unknown as string, 'SECRET-VALUE'));
    await capture(async () => store.namespace(`${'n'.repeat(2_000)}SECRET-NS`).get('k'));
    expect(errors.map((error) => error.code)).toEqual([
      'ERR_VALUE_NOT_SERIALIZABLE',
      'ERR_INVALID_TTL',
      'ERR_INVALID_KEY',
      'ERR_INVALID_NAMESPACE',
    ]);
    for (const error of errors) {
      expect(error.message).not.toMatch(/SECRET/);
      expect(error.message.length).toBeLessThan(200);
    }
    await store.close();
  });
});
