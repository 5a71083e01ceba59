import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';
import type { HttpReply } from '@vigil/common';

/** A database that neither answers nor fails (a hung server, a partition) is unhealthy after this long. */
export const HEALTH_TIMEOUT_MS = 3_000;
/** What /health tells a load balancer or an agent to wait before asking again. */
const RETRY_AFTER_SECONDS = 5;

@ApiTags('operations')
@Controller()
export class ObservabilityController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** 200 when the database answers within HEALTH_TIMEOUT_MS; 503 with Retry-After otherwise. */
  @Get('health')
  @ApiOkResponse({ description: 'the database answers', schema: { example: { status: 'ok' } } })
  @ApiServiceUnavailableResponse({ description: 'the database does not answer; Retry-After says when to ask again' })
  async health(@Res({ passthrough: true }) res: HttpReply) {
    if (await answersWithin(this.dataSource.query('SELECT 1'), HEALTH_TIMEOUT_MS)) return { status: 'ok' };
    res.header('Retry-After', String(RETRY_AFTER_SECONDS));
    throw new ServiceUnavailableException({ status: 'error', message: 'database unreachable' });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

/** True when `work` resolves within `ms`; false when it fails or takes longer (it is left to settle on its own). */
async function answersWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
