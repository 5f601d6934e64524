import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';

/** Packages whose versions decide the figures: ours underneath, then every peer measured. */
const PACKAGES = [
  'lmdb',
  'msgpackr',
  'cache-manager',
  'keyv',
  '@nestjs/cache-manager',
  'classic-level',
  '@keyv/sqlite',
  'sqlite3',
  'cache-manager-fs-hash',
  '@keyv/redis',
  'autocannon',
];

/**
 * The lines that make a run's figures comparable: when, the machine, its load, and every version that
 * matters (packages as installed, and the redis-server binary when there is one).
 */
export function describeMachine(): string[] {
  const cpu = cpus();
  return [
    `- date: ${new Date().toISOString()}`,
    `- cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}; memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- os: ${platform()} ${release()} ${arch()}; load average at start: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
    `- node ${process.version}; ${PACKAGES.map(installed).join(', ')}; ${redisServer()}`,
    `- data in ${tmpdir()}`,
  ];
}

// `name@version`, or `name (not installed)`.
function installed(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return `${name}@${(JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version}`;
  } catch {
    return `${name} (not installed)`;
  }
}

function redisServer(): string {
  try {
    const version = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    return `redis-server ${/v=(\S+)/.exec(version)?.[1] ?? 'unknown'}`;
  } catch {
    return 'no redis-server';
  }
}
