import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** How to start a fixture. */
export interface FixtureOptions {
  /** Node flags before the script, e.g. `['--expose-gc']`. */
  nodeArgs?: readonly string[];
  /** Opens an IPC channel (`process.send` / `'message'`) for fixtures driven round by round. */
  ipc?: boolean;
}

/**
 * Starts `bench/fixtures/<name>.ts` in a real Node child process (TypeScript through tsx), so what it
 * measures (memory, open time, reads) is a fresh process's, not this one's. stdout and stderr are piped.
 */
export function startFixture(
  name: string,
  args: readonly string[] = [],
  { nodeArgs = [], ipc = false }: FixtureOptions = {},
): ChildProcess {
  const file = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  // cwd at the repository root, where `--import tsx` resolves.
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
}

/**
 * Runs a fixture to its end and returns its last stdout line parsed as JSON (its result).
 * @throws Error with the child's stderr when it exits non-zero
 */
export async function runFixture<T>(
  name: string,
  args: readonly string[] = [],
  options: FixtureOptions = {},
): Promise<T> {
  const child = startFixture(name, args, options);
  const output = collectOutput(child);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new Error(`fixture ${name} ended with ${code ?? signal}:\n${output.stderr}`);
  }
  const lines = output.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Everything a child prints, accumulated as it arrives (read the fields once it has closed). */
export function collectOutput(child: ChildProcess): { stdout: string; stderr: string } {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return output;
}
