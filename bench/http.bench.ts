import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import {
  measure,
  ratioLine,
  timed,
  withTempDir,
  type BenchOptions,
  type Case,
  type Report,
  type Row,
} from './harness.js';
import { NO_REDIS_NOTE, startRedisServer, type RedisServer } from './redis-server.js';
import { freePort, stop } from './spawned.js';

interface Sizes {
  /** Seconds of load per recorded repetition. */
  seconds: number;
  reps: number;
  /** Seconds of the one unrecorded warm-up run per backend (see below). */
  warmupSeconds: number;
}

const FULL: Sizes = { seconds: 8, reps: 5, warmupSeconds: 4 };
// Quick mode trades a steadier median for the 2-minute budget of a quick run of every scenario.
const QUICK: Sizes = { seconds: 2, reps: 3, warmupSeconds: 3 };
// Warm-up: a fresh app (and autocannon) serves ~2x fewer requests/s in its first 3–6 s of load than later,
// while V8 optimises the request path; a 1 s warm-up left the first round that slow on a 2-CPU machine.
/** autocannon connections, each with one request in flight: a busy, not saturating, client population. */
const CONNECTIONS = 10;
/** Delay of the sample app's simulated upstream, in ms: what a MISS costs. */
const UPSTREAM_MS = 300;
/** The endpoint under load: cached by `CacheInterceptor` (key: this URL, TTL 30 s). */
const PATH = '/products/1';
/** How long an app may take to start, in ms. */
const START_TIMEOUT_MS = 30_000;

const REPO = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join('sample-app', 'src', 'main.ts');

const OURS = 'this store (LmdbCacheModule)';
const MEMORY = 'in-memory (CacheModule default)';
const REDIS = 'redis (CacheModule + @keyv/redis)';

/** One way of running the sample app: `env` is merged over the bench's own environment. */
interface Backend {
  name: string;
  env: Record<string, string | undefined>;
}

/** A running app: its URL, what its first requests showed, the p99s of its recorded runs. */
interface App {
  backend: Backend;
  child: ChildProcess;
  url: string;
  /** Wall-clock ms of each uncached request (the MISS of every refill). */
  missMs: number[];
  p99s: number[];
}

/**
 * The sample app (NestJS 12, platform-express) under HTTP load, once per cache backend: this library's
 * module, @nestjs/cache-manager's default in-memory store, and Redis when `redis-server` is installed.
 * Each app is a child process; autocannon in this process loads the cached `GET /products/1`. Rates are
 * requests per second.
 */
export async function runHttpBench({ quick }: BenchOptions): Promise<Report> {
  const sizes = quick ? QUICK : FULL;
  return withTempDir('bench-http', async (dir) => {
    let redis: RedisServer | undefined;
    const apps: App[] = [];
    try {
      const backends: Backend[] = [
        { name: OURS, env: { CACHE_STORE: undefined, CACHE_PATH: join(dir, 'lmdb') } },
        { name: MEMORY, env: { CACHE_STORE: 'memory' } },
      ];
      redis = await startRedisServer();
      if (redis) backends.push({ name: REDIS, env: { CACHE_STORE: 'redis', REDIS_URL: redis.url } });
      // Started one after another so their start-ups do not compete; idle apps cost nothing during a run.
      for (const backend of backends) apps.push(await startApp(backend));
      const rows = await measure(
        apps.map((app) => loadCase(app, sizes)),
        { reps: sizes.reps },
      );
      return await report(rows, apps, sizes, redis);
    } finally {
      await Promise.all(apps.map((app) => stop(app.child)));
      await redis?.stop();
    }
  });
}

async function report(
  rows: Row[],
  apps: readonly App[],
  sizes: Sizes,
  redis: RedisServer | undefined,
): Promise<Report> {
  const packages = [
    '@nestjs/core',
    '@nestjs/cache-manager',
    'cache-manager',
    'keyv',
    '@keyv/redis',
    'autocannon',
  ];
  const versions = await Promise.all(packages.map(version));
  const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
  const ratios = [
    ratioLine(rows, {
      label: 'cached GET',
      ours: OURS,
      peer: MEMORY,
      as: 'this store / in-memory',
      target: 0.9,
    }),
  ];
  if (redis)
    ratios.push(ratioLine(rows, { label: 'cached GET', ours: OURS, peer: REDIS, as: 'this store / redis' }));
  return {
    title: `HTTP: the sample app's cached GET under autocannon (${CONNECTIONS} connections, ${sizes.seconds} s per run)`,
    rows,
    notes: [
      `p99 latency (median of the recorded runs): ${apps.map((a) => `${a.backend.name} ${ms(middle(a.p99s))}`).join('; ')}.`,
      `An uncached request (X-Cache: MISS, upstream simulated with a ${UPSTREAM_MS} ms timer) took ` +
        `${apps.map((a) => `${ms(middle(a.missMs))} (${a.backend.name})`).join(', ')} (median); every ` +
        'loaded request was a HIT (checked: autocannon compared each body with the cached one).',
      `Each app is \`node --import tsx ${MAIN}\` in its own process (no cluster; Nest logs nothing per ` +
        `request); \`GET ${PATH}\` goes through \`CacheInterceptor\` to \`cache.get()\` and back as JSON. Rows are ` +
        `2xx responses per second of wall-clock time; any non-2xx, error or timeout fails the run.`,
      'Before every run (untimed) the entry is invalidated through `DELETE /products/1/cache` and refilled by ' +
        'one MISS, so it cannot expire (30 s TTL) during the run. Rows ran ' +
        `interleaved, round by round, after one ${sizes.warmupSeconds} s warm-up run each (unrecorded); ${sizes.reps} rounds. ` +
        '± is half the min–max range, as % of the median.',
      'autocannon runs in the bench process, on the same machine: the figures include its CPU share, and ' +
        'compare backends, not absolute server capacity.',
      redis ? `redis-server started by the bench with ${redis.flags} (no persistence).` : NO_REDIS_NOTE,
      `${versions.join(', ')}.`,
    ],
    ratios,
  };
}

