// @keyv/test-suite 2.1.2 in full (keyvTestSuite + keyvIteratorTests) for both ways users wire the adapter.
import * as jest from '@jest/globals';
import keyvTestSuite, { keyvIteratorTests } from '@keyv/test-suite';
import { Keyv, type KeyvOptions } from 'keyv';
import { KeyvLmdb } from '../../lib/keyv/index.js';
import { keyvOptionsFor } from '../../lib/keyv/create-keyv.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dir.js';

// The suite is written for Vitest, whose tests receive a context holding `expect`; Jest's do not.
const vitestShim = {
  it: (name: string, fn: (context: { expect: typeof jest.expect }) => Promise<void> | void) =>
    jest.it(name, () => fn({ expect: jest.expect })),
  beforeEach: jest.beforeEach,
  afterEach: jest.afterEach,
  describe: jest.describe,
  expect: jest.expect,
};
type Suite = Parameters<typeof keyvTestSuite>;
const test = vitestShim as unknown as Suite[0];

// Keyv configured exactly as createKeyv() configures it, around the adapter the suite hands over.
class KeyvAsCreated extends Keyv {
  constructor(options?: KeyvOptions) {
    super(options?.store instanceof KeyvLmdb ? keyvOptionsFor(options.store, options.namespace) : options);
  }
}

jest.afterAll(removeTempDirs);

jest.describe('new Keyv({ store: new KeyvLmdb(options) }) with Keyv’s default serializer', () => {
  const path = tempDir('keyv-default');
  const store = () => new KeyvLmdb({ path });
  keyvTestSuite(test, Keyv, store);
  keyvIteratorTests(test, Keyv, store);
});

jest.describe('createKeyv(options): serialization off, engine namespaces', () => {
  const path = tempDir('keyv-created');
  const store = () => new KeyvLmdb({ path });
  keyvTestSuite(test, KeyvAsCreated as typeof Keyv, store);
  keyvIteratorTests(test, KeyvAsCreated as typeof Keyv, store);
});
