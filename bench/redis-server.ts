/** A throwaway local redis-server for the scenarios that compare against Redis. */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { accepts, freePort, onPath, stop } from './spawned.js';

/** How long redis-server may take to accept connections, in ms. */
const START_TIMEOUT_MS = 30_000;

/** A running redis-server (run.ts prints its version with the machine): where to reach it, how to stop it. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** The flags it was started with, as they read in a note. */
  flags: string;
  /** SIGTERM (SIGKILL after 10 s); resolves once it has exited. */
  stop(): Promise<void>;
}

/** What a scenario says when there is no redis-server, so it skips its Redis row. */
export const NO_REDIS_NOTE =
  'redis: no `redis-server` on PATH, row skipped (`apt-get install redis-server` to add it).';

/**
 * Starts an in-memory redis-server (`--save '' --appendonly no`: no persistence, so no disk work in its
 * figures) on 127.0.0.1 and a free port, and waits until it accepts connections.
 * @returns the server, or `undefined` when no `redis-server` is on PATH
 * @throws Error when it exits or does not accept connections within 30 s
 */
export async function startRedisServer(): Promise<RedisServer | undefined> {
  const binary = await onPath('redis-server');
  if (binary === undefined) return undefined;
  const port = await freePort();
  const flags = ['--save', '', '--appendonly', 'no'];
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', ...flags], { stdio: 'ignore' });
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      await stop(child);
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    flags: "`--save '' --appendonly no`",
    stop: () => stop(child),
  };
}
