import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** Output of a finished child process. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `test/fixtures/<fixture>.ts` in a real Node child process (TypeScript through tsx). */
export function startFixture(fixture: string, args: readonly string[] = []): ChildProcess {
  const file = resolve('test/fixtures', `${fixture}.ts`);
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a child to end and collects what it printed. */
export function finished(child: ChildProcess): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/**
 * Runs a fixture to completion and returns its last stdout line parsed as JSON.
 * @throws Error with the child's stderr when it exits non-zero.
 */
export async function runFixture<T = unknown>(fixture: string, args: readonly string[] = []): Promise<T> {
  const result = await finished(startFixture(fixture, args));
  if (result.code !== 0) {
    throw new Error(`fixture ${fixture} exited with ${result.code ?? result.signal}:\n${result.stderr}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
