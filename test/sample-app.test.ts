import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { finished, waitForLine } from './helpers/child.js';
import { removeTempDirs, tempDir } from './helpers/temp-dir.js';

afterAll(removeTempDirs);

/** Starts the sample app on a free port and resolves with its URL once it listens. */
async function startApp(
  path: string,
  env: Record<string, string> = {},
): Promise<{ app: ChildProcess; url: string }> {
  const app = spawn(process.execPath, ['--import', 'tsx', 'sample-app/src/main.ts'], {
    env: { ...process.env, PORT: '0', CACHE_PATH: path, UPSTREAM_MS: '50', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = await waitForLine(app, (text) => text.startsWith('Listening on '));
  return { app, url: /http:\/\/\S+/.exec(line)![0] };
}

async function stopApp(app: ChildProcess): Promise<void> {
  const ended = finished(app);
  app.kill('SIGTERM');
  expect((await ended).code ?? (await ended).signal).toBeDefined();
}

async function get(url: string): Promise<{ cache: string | null; body: unknown }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return { cache: response.headers.get('x-cache'), body: await response.json() };
}

function onNewConnection(url: string): Promise<{ cache: string | null; body: unknown }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const cache = response.headers['x-cache'];
        resolve({ cache: typeof cache === 'string' ? cache : null, body: JSON.parse(text) as unknown });
      });
    }).on('error', reject);
  });
}

describe('sample app', () => {
  it('caches /products/:id: MISS, then HIT, and still HIT after a restart', async () => {
    const path = tempDir('sample');
    const first = await startApp(path);
    const miss = await get(`${first.url}/products/1`);
    expect(miss.cache).toBe('MISS');
    expect(await get(`${first.url}/products/1`)).toEqual({ cache: 'HIT', body: miss.body });
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    await stopApp(first.app);

    const second = await startApp(path);
    expect(await get(`${second.url}/products/1`)).toEqual({ cache: 'HIT', body: miss.body });
    expect((await fetch(`${second.url}/products/1/cache`, { method: 'DELETE' })).ok).toBe(true);
    expect((await get(`${second.url}/products/1`)).cache).toBe('MISS');
    await stopApp(second.app);
  });

  it('in cluster mode, every worker serves what another cached', async () => {
    const { app, url } = await startApp(tempDir('sample-cluster'), { WORKERS: '2' });
    const miss = await onNewConnection(`${url}/products/2`);
    expect(miss.cache).toBe('MISS');
    // A new connection per request, so the cluster spreads them over both workers.
    for (let i = 0; i < 10; i++) {
      expect(await onNewConnection(`${url}/products/2`)).toEqual({ cache: 'HIT', body: miss.body });
    }
    const hitsByWorker = new Map<number, number>();
    for (let i = 0; i < 40 && hitsByWorker.size < 2; i++) {
      const { body } = await onNewConnection(`${url}/stats`);
      const { pid, process: stats } = body as { pid: number; process: { hits: number } };
      hitsByWorker.set(pid, stats.hits);
    }
    expect(hitsByWorker.size).toBe(2);
    for (const hits of hitsByWorker.values()) expect(hits).toBeGreaterThan(0);
    await stopApp(app);
  });
});
