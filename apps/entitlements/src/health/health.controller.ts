import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '@app/auth';
import { IndexService } from '../index/index.service';

@Controller('health')
export class EntitlementsHealthController {
  constructor(private readonly index: IndexService) {}

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** Ready only once the index is loaded and fresh: before that every check would deny STALE_STATE. */
  @Get('ready')
  @Public()
  ready() {
    const body = { index: this.index.isLoaded ? 'loaded' : 'loading', position: String(this.index.position) };
    if (this.index.isStale(Date.now())) throw new ServiceUnavailableException({ code: 'NOT_READY', message: 'Entitlement index not loaded or stale', ...body });
    return { status: 'ok', ...body };
  }
}
