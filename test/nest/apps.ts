// Controllers and modules the Nest tests mount. Constructor parameters use explicit @Inject tokens: the
// fixtures also run under tsx, which emits no decorator metadata.
import { Controller, Get, Inject, Module, Param, UseInterceptors } from '@nestjs/common';
import { CACHE_MANAGER, CacheInterceptor, CacheKey, CacheTTL, type Cache } from '@nestjs/cache-manager';

/** Counts upstream calls, so a test can tell a cached response from a computed one. */
export class Upstream {
  calls = 0;
}

@Controller()
@UseInterceptors(CacheInterceptor)
export class ProductsController {
  constructor(@Inject(Upstream) private readonly upstream: Upstream) {}

  @Get('products/:id')
  @CacheTTL(10_000)
  product(@Param('id') id: string): { id: string; call: number } {
    return { id, call: ++this.upstream.calls };
  }

  @Get('featured')
  @CacheKey('featured-products')
  featured(): { call: number } {
    return { call: ++this.upstream.calls };
  }
}

/** Reads and writes the cache by hand through `CACHE_MANAGER`. */
@Controller('manual')
export class ManualController {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  @Get(':key')
  async read(@Param('key') key: string): Promise<{ value: unknown }> {
    return { value: (await this.cache.get(key)) ?? null };
  }
}

/** A feature module that imports no cache module: it relies on a global one. */
@Module({ controllers: [ManualController] })
export class FeatureModule {}
