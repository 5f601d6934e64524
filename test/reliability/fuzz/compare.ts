import type { LmdbStore } from '../../../lib/store/index.js';
import { same } from './check.js';
import { checkListing, collect, unwrapKeyv } from './listing.js';
import type { Model } from './model.js';
import { show } from './random.js';

/**
 * Every namespace the model knows holds exactly its live entries (through entries(), get() and summary()),
 * and no other has any; `keyvSegments` are the namespaces whose values Keyv wrapped. Up to 20 problems.
 */
export async function compareAll(
  store: LmdbStore,
  how: string,
  model: Model,
  keyvSegments: readonly string[][],
): Promise<{ problems: string[]; liveTotal: number }> {
  const problems: string[] = [];
  const keyvIds = new Set(keyvSegments.map((segments) => JSON.stringify(segments)));
  let liveTotal = 0;
  for (const [id, { segments }] of model.namespaces) {
    const view = segments.reduce((parent, name) => parent.namespace(name), store);
    const unwrap = keyvIds.has(id) ? unwrapKeyv : (stored: unknown) => stored;
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
}
