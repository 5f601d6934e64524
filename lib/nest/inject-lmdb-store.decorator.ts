import { Inject } from '@nestjs/common';
import { LMDB_STORE } from './lmdb-cache.constants.js';

/** Injects the module's `LmdbStore` (root namespace): stats, namespaces, `sweep()`, `flush()`. */
export const InjectLmdbStore = (): PropertyDecorator & ParameterDecorator => Inject(LMDB_STORE);