/**
 * One autocannon run against `app` per repetition, on an entry refilled just before, so it cannot expire
 * mid-run. Every response must be a 2xx with the cached body: a MISS would carry a new `fetchedAt`.
 */
function loadCase(app: App, sizes: Sizes): Case {
  return {
    name: app.backend.name,
    repetition: async (rep) => {
      const body = await refill(app);
      let p99 = 0;
      const repetition = await timed(async () => {
        const result = await autocannon({
          url: app.url + PATH,
          connections: CONNECTIONS,
          duration: rep < 0 ? sizes.warmupSeconds : sizes.seconds,
          expectBody: body,
        });
        const failed = result.non2xx + result.errors + result.timeouts + result.mismatches;
        if (failed > 0)
          throw new Error(`${app.backend.name}: ${failed} failed or uncached of ${result.requests.total}`);
        p99 = result.latency.p99;
        return result['2xx'];
      });
      if (rep >= 0) app.p99s.push(p99);
      return repetition;
    },
  };
}

/**
 * Invalidates the entry through the app's `DELETE /products/:id/cache`, then reads it twice: a MISS that
 * stores it with a fresh 30 s TTL (timed, for the notes), then a HIT with the same body.
 * @returns the cached body
 * @throws Error when the cache does not answer MISS, then HIT with the body the MISS returned
 */
async function refill(app: App): Promise<string> {
  await request(app, 'DELETE', `${PATH}/cache`);
  const start = performance.now();
  const miss = await request(app, 'GET', PATH);
  app.missMs.push(performance.now() - start);
  const hit = await request(app, 'GET', PATH);
  if (miss.cache !== 'MISS' || hit.cache !== 'HIT' || hit.body !== miss.body)
    throw new Error(`${app.backend.name}: X-Cache ${miss.cache} then ${hit.cache}, not MISS then HIT`);
  return hit.body;
}

/**
 * Starts the sample app on a free port with `backend`'s environment and waits for its `Listening on`
 * line; then checks the cached endpoint answers MISS, then HIT (see {@link refill}).
 * @throws Error when the app exits or stays silent for {@link START_TIMEOUT_MS}, with its stderr
 */
async function startApp(backend: Backend): Promise<App> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    UPSTREAM_MS: String(UPSTREAM_MS),
  };
  for (const [key, value] of Object.entries(backend.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: REPO, env, stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const app: App = { backend, child, url: '', missMs: [], p99s: [] };
  try {
    app.url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error('no "Listening on" line')), START_TIMEOUT_MS);
      // Read to the end, not just to the line: a pipe nobody drains would block the app once full.
      child.stdout.on('data', (chunk: Buffer) => {
        stdout = (stdout + chunk.toString()).slice(-4_000);
        const url = /Listening on (http:\/\/\S+)/.exec(stdout)?.[1];
        if (url === undefined) return;
        clearTimeout(timer);
        resolve(url);
      });
      child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code}) before listening`)));
    });
    await refill(app);
    return app;
  } catch (error) {
    await stop(child);
    throw new Error(`sample app (${backend.name}): ${(error as Error).message}\n${stderr}`, { cause: error });
  }
}

/** One request to the app; resolves to its `X-Cache` header and body. */
async function request(
  app: App,
  method: string,
  path: string,
): Promise<{ cache: string | null; body: string }> {
  const response = await fetch(app.url + path, { method });
  const body = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${body}`);
  return { cache: response.headers.get('x-cache'), body };
}

/** `name version`, from the installed package's package.json. */
async function version(name: string): Promise<string> {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  const { version } = JSON.parse(await readFile(url, 'utf8')) as { version: string };
  return `${name} ${version}`;
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
