import { ClassicLevel } from 'classic-level';
import { TTL_MS, type Peer } from './subject.js';

/** level-cache's stored record: the value and its expiry in epoch ms. */
interface Envelope {
  v: unknown;
  x?: number;
}

/** Keys per `db.batch` while preloading: LevelDB takes a batch whole into its write buffer. */
const PRELOAD_BATCH = 1_000;

/**
 * classic-level used exactly as level-cache (its latest version) uses `level`: utf8 keys `<namespace>␟<key>`
 * in its default namespace, JSON values wrapped in `{ v, x }`, the expiry checked on every read (an expired
 * record is deleted and reads as a miss).
 */
export const levelCachePeer: Peer = {
  name: 'level-cache (classic-level)',
  about:
    "level-cache (classic-level): `new ClassicLevel(path, { keyEncoding: 'utf8', valueEncoding: 'json' })`, " +
    "keys `default␟<key>`, values `{ v, x: Date.now() + ttl }`, level-cache's get (await `db.get`, expired " +
    "→ `db.del` and a miss) and set (`await db.put`; LevelDB's default `sync: false`, so no fsync to wait for).",
  async open(dir) {
    const db = new ClassicLevel<string, Envelope>(dir, { keyEncoding: 'utf8', valueEncoding: 'json' });
    await db.open();
    const stored = (key: string) => `default\u241F${key}`;
    const envelope = (value: unknown): Envelope => ({ v: value, x: Date.now() + TTL_MS });
    return {
      get: async (key) => {
        const k = stored(key);
        let record: Envelope | undefined;
        try {
          record = await db.get(k);
        } catch (error) {
          if ((error as { code?: string }).code === 'LEVEL_NOT_FOUND') return undefined;
          throw error;
        }
        if (record === undefined) return undefined;
        if (typeof record.x === 'number' && record.x <= Date.now()) {
          await db.del(k).catch(() => undefined);
          return undefined;
        }
        return record.v;
      },
      set: (key, value) => db.put(stored(key), envelope(value)),
      preload: async (entries) => {
        for (let i = 0; i < entries.length; i += PRELOAD_BATCH) {
          const chunk = entries.slice(i, i + PRELOAD_BATCH);
          await db.batch(chunk.map((e) => ({ type: 'put', key: stored(e.key), value: envelope(e.value) })));
        }
      },
      settle: async () => undefined,
      close: () => db.close(),
    };
  },
};
