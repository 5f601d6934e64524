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

/** Resolves with the first stdout line of `child` that satisfies `match`; rejects if the child ends first. */
export function waitForLine(child: ChildProcess, match: (line: string) => boolean): Promise<string> {
  return new Promise((found, fail) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const line = lines.find(match);
      if (line !== undefined) {
        child.stdout?.off('data', onData);
        found(line);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => fail(new Error(`child ended (${code ?? signal}) before the line`)));
  });
}

/** Collects every stdout line `child` prints from now on. */
export function collectLines(child: ChildProcess): string[] {
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    lines.push(...complete);
  });
  return lines;
}
