/** `nestjs-lmdb-cache`: everything. Subpaths (`/store`, `/keyv`, `/compat`, …) load only the layer they name. */
export * from './store/index.js';
export * from './keyv/index.js';
export * from './compat/index.js';
export * from './nest/index.js';
