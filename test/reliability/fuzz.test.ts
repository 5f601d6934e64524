import { afterAll, describe, expect, it } from '@jest/globals';
import { LmdbStore } from '../../lib/store/index.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import type { Call } from './fuzz/call.js';
import { compareAll } from './fuzz/compare.js';
import { Fuzz } from './fuzz/context.js';
import { engineCall } from './fuzz/engine-calls.js';
import { keyvCall } from './fuzz/keyv-calls.js';
import { levelCall } from './fuzz/level-cache-calls.js';
import { runCall } from './fuzz/run-call.js';
import { T0 } from './fuzz/values.js';
import { closeViews, openViews } from './fuzz/views.js';

afterAll(removeTempDirs);

// FUZZ_OPS=200000 for a longer run; FUZZ_SEED replays another trace (a failure message names its seed).
const OPS = Number(process.env.FUZZ_OPS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
// A call that has not settled after this long is a hang.
const HANG_MS = 20_000;

describe('seeded fuzz of the engine, the Keyv adapter and the level-cache API', () => {
  it(
    `${OPS} random calls, valid and hostile: only LmdbCacheError/TypeError, and the store matches a model`,
    async () => {
      const path = tempDir('fuzz');
      let clock = T0;
      const now = () => clock;
      const warnings: string[] = [];
      const fuzz = new Fuzz(SEED, now);
      const { rand, model } = fuzz;
      const views = await openViews(path, now, warnings);

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
        const call: Call =
          api === 'engine'
            ? engineCall(fuzz, views.engine)
            : api === 'level'
              ? levelCall(fuzz, views.levels)
              : keyvCall(fuzz, views.keyvs);
        const where = `seed ${SEED}, call #${step} at clock T0+${clock - T0}: ${call.label}`;
        const rejected = await runCall(call, where, HANG_MS);
        counts.calls++;
        if (rejected) counts.rejected++;
        // Most calls land in the same event-loop turn as others (pending overlay); some after a commit.
        if (rand.chance(0.35)) await new Promise(setImmediate);
      }

      // The end: every namespace the model knows holds exactly its live entries, and no other has any.
      const keyvSegments = views.keyvs.map((view) => view.segments);
      await views.root.flush();
      const before = await compareAll(views.root, 'open', model, keyvSegments);
      expect(before.problems).toEqual([]);
      expect(warnings).toEqual([]);

      // Closed handles refuse every call with ERR_CLOSED.
      await closeViews(views);
      await expect(views.root.get('k0')).rejects.toMatchObject({ code: 'ERR_CLOSED' });
      await expect(views.level.set('k0', 1)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
      await expect(views.keyvs[0].keyv.get('k0')).rejects.toMatchObject({ code: 'ERR_CLOSED' });

      // And the same holds after a reopen: everything was on disk.
      const reopened = await LmdbStore.open({ path, now, readCacheEntries: 0 });
      const after = await compareAll(reopened, 'reopened', model, keyvSegments);
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
