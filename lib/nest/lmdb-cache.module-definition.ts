import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { LmdbCacheModuleOptions } from './lmdb-cache-options.interface.js';

/** `forRoot()` / `forRootAsync()` with `isGlobal` as an extra, the options under `LMDB_CACHE_MODULE_OPTIONS`. */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: LMDB_CACHE_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<LmdbCacheModuleOptions>({ moduleName: 'LmdbCache' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createLmdbCacheOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
