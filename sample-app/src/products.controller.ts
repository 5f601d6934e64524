import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Delete, Get, HttpCode, Inject, Param, UseInterceptors } from '@nestjs/common';
import { CACHE_MANAGER, CacheInterceptor, CacheTTL, type Cache } from '@nestjs/cache-manager';

/** How long the simulated upstream takes, in ms (`UPSTREAM_MS`, default 300). */
const UPSTREAM_MS = Number(process.env.UPSTREAM_MS ?? 300);

/** A product as the (simulated) upstream returns it. */
export interface Product {
  id: string;
  name: string;
  priceCents: number;
  /** When the upstream produced this copy: a cached response keeps the time of the miss that filled it. */
  fetchedAt: string;
}

/**
 * Response caching with the stock `CacheInterceptor`: the first `GET /products/:id` waits for the slow
 * upstream and stores the response under the request URL; later ones, in any process on the same cache,
 * are answered from the cache. The interceptor sets `X-Cache: MISS` or `HIT` itself.
 */
@Controller('products')
export class ProductsController {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  /** The product, from the cache when present; otherwise from the upstream, then cached for 30 s. */
  @Get(':id')
  @UseInterceptors(CacheInterceptor)
  @CacheTTL(30_000)
  async findOne(@Param('id') id: string): Promise<Product> {
    await sleep(UPSTREAM_MS); // stands in for a slow database or remote API
    return {
      id,
      name: `Product ${id}`,
      priceCents: 100 * id.length + 99,
      fetchedAt: new Date().toISOString(),
    };
  }

  /** Drops the cached response, e.g. after the product changed upstream; the next GET is a MISS. */
  @Delete(':id/cache')
  @HttpCode(204)
  async invalidate(@Param('id') id: string): Promise<void> {
    // The interceptor's key is the request URL, so rebuild it; Express decoded `id`, so encode it back.
    // A GET with a query string (`/products/1?x=1`) is a different key and is not dropped here.
    await this.cache.del(`/products/${encodeURIComponent(id)}`);
  }
}
