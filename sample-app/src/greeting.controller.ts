import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Put,
} from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';

/** Body of `PUT /greeting/:name`. */
export interface GreetingBody {
  text: string;
  /** Optional TTL in ms; without it the module's default applies. */
  ttl?: number;
}

/** Manual cache use through the injected cache-manager `Cache`: get, set and del of one key per name. */
@Controller('greeting')
export class GreetingController {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  /** The stored greeting; 404 when none is cached (never set, deleted or expired). */
  @Get(':name')
  async get(@Param('name') name: string): Promise<{ name: string; text: string }> {
    const text = await this.cache.get<string>(key(name));
    if (text === undefined) throw new NotFoundException(`no greeting cached for ${name}`);
    return { name, text };
  }

  /** Stores `text` for `name`, for `ttl` ms or the module's default. */
  @Put(':name')
  async set(
    @Param('name') name: string,
    @Body() body: GreetingBody,
  ): Promise<{ name: string; text: string }> {
    // No ValidationPipe in a sample this small: check the one field by hand rather than cache garbage.
    if (typeof body?.text !== 'string') throw new BadRequestException('body must be JSON { "text": "..." }');
    await this.cache.set(key(name), body.text, body.ttl);
    return { name, text: body.text };
  }

  /** Deletes the greeting; 204 whether or not one was cached. */
  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name') name: string): Promise<void> {
    await this.cache.del(key(name));
  }
}

// A prefix keeps these keys apart from the interceptor's, which are URLs starting with `/`.
function key(name: string): string {
  return `greeting:${name}`;
}
