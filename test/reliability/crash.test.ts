import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { LmdbStore } from '../../lib/store/index.js';
import { collectLines, finished, startFixture, waitForLine } from '../helpers/child.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';
import { seededRandom } from '../helpers/zipf.js';
import { MAX_AHEAD, OPS_PER_TURN, isIntact, operation, type Operation } from '../fixtures/crash-writer.js';

afterAll(removeTempDirs);

// CRASH_ROUNDS=200 npm test -- test/reliability/crash for a longer run; CRASH_SEED picks other kill points.
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? 20_240_601);

/** What the cache holds: key → sequence number of the write whose value it holds. */
type State = Map<string, number>;

function applyTo(state: State, op: Operation): void {
  for (const write of op.writes) {
    if (write.type === 'put') state.set(write.key, write.seq);
    else state.delete(write.key);
  }
}

/** Reopens the cache and reads every entry, checking each one's checksum. */
async function readBack(path: string): Promise<{ state: State; damaged: string[]; warnings: string[] }> {
  const warnings: string[] = [];
  const store = await LmdbStore.open({ path, logger: { warn: (message) => warnings.push(message) } });
  const state: State = new Map();
  const damaged: string[] = [];
  try {
    for await (const [key, value] of store.entries()) {
      if (isIntact(key, value)) state.set(key, value.seq);
      else damaged.push(key);
    }
    // Every entry lmdb counts was listed: no entry is hidden from entries() (none has a TTL).
    expect(store.stats().entries).toBe(state.size + damaged.length);
  } finally {
    await store.close();
  }
  return { state, damaged, warnings };
}

/**
 * Checks what survived a kill in round `round` against `base` (the cache before the round) and the
 * operations the writer acknowledged (`acked`: operations 0..acked-1 were flushed). Returns problems.
 */
function compare(round: number, base: State, acked: number, actual: State): string[] {
  const problems: string[] = [];
  const state = new Map(base);
  for (let i = 0; i < acked; i++) applyTo(state, operation(round, i));
  const atAck = new Map(state);

  // The operations that may have been issued after the last ack, and what each key may hold because of them.
  const window: Operation[] = [];
  for (let i = acked; i < acked + MAX_AHEAD + OPS_PER_TURN; i++) window.push(operation(round, i));
  const later = new Map<string, Set<number | undefined>>();
  for (const op of window) {
    for (const write of op.writes) {
      if (!later.has(write.key)) later.set(write.key, new Set());
      later.get(write.key)!.add(write.type === 'put' ? write.seq : undefined);
    }
  }

  // 1. Every acknowledged write is there, or was replaced by a later (unacknowledged) write to that key.
  for (const key of new Set([...atAck.keys(), ...actual.keys()])) {
    const expected = atAck.get(key);
    const found = actual.get(key);
    if (found === expected || later.get(key)?.has(found)) continue;
    problems.push(
      `${key}: acknowledged ${expected === undefined ? 'absent' : `seq ${expected}`}, found ${found === undefined ? 'absent' : `seq ${found}`}`,
    );
    if (problems.length > 20) return problems;
  }
  if (problems.length > 0) return problems;

  // 2. Transactions commit in order, atomically: the cache is exactly the state after some prefix of the
  // operations, at or after the last ack. `mismatched` counts keys where the replay differs from the disk.
  const differs = (key: string) => state.get(key) !== actual.get(key);
  let mismatched = 0;
  for (const key of new Set([...state.keys(), ...actual.keys()])) if (differs(key)) mismatched++;
  for (const op of window) {
    if (mismatched === 0) return [];
    for (const write of op.writes) {
      const before = differs(write.key);
      if (write.type === 'put') state.set(write.key, write.seq);
      else state.delete(write.key);
      mismatched += Number(differs(write.key)) - Number(before);
    }
  }
  return mismatched === 0 ? [] : [`no prefix of the operations after ack ${acked} gives what is on disk`];
}

describe('SIGKILL in the middle of continuous writes', () => {
  it(
    `${ROUNDS} kills: every reopen succeeds, every entry is intact, every flushed write is there`,
    async () => {
      const path = tempDir('crash');
      const random = seededRandom(SEED);
      let base: State = new Map();
      const summary: string[] = [];

      for (let round = 0; round < ROUNDS; round++) {
        const child = startFixture('crash-writer', [path, String(round)]);
        const lines = collectLines(child);
        const exited = finished(child);
        await waitForLine(child, (line) => line === 'ready');
        // Kill after 0 to 4 acks (0: right after open), then 0–15 ms into the writes that follow.
        const acksBeforeKill = Math.floor(random() * 5);
        while (lines.filter((line) => line.startsWith('ack ')).length < acksBeforeKill) {
          await waitForLine(child, (line) => line.startsWith('ack '));
        }
        const delay = Math.floor(random() * 16);
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.kill('SIGKILL');
        const result = await exited;
        expect({ round, signal: result.signal, stderr: result.stderr }).toEqual({
          round,
          signal: 'SIGKILL',
          stderr: '',
        });
        // Every ack the writer printed before it died, including any the test had not read yet.
        const acks = result.stdout
          .split('\n')
          .filter((line) => line.startsWith('ack '))
          .map((line) => Number(line.slice(4)));
        const acked = acks.length === 0 ? 0 : Math.max(...acks);

        const { state, damaged, warnings } = await readBack(path);
        expect({ round, damaged, warnings }).toEqual({ round, damaged: [], warnings: [] });
        expect({
          round,
          movedAside: readdirSync(path).filter((name) => name.startsWith('data.mdb.')),
        }).toEqual({
          round,
          movedAside: [],
        });
        expect({ round, problems: compare(round, base, acked, state) }).toEqual({ round, problems: [] });
        summary.push(`round ${round}: ${acks.length} acks, ${acked} ops flushed, ${state.size} entries`);
        base = state;
      }
      expect(base.size).toBeGreaterThan(0);
      console.log(`crash test (seed ${SEED}):\n${summary.join('\n')}`);
    },
    30_000 + ROUNDS * 5_000,
  );
});
