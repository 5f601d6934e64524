/**
 * Starts the sample app: `npx tsx sample-app/src/main.ts` (or `npm start`), on `PORT` (default 3000) at
 * 127.0.0.1. `WORKERS=<n>` or `--workers <n>` runs n processes behind one port with node:cluster; they all
 * open the same cache directory, which LMDB shares safely between processes.
 */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const host = '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const { values } = parseArgs({ options: { workers: { type: 'string' } } });
const workers = Number(values.workers ?? process.env.WORKERS ?? 0);

if (workers > 1 && cluster.isPrimary) {
  runPrimary(workers);
} else {
  await runServer();
}

/** One Nest application; prints the URL itself unless it is a cluster worker (the primary does). */
async function runServer(): Promise<void> {
  // Workers log warnings and errors only: n copies of Nest's start-up banner would bury the output.
  const app = await NestFactory.create(AppModule, cluster.isWorker ? { logger: ['error', 'warn'] } : {});
  // On SIGTERM/SIGINT Nest closes the app, and LmdbCacheModule commits pending writes and closes the cache.
  app.enableShutdownHooks();
  await app.listen(port, host);
  if (cluster.isPrimary)
    console.log(`Listening on http://${host}:${(app.getHttpServer().address() as AddressInfo).port}`);
}

/** Forks `count` workers, prints the URL once all listen, and stops with them on SIGTERM or Ctrl-C. */
function runPrimary(count: number): void {
  let alive = 0;
  let listening = 0;
  let stopping = false;
  const fork = () => (alive++, cluster.fork());
  cluster.on('listening', (_worker, address) => {
    if (++listening === count) console.log(`Listening on http://${host}:${address.port} (${count} workers)`);
  });
  cluster.on('exit', (worker, code, signal) => {
    alive--;
    if (stopping) {
      if (alive === 0) process.exit(0);
      return;
    }
    // A worker that dies before all are up is a start-up failure (bad CACHE_PATH, port in use): a
    // replacement would fail the same way, so give up. Later, replace it to keep serving.
    console.error(`worker ${worker.process.pid} exited (${signal ?? code})`);
    if (listening < count) process.exit(1);
    fork();
  });
  // Each worker closes its app, and so its handle on the cache, on its own signal; the primary waits.
  process.on('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
  // Ctrl-C already signals every process of the terminal's group, workers included. Not forwarded: a
  // second signal would reach a worker mid-shutdown, after Nest dropped its handlers, and kill it
  // before its cache writes are committed.
  process.on('SIGINT', () => void (stopping = true));
  for (let i = 0; i < count; i++) fork();
}
