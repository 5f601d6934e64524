// The quick-start job until the NestJS sample app lands: the first run writes entries to a cache on
// disk (./.cache/demo under the repository); every later run reads the same entries back.
import { resolve } from 'node:path';
import { LmdbStore } from '../lib/store/index.js';

const path = resolve(process.env.CACHE_PATH ?? '.cache/demo');
const store = await LmdbStore.open({ path });
const users = store.namespace('users');

const firstVisit = await users.get<{ name: string; since: Date }>('ada');
if (firstVisit === undefined) {
  await users.setMany([
    { key: 'ada', value: { name: 'Ada Lovelace', since: new Date(), tags: new Set(['math', 'poetry']) } },
    { key: 'alan', value: { name: 'Alan Turing', since: new Date(), tags: new Set(['machines']) } },
  ]);
  await store.set('visits', 1);
  await store.flush();
  console.log(`First run: wrote 2 users and a visit counter to ${path}.`);
  console.log('Run the same command again: the entries will be read back from disk.');
} else {
  const visits = ((await store.get<number>('visits')) ?? 0) + 1;
  await store.set('visits', visits);
  console.log(`Run ${visits}: read back from ${path}:`);
  for await (const [key, user] of users.entries<{ name: string; since: Date; tags: Set<string> }>()) {
    console.log(
      `  ${key}: ${user.name}, cached ${user.since.toISOString()}, tags ${[...user.tags].join(', ')}`,
    );
  }
}
console.log('stats:', store.stats());
await store.close();
