/** `nestjs-lmdb-cache`: everything. Subpaths (`/store`, …) load only the layer they name. */
export * from './store/index.js';
